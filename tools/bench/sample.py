"""What a newcomer waits for: `fitness run` on the sample, and a one-week refresh (issue 15).

    python -m tools.bench.run --only sample

Runs the real command line (`python -m fitness_assets.cli`) in a fresh folder on the sample
exports, with its own embedded PostgreSQL, then reads the runs back from the Dagster instance:
Dagster's own start and end of each run, so process start-up, imports and the embedded server's
start are outside `sample_run_s` (they are in `sample_command_s`).

- `sample_run_s`: the three runs of `fitness run` (ingest, payloads, reports), summed.
- `report_ms_per_week`: the `weekly_report` step of that run ÷ the athlete-weeks it wrote
  (Markdown, grounding check and three charts each).
- `refresh_run_s`: `fitness backfill` of the latest week after a changed payload (payload run +
  report run, start to end of each, summed).

The whole measurement is repeated REPEATS times, each in a fresh folder with its own embedded
server, and the run with the median `sample_run_s` is reported with every repeat's figures beside
it: on this shared 2-core VM single runs of the same commit varied from 10.2 to 13.4 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REPEATS = 3

_RUN_STATS = r"""
import json, dagster as dg
from fitness_assets.cli import prepare_dagster_instance
from fitness_assets.defs.resources import configuration_from
prepare_dagster_instance(configuration_from())
with dg.DagsterInstance.get() as instance:
    runs = []
    for run in reversed(instance.get_runs(limit=20)):
        stats = instance.get_run_stats(run.run_id)
        steps = {s.step_key: s.end_time - s.start_time for s in instance.get_run_step_stats(run.run_id)
                 if s.end_time and s.start_time}
        runs.append({"job": run.job_name, "status": run.status.value, "tags": dict(run.tags),
                     "seconds": stats.end_time - stats.start_time, "steps": steps})
print(json.dumps(runs))
"""


def _environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}
    env["PYTHONPATH"] = str(REPO)
    return env


def _fitness(args: list[str], workdir: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "fitness_assets.cli", *args], cwd=workdir,
                            env=_environment(workdir), capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"fitness {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started, result


def _runs(workdir: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-c", _RUN_STATS], cwd=workdir, env=_environment(workdir),
                         capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(workdir: Path, repeats: int = REPEATS) -> dict:
    """`measure_once` `repeats` times; the median one by `sample_run_s`, with each repeat's figures."""
    measured = [measure_once(workdir / f"repeat_{n}") for n in range(1, repeats + 1)]
    ordered = sorted(measured, key=lambda m: m["sample_run_s"])
    median = ordered[len(ordered) // 2]
    return median | {"repeats": [{name: m[name] for name in ("sample_run_s", "report_ms_per_week", "refresh_run_s",
                                                             "sample_command_s")} for m in measured]}


def measure_once(workdir: Path) -> dict:
    from tools.generate import write_sample_exports

    workdir.mkdir(parents=True, exist_ok=True)
    write_sample_exports(workdir / "inbox")
    command_s, _ = _fitness(["run"], workdir)
    first = _runs(workdir)
    reports = sum(1 for _ in (workdir / ".fitness" / "reports").rglob("report.md"))
    report_step = next(r["steps"]["weekly_report"] for r in first if r["job"] == "weekly_report_job")

    # A one-week refresh: the latest week's payload changes (its file is removed), then backfilled.
    payloads = sorted((workdir / ".fitness" / "payloads").glob("weekly_fitness_context_*.json"))
    latest_week = payloads[-1].stem.rsplit("_", 1)[1]
    payloads[-1].unlink()
    refresh_command_s, _ = _fitness(["backfill", "--from", latest_week, "--to", latest_week], workdir)
    refresh = _runs(workdir)[len(first):]
    return {
        "sample_run_s": sum(r["seconds"] for r in first),
        "sample_command_s": command_s,
        "sample_runs": [{"job": r["job"], "seconds": r["seconds"], "status": r["status"]} for r in first],
        "report_ms_per_week": 1000 * report_step / reports,
        "report_step_s": report_step,
        "reports": reports,
        "refresh_week": latest_week,
        "refresh_run_s": sum(r["seconds"] for r in refresh),
        "refresh_command_s": refresh_command_s,
        "refresh_runs": [{"job": r["job"], "seconds": r["seconds"], "status": r["status"]} for r in refresh],
    }
