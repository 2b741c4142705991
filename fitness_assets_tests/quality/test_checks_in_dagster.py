"""The checks as Dagster runs them: severities, blocking, metadata, the quarantine table and the
publishing gate, all read back through the Dagster instance API and the real warehouse."""

from __future__ import annotations

import csv
from pathlib import Path
import io

import dagster as dg
import pytest

from fitness_assets.lib.quality.catalog import RULES
from tools.generate import planted_running_truth, write_sample_exports
from fitness_assets_tests.conftest import diet_csv, hevy_csv
from fitness_assets_tests.harness import (
    check_evaluations,
    execute,
    failed_checks,
    query,
    run_ingest,
    run_payloads,
    run_checks,
    run_reports,
    table_counts,
)
from fitness_assets_tests.quality.rules_helpers import clean_diet_lines, clean_workouts

INJECTED_WORKOUT = {"title": "Injected", "start_time": "3 Dec 2025, 18:00", "end_time": "3 Dec 2025, 19:00",
                    "exercise_title": "Bicep Curl (Dumbbell)"}


def table_rows(markdown: str) -> list[list[str]]:
    """The body cells of a Markdown table, stripped of padding."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def append_rows(path, rows: list[dict]) -> None:
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8").splitlines()[0])))
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header, quoting=csv.QUOTE_ALL, restval="")
    writer.writerows(rows)
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(buffer.getvalue())


@pytest.fixture
def sample_with_defects(settings):
    """The sample exports (a 111-rep typo, an unloaded failure set, a 6-minute workout, two kcal
    errors, three missing days; in the MapMyRun history a run without distance, a GPS jump and a
    40-mile typo) plus rows that must be quarantined."""
    write_sample_exports(settings.inbox)
    hevy = settings.inbox / "hevy_workouts.csv"
    lines_before = len(hevy.read_text(encoding="utf-8").splitlines())
    append_rows(hevy, [{**INJECTED_WORKOUT, "set_index": "0", "set_type": "normal", "weight_kg": "-12", "reps": "10"},
                       {**INJECTED_WORKOUT, "set_index": "1", "set_type": "superset", "weight_kg": "12", "reps": "10"}])
    with (settings.inbox / "diet_log.csv").open("a", encoding="utf-8") as f:
        f.write("2025-10-29,160,183,52,mil,120,10Cutting V (06/10/2025 - XX/XX/XXXX),77.0,\n")
    return {"negative_line": lines_before + 1, "set_type_line": lines_before + 2}


def test_sample_with_defects_shows_failed_checks_in_the_instance(settings, sample_with_defects):
    instance = dg.DagsterInstance.ephemeral()
    result = run_ingest(settings, instance)
    assert result.success  # none of these defects may publish wrong numbers: nothing blocks

    evaluations = check_evaluations(instance, result.run_id)
    assert len(evaluations) == len([r for r in RULES if r.asset not in ("weekly_payload", "weekly_report")])
    assert failed_checks(instance, result.run_id) == {
        ("silver_workout_sets", "set_type_valid"): "ERROR",
        ("silver_workout_sets", "no_negative_values"): "ERROR",
        ("silver_quarantine", "no_quarantined_rows"): "ERROR",
        ("silver_workout_sets", "weight_where_expected"): "WARN",
        ("silver_workout_sets", "workout_duration"): "WARN",
        ("silver_workout_sets", "no_outliers"): "WARN",
        ("silver_workout_sets", "exercise_names"): "WARN",
        ("silver_diet_days", "calories_match_macros"): "WARN",
        ("silver_diet_days", "missing_days"): "WARN",
        ("exercise_muscle_map", "unmapped_exercises"): "WARN",
        ("silver_activities", "distance_with_duration"): "WARN",
        ("silver_activities", "plausible_foot_speed"): "WARN",
        # the dog walks logged as "Run" after the planted life event
        ("activity_classification", "logged_type_agrees"): "WARN",
    }

    def metadata(asset, check):
        return {k: v.value for k, v in evaluations[(asset, check)].metadata.items()}

    negative = metadata("silver_workout_sets", "no_negative_values")
    assert negative["offending_rows"] == 1
    assert table_rows(negative["offending"])[0][:2] == ["hevy_workouts.csv", str(sample_with_defects["negative_line"])]
    outliers = metadata("silver_workout_sets", "no_outliers")
    assert ["hevy_workouts.csv", "5397"] in [row[:2] for row in table_rows(outliers["offending"])]
    assert "reps 111" in outliers["offending"]
    assert "Leg Press" not in outliers["offending"]
    unloaded = metadata("silver_workout_sets", "weight_where_expected")
    assert unloaded["offending_rows"] == 1 and "Preacher Curl (Machine)" in unloaded["offending"]
    kcal = metadata("silver_diet_days", "calories_match_macros")
    assert kcal["offending_rows"] == 2 and "2024-07-15" in kcal["offending"] and "2023-12-04" in kcal["offending"]
    assert metadata("silver_diet_days", "missing_days")["days_missing"] == 3
    lost = metadata("sets", "nothing_lost")
    assert lost == {**lost, "rows_read": 10_091, "rows_loaded": 10_089, "rows_quarantined": 2, "offending_rows": 0}
    assert evaluations[("silver_diet_days", "one_row_per_date")].blocking is True
    no_distance = metadata("silver_activities", "distance_with_duration")
    assert no_distance["offending_rows"] == 1 and "user48613207_workout_history.csv" in no_distance["offending"]
    assert metadata("silver_activities", "plausible_foot_speed")["offending_rows"] == 2  # GPS jump, 40-mile typo
    assert metadata("activity_classification", "logged_type_agrees")["activities_disagreeing"] > 300

    # ingest_job's classifier, on the activities as loaded into the warehouse, finds the planted truth
    truth = planted_running_truth()
    stored = query(settings, "SELECT a.source_workout_id, c.label FROM fitness.activity_classification c "
                             "JOIN fitness.activities a USING (activity_id)")
    planted = truth.labels()
    scored = [(row["label"], planted[row["source_workout_id"]]) for row in stored
              if planted[row["source_workout_id"]] in ("run", "walk")]
    correct = sum(label == expected for label, expected in scored)
    print(f"\nactivity_classification on the sample: {correct} of {len(scored)} planted runs and walks")
    assert len(scored) == sum(a.label in ("run", "walk") for a in truth.activities)
    assert correct >= 0.95 * len(scored)

    quarantined = query(settings, "SELECT source_file, line, rule, reason, raw_values FROM fitness.quarantine ORDER BY line")
    assert [(q["source_file"], q["rule"]) for q in quarantined] == [
        ("diet_log.csv", "invalid_calories_kcal"), ("hevy_workouts.csv", "invalid_weight_kg"),
        ("hevy_workouts.csv", "invalid_set_type")]
    assert quarantined[1]["line"] == sample_with_defects["negative_line"]
    assert "-12" in quarantined[1]["reason"] and quarantined[1]["raw_values"]["weight_kg"] == "-12"
    assert "'mil'" in quarantined[0]["reason"]

    again = run_ingest(settings, instance)  # a re-run neither deletes nor duplicates quarantine rows
    assert query(settings, "SELECT count(*) AS n FROM fitness.quarantine")[0]["n"] == 3
    assert failed_checks(instance, again.run_id) == failed_checks(instance, result.run_id)


def write_clean_inbox(settings) -> None:
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(clean_workouts()))
    (settings.inbox / "diet.csv").write_bytes(diet_csv(clean_diet_lines()))


def test_clean_data_passes_every_check(settings):
    write_clean_inbox(settings)
    instance = dg.DagsterInstance.ephemeral()
    ingest = run_ingest(settings, instance)
    payloads = run_payloads(settings, "2026-01-12", "2026-01-12", instance)
    reports = run_reports(settings, "2026-01-12", "2026-01-12", instance)
    evaluations = {**check_evaluations(instance, ingest.run_id), **check_evaluations(instance, payloads.run_id),
                   **check_evaluations(instance, reports.run_id)}
    assert set(evaluations) == {(r.asset, r.name) for r in RULES}
    assert [key for key, e in evaluations.items() if not e.passed] == []


def test_a_date_logged_twice_blocks_the_load_and_the_payloads(settings):
    write_clean_inbox(settings)
    instance = dg.DagsterInstance.ephemeral()
    run_ingest(settings, instance)
    run_payloads(settings, "2026-01-12", "2026-01-12", instance)
    before = table_counts(settings)

    # A newer export (it holds a later day) with one date logged twice.
    lines = clean_diet_lines() + ["2026-01-19,200,180,60,2060,90,5Cutting III (05/01/2026 - XX/XX/XXXX),81.0,",
                                  "2026-01-19,190,180,60,2020,90,5Cutting III (05/01/2026 - XX/XX/XXXX),81.0,"]
    (settings.inbox / "diet.csv").write_bytes(diet_csv(lines))
    blocked = run_ingest(settings, instance, raise_on_error=False)
    assert not blocked.success
    assert failed_checks(instance, blocked.run_id) == {("silver_diet_days", "one_row_per_date"): "ERROR",
                                                      ("silver_quarantine", "no_quarantined_rows"): "ERROR"}
    materialized = {e.asset_key.to_user_string() for e in blocked.get_asset_materialization_events()}
    assert "silver_diet_days" in materialized and "diet_daily" not in materialized
    assert table_counts(settings) == before  # warehouse untouched

    with pytest.raises(dg.Failure, match="silver_diet_days:one_row_per_date"):
        run_payloads(settings, "2026-01-12", "2026-01-19", instance)

    (settings.inbox / "diet.csv").write_bytes(diet_csv(lines[:-1]))  # the athlete fixes the log
    fixed = run_ingest(settings, instance)
    assert failed_checks(instance, fixed.run_id) == {}
    assert run_payloads(settings, "2026-01-12", "2026-01-19", instance).success


def test_rows_missing_from_the_warehouse_or_orphaned_fail_the_blocking_warehouse_checks(settings):
    write_clean_inbox(settings)
    instance = dg.DagsterInstance.ephemeral()
    run_ingest(settings, instance)
    execute(settings, "DELETE FROM fitness.sets WHERE source_line = 3",
            "SET LOCAL session_replication_role = replica",  # bypass FKs, as a bad script would
            "INSERT INTO fitness.sets (workout_exercise_id, set_order, set_index, set_type, source_line) "
            "VALUES (999999, 0, 0, 'normal', 99)")

    # The export is unchanged, so the load writes nothing and the damage stays: the checks see it.
    rerun = run_ingest(settings, instance, raise_on_error=False)
    assert not rerun.success
    assert failed_checks(instance, rerun.run_id) == {("sets", "nothing_lost"): "ERROR",
                                                     ("sets", "referential_integrity"): "ERROR"}
    evaluations = check_evaluations(instance, rerun.run_id)
    lost = evaluations[("sets", "nothing_lost")].metadata["offending"].value
    assert table_rows(lost) == [["workouts.csv", "default", "14", "13", "0", "1 row(s) unaccounted for"]]
    orphan = evaluations[("sets", "referential_integrity")].metadata["offending"].value
    assert "workout_exercise_id 999999 does not exist" in orphan
    with pytest.raises(dg.Failure, match="sets:nothing_lost"):
        run_payloads(settings, "2026-01-12", "2026-01-12", instance)

    # Repaired by hand: the check is executed alone (issue 14: no re-materialization) and passes;
    # a silver rule runs alone too, on the stored frames. Nothing is materialized by either run.
    execute(settings, "DELETE FROM fitness.sets WHERE workout_exercise_id = 999999")
    rechecked = run_checks(settings, instance, ("sets", "referential_integrity"), ("silver_workout_sets", "no_outliers"))
    assert {key: e.passed for key, e in check_evaluations(instance, rechecked.run_id).items()} == {
        ("sets", "referential_integrity"): True, ("silver_workout_sets", "no_outliers"): True}
    assert [e for e in rechecked.all_events if e.is_step_materialization] == []


def test_a_correction_that_no_longer_matches_fails(settings):
    write_clean_inbox(settings)
    Path(settings.files.corrections_file).write_text(
        "workout_sets:\n"
        "  - start_time: '2026-01-12 18:00'\n"
        "    exercise_title: 'Squat (Barbell)'\n"
        "    set_index: 7\n"
        "    set: {reps: 8}\n"
        "    reason: set 7 never existed\n", encoding="utf-8")
    instance = dg.DagsterInstance.ephemeral()
    result = run_ingest(settings, instance)
    assert failed_checks(instance, result.run_id) == {("silver_corrections_applied", "corrections_current"): "ERROR"}
    stale = check_evaluations(instance, result.run_id)[("silver_corrections_applied", "corrections_current")]
    assert "matches no row" in stale.metadata["offending"].value
    assert "set 7 never existed" in stale.metadata["offending"].value


def test_a_payload_breaking_the_contract_fails_its_check_and_writes_nothing(settings, monkeypatch):
    """No valid warehouse can produce an invalid payload, so this simulates a regression in a gold
    view by corrupting one week's payload between the query and the write (a stand-in for a bug,
    not for any external system)."""
    import fitness_assets.defs.payloads.assets as payload_assets

    real_query = payload_assets.query_weeks

    def query_with_a_broken_week(conn, first, last):
        payloads = real_query(conn, first, last)
        broken = payloads[min(payloads)]
        broken["training_overview"]["total_sets"] = -1
        del broken["diet"]
        return payloads

    write_clean_inbox(settings)
    instance = dg.DagsterInstance.ephemeral()
    run_ingest(settings, instance)
    monkeypatch.setattr(payload_assets, "query_weeks", query_with_a_broken_week)
    with pytest.raises(dg.Failure, match="break the contract; nothing was written"):
        run_payloads(settings, "2026-01-12", "2026-01-12", instance)
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("weekly_payload"), "payload_matches_contract")])
    evaluation = next(iter(records.values())).event.dagster_event.event_specific_data
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR and evaluation.blocking
    problems = [row[2] for row in table_rows(evaluation.metadata["offending"].value)]
    assert any(p.startswith("(root): 'diet' is a required property") for p in problems)
    assert any(p.startswith("training_overview/total_sets: -1 is less than the minimum") for p in problems)
    assert not list(settings.payload_dir.glob("**/*.json"))


def test_a_row_rescued_by_a_correction_loads_and_nothing_is_lost(settings):
    rows = clean_workouts()
    rows[2] = {**rows[2], "weight_kg": "-100"}  # line 4: Monday's squat, set 2
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(rows))
    (settings.inbox / "diet.csv").write_bytes(diet_csv(clean_diet_lines()))
    instance = dg.DagsterInstance.ephemeral()
    first = run_ingest(settings, instance)
    assert ("silver_workout_sets", "no_negative_values") in failed_checks(instance, first.run_id)

    Path(settings.files.corrections_file).write_text(
        "workout_sets:\n  - start_time: '2026-01-12 18:00'\n    exercise_title: 'Squat (Barbell)'\n"
        "    set_index: 2\n    set: {weight_kg: 100}\n    reason: minus sign typed by mistake\n", encoding="utf-8")
    second = run_ingest(settings, instance)
    assert failed_checks(instance, second.run_id) == {}
    lost = {k: v.value for k, v in check_evaluations(instance, second.run_id)[("sets", "nothing_lost")].metadata.items()}
    assert (lost["rows_read"], lost["rows_loaded"], lost["rows_quarantined"]) == (14, 14, 0)
    # the quarantine row stays as history of what the file held
    assert query(settings, "SELECT line FROM fitness.quarantine") == [{"line": 4}]


def test_a_blocking_check_that_did_not_run_keeps_the_gate_closed(settings, monkeypatch):
    import fitness_assets.lib.quality.warehouse_rules as warehouse_rules

    write_clean_inbox(settings)
    instance = dg.DagsterInstance.ephemeral()
    run_ingest(settings, instance)
    execute(settings, "DELETE FROM fitness.sets WHERE source_line = 3")
    assert not run_ingest(settings, instance, raise_on_error=False).success  # nothing_lost fails

    def crash(*args, **kwargs):
        raise RuntimeError("check step crashed")

    monkeypatch.setattr(warehouse_rules, "nothing_lost", crash)  # stands in for any crash of the step
    # The tables change again, so the warehouse checks are evaluated (not carried from the last run).
    execute(settings, "DELETE FROM fitness.sets WHERE source_line = 4")
    assert not run_ingest(settings, instance, raise_on_error=False).success
    with pytest.raises(dg.Failure, match="sets:nothing_lost not evaluated"):
        run_payloads(settings, "2026-01-12", "2026-01-12", instance)
    assert not list(settings.payload_dir.glob("**/*.json"))
