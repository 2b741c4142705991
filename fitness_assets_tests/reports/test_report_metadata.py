"""weekly_report's per-week materialization metadata, read back from the Dagster instance after
real in-process runs against the embedded PostgreSQL (template engine, no network)."""

from __future__ import annotations

import dagster as dg
import pytest

from fitness_assets.lib.reports.charts import embedded_charts, without_chart_links
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import run_ingest, run_payloads, run_reports
from fitness_assets_tests.quality.rules_helpers import CYCLE, clean_diet_lines, clean_workouts

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


def test_a_one_week_run_records_its_report_status_and_usage(settings, two_weeks):
    run_reports(settings, WEEKS[0], WEEKS[0], two_weeks)
    metadata = metadata_of(two_weeks, WEEKS[0])
    folder = settings.report_dir / WEEKS[0]
    assert metadata["engine"].value == "template" and metadata["report_status"].value == "written"
    assert metadata["range_reports"].value == 1 and metadata["range_reports_written"].value == 1
    assert metadata["input_tokens"].value == 0 and metadata["output_tokens"].value == 0
    assert metadata["estimated_cost_usd"].value == 0
    assert isinstance(metadata["report"], dg.MarkdownMetadataValue)
    stored = (folder / "report.md").read_text("utf-8")
    assert metadata["report"].value == embedded_charts(stored, folder)
    assert metadata["report"].value.startswith(f"# Weekly report: week of {WEEKS[0]}")
    assert metadata["report"].value.count("](data:image/svg+xml;base64,") == 3
    assert metadata["report_words"].value == len(without_chart_links(stored).split())
    assert metadata["report_path"].value == f"reports/{WEEKS[0]}/report.md"

    run_reports(settings, WEEKS[0], WEEKS[0], two_weeks)  # nothing changed: nothing asked of the writer
    again = metadata_of(two_weeks, WEEKS[0])
    assert again["report_status"].value == "unchanged" and again["range_reports_due"].value == 0
    assert again["report"].value == metadata["report"].value


def test_a_range_run_records_each_weeks_own_report_on_its_partition(settings, two_weeks):
    run_reports(settings, WEEKS[0], "2026-01-26", two_weeks)  # the last week has no payload
    empty = metadata_of(two_weeks, "2026-01-26")
    assert empty["report_status"].value == "no payload" and "report_path" not in empty
    for week in WEEKS:
        metadata = metadata_of(two_weeks, week)
        folder = settings.report_dir / week
        assert metadata["range_reports"].value == 2  # range totals, named as such
        assert metadata["report"].value == embedded_charts((folder / "report.md").read_text("utf-8"), folder)
        assert metadata["report"].value.startswith(f"# Weekly report: week of {week}\n")
        assert {"report_week", "reports_table", "payload"}.isdisjoint(metadata)
