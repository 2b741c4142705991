"""Issue 15: a silver check whose inputs are unchanged (same silver frames, tolerances and rule
code) is carried forward from its latest evaluation, recorded in the run and marked as carried,
never skipped; a change to the data or to a tolerance evaluates it again."""

from __future__ import annotations

import dagster as dg

from fitness_assets.defs.quality.checks import CARRIED_FROM_KEY, EVALUATED_IN_KEY
from fitness_assets.defs.quality.gate import failed_blocking_checks
from fitness_assets.defs.resources import configuration_from
from fitness_assets.lib.core.constants import INPUTS_FINGERPRINT_KEY
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import check_evaluations, run_ingest
from fitness_assets_tests.quality.rules_helpers import clean_diet_lines, clean_workouts

SILVER = ("silver_workout_sets", "silver_diet_days", "silver_cycles", "silver_activities", "silver_quarantine",
          "silver_corrections_applied", "silver_file_accounts")
SHORT = ("Quick", "16 Jan 2026, 18:00", "16 Jan 2026, 18:06")  # a 6-minute workout: workout_duration WARN


def carried(evaluation) -> str | None:
    value = evaluation.metadata.get(CARRIED_FROM_KEY)
    return value.value if value is not None else None


def test_unchanged_silver_checks_are_carried_and_a_change_evaluates_them_again(tmp_path, database_url):
    environment = {"FITNESS_HOME": str(tmp_path / "home"), "FITNESS_INBOX": str(tmp_path / "inbox"),
                   "FITNESS_DATABASE_URL": database_url, "FITNESS_CORRECTIONS": str(tmp_path / "corrections.yaml")}
    settings = configuration_from(environment)
    settings.inbox.mkdir()
    rows = clean_workouts() + [workout_set(*SHORT, "Squat (Barbell)", 0, 100, 5)]
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(rows))
    (settings.inbox / "diet.csv").write_bytes(diet_csv(clean_diet_lines()))
    instance = dg.DagsterInstance.ephemeral()

    first_run_id = run_ingest(settings, instance).run_id
    first = check_evaluations(instance, first_run_id)
    second_run = run_ingest(settings, instance)
    second = check_evaluations(instance, second_run.run_id)
    assert set(second) == set(first)  # every check is in the second run: none skipped
    silver_keys = {key for key in first if key[0] in SILVER and key[1] != "removals_confirmed"}
    assert len(silver_keys) > 25
    assert not first[("silver_workout_sets", "workout_duration")].passed  # a failure is carried as one
    for key in silver_keys:
        before, after = first[key], second[key]
        assert carried(after) == first_run_id and after.metadata[EVALUATED_IN_KEY].value == first_run_id, key
        assert (after.passed, after.severity) == (before.passed, before.severity), key
        for name in ("fingerprint", "offending", "offending_rows", INPUTS_FINGERPRINT_KEY):
            assert after.metadata[name] == before.metadata[name], (key, name)
    # The publishing gate sees the carried blocking checks as evaluated (not "planned, never evaluated").
    assert carried(second[("silver_diet_days", "one_row_per_date")]) == first_run_id
    assert failed_blocking_checks(instance, "weekly_payload") == []
    # The removal guard is always evaluated; the warehouse checks are carried while no table changed
    # (pipeline/test_load_carried.py).
    assert carried(second[("silver_workout_sets", "removals_confirmed")]) is None
    assert carried(second[("sets", "nothing_lost")]) == first_run_id

    # A third unchanged run is carried from the second, still naming the run that evaluated it.
    third = check_evaluations(instance, run_ingest(settings, instance).run_id)
    duration = third[("silver_workout_sets", "workout_duration")]
    assert carried(duration) == second_run.run_id and duration.metadata[EVALUATED_IN_KEY].value == first_run_id

    # A tolerance the rule reads: evaluated again, and now it passes.
    looser = configuration_from({**environment, "FITNESS_WORKOUT_MIN_MINUTES": "5"})
    fourth = check_evaluations(instance, run_ingest(looser, instance).run_id)
    assert carried(fourth[("silver_workout_sets", "workout_duration")]) is None
    assert fourth[("silver_workout_sets", "workout_duration")].passed

    # New data: the workout checks judge the new frame.
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(rows + [workout_set(*SHORT, "Squat (Barbell)", 1, 100, 5)]))
    fifth = check_evaluations(instance, run_ingest(looser, instance).run_id)
    assert all(carried(fifth[key]) is None for key in silver_keys if key[0] == "silver_workout_sets")
    assert fifth[("silver_workout_sets", "no_duplicate_rows")].metadata["checked_rows"].value == len(rows) + 1
