"""Ten weeks of payloads and reports launched as the UI launches them (a partition backfill through
the webserver's GraphQL mutation, run by the backfill daemon's own iteration on a real Dagster
instance), with a Bedrock writer (the local Converse server) that fails for one week."""

from __future__ import annotations

import base64
import json
import logging
import re
from datetime import date, timedelta

import dagster as dg
import pytest

from fitness_assets.defs.resources import configuration_from
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import check_evaluations, run_ingest, run_reports
from fitness_assets_tests.quality.test_checks_in_dagster import table_rows
from fitness_assets_tests.quality.rules_helpers import CYCLE
from fitness_assets_tests.reports.test_bedrock_and_s3 import MODEL, converse, converse_answer  # noqa: F401 - fixture

WEEKS = [(date(2026, 1, 5) + timedelta(weeks=i)).isoformat() for i in range(10)]
FAILING_WEEK = WEEKS[4]
REPORT = dg.AssetKey("weekly_report")
CHART_URI = re.compile(r"!\[[^\]]*\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)")

# The code location as the webserver loads it: the definitions built from the environment.
LOCATION = "from fitness_assets.definitions import build_definitions\ndefs = build_definitions()\n"

LAUNCH_BACKFILL = """
mutation($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message stack }
  }
}
"""


def ten_weeks_of_training() -> tuple[bytes, bytes]:
    workouts, diet = [], []
    for i, week in enumerate(WEEKS):
        day = date.fromisoformat(week).strftime("%d %b %Y")
        legs = ("Legs", f"{day}, 18:00", f"{day}, 19:00")
        workouts += [workout_set(*legs, "Squat (Barbell)", s, 80 + 2.5 * i, 8) for s in range(3)]
        diet += [f"{date.fromisoformat(week) + timedelta(days=d)},200,180,60,2060,90,{CYCLE},{80 + d / 10:.1f},"
                 for d in range(7)]
    return hevy_csv(workouts), diet_csv(diet)


def week_of(request_body: dict) -> str:
    user_text = request_body["messages"][0]["content"][0]["text"]
    return json.loads(user_text.split("```json\n")[1].split("\n```")[0])["week_start"]


def bedrock_failing_in(weeks: set[str]):
    """A Converse answer per request: a 500 for the weeks given, else a grounded report."""
    def answer(body: dict):
        week = week_of(body)
        if week in weeks:
            return 500, {"x-amzn-ErrorType": "InternalServerException"}, {"message": "model unavailable"}
        return converse_answer(f"# Weekly report: week of {week}\n\n- Not enough data to judge trends yet.\n")
    return answer


@pytest.fixture
def environment(tmp_path, database_url, monkeypatch, converse):
    """The settings as the webserver's code location reads them: from its environment."""
    failing = {FAILING_WEEK}
    server = converse(lambda body: bedrock_failing_in(failing)(body))
    (tmp_path / "inbox").mkdir()
    for name, value in {"FITNESS_HOME": str(tmp_path / "home"), "FITNESS_INBOX": str(tmp_path / "inbox"),
                        "FITNESS_DATABASE_URL": database_url, "FITNESS_CORRECTIONS": str(tmp_path / "corrections.yaml"),
                        "FITNESS_BEDROCK_MODEL_ID": MODEL, "FITNESS_BEDROCK_REGION": "us-east-1",
                        "FITNESS_BEDROCK_ENDPOINT_URL": server.url, "FITNESS_BEDROCK_MAX_ATTEMPTS": "1",
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    settings = configuration_from()
    workouts, diet = ten_weeks_of_training()
    (settings.inbox / "workouts.csv").write_bytes(workouts)
    (settings.inbox / "diet.csv").write_bytes(diet)
    (tmp_path / "location.py").write_text(LOCATION)
    return settings, server, failing


def backfill_as_the_ui_does(instance: dg.DagsterInstance, location_file: str, weeks: list[str]) -> str:
    """The backfill dialog's mutation, then the daemon's backfill iterations until it is done."""
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
    from dagster._daemon.backfill import execute_backfill_iteration
    from dagster_graphql.test.utils import execute_dagster_graphql

    origin = InProcessCodeLocationOrigin(LoadableTargetOrigin(python_file=location_file, attribute="defs"))
    with WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(origin)) as workspace:
        result = execute_dagster_graphql(workspace.create_request_context(), LAUNCH_BACKFILL, {"backfillParams": {
            "assetSelection": [{"path": ["weekly_payload"]}, {"path": ["weekly_report"]}],
            "partitionNames": weeks,
            # Steps in the run's own process, as `fitness` runs them: a process per step costs
            # seconds each here and is not what this test is about.
            "runConfigData": {"execution": {"config": {"in_process": {}}},
                              "loggers": {"console": {"config": {"log_level": "ERROR"}}}}}})
        launched = result.data["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill_id = launched["backfillId"]
        for _ in range(5):
            list(execute_backfill_iteration(workspace, logging.getLogger("backfill")))
            if instance.get_backfill(backfill_id).status.value != "REQUESTED":
                break
    return backfill_id


def latest_report_metadata(instance: dg.DagsterInstance, week: str) -> dict:
    [record] = instance.fetch_materializations(dg.AssetRecordsFilter(REPORT, asset_partitions=[week]), limit=1).records
    return record.asset_materialization.metadata


def test_ten_weeks_take_one_run_and_each_week_shows_its_own_report(environment, tmp_path):
    settings, server, failing = environment
    # Runs execute as soon as the daemon submits them, in this process (no queue daemon, no code server).
    overrides = {"run_coordinator": {"module": "dagster._core.run_coordinator", "class": "DefaultRunCoordinator"},
                 "run_launcher": {"module": "dagster._core.launcher.sync_in_memory_run_launcher",
                                  "class": "SyncInMemoryRunLauncher"}}
    run_ingest(settings)  # the warehouse this test reads; the ingest's own runs are not under test
    with dg.instance_for_test(overrides=overrides) as instance:
        backfill_id = backfill_as_the_ui_does(instance, str(tmp_path / "location.py"), WEEKS)

        [run] = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        assert (run.tags["dagster/asset_partition_range_start"], run.tags["dagster/asset_partition_range_end"]) == (
            WEEKS[0], WEEKS[-1])
        # Green: the other weeks are written (and would be published) in this run; the failed week
        # is a failed ERROR check, which the failed_check_alerts sensor reports.
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert sorted(week_of(r["body"]) for r in server.requests) == WEEKS

        for week in WEEKS:
            metadata = latest_report_metadata(instance, week)
            folder = settings.report_dir / week
            assert metadata["engine"].value == "bedrock"
            assert metadata["range_weeks"].value == 10 and metadata["range_reports_failed"].value == 1
            assert not any(str(tmp_path) in str(value.value) for value in metadata.values())
            markdown = metadata["report"].value
            if week == FAILING_WEEK:
                assert metadata["report_status"].value == "failed"
                assert "InternalServerException" in metadata["error"].value
                assert "No report for `default`" in markdown and not (folder / "report.md").exists()
                continue
            stored = (folder / "report.md").read_text("utf-8")
            assert stored.startswith(f"# Weekly report: week of {week}\n")
            assert "![Sets per muscle group](muscle_sets.svg)" in stored  # relative: works on disk and S3
            assert metadata["report_status"].value == "written"
            assert metadata["report_path"].value == f"reports/{week}/report.md"
            assert metadata["report_words"].value == len("# Weekly report: week of W - Not enough data to judge "
                                                         "trends yet.".split())
            assert markdown.startswith(f"# Weekly report: week of {week}\n")
            charts = CHART_URI.findall(markdown)
            assert [base64.b64decode(c) for c in charts] == [
                (folder / name).read_bytes() for name in ("muscle_sets.svg", "load_trend.svg", "bodyweight_calories.svg")]
            assert f"week of {week}".encode() in base64.b64decode(charts[0])  # this week's chart, not another's

        [evaluation] = [e for (asset, name), e in check_evaluations(instance, run.run_id).items()
                        if (asset, name) == ("weekly_report", "report_written")]
        assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
        assert [row[:3] for row in table_rows(evaluation.metadata["offending"].value)] == [
            ["default", FAILING_WEEK, "bedrock"]]

        # The next refresh asks the writer for the failed week only: the others are current.
        failing.clear()
        asked_before = len(server.requests)
        retry = run_reports(settings, WEEKS[0], WEEKS[-1], instance)
        assert [week_of(r["body"]) for r in server.requests[asked_before:]] == [FAILING_WEEK]
        assert (settings.report_dir / FAILING_WEEK / "report.md").exists()
        assert check_evaluations(instance, retry.run_id)[("weekly_report", "report_written")].passed
        assert latest_report_metadata(instance, FAILING_WEEK)["report_status"].value == "written"
        assert latest_report_metadata(instance, WEEKS[0])["report_status"].value == "unchanged"
