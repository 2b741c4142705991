"""weekly_report's materialization metadata, read back from the Dagster instance after real
in-process runs against the embedded PostgreSQL (template engine, no network)."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import run_ingest, run_payloads, run_reports
from fitness_assets_tests.quality.rules_helpers import CYCLE, clean_diet_lines, clean_workouts
from fitness_assets_tests.quality.test_checks_in_dagster import table_rows

WEEKS = ("2026-01-12", "2026-01-19")
REPORT = dg.AssetKey("weekly_report")


def second_week_workouts() -> list[dict]:
    monday = ("Legs", "19 Jan 2026, 18:00", "19 Jan 2026, 19:00")
    return [workout_set(*monday, "Squat (Barbell)", 0, 60, 10, "warmup"),
            *(workout_set(*monday, "Squat (Barbell)", i, 102.5, 8) for i in range(1, 4)),
            workout_set(*monday, "Pull Up", 0, "", 11)]


@pytest.fixture
def two_weeks(settings):
    """Clean data for two weeks, ingested, with both weeks' payloads written."""
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(clean_workouts() + second_week_workouts()))
    second = [f"2026-01-{day:02d},200,180,60,2060,90,{CYCLE},{80 + day / 10:.1f}," for day in range(19, 26)]
    (settings.inbox / "diet.csv").write_bytes(diet_csv(clean_diet_lines() + second))
    instance = dg.DagsterInstance.ephemeral()
    run_ingest(settings, instance)
    run_payloads(settings, WEEKS[0], WEEKS[-1], instance)
    return instance


def metadata_of(instance: dg.DagsterInstance, week: str) -> dict:
    """The metadata of the latest weekly_report materialization of one partition."""
    [record] = instance.fetch_materializations(dg.AssetRecordsFilter(REPORT, asset_partitions=[week]), limit=1).records
    return record.asset_materialization.metadata


def payload_of(settings, week: str) -> dict:
    return json.loads((settings.payload_dir / f"weekly_fitness_context_{week}.json").read_text("utf-8"))


def test_a_one_week_run_records_its_report_payload_and_usage(settings, two_weeks):
    run_reports(settings, WEEKS[0], WEEKS[0], two_weeks)
    metadata = metadata_of(two_weeks, WEEKS[0])
    assert {"engine", "reports", "input_tokens", "output_tokens", "estimated_cost_usd", "report", "payload"} <= set(
        metadata)
    assert metadata["engine"].value == "template"
    assert metadata["reports"].value == 1
    assert metadata["input_tokens"].value == 0 and metadata["output_tokens"].value == 0
    assert metadata["estimated_cost_usd"].value == 0
    assert isinstance(metadata["report"], dg.MarkdownMetadataValue)
    assert metadata["report"].value == (settings.report_dir / WEEKS[0] / "report.md").read_text("utf-8")
    assert metadata["report"].value.startswith(f"# Weekly report: week of {WEEKS[0]}")
    assert isinstance(metadata["payload"], dg.JsonMetadataValue)
    assert metadata["payload"].value == payload_of(settings, WEEKS[0])
    assert metadata["report_week"].value == WEEKS[0]


def test_a_range_run_labels_the_report_it_shows_and_lists_every_week(settings, two_weeks):
    run_reports(settings, WEEKS[0], WEEKS[-1], two_weeks)
    texts = {week: (settings.report_dir / week / "report.md").read_text("utf-8") for week in WEEKS}
    for week in WEEKS:
        metadata = metadata_of(two_weeks, week)
        assert metadata["reports"].value == 2
        # One materialization covers the range: it shows the latest report and says which week
        # it is, and carries no single week's payload (it would be wrong on every other week).
        assert metadata["report_week"].value == WEEKS[-1]
        assert metadata["report"].value == texts[WEEKS[-1]]
        assert "payload" not in metadata
        assert table_rows(metadata["reports_table"].value) == [
            [w, "default", f"reports/{w}/report.md", str(len(texts[w].split()))] for w in WEEKS]
