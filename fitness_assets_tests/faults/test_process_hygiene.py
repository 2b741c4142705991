"""Process hygiene under `kill -9`, with real processes: parse workers die with the run that
started them, the embedded server forgets handles of dead processes (so it stops when the last
live user exits), and a run killed mid-way is followed by a clean re-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from fitness_assets.lib.core.processes import process_alive, process_started_at
from tools.generate import write_sample_exports

REPO = Path(__file__).resolve().parents[2]

# A child that attaches to the embedded server, then parses two "large" snapshots in the worker
# pool. Each snapshot's raw file is a FIFO: a worker opening it blocks there, inside the parse,
# until the test opens the other end, so the test knows exactly when the workers are mid-parse.
PARSING_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from fitness_assets.lib.silver import build as silver_build
    from fitness_assets.lib.warehouse.database import embedded_server
    from fitness_assets.lib.raw.zone import ManifestEntry

    home, raw = Path(sys.argv[1]), Path(sys.argv[2])
    server = embedded_server(home)
    print(json.dumps({"postmaster": server.get_pid()}), flush=True)
    jobs = []
    for name in sorted(p.name for p in raw.iterdir()):
        entry = ManifestEntry(sha256=name.ljust(64, "0"), athlete_id="me", file_name=name,
                              size_bytes=silver_build.PARALLEL_PARSE_MIN_BYTES, detected_format="hevy_csv",
                              row_count=0, landed_at="", raw_path=name, data_until="", file_modified_at="")
        jobs.append((raw, entry, silver_build.WORKOUTS, [], "", None))
    silver_build._parse_all(jobs)
""")

# A well-behaved user: attach, report the handle list as the server sees it, exit normally.
ATTACHING_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from fitness_assets.lib.warehouse.database import embedded_server

    server = embedded_server(Path(sys.argv[1]))
    print(json.dumps({"postmaster": server.get_pid(), "handles": json.loads(
        (Path(sys.argv[1]) / "pgdata" / ".handle_pids.json").read_text())}), flush=True)
""")


def _environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}
    return environment | {"PYTHONPATH": str(REPO)} | extra


def _wait_until(condition, seconds: float, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what() if callable(what) else what}")


def _survivors(processes: list[psutil.Process]) -> list[tuple[int, int, str]]:
    found = []
    for process in processes:
        try:
            if process_alive(process.pid):
                found.append((process.pid, process.ppid(), " ".join(process.cmdline())[:80]))
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue  # it exited between the two questions (seen once in CI: a `tail` turning zombie)
    return found


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        if proc.info["name"] == "postgres" and str(pgdata) in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return [p for p in found if process_alive(p.pid)]


def _stop_postgres(pgdata: Path) -> None:
    """Last-resort cleanup so a failing test leaves no server behind."""
    for proc in _postgres_processes(pgdata):
        try:
            proc.kill()
        except psutil.Error:
            pass


def _kill_all(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _python_descendants(pid: int) -> list[psutil.Process]:
    """Descendants other than the PostgreSQL server (which pg_ctl daemonises anyway)."""
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if p.name() != "postgres"]
    except psutil.NoSuchProcess:
        return []


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "home"
    yield home
    _stop_postgres((home / "pgdata").resolve())


def test_kill_9_of_a_parsing_process_leaves_no_workers_and_no_stale_handle(tmp_path, home):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("the parse pool needs two cores")
    raw = tmp_path / "raw"
    raw.mkdir()
    fifos = [raw / "a.csv", raw / "b.csv"]
    for fifo in fifos:
        os.mkfifo(fifo)
    pgdata = (home / "pgdata").resolve()
    child = subprocess.Popen([sys.executable, "-c", PARSING_CHILD, str(home), str(raw)], env=_environment(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writers: list[int] = []
    helpers: list[psutil.Process] = []
    try:
        postmaster = json.loads(child.stdout.readline())["postmaster"]

        def open_writer(fifo: Path):
            try:  # succeeds only once a worker has the FIFO open for reading, i.e. is mid-parse
                return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                assert child.poll() is None, child.stderr.read()
                return None

        for fifo in fifos:
            writers.append(_wait_until(lambda: open_writer(fifo), 60, f"a worker reading {fifo.name}"))

        helpers = _python_descendants(child.pid)
        forkservers = [p for p in helpers if p.ppid() == child.pid and "forkserver" in " ".join(p.cmdline())]
        workers = [p for p in helpers if p.ppid() != child.pid]
        # With forkserver the workers' parent is the fork server, a child of the run: not the run.
        assert len(forkservers) == 1 and len(workers) == 2, [(p.pid, p.ppid(), p.cmdline()) for p in helpers]
        assert {w.ppid() for w in workers} == {forkservers[0].pid}

        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL

        # Workers, fork server and resource tracker all go, though the workers were blocked mid-read.
        _wait_until(lambda: not _survivors(helpers), 5, lambda: f"the run's helpers to exit: {_survivors(helpers)}")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        _kill_all(p.pid for p in helpers)
        for fd in writers:
            os.close(fd)

    # The killed process never detached: its pid is still in the handle file, the server still up.
    handles = json.loads((pgdata / ".handle_pids.json").read_text())
    assert child.pid in handles
    assert process_alive(postmaster)
    # And a recycled pid: listed with the start of the process that held it, now a live stranger's.
    started = json.loads((pgdata / ".handle_pids.started.json").read_text())
    (pgdata / ".handle_pids.json").write_text(json.dumps([*handles, os.getpid()]))
    (pgdata / ".handle_pids.started.json").write_text(
        json.dumps(started | {str(os.getpid()): process_started_at(os.getpid()) - 100}))

    # The next process to attach forgets both; when it exits it is the last live user,
    # so it stops the server.
    attach = subprocess.run([sys.executable, "-c", ATTACHING_CHILD, str(home)], env=_environment(),
                            capture_output=True, text=True, timeout=120)
    assert attach.returncode == 0, attach.stderr
    seen = json.loads(attach.stdout)
    assert seen["postmaster"] == postmaster  # attached to the running server, not a second one
    assert child.pid not in seen["handles"] and os.getpid() not in seen["handles"] and len(seen["handles"]) == 1
    assert not process_alive(postmaster)
    assert _postgres_processes(pgdata) == []
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == []


def test_the_parse_pool_gives_the_serial_result_and_ends_its_workers(tmp_path, monkeypatch):
    """Watching the owner changes nothing else: a pool parse equals the in-process parse."""
    import dataclasses

    import pandas as pd

    from fitness_assets.lib.raw.zone import land_inbox
    from fitness_assets.lib.silver import build as silver_build
    from tools.generate import write_benchmark_exports

    if (os.cpu_count() or 1) < 2:
        pytest.skip("the parse pool needs two cores")
    exports = write_benchmark_exports(tmp_path / "inbox", 3_001, 2, seed=3)
    manifest, _ = land_inbox(exports.inbox, tmp_path / "raw")
    serial = silver_build.build_silver(tmp_path / "raw", manifest)

    workers: list[int] = []

    class WatchedPool(silver_build.ProcessPoolExecutor):
        def shutdown(self, *args, **kwargs):
            workers.extend(self._processes or {})
            super().shutdown(*args, **kwargs)

    monkeypatch.setattr(silver_build, "ProcessPoolExecutor", WatchedPool)
    monkeypatch.setattr(silver_build, "PARALLEL_PARSE_MIN_BYTES", 0)
    parallel = silver_build.build_silver(tmp_path / "raw", manifest)
    assert len(workers) >= 2  # the pool ran, a worker per core
    _wait_until(lambda: not any(process_alive(pid) for pid in workers), 5, "the pool's workers to exit")

    for field in dataclasses.fields(serial):
        mine, theirs = getattr(serial, field.name), getattr(parallel, field.name)
        if isinstance(mine, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs)
        else:
            assert mine == theirs, field.name


def test_a_run_killed_mid_way_is_followed_by_a_clean_re_run(tmp_path):
    workdir = tmp_path / "cli"
    workdir.mkdir()
    pgdata = (workdir / ".fitness" / "pgdata").resolve()
    command = [sys.executable, "-m", "fitness_assets.cli"]
    try:
        # Lifting and diet only: the test is about processes, and the MapMyRun history's 159
        # running-only weeks would add a minute of report charts to the re-run.
        write_sample_exports(workdir / "inbox")["mapmyrun"].unlink()

        run = subprocess.Popen([*command, "run"], cwd=workdir, env=_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stderr = []
        try:
            for line in run.stderr:
                stderr.append(line)
                if line.startswith("[1/3]"):
                    break
            assert any(line.startswith("[1/3]") for line in stderr), "".join(stderr)
            time.sleep(3)  # well into the ingest job: landing, parsing, loading the warehouse
            assert run.poll() is None, "the run ended before it could be killed: " + "".join(stderr)
            helpers = _python_descendants(run.pid)
            run.send_signal(signal.SIGKILL)
            assert run.wait(10) == -signal.SIGKILL
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
        _wait_until(lambda: not _survivors(helpers), 5,
                    lambda: f"the killed run's helpers to exit: {_survivors(helpers)}")

        rerun = subprocess.run([*command, "run"], cwd=workdir, env=_environment(),
                               capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stderr
        assert "[3/3] reports" in rerun.stderr and "Done in" in rerun.stdout
        # The re-run was the last live user of the server (the killed run's handle is forgotten).
        assert _postgres_processes(pgdata) == []
    finally:
        _stop_postgres(pgdata)
