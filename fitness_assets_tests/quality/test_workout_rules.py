"""Each workout rule against an export with exactly that defect, and against clean data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fitness_assets.lib.silver.muscle_map import curated_muscle_map
from fitness_assets.lib.quality import workout_rules as rules
from fitness_assets.defs.resources import QualityResource
from fitness_assets_tests.conftest import workout_set
from fitness_assets_tests.quality.rules_helpers import MONDAY, WEDNESDAY, clean_workouts, silver_sets

TODAY = date(2026, 11, 21)
QUALITY = QualityResource()


def all_findings(sets, quarantine, quality=QUALITY):
    muscle_map = curated_muscle_map()
    return {
        "set_index_sequence": rules.set_index_sequence(sets, quarantine),
        "set_type_valid": rules.set_type_valid(sets, quarantine),
        "no_negative_values": rules.non_negative(sets, quarantine),
        "end_after_start": rules.end_after_start(sets, quarantine),
        "no_future_dates": rules.no_future_dates(sets, quarantine),
        "no_dates_before_earliest_year": rules.no_dates_before_earliest_year(sets, quarantine),
        "weight_where_expected": rules.weight_where_expected(sets, muscle_map),
        "reps_where_expected": rules.reps_where_expected(sets, muscle_map),
        "workout_duration": rules.workout_duration(sets, quality),
        "no_outliers": rules.outliers(sets, quality),
        "exercise_names": rules.exercise_names(sets, muscle_map),
        "no_duplicate_rows": rules.duplicate_rows(sets),
    }


def failing(findings) -> set[str]:
    return {name for name, found in findings.items() if not found.passed}


def test_clean_workouts_pass_every_rule():
    sets, quarantine = silver_sets(clean_workouts())
    assert quarantine.empty
    findings = all_findings(sets, quarantine)
    assert failing(findings) == set()
    assert findings["set_index_sequence"].checked == len(sets) == 14


def lines_of(found) -> list[int]:
    return sorted(int(line) for line in found.offending["line"])


def with_extra(*rows) -> list[dict]:
    return clean_workouts() + list(rows)


@pytest.mark.parametrize("indexes, expected_problem, line", [
    ((1, 2, 3), "set_index 1 where 0 was expected", 16),      # does not start at 0
    ((0, 2, 3), "set_index 2 where 1 was expected", 17),      # a gap
])
def test_set_index_must_start_at_zero_without_gaps(indexes, expected_problem, line):
    friday = ("Arms", "16 Jan 2026, 18:00", "16 Jan 2026, 19:00")
    rows = with_extra(*(workout_set(*friday, "Bicep Curl (Dumbbell)", i, 12, 10) for i in indexes))
    sets, quarantine = silver_sets(rows)
    findings = all_findings(sets, quarantine)
    found = findings["set_index_sequence"]
    assert not found.passed
    assert expected_problem in found.offending["problem"].iloc[0]
    assert found.offending["file"].iloc[0] == "workouts.csv"
    assert found.offending["line"].iloc[0] == line  # header + 14 clean rows, then the curls


def test_invalid_set_type_is_quarantined_and_reported():
    sets, quarantine = silver_sets(with_extra(workout_set(*WEDNESDAY, "Squat (Barbell)", 4, 100, 8, "superset")))
    found = all_findings(sets, quarantine)["set_type_valid"]
    assert lines_of(found) == [16]
    assert "set_type" in found.offending["problem"].iloc[0] and "superset" in found.offending["values"].iloc[0]
    assert len(sets) == 14  # the bad row is not in silver


def test_negative_values_are_quarantined_and_reported():
    sets, quarantine = silver_sets(with_extra(workout_set(*WEDNESDAY, "Squat (Barbell)", 4, -100, 8),
                                              workout_set(*WEDNESDAY, "Squat (Barbell)", 5, 100, -8)))
    findings = all_findings(sets, quarantine)
    assert lines_of(findings["no_negative_values"]) == [16, 17]
    assert findings["set_type_valid"].passed


def test_end_before_start_is_reported():
    sets, quarantine = silver_sets(with_extra(
        workout_set("Arms", "16 Jan 2026, 18:00", "16 Jan 2026, 17:00", "Bicep Curl (Dumbbell)", 0, 12, 10)))
    assert lines_of(all_findings(sets, quarantine)["end_after_start"]) == [16]


def test_future_workouts_are_quarantined_and_reported():
    sets, quarantine = silver_sets(with_extra(
        workout_set("Arms", "16 Jan 2027, 18:00", "16 Jan 2027, 19:00", "Squat (Barbell)", 0, 100, 8)))
    found = all_findings(sets, quarantine)["no_future_dates"]
    assert lines_of(found) == [16] and "2026-11-21" in found.offending["problem"].iloc[0]
    assert (sets["started_at"].dt.year < 2027).all()
    assert set(found.offending["outcome"]) == {"quarantined"}


def test_workouts_before_the_earliest_year_are_quarantined_and_reported():
    sets, quarantine = silver_sets(with_extra(
        workout_set("Arms", "16 Jan 1900, 18:00", "16 Jan 1900, 19:00", "Squat (Barbell)", 0, 100, 8)))
    found = all_findings(sets, quarantine)["no_dates_before_earliest_year"]
    assert lines_of(found) == [16] and "before 1990" in found.offending["problem"].iloc[0]
    assert (sets["started_at"].dt.year > 1900).all()


def test_unloaded_failure_set_after_loaded_sets_is_a_suspected_entry_error():
    rows = clean_workouts()
    rows.insert(11, workout_set(*WEDNESDAY, "Squat (Barbell)", 4, "", 6, "failure"))  # after Wednesday's squats
    sets, quarantine = silver_sets(rows)
    findings = all_findings(sets, quarantine)
    found = findings["weight_where_expected"]
    assert lines_of(found) == [13]
    assert "failure set right after loaded sets" in found.offending["problem"].iloc[0]
    # bodyweight (Pull Up), timed (Plank) and cardio (Running) rows without weight are expected
    assert set(found.offending["exercise"]) == {"Squat (Barbell)"}


def test_assisted_exercises_may_have_no_weight():
    rows = with_extra(workout_set(*WEDNESDAY, "Pull Up (Assisted)", 0, 20, 8),
                      workout_set(*WEDNESDAY, "Pull Up (Assisted)", 1, "", 8))
    sets, quarantine = silver_sets(rows)
    assert all_findings(sets, quarantine)["weight_where_expected"].passed


def test_reps_missing_on_a_lifting_set_is_reported():
    sets, quarantine = silver_sets(with_extra(workout_set(*WEDNESDAY, "Squat (Barbell)", 4, 100, "")))
    found = all_findings(sets, quarantine)["reps_where_expected"]
    assert lines_of(found) == [16]


@pytest.mark.parametrize("end, minutes", [("16 Jan 2026, 18:06", 6.0), ("16 Jan 2026, 22:30", 270.0)])
def test_workout_duration_outside_limits(end, minutes):
    sets, quarantine = silver_sets(with_extra(workout_set("Arms", "16 Jan 2026, 18:00", end, "Squat (Barbell)", 0, 100, 8)))
    found = all_findings(sets, quarantine)["workout_duration"]
    assert lines_of(found) == [16]
    assert f"duration {minutes} min" in found.offending["values"].iloc[0]
    assert found.counts["workouts"] == 3


def test_workout_duration_limits_are_configurable():
    sets, quarantine = silver_sets(with_extra(
        workout_set("Arms", "16 Jan 2026, 18:00", "16 Jan 2026, 18:06", "Squat (Barbell)", 0, 100, 8)))
    relaxed = QualityResource(workout_min_minutes=5)
    assert all_findings(sets, quarantine, relaxed)["workout_duration"].passed


def progression_rows(curl_reps: list[int]) -> list[dict]:
    """Twelve weeks of leg press climbing from 100 to 320 kg, and curls with the given reps."""
    rows = []
    for week in range(12):
        day = 5 + week * 7
        start = f"{day % 28 + 1} {'Jan' if day < 28 else 'Feb' if day < 56 else 'Mar'} 2026, 18:00"
        end = start.replace("18:00", "19:00")
        rows += [workout_set("Legs", start, end, "Leg Press (Machine)", 0, 60, 12, "warmup"),
                 workout_set("Legs", start, end, "Leg Press (Machine)", 1, 100 + 20 * week, 10),
                 workout_set("Legs", start, end, "Bicep Curl (Dumbbell)", 0, 14, curl_reps[week]),
                 workout_set("Legs", start, end, "Bicep Curl (Dumbbell)", 1, 14, 10),
                 workout_set("Legs", start, end, "Bicep Curl (Dumbbell)", 2, 14, 10)]
    return rows


def test_outliers_are_judged_per_exercise():
    reps = [10, 11, 12, 10, 11, 111, 12, 10, 11, 12, 10, 11]
    sets, quarantine = silver_sets(progression_rows(reps))
    found = all_findings(sets, quarantine)["no_outliers"]
    # Only the 111-rep curl: the leg press climbs from 100 to 320 kg, far outside a whole-dataset
    # IQR (curls at 14 kg pull it down), yet within its own exercise it is steady progress.
    assert list(found.offending["exercise"]) == ["Bicep Curl (Dumbbell)"]
    assert "reps 111 outside the working range" in found.offending["problem"].iloc[0]
    weights = sets["weight_kg"]
    q1, q3 = weights.quantile(0.25), weights.quantile(0.75)
    whole_dataset_outliers = sets[weights > q3 + 1.5 * (q3 - q1)]
    assert set(whole_dataset_outliers["exercise_title"]) == {"Leg Press (Machine)"}


def test_warmups_are_judged_apart_from_working_sets():
    sets, quarantine = silver_sets(progression_rows([10, 11, 12, 10, 11, 12, 12, 10, 11, 12, 10, 11]))
    assert all_findings(sets, quarantine)["no_outliers"].passed  # 60 kg warm-ups vs 100-320 kg work


def test_names_used_once_or_nearly_identical_are_reported():
    friday = ("Arms", "16 Jan 2026, 18:00", "16 Jan 2026, 19:00")
    rows = with_extra(workout_set(*friday, "Squats (Barbell)", 0, 100, 8),
                      workout_set(*friday, "Hip Abduction (Machine)", 0, 40, 12),
                      workout_set(*MONDAY, "Hip Adduction (Machine)", 0, 40, 12),
                      workout_set(*WEDNESDAY, "Hip Abduction (Machine)", 0, 40, 12),
                      workout_set(*WEDNESDAY, "Hip Adduction (Machine)", 0, 40, 12))
    sets, quarantine = silver_sets(rows)
    found = all_findings(sets, quarantine)["exercise_names"]
    problems = dict(zip(found.offending["problem"], found.offending["exercise"]))
    assert problems == {"used in a single workout: a rename or typo?": "Squats (Barbell)",
                        "nearly identical to 'Squat (Barbell)'": "Squats (Barbell)"}


def test_a_row_repeated_right_below_itself_is_a_duplicate_but_back_off_blocks_are_not():
    rows = clean_workouts()
    rows.insert(3, dict(rows[2]))  # Monday's squat set 2 logged twice
    rows.append(workout_set(*WEDNESDAY, "Squat (Barbell)", 0, 60, 10, "warmup"))  # identical to the first, separate block
    sets, quarantine = silver_sets(rows)
    found = all_findings(sets, quarantine)["no_duplicate_rows"]
    assert lines_of(found) == [5]


def test_a_row_breaking_several_rules_is_listed_by_each():
    sets, quarantine = silver_sets(with_extra(workout_set(*WEDNESDAY, "Squat (Barbell)", 4, -100, 8, "superset")))
    findings = all_findings(sets, quarantine)
    assert lines_of(findings["no_negative_values"]) == [16]
    assert lines_of(findings["set_type_valid"]) == [16]


def test_a_gap_left_by_a_quarantined_row_is_not_a_set_index_error():
    rows = clean_workouts()
    rows[2] = {**rows[2], "weight_kg": "-100"}  # Monday's squat set 2 is quarantined
    sets, quarantine = silver_sets(rows)
    findings = all_findings(sets, quarantine)
    assert lines_of(findings["no_negative_values"]) == [4]
    assert findings["set_index_sequence"].passed


def test_a_repeated_row_is_a_duplicate_not_a_set_index_error():
    rows = clean_workouts()
    rows.insert(3, dict(rows[2]))
    sets, quarantine = silver_sets(rows)
    findings = all_findings(sets, quarantine)
    assert lines_of(findings["no_duplicate_rows"]) == [5]
    assert findings["set_index_sequence"].passed


def test_a_workout_pasted_twice_is_reported_as_duplicate_blocks():
    monday = clean_workouts()[:7]
    sets, quarantine = silver_sets(monday + monday)
    found = all_findings(sets, quarantine)["no_duplicate_rows"]
    assert lines_of(found) == list(range(9, 16))
    assert set(found.offending["problem"]) == {"part of a block identical to an earlier block"}


def test_the_misspelt_name_is_the_one_reported():
    friday = ("Arms", "16 Jan 2026, 18:00", "16 Jan 2026, 19:00")
    saturday = ("Arms", "17 Jan 2026, 18:00", "17 Jan 2026, 19:00")
    rows = with_extra(*(workout_set(*day, name, 0, 60, 8) for day in (friday, saturday)
                        for name in ("Bench Pres (Barbell)", "Bench Press (Barbell)", "Squat (Barbel)")))
    sets, quarantine = silver_sets(rows)
    found = all_findings(sets, quarantine)["exercise_names"]
    assert dict(zip(found.offending["exercise"], found.offending["problem"])) == {
        "Bench Pres (Barbell)": "nearly identical to 'Bench Press (Barbell)'",
        "Squat (Barbel)": "nearly identical to 'Squat (Barbell)'"}


def test_fingerprint_follows_the_rows_at_fault_not_their_description():
    sets, quarantine = silver_sets(with_extra(
        workout_set("Arms", "16 Jan 2027, 18:00", "16 Jan 2027, 19:00", "Squat (Barbell)", 0, 100, 8)))
    today = rules.no_future_dates(sets, quarantine)
    tomorrow = rules.no_future_dates(*silver_sets(with_extra(
        workout_set("Arms", "16 Jan 2027, 18:00", "16 Jan 2027, 19:00", "Squat (Barbell)", 0, 100, 8)),
        today=date(2026, 11, 22)))
    assert today.offending["problem"].iloc[0] != tomorrow.offending["problem"].iloc[0]
    assert today.fingerprint() == tomorrow.fingerprint()
    other = rules.no_future_dates(*silver_sets(with_extra(
        workout_set("Arms", "16 Jan 2027, 18:00", "16 Jan 2027, 19:00", "Squat (Barbell)", 0, 100, 8),
        workout_set("Arms", "17 Jan 2027, 18:00", "17 Jan 2027, 19:00", "Squat (Barbell)", 0, 100, 8))))
    assert other.fingerprint() != today.fingerprint()


def test_rules_accept_an_inbox_without_workout_rows():
    sets, quarantine = silver_sets([])
    assert failing(all_findings(sets, quarantine)) == set()


def test_fingerprint_ignores_the_file_and_line_of_rows_identified_by_content():
    import pandas as pd

    from fitness_assets.lib.quality.core import finding

    rows = pd.DataFrame({"file": ["hevy_2026-01.csv", "hevy_2026-01.csv"], "line": [12, 40],
                         "athlete": ["default", "default"], "date": ["2026-01-05", "2026-01-07"],
                         "exercise": ["Squat (Barbell)", "Chin Up"], "problem": ["x", "y"]})
    renamed = rows.assign(file="hevy_2026-02.csv", line=[15, 43]).iloc[::-1]
    assert finding(rows, 10).fingerprint() == finding(renamed, 10).fingerprint()
    assert finding(rows, 10).fingerprint() != finding(rows.assign(date=["2026-01-05", "2026-01-08"]), 10).fingerprint()
    located_only = pd.DataFrame({"file": ["a.csv"], "line": [3], "problem": ["unreadable"]})
    assert finding(located_only, 1).fingerprint() != finding(located_only.assign(line=[4]), 1).fingerprint()


def test_progression_is_not_an_outlier_but_a_tenfold_typo_is():
    """40 weeks of squats climbing 60 → 118.5 kg (each week a new top weight), one 10× entry
    error planted: only that set is flagged, and it comes first."""
    rows = []
    for week in range(40):
        day = date(2025, 1, 6) + timedelta(weeks=week)
        start, end = f"{day:%d %b %Y}, 18:00", f"{day:%d %b %Y}, 19:00"
        top = 60 + 1.5 * week
        for index in range(3):
            weight = top * 10 if (week, index) == (30, 1) else top
            rows.append(workout_set("Legs", start, end, "Squat (Barbell)", index, weight, 5))
    sets, quarantine = silver_sets(rows)
    found = all_findings(sets, quarantine)["no_outliers"]
    assert len(found.offending) == 1
    assert found.offending["problem"].iloc[0].startswith("weight_kg 1050 outside the working range")
