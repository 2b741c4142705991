"""Every data-quality rule: the asset it guards, its severity, whether it blocks, and why.

ERROR + blocking only where going on would publish wrong numbers; a defect whose rows were
quarantined (so they cannot distort anything) is ERROR but not blocking, so the rest of the
data still flows while a person is told. A date logged twice is the exception: both copies are
quarantined, and the week's diet averages would silently lose the day. The README's rule table
is checked against this list.
"""

from __future__ import annotations

from fitness_assets.lib.quality.core import ERROR, WARN, Rule

RULES: tuple[Rule, ...] = (
    # silver_workout_sets
    Rule("set_index_sequence", "silver_workout_sets", ERROR, False,
         "set_index starts at 0 and has no gaps within each exercise block"),
    Rule("set_type_valid", "silver_workout_sets", ERROR, False,
         "set_type is one of normal, warmup, failure, dropset (other rows are quarantined)"),
    Rule("no_negative_values", "silver_workout_sets", ERROR, False,
         "no negative weight, reps, distance or duration (such rows are quarantined)"),
    Rule("end_after_start", "silver_workout_sets", ERROR, False,
         "a workout ends after it starts (other rows are quarantined)"),
    Rule("no_future_dates", "silver_workout_sets", ERROR, False,
         "no workout starts after today in FITNESS_TIMEZONE (such workouts are quarantined)"),
    Rule("no_dates_before_earliest_year", "silver_workout_sets", ERROR, False,
         "no workout starts before FITNESS_EARLIEST_YEAR (such workouts are quarantined)"),
    Rule("removals_confirmed", "silver_workout_sets", ERROR, True,
         "a new export removes at most FITNESS_MAX_REMOVED_SHARE of an athlete's loaded workouts (or fewer "
         "than FITNESS_MIN_REMOVED_ROWS), unless confirmed with `fitness run --allow-removals`"),
    Rule("weight_where_expected", "silver_workout_sets", WARN, False,
         "weight is missing only on bodyweight, assisted, timed and cardio exercises; others are "
         "listed as suspected entry errors"),
    Rule("reps_where_expected", "silver_workout_sets", WARN, False,
         "reps are missing only on timed or cardio sets"),
    Rule("workout_duration", "silver_workout_sets", WARN, False,
         "a workout lasts between FITNESS_WORKOUT_MIN_MINUTES and FITNESS_WORKOUT_MAX_MINUTES"),
    Rule("no_outliers", "silver_workout_sets", WARN, False,
         "weight and reps within the recent range of the same exercise (Tukey fences, k = FITNESS_OUTLIER_IQR_K, "
         "over the sets before it) unless FITNESS_OUTLIER_RATIO times off their median: entry errors, not PRs; "
         "warm-ups and drop sets judged apart"),
    Rule("exercise_names", "silver_workout_sets", WARN, False,
         "no exercise name used in a single workout or nearly identical to another (renames, typos)"),
    Rule("no_duplicate_rows", "silver_workout_sets", WARN, False,
         "no set row identical to the row just above it"),
    # silver_diet_days and silver_cycles
    Rule("one_row_per_date", "silver_diet_days", ERROR, True,
         "one diet row per date (every copy of a repeated date is quarantined)"),
    Rule("no_negative_values", "silver_diet_days", ERROR, False,
         "no negative macros, calories or cardio, and a positive bodyweight (others are quarantined)"),
    Rule("no_future_dates", "silver_diet_days", ERROR, False,
         "no diet day after today in FITNESS_TIMEZONE (such days are quarantined)"),
    Rule("no_dates_before_earliest_year", "silver_diet_days", ERROR, False,
         "no diet day before FITNESS_EARLIEST_YEAR (such days are quarantined)"),
    Rule("removals_confirmed", "silver_diet_days", ERROR, True,
         "a new export removes at most FITNESS_MAX_REMOVED_SHARE of an athlete's loaded diet days (or fewer "
         "than FITNESS_MIN_REMOVED_ROWS), unless confirmed with `fitness run --allow-removals`"),
    Rule("calories_match_macros", "silver_diet_days", WARN, False,
         "kcal within FITNESS_CALORIE_TOLERANCE of 4·carbs + 4·protein + 9·fat"),
    Rule("cycle_mapped", "silver_diet_days", ERROR, False, "every day maps to a parsed diet cycle"),
    Rule("missing_days", "silver_diet_days", WARN, False, "no missing day between the first and last logged date"),
    Rule("bodyweight_jumps", "silver_diet_days", WARN, False,
         "bodyweight changes by at most FITNESS_BODYWEIGHT_JUMP_KG from one day to the next"),
    Rule("cycles_ordered", "silver_cycles", WARN, False,
         "cycles numbered in date order, not overlapping, only the last one open"),
    # silver_activities (MapMyRun): thresholds and type patterns in lib/quality/activity_rules.py
    Rule("no_duplicate_workout_ids", "silver_activities", ERROR, False,
         "one activity per workout id and athlete (an exact repeat in an export loads once; differing "
         "copies are all quarantined)"),
    Rule("removals_confirmed", "silver_activities", ERROR, True,
         "a new export removes at most FITNESS_MAX_REMOVED_SHARE of an athlete's loaded activities (or fewer "
         "than FITNESS_MIN_REMOVED_ROWS), unless confirmed with `fitness run --allow-removals`"),
    Rule("no_negative_values", "silver_activities", ERROR, False,
         "no negative distance, time, pace, speed, calories, heart rate or steps (such activities are quarantined)"),
    Rule("no_future_dates", "silver_activities", ERROR, False,
         "no activity dated after today in FITNESS_TIMEZONE (such activities are quarantined)"),
    Rule("no_dates_before_earliest_year", "silver_activities", ERROR, False,
         "no activity dated before FITNESS_EARLIEST_YEAR (such activities are quarantined)"),
    Rule("distance_with_duration", "silver_activities", WARN, False,
         "a run, walk, hike, ride or swim with a duration also has a distance"),
    Rule("plausible_foot_speed", "silver_activities", WARN, False,
         "an activity on foot (run, jog, walk, hike) averages at most 30 km/h"),
    Rule("heart_rate_in_range", "silver_activities", WARN, False,
         "an average heart rate, when recorded, is between 30 and 230 bpm"),
    # silver bookkeeping
    Rule("no_quarantined_rows", "silver_quarantine", ERROR, False,
         "no row of the current exports was quarantined (all are listed with file, line and reason)"),
    Rule("corrections_current", "silver_corrections_applied", ERROR, False,
         "every correction in the corrections file matches exactly one row"),
    Rule("complete_exports", "silver_file_accounts", ERROR, False,
         "every current export is intact; one cut short or with rows of the wrong width loads its intact "
         "rows but removes nothing (the check names the file and the line)"),
    # warehouse
    Rule("nothing_lost", "sets", ERROR, True, "per workout export: rows read = rows loaded + rows quarantined"),
    Rule("nothing_lost", "diet_daily", ERROR, True, "per diet export: rows read = rows loaded + rows quarantined"),
    Rule("nothing_lost", "activities", ERROR, True,
         "per activity export: rows read = rows loaded + rows quarantined"),
    Rule("referential_integrity", "sets", ERROR, True,
         "no orphan sets, workout_exercises or workouts"),
    Rule("referential_integrity", "diet_daily", ERROR, True, "no diet row without its athlete or cycle"),
    Rule("unmapped_exercises", "exercise_muscle_map", WARN, False,
         "every exercise is in the curated muscle map"),
    # gold
    Rule("every_week_partitioned", "weekly_fitness_summary", ERROR, True,
         "every week with data has a weekly partition (FITNESS_WEEKS_START is on or before the first week)"),
    # insights
    Rule("pace_plausible_for_label", "activity_classification", WARN, False,
         "a run is faster than FITNESS_CLASSIFIER_WALK_MIN_PACE, a walk slower than FITNESS_CLASSIFIER_RUN_MAX_PACE, "
         "and no run, walk or mixed outing is outside FITNESS_CLASSIFIER_MIN_PACE–MAX_PACE"),
    Rule("logged_type_agrees", "activity_classification", WARN, False,
         "in no week with 3 or more runs and walks does the label differ from the logged type for more than half"),
    Rule("scores_in_range", "consistency_weekly", ERROR, False,
         "every consistency score and dimension score is between 0 and 100"),
    Rule("intervals_contain_estimates", "trends", ERROR, False,
         "every slope lies inside its 95 % confidence interval, every forecast inside its intervals, and the "
         "prediction interval contains the line's"),
    Rule("flags_outside_bounds", "anomalies", ERROR, False,
         "every flagged value lies outside the bounds of the method that flagged it"),
    Rule("shares_sum_to_one", "before_after", ERROR, False,
         "in each period with labelled activities, the run, walk, mixed and outlier shares sum to 1"),
    # outputs
    Rule("payload_matches_contract", "weekly_payload", ERROR, True,
         "every payload validates against the contract's JSON Schema before any is written"),
    Rule("report_grounded", "weekly_report", ERROR, True,
         "every number in a report is a payload value, part of a date or week label, or inside a quoted "
         "name equal to a payload name; an ungrounded report is not written"),
    # Not blocking: one week's writer failure must not hold back the range's other weeks (nor
    # their publishing); the week stays due and the next refresh retries it.
    Rule("report_written", "weekly_report", ERROR, False,
         "every due report was written: a week the writer (Bedrock) failed on is listed with its error "
         "and stays due, so the next refresh retries it; the other weeks of the run are written"),
)


def rules_for(asset: str) -> list[Rule]:
    return [rule for rule in RULES if rule.asset == asset]


def rule(asset: str, name: str) -> Rule:
    return next(r for r in RULES if r.asset == asset and r.name == name)


BLOCKING_RULES = tuple(r for r in RULES if r.blocking and r.severity == ERROR)
