"""The template writer and the grounding check, on a payload from the contract."""

from __future__ import annotations

import copy

from fitness_assets.lib.payloads.payload import validate_payload
from fitness_assets.lib.reports.charts import with_chart_links
from fitness_assets.lib.reports.grounding import ungrounded_numbers
from fitness_assets.lib.reports.template import write_report

PAYLOAD = {
    "schema_version": "1.0", "athlete_id": "default", "week_start": "2026-01-12",
    "cycle": {"cycle_id": 5, "cycle_name": "Cutting III", "cycle_type": "cutting"},
    "diet": {"avg_calories_kcal": 2067, "avg_carbs_g": 202, "avg_protein_g": 180, "avg_fat_g": 60,
             "cardio_weekly_min": 120.0, "avg_bodyweight_kg": 80.05, "logged_days": 3},
    "training_overview": {"training_sessions": 3, "total_sets": 7, "failure_sets": 1, "avg_reps_per_set": 9.83},
    "exercises": [
        {"exercise_id": 176113026829350, "exercise_name": "Bench Press (Barbell)", "muscle_group": "Chest",
         "current_week": {"total_sets": 3, "total_reps": 25, "avg_reps": 8.33, "avg_weight_kg": 75.0,
                          "max_weight_kg": 82.5, "failure_sets": 1, "sessions_count": 1},
         "delta_vs_last_week": {"total_sets": 0, "total_reps": 3, "avg_reps": 1.0, "avg_weight_kg": -5.0,
                                "max_weight_kg": 2.5, "failure_sets": 0},
         "delta_vs_last_trained_week": {"last_trained_week_start": "2026-01-05", "total_sets": 0, "total_reps": 3,
                                        "avg_reps": 1.0, "avg_weight_kg": -5.0, "max_weight_kg": 2.5,
                                        "failure_sets": 0}},
        {"exercise_id": 1, "exercise_name": "21s Curl", "muscle_group": "Biceps",
         "current_week": {"total_sets": 4, "total_reps": 40, "avg_reps": 10.0, "avg_weight_kg": 20.0,
                          "max_weight_kg": 20.0, "failure_sets": 0, "sessions_count": 1},
         "delta_vs_last_week": None,
         "delta_vs_last_trained_week": {"last_trained_week_start": "2025-12-29", "total_sets": 1, "total_reps": -2,
                                        "avg_reps": -1.5, "avg_weight_kg": -2.5, "max_weight_kg": -2.5,
                                        "failure_sets": 0}},
    ],
}


def test_the_template_report_is_deterministic_grounded_and_complete():
    validate_payload(PAYLOAD)
    text = write_report(copy.deepcopy(PAYLOAD))
    assert text == write_report(copy.deepcopy(PAYLOAD))
    assert ungrounded_numbers(text, PAYLOAD) == []
    for heading in ("## Training overview", "## Progression", "## Regression", "## Diet alignment", "## Fatigue signals"):
        assert heading in text
    assert "- `Bench Press (Barbell)`: top weight 82.5 kg, 3 sets, 25 reps (+2.5 kg top weight, +3 reps vs week of 2026-01-05)" in text
    assert "- `21s Curl`: top weight 20 kg, 4 sets, 40 reps (−2.5 kg top weight, −2 reps vs week of 2025-12-29)" in text
    assert "1 of 7 working sets taken to failure." in text
    assert "- `Bench Press (Barbell)`: 1 failure set(s)." in text
    assert "Cycle: `Cutting III` (cutting)." in text


def test_a_week_without_diet_or_cycle_says_not_enough_data():
    payload = copy.deepcopy(PAYLOAD)
    payload["cycle"] = {"cycle_id": None, "cycle_name": None, "cycle_type": None}
    payload["diet"] = {key: None for key in payload["diet"]} | {"logged_days": 0}
    text = write_report(payload)
    assert "Cycle: not enough data." in text and "No diet days logged: not enough data." in text
    assert ungrounded_numbers(text, payload) == []


def test_grounding_lists_invented_numbers_only():
    text = ("# Weekly report: week of 2026-01-12\n"
            "1. Bench press went up by 2.5 kg to 82.5 kg (W03), bodyweight 80.1 kg, 80 kg rounded.\n"
            "- `21s Curl`: 20 kg.\n"
            "- You improved 12% and should hit 90 kg next week; 2,067 kcal.\n")
    # 2.5/82.5/20 are payload values; 80.1 and 80 round 80.05; 21 is part of a quoted name; the list
    # marker and the dates are not claims. 12 and 90 are invented; "2,067" is read as 2.067.
    assert ungrounded_numbers(text, PAYLOAD) == ["12", "90", "2,067"]


def test_numbers_glued_to_units_are_checked():
    # 95, 6, 12 and 2500 are in no payload field; 82.5 is (current_week.max_weight_kg).
    assert ungrounded_numbers("- Next week: squat 95kg.\n", PAYLOAD) == ["95"]
    assert ungrounded_numbers("- Do 6x12 on the curl.\n", PAYLOAD) == ["6", "12"]
    assert ungrounded_numbers("- Eat 2500kcal a day.\n", PAYLOAD) == ["2500"]
    assert ungrounded_numbers("- Bench Press (Barbell) reached 82.5kg, 2067kcal on average.\n", PAYLOAD) == []


def test_a_number_at_the_start_of_a_line_is_a_list_marker_only_in_a_numbered_list():
    assert ungrounded_numbers("# Plan\n\n95. Next week, squat heavier.\n", PAYLOAD) == ["95"]
    assert ungrounded_numbers("1. Bench Press (Barbell) at 82.5 kg.\n2. `21s Curl` at 20 kg.\n", PAYLOAD) == []
    # Out of sequence: "6." is not numbering (6 is in no payload field).
    assert ungrounded_numbers("1. Bench press at 82.5 kg.\n6. Curl at 20 kg.\n", PAYLOAD) == ["6"]
    # A paragraph ends the list: numbering restarts at 1.
    assert ungrounded_numbers("1. Bench.\n\nText.\n\n2. Curl.\n1. Squat.\n", PAYLOAD) == ["2"]


def test_rounding_to_fewer_decimals_is_allowed_other_forms_are_not():
    # avg_bodyweight_kg 80.05, avg_reps_per_set 9.83, max_weight_kg 82.5 (one decimal).
    assert ungrounded_numbers("- Bodyweight 80.05 kg, 80.1 kg, 80 kg; 9.8 reps per set.\n", PAYLOAD) == []
    assert ungrounded_numbers("- Bodyweight 80.0 kg.\n", PAYLOAD) == ["80.0"]      # 80.05 rounds to 80.1
    assert ungrounded_numbers("- 9.9 reps per set.\n", PAYLOAD) == ["9.9"]          # 9.83 rounds to 9.8
    assert ungrounded_numbers("- Top weight 82.50 kg.\n", PAYLOAD) == ["82.50"]    # more decimals than given
    assert ungrounded_numbers("- 80.06 kg.\n", PAYLOAD) == ["80.06"]


def test_a_sign_must_match_unless_stated_in_words():
    # The curl's delta_vs_last_trained_week: total_reps -2, avg_reps -1.5; no field holds +2 or +1.5.
    assert ungrounded_numbers("- `21s Curl`: −2 reps, -1.5 reps per set.\n", PAYLOAD) == []
    assert ungrounded_numbers("- `21s Curl`: down 1.5 reps per set, 2 fewer reps, lost 2 reps.\n", PAYLOAD) == []
    assert ungrounded_numbers("- `21s Curl`: +2 reps, up 1.5 reps per set.\n", PAYLOAD) == ["+2", "1.5"]
    assert ungrounded_numbers("- `21s Curl`: 2 reps.\n", PAYLOAD) == ["2"]
    # Bench's top weight went up 2.5 kg; -82.5 is in no field.
    assert ungrounded_numbers("- Bench: +2.5 kg, up 2.5 kg, −82.5 kg.\n", PAYLOAD) == ["−82.5"]


def test_image_targets_are_not_claims_but_their_alt_text_is():
    # report.md links its charts by file name; a name with digits in it states nothing.
    assert ungrounded_numbers(with_chart_links(write_report(copy.deepcopy(PAYLOAD))), PAYLOAD) == []
    assert ungrounded_numbers("![Sets per muscle group](week_2024_12.svg)\n", PAYLOAD) == []
    assert ungrounded_numbers("![Squat 95 kg](chart.svg)\n", PAYLOAD) == ["95"]
    assert ungrounded_numbers("[link](95.svg) and (95)\n", PAYLOAD) == ["95", "95"]  # a link's text or target: claims


def test_names_with_digits_are_not_claims_but_only_quoted_exactly():
    assert ungrounded_numbers("- `21s Curl`: 20 kg.\n", PAYLOAD) == []
    # Unquoted, in another case, or in part, "21" is a number like any other (21 is in no field).
    assert ungrounded_numbers("- 21s Curl: 20 kg.\n", PAYLOAD) == ["21"]
    assert ungrounded_numbers("- `21s curl`: 20 kg. The `21s` felt easy.\n", PAYLOAD) == ["21", "21"]
    # schema_version "1.0" is not a name: it hides nothing inside 81.05.
    assert ungrounded_numbers("- Bodyweight 81.05 kg.\n", PAYLOAD) == ["81.05"]


RUNNING = {"logged_activities": 4, "runs": 2, "walks": 1, "mixed": 0, "outliers": 0, "other_activities": 1,
           "run_distance_km": 13.5, "run_duration_min": 71.25, "avg_run_pace_min_per_km": 5.28, "longest_run_km": 8.5,
           "fastest_run_pace_min_per_km": 5.12, "fastest_run_min_distance_km": 3.0, "walk_distance_km": 4.02,
           "walk_duration_min": 47.5}


def running_payload() -> dict:
    """PAYLOAD as contract 1.1 writes a week with activities: `running` between the training
    overview and the exercises."""
    payload = {key: value for key, value in copy.deepcopy(PAYLOAD).items() if key != "exercises"}
    return payload | {"schema_version": "1.1", "running": dict(RUNNING), "exercises": copy.deepcopy(PAYLOAD["exercises"])}


def test_the_template_writes_running_only_when_the_payload_has_it():
    payload = running_payload()
    validate_payload(payload)
    text = write_report(payload)
    assert ungrounded_numbers(text, payload) == []
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:3] == ["## Training overview", "## Running and walking", "## Progression"]
    assert ("- 2 runs: 13.5 km in 71.25 min, 5.28 min/km on average (total time over total distance); "
            "longest run 8.5 km.\n- Fastest run of 3 km or more: 5.12 min/km.\n- 1 walk: 4.02 km in 47.5 min.\n"
            "- Also logged: 1 other activity (not a run or walk).\n") in text
    # the rest of the report is the 1.0 report, unchanged
    without = write_report(copy.deepcopy(PAYLOAD))
    assert "Running" not in without
    assert text.replace(text.split("## Running and walking\n\n")[1].split("## Progression")[0], "") \
        .replace("## Running and walking\n\n", "") == without


def test_grounding_checks_running_numbers_like_any_other():
    payload = running_payload()
    assert ungrounded_numbers("2 runs, 13.5 km, 71.25 min, fastest 5.12 min/km over 3 km.", payload) == []
    # rounding to fewer decimals is allowed; a sum of one's own is not, nor the seconds of a pace
    # written m:ss (its minutes, 5, pass only as 5.12 rounded)
    assert ungrounded_numbers("About 71 min of running and 4 km of walking.", payload) == []
    assert ungrounded_numbers("17.52 km on foot in total, a 5:17 pace.", payload) == ["17.52", "17"]
    # the 1.0 payload has no 2 (2.5 rounds to 3) and no 13.5
    assert ungrounded_numbers("2 runs, 13.5 km.", PAYLOAD) == ["2", "13.5"]


def test_an_exercise_without_logged_reps_says_no_rep_count():
    import copy

    from fitness_assets.lib.reports.grounding import ungrounded_numbers
    from fitness_assets.lib.reports.template import write_report

    payload = copy.deepcopy(PAYLOAD)
    payload["exercises"][0]["current_week"]["total_reps"] = None
    payload["exercises"][0]["delta_vs_last_trained_week"] = None  # no comparison text on the line
    text = write_report(payload)
    lines = [line for line in text.splitlines() if payload["exercises"][0]["exercise_name"] in line]
    assert "- `Bench Press (Barbell)`: top weight 82.5 kg, 3 sets" in lines
    assert not any("reps" in line for line in lines)
    assert ungrounded_numbers(text, payload) == []
