"""The stored payload is the hand-off (issue 10 item 4): the payload step finds the weeks whose
bytes changed, reports are written for those alone and read nothing but the stored files, and a
gold view's SQL versions the views that payloads are built from."""

from __future__ import annotations

import copy
import json
import shutil

import dagster as dg

from fitness_assets.defs.gold.assets import gold_views_asset, sql_code_version
from fitness_assets.defs.partitions import range_tags
from fitness_assets.defs.payloads.assets import changed_weeks_of_run
from fitness_assets.defs.resources import configuration_from
from fitness_assets.lib.payloads.payload import canonical_bytes, payload_path
from fitness_assets.lib.payloads.store import store_payloads
from fitness_assets_tests.automation.test_sensors_and_schedule import three_weeks
from fitness_assets_tests.harness import QUIET, definitions_for, run_ingest, run_reports
from fitness_assets_tests.reports.test_writers import PAYLOAD

WEEKS = ("2026-01-05", "2026-01-12", "2026-01-19")


def files_and_mtimes(folder) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def touched(before: dict[str, int], folder) -> set[str]:
    after = files_and_mtimes(folder)
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def refresh(settings, instance):
    """What the ingest sensor and the schedule start: payloads, reports and publishing, one run."""
    return definitions_for(settings).resolve_job_def("weekly_refresh_job").execute_in_process(
        instance=instance, run_config=QUIET, tags=range_tags(WEEKS[0], WEEKS[-1]))


def test_equal_bytes_are_not_rewritten_and_changed_ones_are(tmp_path):
    week = "2026-01-12"
    payloads = {("default", week): copy.deepcopy(PAYLOAD),
                ("coach_client", week): copy.deepcopy(PAYLOAD) | {"athlete_id": "coach_client"}}
    first = store_payloads(tmp_path, payloads, [week])
    assert first.written == sorted(payloads) and first.changed_weeks == [week]
    before = files_and_mtimes(tmp_path)

    again = store_payloads(tmp_path, copy.deepcopy(payloads), [week])
    assert again.written == [] and again.changed == [] and again.unchanged == sorted(payloads)
    assert touched(before, tmp_path) == set()

    edited = copy.deepcopy(payloads)
    edited[("coach_client", week)]["diet"]["avg_calories_kcal"] = 2100
    assert store_payloads(tmp_path, edited, [week]).written == [("coach_client", week)]
    assert touched(before, tmp_path) == {f"coach_client/weekly_fitness_context_{week}.json"}

    emptied = store_payloads(tmp_path, {("default", week): payloads[("default", week)]}, [week])
    assert emptied.removed == [("coach_client", week)] and emptied.changed_weeks == [week]
    assert not payload_path(tmp_path, "coach_client", week).exists()


def test_a_changed_week_is_rewritten_with_its_report_and_nothing_else(settings):
    instance = dg.DagsterInstance.ephemeral()
    (settings.inbox / "workouts.csv").write_bytes(three_weeks())
    run_ingest(settings, instance)
    first = refresh(settings, instance)
    assert changed_weeks_of_run(instance, first.run_id) == list(WEEKS)
    # Each week's page holds that week's facts: the newest week its own payload, and no week
    # another week's payload (a range run copies its result's metadata onto every week).
    by_week = {m.partition: m.metadata for m in first.asset_materializations_for_node("weekly_payload")}
    newest = json.loads(payload_path(settings.payload_dir, "default", WEEKS[-1]).read_bytes())
    assert by_week[WEEKS[-1]]["payload"].value == newest
    assert [w for w in WEEKS if "payload" in by_week[w]] == [WEEKS[-1]]
    assert {by_week[w]["range_weeks"].value for w in WEEKS} == {len(WEEKS)}
    payloads, reports = files_and_mtimes(settings.payload_dir), files_and_mtimes(settings.report_dir)
    assert sorted(name for name in reports if name.endswith("report.md")) == [f"{w}/report.md" for w in WEEKS]

    # Re-running anything changes nothing: same export, same payload bytes, no report asked for.
    run_ingest(settings, instance)
    again = refresh(settings, instance)
    assert changed_weeks_of_run(instance, again.run_id) == []
    assert all(m.metadata["range_reports_due"].value == 0 for m in again.asset_materializations_for_node("weekly_report"))
    assert touched(payloads, settings.payload_dir) == set() and touched(reports, settings.report_dir) == set()

    # An edit in the middle week changes it and the next (its deltas compare with it): exactly
    # those payloads and those reports are rewritten; the first week's files stay untouched.
    (settings.inbox / "workouts.csv").write_bytes(three_weeks(w2_weight=90))
    run_ingest(settings, instance)
    edited = refresh(settings, instance)
    assert changed_weeks_of_run(instance, edited.run_id) == ["2026-01-12", "2026-01-19"]
    assert touched(payloads, settings.payload_dir) == {f"weekly_fitness_context_{w}.json" for w in WEEKS[1:]}
    rewritten = touched(reports, settings.report_dir)
    assert {"2026-01-12/report.md", "2026-01-19/report.md"} <= rewritten
    assert not any(name.startswith(WEEKS[0]) for name in rewritten)
    assert "90 kg" in (settings.report_dir / "2026-01-12" / "report.md").read_text("utf-8")
    by_week = {m.partition: m.metadata for m in edited.asset_materializations_for_node("weekly_payload")}
    assert [w for w in WEEKS if by_week[w]["payload_changed"].value] == ["2026-01-12", "2026-01-19"]


def test_a_report_is_built_from_the_stored_payload_file_alone(tmp_path):
    """No database at all: a hand-written payload file is the report's only input."""
    (tmp_path / "inbox").mkdir()
    settings = configuration_from({"FITNESS_HOME": str(tmp_path / "home"), "FITNESS_INBOX": str(tmp_path / "inbox"),
                                   "FITNESS_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/no_such_database"})
    week = PAYLOAD["week_start"]
    stored = payload_path(settings.payload_dir, "default", week)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(canonical_bytes(PAYLOAD))
    instance = dg.DagsterInstance.ephemeral()
    run_reports(settings, week, week, instance)
    report = settings.report_dir / week / "report.md"
    assert "82.5 kg" in report.read_text("utf-8")
    assert all((settings.report_dir / week / name).exists()
               for name in ("muscle_sets.svg", "load_trend.svg", "bodyweight_calories.svg"))

    # A new payload (written, so newer than the report) makes the report due again.
    heavier = copy.deepcopy(PAYLOAD)
    heavier["exercises"][0]["current_week"]["max_weight_kg"] = 87.5
    stored.write_bytes(canonical_bytes(heavier))
    again = run_reports(settings, week, week, instance)
    [materialization] = again.asset_materializations_for_node("weekly_report")
    assert materialization.metadata["range_reports_written"].value == 1
    assert "87.5 kg" in report.read_text("utf-8") and "82.5 kg" not in report.read_text("utf-8")


def latest_tags(instance: dg.DagsterInstance, asset: str, partition: str | None = None) -> dict[str, str]:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(dg.AssetKey(asset), asset_partitions=[partition] if partition else None), limit=1).records
    return records[0].asset_materialization.tags


def test_an_edited_gold_view_is_a_new_code_version_and_its_payloads_are_rebuilt(settings, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(settings.warehouse.sql_dir, sql_dir)
    settings = settings.with_fields("warehouse", sql_dir=str(sql_dir))
    view_sql = sql_dir / "gold" / "07_weekly_fitness_summary.sql"
    versions = gold_views_asset(sql_dir).code_versions_by_key
    assert versions[dg.AssetKey("weekly_fitness_summary")] == sql_code_version(view_sql)

    instance = dg.DagsterInstance.ephemeral()
    (settings.inbox / "workouts.csv").write_bytes(three_weeks())
    run_ingest(settings, instance)
    refresh(settings, instance)
    recorded = latest_tags(instance, "weekly_fitness_summary")["dagster/code_version"]
    payload_inputs = latest_tags(instance, "weekly_payload", WEEKS[0])
    assert recorded == sql_code_version(view_sql)
    payloads = files_and_mtimes(settings.payload_dir)

    # The edit: training sessions counted twice. The view's code version no longer matches the
    # one its materialization recorded, which is what Dagster shows as stale (and everything
    # downstream of it, the payloads included).
    text = view_sql.read_text("utf-8")
    assert "training_sessions" in text
    view_sql.write_text(text.replace("AS training_sessions", "* 2 AS training_sessions", 1), "utf-8")
    edited = gold_views_asset(sql_dir).code_versions_by_key[dg.AssetKey("weekly_fitness_summary")]
    assert edited != recorded and edited == sql_code_version(view_sql)
    assert all(version == sql_code_version(sql_dir / "gold" / path.name)
               for version, path in zip(gold_views_asset(sql_dir).code_versions_by_key.values(),
                                        sorted((sql_dir / "gold").glob("*.sql"))))

    # An ingest re-creates the views; the refresh rebuilds every payload and rewrites those whose
    # bytes the edit changed (every week: each has a session).
    run_ingest(settings, instance)
    rebuilt = refresh(settings, instance)
    assert latest_tags(instance, "weekly_fitness_summary")["dagster/code_version"] == edited
    assert (latest_tags(instance, "weekly_payload", WEEKS[0])["dagster/input_data_version/weekly_fitness_summary"]
            != payload_inputs["dagster/input_data_version/weekly_fitness_summary"])
    assert changed_weeks_of_run(instance, rebuilt.run_id) == list(WEEKS)
    assert touched(payloads, settings.payload_dir) == {f"weekly_fitness_context_{w}.json" for w in WEEKS}
