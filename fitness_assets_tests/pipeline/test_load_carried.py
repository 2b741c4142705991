"""Issue 15: a re-run of unchanged exports parses nothing (the stored silver frames are carried
forward: defs/silver/assets.py) and, as the warehouse already holds those frames, loads and diffs
nothing (lib/warehouse/load.py::loaded_already); it says so, and its checks stay honest: the removal
guard is still evaluated (by counting, with the same result the diff gives), the warehouse checks
are carried only while no table they read changed, and a table written by anyone else loads again."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.silver.build import ACTIVITIES, DIET, WORKOUTS, snapshots_that_may_remove
from fitness_assets.lib.warehouse.load import (LOAD_COMPUTATION, activity_removal_shares, diet_removal_shares,
                                               diff_workouts, unchanged_removal_shares, workout_removal_shares)
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import check_evaluations, definitions_for, execute, query, run_ingest
from fitness_assets_tests.lib.silver.test_mapmyrun import activity, mapmyrun_csv
from fitness_assets_tests.quality.rules_helpers import clean_diet_lines, clean_workouts

WAREHOUSE_CHECKS = (("sets", "nothing_lost"), ("diet_daily", "nothing_lost"), ("activities", "nothing_lost"),
                    ("sets", "referential_integrity"), ("exercise_muscle_map", "unmapped_exercises"))
REMOVAL_CHECKS = (("silver_workout_sets", "removals_confirmed"), ("silver_diet_days", "removals_confirmed"),
                  ("silver_activities", "removals_confirmed"))


def materializations(result) -> dict[str, dict]:
    return {e.event_specific_data.materialization.asset_key.to_user_string():
            {k: getattr(v, "value", v) for k, v in e.event_specific_data.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}


def carried_from(evaluation) -> str | None:
    value = evaluation.metadata.get("carried_forward_from_run")
    return value.value if value is not None else None


def test_an_unchanged_rerun_loads_nothing_and_its_checks_stay_honest(settings):
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(clean_workouts()))
    (settings.inbox / "diet.csv").write_bytes(diet_csv(clean_diet_lines()))
    runs = [activity(1000 + n, workout_date=f"Jan. {1 + n}, 2024", date_submitted=f"Jan. {1 + n}, 2024")
            for n in range(5)]
    (settings.inbox / "user7_workout_history.csv").write_bytes(mapmyrun_csv(runs[::-1]))
    instance = dg.DagsterInstance.ephemeral()

    first = run_ingest(settings, instance)
    loaded = materializations(first)
    assert "carried_forward" not in loaded["sets"] and loaded["sets"]["rows_written_this_run"] > 0
    [recorded] = query(settings, "SELECT run_id FROM fitness.computation_runs WHERE computation = :c",
                       c=LOAD_COMPUTATION)
    assert recorded["run_id"] == first.run_id
    first_checks = check_evaluations(instance, first.run_id)

    stored_sets = Path(instance.storage_directory()) / "silver_workout_sets"
    written_at = stored_sets.stat().st_mtime_ns
    second = run_ingest(settings, instance)
    assert stored_sets.stat().st_mtime_ns == written_at  # the same frame is not written again
    again = materializations(second)
    for frame in ("silver_workout_sets", "silver_diet_days", "silver_activities", "silver_file_accounts"):
        # nothing parsed: the stored frames, with the metadata of the run that built them
        assert again[frame]["carried_forward"] is True and again[frame]["computed_in_run"] == first.run_id, frame
        assert again[frame]["inputs_fingerprint"] == loaded[frame]["inputs_fingerprint"], frame
    assert again["silver_workout_sets"]["rows"] == loaded["silver_workout_sets"]["rows"] == len(clean_workouts())
    for table in ("workouts", "sets", "diet_daily", "activities", "quarantine"):
        assert again[table]["carried_forward"] is True and again[table]["computed_in_run"] == first.run_id, table
        assert again[table]["rows_written_this_run"] == 0 and again[table]["rows"] == loaded[table]["rows"], table
    second_checks = check_evaluations(instance, second.run_id)
    for key in REMOVAL_CHECKS:  # evaluated, from the warehouse's counts
        assert carried_from(second_checks[key]) is None and second_checks[key].passed, key
        assert second_checks[key].metadata["loaded_in_run"].value == first.run_id, key
        assert second_checks[key].metadata["checked_rows"].value == 1, key  # the export's one athlete
    for key in WAREHOUSE_CHECKS:  # nothing they read changed since the first run evaluated them
        assert carried_from(second_checks[key]) == first.run_id, key
        assert second_checks[key].passed == first_checks[key].passed, key

    # Counting instead of diffing gives the guard exactly what the diff of the stored frames gives.
    defs = definitions_for(settings)
    frames = {name: defs.load_asset_value(name, instance=instance)
              for name in ("silver_workout_sets", "silver_diet_days", "silver_activities", "silver_file_accounts")}
    may_remove = snapshots_that_may_remove(frames["silver_file_accounts"])
    athletes = {dataset: sorted(a for a, of in may_remove if of == dataset) for dataset in (WORKOUTS, DIET, ACTIVITIES)}
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as conn:
        diffed = {WORKOUTS: workout_removal_shares(diff_workouts(conn, frames["silver_workout_sets"],
                                                                 athletes[WORKOUTS]), {}),
                  DIET: diet_removal_shares(conn, frames["silver_diet_days"], athletes[DIET], {}),
                  ACTIVITIES: activity_removal_shares(conn, frames["silver_activities"], athletes[ACTIVITIES], {})}
        counted = unchanged_removal_shares(conn, athletes, {})
    engine.dispose()
    for dataset in (WORKOUTS, DIET, ACTIVITIES):
        assert len(diffed[dataset]) == 1 and diffed[dataset]["loaded"].iloc[0] > 0, dataset
        pd.testing.assert_frame_equal(counted[dataset], diffed[dataset])

    # A diet day deleted by hand: the warehouse no longer holds what the frames load, so the next
    # run loads (and restores the day), and the warehouse checks judge the changed tables.
    days = loaded["diet_daily"]["rows"]
    execute(settings, "DELETE FROM fitness.diet_daily WHERE diet_date = (SELECT min(diet_date) FROM fitness.diet_daily)")
    third = run_ingest(settings, instance)
    repaired = materializations(third)
    assert "carried_forward" not in repaired["diet_daily"]
    assert repaired["diet_daily"]["rows"] == days and repaired["diet_daily"]["rows_written_this_run"] == 1
    third_checks = check_evaluations(instance, third.run_id)
    assert all(carried_from(third_checks[key]) is None for key in WAREHOUSE_CHECKS)
    assert "loaded_in_run" not in third_checks[REMOVAL_CHECKS[1]].metadata

    # New data loads, and only then.
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(clean_workouts() + [
        workout_set("Arms", "20 Jan 2026, 18:00", "20 Jan 2026, 19:00", "Bicep Curl (Dumbbell)", 0, 12, 10)]))
    fourth = materializations(run_ingest(settings, instance))
    assert "carried_forward" not in fourth["silver_workout_sets"]
    assert fourth["silver_workout_sets"]["rows"] == len(clean_workouts()) + 1
    assert "carried_forward" not in fourth["workouts"] and fourth["workouts"]["workouts_new"] == 1
    fifth = materializations(run_ingest(settings, instance))
    assert fifth["workouts"]["carried_forward"] is True
