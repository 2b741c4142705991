"""The user-facing commands, run as a user runs them: as subprocesses of the installed CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.generate import write_sample_exports

REPO = Path(__file__).resolve().parents[2]


def fitness(args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "fitness_assets.cli", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The sample exports, then `fitness run` on the embedded default (no FITNESS_DATABASE_URL)."""
    workdir = tmp_path_factory.mktemp("cli")
    write_sample_exports(workdir / "inbox")
    result = fitness(["run"], workdir)
    yield workdir, result
    # Stop the embedded server this module started (its handle lives in the finished process).
    from fitness_assets.lib.warehouse.database import embedded_server
    embedded_server(workdir / ".fitness").cleanup()


def test_run_on_sample_data_builds_every_layer(sample_run):
    workdir, result = sample_run
    assert result.returncode == 0, result.stderr
    assert "[1/3] ingest" in result.stderr and "[2/3] payloads" in result.stderr  # progress while it works
    assert "[3/3] reports" in result.stderr
    summary: dict[str, str] = dict(line.strip().rsplit(None, 1) for line in result.stdout.splitlines()
                   if line.startswith("  ") and line.strip()[-1].isdigit())
    assert int(summary["sets"].replace(",", "")) > 9_000
    assert int(summary["diet days"].replace(",", "")) > 900
    assert int(summary["activities"].replace(",", "")) > 1_000  # the sample's MapMyRun history
    assert int(summary["labelled run"].replace(",", "")) > 300 and int(summary["labelled walk"].replace(",", "")) > 300
    weeks = int(summary["gold athlete-weeks"].replace(",", ""))
    payloads = sorted((workdir / ".fitness" / "payloads").glob("weekly_fitness_context_*.json"))
    assert len(payloads) == weeks == int(summary["payload files"].replace(",", "")) >= 150
    from fitness_assets.lib.payloads.payload import validate_payload
    for path in payloads:
        validate_payload(json.loads(path.read_text("utf-8")))


RECORDED_SAMPLE_RUN = Path(__file__).resolve().parents[1] / "data" / "sample_run_sha256.txt"


def test_the_sample_run_writes_the_recorded_bytes(sample_run):
    """Every payload, report and chart of `fitness run` on the sample, byte for byte as recorded
    before the issue 10 renovation (sha256sum format). A change that alters any of them on
    purpose re-records the file, and says why in its commit."""
    workdir, result = sample_run
    assert result.returncode == 0, result.stderr
    home = workdir / ".fitness"
    written = {str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
               for folder in ("payloads", "reports") for path in sorted((home / folder).rglob("*")) if path.is_file()}
    recorded = {name: digest for digest, name in
                (line.split(None, 1) for line in RECORDED_SAMPLE_RUN.read_text().splitlines())}
    assert len(recorded) > 900
    assert sorted(set(recorded) ^ set(written)) == []
    assert [name for name in sorted(recorded) if recorded[name] != written[name]] == []


def test_every_week_gets_a_grounded_template_report_and_charts(sample_run):
    from xml.etree import ElementTree

    from fitness_assets.lib.reports.grounding import ungrounded_numbers

    workdir, result = sample_run
    home = workdir / ".fitness"
    payloads = sorted((home / "payloads").glob("weekly_fitness_context_*.json"))
    reports = sorted((home / "reports").glob("*/report.md"))
    assert len(reports) == len(payloads) >= 150
    assert int(dict(line.strip().rsplit(None, 1) for line in result.stdout.splitlines()
                    if line.strip().startswith("report files"))["report files"]) == len(reports)
    for path in payloads:
        week = path.stem.rsplit("_", 1)[1]
        text = (home / "reports" / week / "report.md").read_text("utf-8")
        assert ungrounded_numbers(text, json.loads(path.read_text("utf-8"))) == [], week
        assert text.startswith(f"# Weekly report: week of {week}")
        for chart in ("muscle_sets.svg", "load_trend.svg", "bodyweight_calories.svg"):
            svg = ElementTree.fromstring((home / "reports" / week / chart).read_bytes())
            assert (svg.tag, svg.get("width"), svg.get("height")) == ("{http://www.w3.org/2000/svg}svg", "630", "324")


def test_runs_are_recorded_in_the_postgres_backed_instance(sample_run):
    workdir, _ = sample_run
    dagster_home = workdir / ".fitness" / "dagster"
    assert (dagster_home / "dagster.yaml").read_text() == (REPO / "dagster.yaml").read_text()
    script = ("import dagster as dg, os\n"
              "from fitness_assets.cli import prepare_dagster_instance\n"
              "from fitness_assets.defs.resources import configuration_from\n"
              "prepare_dagster_instance(configuration_from())\n"
              "i = dg.DagsterInstance.get()\n"
              "print(type(i.run_storage).__name__, sorted({r.job_name for r in i.get_runs()}))")
    out = subprocess.run([sys.executable, "-c", script], cwd=workdir, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "PostgresRunStorage"
    assert "ingest_job" in out.stdout and "weekly_payload_job" in out.stdout


# The webserver's query for a job's Runs tab, answered by the GraphQL schema the webserver serves,
# over workspace.yaml loaded as the webserver loads it (a gRPC code server).
JOB_RUNS_SCRIPT = """
import json, sys
import dagster as dg
from dagster_graphql.test.utils import define_out_of_process_context, execute_dagster_graphql
from fitness_assets.cli import WORKSPACE, prepare_dagster_instance
from fitness_assets.defs.resources import configuration_from

QUERY = '''
query JobRuns($selector: PipelineSelector!) {
  pipelineOrError(params: $selector) {
    __typename
    ... on Pipeline { runs { runId status repositoryOrigin { repositoryLocationName repositoryName } } }
  }
}'''
prepare_dagster_instance(configuration_from())
with dg.DagsterInstance.get() as instance, define_out_of_process_context(str(WORKSPACE), None, instance) as context:
    answer = {}
    for job in sys.argv[1:]:
        selector = {"repositoryLocationName": "fitness_assets", "repositoryName": "__repository__", "pipelineName": job}
        result = execute_dagster_graphql(context, QUERY, {"selector": selector})
        assert not result.errors, result.errors
        answer[job] = result.data["pipelineOrError"]
    answer["origins"] = [[run.job_name, run.remote_job_origin.location_name,
                          run.remote_job_origin.repository_origin.repository_name] for run in instance.get_runs()]
    answer["report_steps"] = [run.step_keys_to_execute for run in instance.get_runs() if run.job_name == "weekly_report_job"]
print("ANSWER", json.dumps(answer))  # the code server logs to stdout too
"""


def test_runs_of_fitness_run_are_on_their_jobs_runs_tab(sample_run):
    """Each run `fitness run` starts carries the code location's remote origin (workspace.yaml's
    location and repository), so the webserver lists it under its job like a daemon-launched run."""
    workdir, _ = sample_run
    jobs = ["ingest_job", "weekly_payload_job", "weekly_report_job"]
    out = subprocess.run([sys.executable, "-c", JOB_RUNS_SCRIPT, *jobs], cwd=workdir, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))},
                         timeout=300)
    assert out.returncode == 0, out.stderr
    [answer] = [json.loads(line.split(None, 1)[1]) for line in out.stdout.splitlines() if line.startswith("ANSWER ")]
    assert answer["origins"] and all(origin[1:] == ["fitness_assets", "__repository__"] for origin in answer["origins"])
    for job in jobs:
        assert answer[job]["__typename"] == "Pipeline", answer[job]
        runs = answer[job]["runs"]
        assert runs and all(run["status"] == "SUCCESS" for run in runs), (job, runs)
        assert {run["repositoryOrigin"]["repositoryLocationName"] for run in runs} == {"fitness_assets"}
    # No FITNESS_S3_BUCKET: the report run leaves out published_reports, which would publish nothing.
    assert answer["report_steps"] == [["weekly_report"]]


def test_second_run_is_idempotent(sample_run):
    workdir, _ = sample_run
    payload_dir = workdir / ".fitness" / "payloads"
    before = {p.name: p.read_bytes() for p in payload_dir.iterdir()}
    report_dir = workdir / ".fitness" / "reports"
    reports_before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in report_dir.glob("**/*") if p.is_file()}
    result = fitness(["run"], workdir)
    assert result.returncode == 0, result.stderr
    assert "rows written this run: 0" in result.stderr
    assert {p.name: p.read_bytes() for p in payload_dir.iterdir()} == before
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in report_dir.glob("**/*") if p.is_file()} == reports_before


def test_backfill_rewrites_a_range_of_weeks_in_one_run_per_job(sample_run):
    workdir, _ = sample_run
    home = workdir / ".fitness"
    weeks = ["2025-03-03", "2025-03-10", "2025-03-17"]
    payloads = {w: home / "payloads" / f"weekly_fitness_context_{w}.json" for w in weeks}
    kept = {w: p.read_bytes() for w, p in payloads.items()}
    for path in payloads.values():
        path.unlink()
    (home / "reports" / weeks[1] / "report.md").unlink()

    result = fitness(["backfill", "--from", weeks[0], "--to", weeks[-1]], workdir)
    assert result.returncode == 0, result.stderr
    assert "Backfilled 3 week(s)" in result.stdout
    assert {w: p.read_bytes() for w, p in payloads.items()} == kept  # same inputs, same bytes
    assert (home / "reports" / weeks[1] / "report.md").exists()
    assert result.stderr.count("in one run") == 2  # weekly_payload_job and weekly_report_job, one run each


def test_backfill_rejects_a_week_that_is_not_a_monday(sample_run):
    workdir, _ = sample_run
    result = fitness(["backfill", "--from", "2025-03-04", "--to", "2025-03-17"], workdir)
    assert result.returncode == 2
    assert "--from 2025-03-04 is not a weekly partition: expected a Monday" in result.stderr


def test_empty_inbox_explains_how_to_get_sample_data(tmp_path):
    result = fitness(["run"], tmp_path)
    assert result.returncode != 0
    assert "python -m tools.generate --out" in result.stderr


def test_rejected_file_prints_the_error_and_exits_non_zero(tmp_path):
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "export.csv").write_text("date;weight\n2026-01-01;80\n")
    result = fitness(["run"], tmp_path)
    from fitness_assets.lib.warehouse.database import embedded_server
    embedded_server(tmp_path / ".fitness").cleanup()
    assert result.returncode == 1
    assert "export.csv, line 1" in result.stderr and "semicolons" in result.stderr


def test_dagster_definitions_validate_on_the_workspace(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITNESS_")}
    env["DAGSTER_HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-w", str(REPO / "workspace.yaml")],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fitness_assets" in result.stdout + result.stderr


def test_scikit_learn_is_imported_ahead_only_when_there_are_runs_to_classify(tmp_path, monkeypatch):
    """`fitness run` imports SciPy and scikit-learn on a background thread only when a MapMyRun
    export is in the inbox (or landed before): other ingests never load them."""
    from fitness_assets.cli import _has_running_exports
    from fitness_assets.defs.resources import configuration_from

    inbox, home = tmp_path / "inbox", tmp_path / "home"
    write_sample_exports(inbox)
    monkeypatch.setenv("FITNESS_INBOX", str(inbox))
    monkeypatch.setenv("FITNESS_HOME", str(home))
    [running] = [path for path in inbox.rglob("*.csv") if path.name.endswith("_workout_history.csv")]
    assert _has_running_exports(configuration_from())
    running.unlink()
    assert not _has_running_exports(configuration_from())
    (inbox / "coach" / "athlete_b").mkdir(parents=True)  # any athlete's folder, any file name
    (inbox / "coach" / "athlete_b" / "export.csv").write_text(
        "Date Submitted,Workout Date,Activity Type,Calories Burned (kCal),Distance (km),Workout Time (seconds),"
        "Avg Pace (min/km),Max Pace (min/km),Avg Speed (km/h),Max Speed (km/h),Avg Heart Rate,Steps,Notes,Source,Link\r\n")
    assert _has_running_exports(configuration_from())
