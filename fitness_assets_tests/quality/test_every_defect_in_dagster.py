"""Every defect of issue 3, fed through the real ingest_job: the right check fails, with the
catalog's severity, and its metadata lists the offending rows (file and line, or the values).

One workout export and one diet export carry all the defects at once, each in its own workout
or day so none masks another, and are ingested in one run. A date logged twice blocks the run,
so it gets a second, separate diet export and run, which also shows the publishing gate keeping
`weekly_report` from publishing. Clean data passing every check is test_checks_in_dagster.py's.
"""

from __future__ import annotations


import dagster as dg

from fitness_assets.lib.quality.catalog import RULES, rule
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import check_evaluations, failed_checks, run_ingest, run_reports
from fitness_assets_tests.quality.rules_helpers import CYCLE, clean_diet_lines, clean_workouts

WORKOUTS, DIET = "workouts.csv", "diet.csv"
SQUAT = "Squat (Barbell)"
TYPO = "Squat (Barbel)"             # used once, one letter from SQUAT, not in the curated map
UNMAPPED = "Tire Flip"              # used in two workouts, not in the curated map
BULK = "4Bulking II (01/12/2025 - 10/01/2026)"  # overlaps CYCLE, which starts 05/01/2026
FUTURE = "2099-01-01"


def markdown_rows(markdown: str) -> list[dict[str, str]]:
    """The offending table of a check (pandas' Markdown) as one dict per row."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    if not lines:
        return []
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    return [dict(zip(cells[0], row)) for row in cells[2:]]


class Export:
    """Rows of one export and, per defect, the file lines that carry it (header = line 1)."""

    def __init__(self, rows: list):
        self.rows = list(rows)
        self.lines: dict[str, list[int]] = {}

    def add(self, defect: str, *rows, offending: tuple[int, ...] | None = None) -> None:
        first = len(self.rows) + 2
        self.rows.extend(rows)
        positions = range(len(rows)) if offending is None else offending
        self.lines[defect] = [first + i for i in positions]


def workout(title: str, day: str, start: str = "18:00", end: str = "19:00", end_day: str | None = None):
    return title, f"{day}, {start}", f"{end_day or day}, {end}"


def defective_workouts() -> Export:
    export = Export(clean_workouts())  # Monday and Wednesday leg days: Squat, Plank, Pull Up, Running

    def squat(w, set_index: int, weight=100, reps=8, set_type: str = "normal") -> dict:
        return workout_set(*w, SQUAT, set_index, weight, reps, set_type)

    w = workout("Gap", "16 Jan 2026")
    export.add("set_index gap", squat(w, 0), squat(w, 2), offending=(1,))
    export.add("unknown set type", squat(workout("Set type", "17 Jan 2026"), 0, set_type="superset"))
    export.add("negative weight", squat(workout("Negative weight", "18 Jan 2026"), 0, weight=-100))
    export.add("negative distance", workout_set(*workout("Negative distance", "19 Jan 2026"), "Running", 0,
                                                distance_km="-3", duration_seconds="1200"))
    export.add("negative duration", workout_set(*workout("Negative duration", "20 Jan 2026"), "Plank", 0,
                                                duration_seconds="-60"))
    export.add("end before start", squat(workout("Backwards", "21 Jan 2026", "18:00", "17:00"), 0))
    export.add("future date", squat(workout("Future", "1 Jan 2099"), 0))
    w = workout("Failure", "22 Jan 2026")
    export.add("unloaded failure set", squat(w, 0), squat(w, 1), squat(w, 2, weight="", set_type="failure"),
               offending=(2,))
    export.add("unloaded set", squat(workout("Unloaded", "23 Jan 2026"), 0, weight=""))
    export.add("missing reps", squat(workout("No reps", "24 Jan 2026"), 0, reps=""))
    export.add("6-minute workout", squat(workout("Short", "25 Jan 2026", "18:00", "18:06"), 0))
    export.add("5-hour workout", squat(workout("Long", "26 Jan 2026", "18:00", "23:00"), 0))
    export.add("111 reps", squat(workout("Outlier", "27 Jan 2026"), 0, reps=111))
    export.add("typo name", workout_set(*workout("Typo", "28 Jan 2026"), TYPO, 0, 100, 8))
    w = workout("Duplicate", "29 Jan 2026")
    export.add("duplicate row", squat(w, 0), squat(w, 1), squat(w, 1), offending=(2,))
    export.add("unmapped exercise", workout_set(*workout("Tires", "30 Jan 2026"), UNMAPPED, 0, 100, 5),
               workout_set(*workout("Tires", "31 Jan 2026"), UNMAPPED, 0, 100, 5))
    return export


def day(when: str, carbs=200, protein=180, fat=60, kcal=2060, cardio=90, cycle=CYCLE, bodyweight=80.0) -> str:
    # kcal = 4·200 + 4·180 + 9·60 = 2060: the defaults agree with the macros
    return f"{when},{carbs},{protein},{fat},{kcal},{cardio},{cycle},{bodyweight},"


def defective_diet() -> Export:
    export = Export([])
    # Quarantined days come first: inside the range their absence would be a missing day too.
    export.add("negative carbs", day("2026-01-03", carbs=-200, cycle=BULK))
    export.add("negative cardio", day("2026-01-04", cardio=-90, cycle=BULK))
    export.add("clean", day("2026-01-05", cycle=BULK, bodyweight=80.0), day("2026-01-06", cycle=BULK, bodyweight=80.1),
               day("2026-01-07", cycle=BULK, bodyweight=80.2), day("2026-01-08", bodyweight=80.3))
    export.add("kcal off", day("2026-01-09", kcal=2200, bodyweight=80.4))  # 6.8 % above 2060
    export.add("unparseable cycle", day("2026-01-10", cycle="Cutting sometime", bodyweight=80.5))
    export.add("before the gap", day("2026-01-11", bodyweight=80.6))
    # 2026-01-12 and 2026-01-13 are missing
    export.add("after the gap", day("2026-01-14", bodyweight=80.7), day("2026-01-15", bodyweight=80.8))
    export.add("bodyweight jump", day("2026-01-16", bodyweight=84.0))  # +3.2 kg in a day
    export.add("after the jump", day("2026-01-17", bodyweight=84.1), day("2026-01-18", bodyweight=84.2))
    export.add("future date", day(FUTURE, bodyweight=84.2))
    return export


# (asset, check) → the defects it must list; every other check must pass.
EXPECTED_WORKOUT_FAILURES = {
    "set_index_sequence": ["set_index gap"],
    "set_type_valid": ["unknown set type"],
    "no_negative_values": ["negative weight", "negative distance", "negative duration"],
    "end_after_start": ["end before start"],
    "no_future_dates": ["future date"],
    "weight_where_expected": ["unloaded failure set", "unloaded set"],
    "reps_where_expected": ["missing reps"],
    "workout_duration": ["6-minute workout", "5-hour workout"],
    "no_outliers": ["111 reps"],
    "exercise_names": ["typo name", "typo name"],  # used once, and nearly identical to SQUAT
    "no_duplicate_rows": ["duplicate row"],
}
EXPECTED_DIET_FAILURES = {
    "no_negative_values": ["negative carbs", "negative cardio"],
    "no_future_dates": ["future date"],
    "calories_match_macros": ["kcal off"],
    "cycle_mapped": ["unparseable cycle"],
    "bodyweight_jumps": ["bodyweight jump"],
}
QUARANTINED_WORKOUT_DEFECTS = ["unknown set type", "negative weight", "negative distance", "negative duration",
                               "end before start", "future date"]


def test_every_defect_fails_its_check_with_the_catalog_severity_and_lists_its_rows(settings):
    workouts, diet = defective_workouts(), defective_diet()
    (settings.inbox / WORKOUTS).write_bytes(hevy_csv(workouts.rows))
    (settings.inbox / DIET).write_bytes(diet_csv(diet.rows))
    instance = dg.DagsterInstance.ephemeral()
    result = run_ingest(settings, instance)
    assert result.success  # none of these defects blocks: they are quarantined or only warned about

    evaluations = check_evaluations(instance, result.run_id)
    assert set(evaluations) == {(r.asset, r.name) for r in RULES if r.asset not in ("weekly_payload", "weekly_report")}
    expected_failures = [
        *(("silver_workout_sets", name) for name in EXPECTED_WORKOUT_FAILURES),
        *(("silver_diet_days", name) for name in EXPECTED_DIET_FAILURES),
        ("silver_diet_days", "missing_days"), ("silver_cycles", "cycles_ordered"),
        ("silver_quarantine", "no_quarantined_rows"), ("exercise_muscle_map", "unmapped_exercises"),
    ]
    assert failed_checks(instance, result.run_id) == {key: rule(*key).severity for key in expected_failures}
    for (asset, name), evaluation in evaluations.items():
        assert evaluation.severity.value == rule(asset, name).severity
        assert evaluation.blocking == rule(asset, name).blocking

    def offending(asset: str, name: str) -> list[dict[str, str]]:
        metadata = {k: v.value for k, v in evaluations[(asset, name)].metadata.items()}
        rows = markdown_rows(metadata["offending"])
        assert metadata["offending_rows"] == len(rows), (asset, name)
        return rows

    def located(rows: list[dict[str, str]]) -> list[tuple[str, int]]:
        return sorted((row["file"], int(row["line"])) for row in rows)

    for name, defects in EXPECTED_WORKOUT_FAILURES.items():
        assert located(offending("silver_workout_sets", name)) == sorted(
            (WORKOUTS, line) for defect in defects for line in workouts.lines[defect]), name
    for name, defects in EXPECTED_DIET_FAILURES.items():
        assert located(offending("silver_diet_days", name)) == sorted(
            (DIET, line) for defect in defects for line in diet.lines[defect]), name

    # What each row says: the values at fault and the problem.
    def by_line(asset: str, name: str) -> dict[int, dict[str, str]]:
        return {int(row["line"]): row for row in offending(asset, name)}

    negative = by_line("silver_workout_sets", "no_negative_values")
    for defect, value in (("negative weight", "weight_kg=-100"), ("negative distance", "distance_km=-3"),
                          ("negative duration", "duration_seconds=-60")):
        assert value in negative[workouts.lines[defect][0]]["values"], defect
        assert negative[workouts.lines[defect][0]]["outcome"] == "quarantined"
    assert "set_type=superset" in offending("silver_workout_sets", "set_type_valid")[0]["values"]
    assert "end_time is before start_time" in offending("silver_workout_sets", "end_after_start")[0]["problem"]
    future = offending("silver_workout_sets", "no_future_dates")[0]
    assert future["problem"].startswith("workout start 2099-01-01 is after today")
    assert future["outcome"] == "quarantined" and int(future["line"]) == workouts.lines["future date"][0]
    assert offending("silver_workout_sets", "set_index_sequence")[0]["problem"] == "set_index 2 where 1 was expected"
    unloaded = by_line("silver_workout_sets", "weight_where_expected")
    assert "failure set right after loaded sets" in unloaded[workouts.lines["unloaded failure set"][0]]["problem"]
    assert "sets of this exercise are loaded" in unloaded[workouts.lines["unloaded set"][0]]["problem"]
    assert {row["exercise"] for row in unloaded.values()} == {SQUAT}
    assert offending("silver_workout_sets", "reps_where_expected")[0]["values"] == "set_type=normal, weight_kg=100.0"
    durations = by_line("silver_workout_sets", "workout_duration")
    assert durations[workouts.lines["6-minute workout"][0]]["values"].startswith("duration 6.0 min")
    assert durations[workouts.lines["5-hour workout"][0]]["values"].startswith("duration 300.0 min")
    assert offending("silver_workout_sets", "no_outliers")[0]["problem"].startswith("reps 111 outside the working range")
    names = offending("silver_workout_sets", "exercise_names")
    assert {(row["exercise"], row["problem"]) for row in names} == {
        (TYPO, "used in a single workout: a rename or typo?"), (TYPO, f"nearly identical to '{SQUAT}'")}
    assert offending("silver_workout_sets", "no_duplicate_rows")[0]["problem"] == "identical to the row above it"

    diet_negative = by_line("silver_diet_days", "no_negative_values")
    assert "carbs_g=-200" in diet_negative[diet.lines["negative carbs"][0]]["values"]
    assert "cardio_weekly_min=-90" in diet_negative[diet.lines["negative cardio"][0]]["values"]
    assert offending("silver_diet_days", "no_future_dates")[0]["problem"].startswith(f"diet day {FUTURE} is after today")
    kcal = offending("silver_diet_days", "calories_match_macros")[0]
    assert kcal["date"] == "2026-01-09" and kcal["problem"].startswith("kcal 2200 vs 2060")
    unmapped_cycle = offending("silver_diet_days", "cycle_mapped")[0]
    assert "cycle_raw=Cutting sometime" in unmapped_cycle["values"]
    assert unmapped_cycle["problem"].startswith("cycle text is not like")
    jump = offending("silver_diet_days", "bodyweight_jumps")[0]
    assert jump["date"] == "2026-01-16" and "+3.2 kg in 1 day(s)" in jump["problem"]
    # The gaps are listed by dates; the far-future day is quarantined, so it widens no range.
    assert offending("silver_diet_days", "missing_days") == [
        {"athlete": "default", "from": "2026-01-12", "to": "2026-01-13", "days_missing": "2"}]
    assert evaluations[("silver_diet_days", "missing_days")].metadata["days_missing"].value == 2
    assert offending("silver_cycles", "cycles_ordered") == [
        {"athlete": "default", "cycles": "Bulking II (id 4) → Cutting III (id 5)",
         "problem": "overlap: ends 2026-01-10, next starts 2026-01-05"}]

    unmapped = offending("exercise_muscle_map", "unmapped_exercises")
    assert {row["exercise_name"] for row in unmapped} == {TYPO, UNMAPPED}
    # Every quarantined row is also listed, by file and line, under no_quarantined_rows.
    assert located(offending("silver_quarantine", "no_quarantined_rows")) == sorted(
        [(WORKOUTS, workouts.lines[d][0]) for d in QUARANTINED_WORKOUT_DEFECTS]
        + [(DIET, diet.lines[d][0]) for d in ("negative carbs", "negative cardio", "future date")])


def test_a_date_logged_twice_blocks_the_run_and_the_gate_keeps_the_weekly_report_unwritten(settings):
    (settings.inbox / WORKOUTS).write_bytes(hevy_csv(clean_workouts()))
    (settings.inbox / DIET).write_bytes(diet_csv(clean_diet_lines()))
    instance = dg.DagsterInstance.ephemeral()
    assert run_ingest(settings, instance).success  # a clean warehouse: a report could be written from it

    # A newer diet export (it holds a later day) logging 2026-01-19 twice, on lines 9 and 10.
    twice = [f"2026-01-19,200,180,60,2060,90,{CYCLE},81.0,", f"2026-01-19,190,180,60,2020,90,{CYCLE},81.0,"]
    (settings.inbox / DIET).write_bytes(diet_csv(clean_diet_lines() + twice))
    blocked = run_ingest(settings, instance, raise_on_error=False)
    assert not blocked.success
    key = ("silver_diet_days", "one_row_per_date")
    assert failed_checks(instance, blocked.run_id) == {key: rule(*key).severity,
                                                      ("silver_quarantine", "no_quarantined_rows"): "ERROR"}
    evaluation = check_evaluations(instance, blocked.run_id)[key]
    assert evaluation.blocking and rule(*key).blocking
    rows = markdown_rows(evaluation.metadata["offending"].value)
    assert [(row["file"], row["line"]) for row in rows] == [(DIET, "9"), (DIET, "10")]
    assert all("date 2026-01-19 appears on lines 9, 10" in row["problem"] for row in rows)

    reports = run_reports(settings, "2026-01-12", "2026-01-12", instance, raise_on_error=False)
    assert not reports.success
    failures = [e.step_failure_data.user_failure_data for e in reports.get_step_failure_events()]
    assert len(failures) == 1 and failures[0] is not None
    assert failures[0].description.startswith("Not publishing weekly_report")
    assert "silver_diet_days:one_row_per_date failed" in failures[0].description
    assert not settings.report_dir.exists() or not any(p.is_file() for p in settings.report_dir.rglob("*"))
