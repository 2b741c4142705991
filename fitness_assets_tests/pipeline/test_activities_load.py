"""MapMyRun activities through the warehouse: loaded once, updated in place, removed with a log,
guarded like workouts, and counted by nothing_lost (issue 11, section 2)."""

from __future__ import annotations

import dagster as dg

from fitness_assets_tests.harness import check_evaluations, query, run_ingest
from fitness_assets_tests.lib.silver.test_mapmyrun import activity, mapmyrun_csv

EXPORT = "user7_workout_history.csv"


def history(count: int, changed: dict | None = None) -> list[dict]:
    """`count` runs, newest first (as the export writes them), one every few days of 2024."""
    rows = [activity(1000 + n, workout_date=f"Jan. {1 + n}, 2024", date_submitted=f"Jan. {1 + n}, 2024",
                     distance=f"{3 + n % 3}.0", duration=str(1800 + 60 * n))
            for n in range(count)]
    for workout_id, fields in (changed or {}).items():
        rows = [{**row, **fields} if row["link"].endswith(f"/{workout_id}") else row for row in rows]
    return rows[::-1]


def ingest(settings, rows, instance, **kwargs):
    (settings.inbox / EXPORT).write_bytes(mapmyrun_csv(rows))
    return run_ingest(settings, instance, **kwargs)


def activities(settings) -> dict[str, dict]:
    return {r["source_workout_id"]: r for r in query(settings, "SELECT * FROM fitness.activities")}


def written(result, table: str) -> int:
    return next(m.metadata["rows_written_this_run"].value for m in
                (e.event_specific_data.materialization for e in result.get_asset_materialization_events())
                if m.asset_key.to_user_string() == table)


def test_activities_load_once_in_metric_units_and_a_rerun_writes_nothing(settings):
    instance = dg.DagsterInstance.ephemeral()
    first = ingest(settings, history(12), instance)
    loaded = activities(settings)
    assert len(loaded) == 12 and written(first, "activities") == 12
    run = loaded["1000"]
    assert run["distance_km"] == 3 * 1.609344 and run["duration_s"] == 1800
    assert run["source"] == "mapmyrun" and run["source_file"] == EXPORT and run["source_line"] == 13
    assert str(run["activity_date"]) == "2024-01-01"
    evaluations = check_evaluations(instance, first.run_id)
    assert evaluations[("activities", "nothing_lost")].passed
    assert evaluations[("silver_activities", "removals_confirmed")].passed

    again = run_ingest(settings, instance)
    assert written(again, "activities") == 0
    assert activities(settings) == loaded


def test_a_changed_activity_is_updated_in_place_and_keeps_its_id(settings):
    instance = dg.DagsterInstance.ephemeral()
    ingest(settings, history(12), instance)
    before = activities(settings)
    result = ingest(settings, history(12, {1005: {"activity_type": "Walk", "distance": "2.0"}}), instance)
    after = activities(settings)
    assert written(result, "activities") == 1
    assert after["1005"]["activity_id"] == before["1005"]["activity_id"]
    assert after["1005"]["activity_type"] == "Walk" and after["1005"]["activity_hash"] != before["1005"]["activity_hash"]
    assert {k: v for k, v in after.items() if k != "1005"} == {k: v for k, v in before.items() if k != "1005"}


def test_a_deleted_activity_is_removed_and_logged_and_a_large_removal_is_stopped(settings):
    instance = dg.DagsterInstance.ephemeral()
    ingest(settings, history(12), instance)
    one_gone = [r for r in history(12) if not r["link"].endswith("/1003")]
    ingest(settings, one_gone, instance)
    assert "1003" not in activities(settings) and len(activities(settings)) == 11
    [logged] = query(settings, "SELECT source_workout_id, activity_date::text AS day FROM fitness.removed_activities")
    assert logged == {"source_workout_id": "1003", "day": "2024-01-04"}

    # An export holding only 5 of the 11 loaded activities: stopped before anything is written.
    stopped = ingest(settings, history(5), instance, raise_on_error=False)
    assert not stopped.success
    evaluations = check_evaluations(instance, stopped.run_id)
    assert not evaluations[("silver_activities", "removals_confirmed")].passed
    assert len(activities(settings)) == 11
