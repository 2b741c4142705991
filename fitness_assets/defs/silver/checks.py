"""silver's checks: the workout, diet and activity rules, and the bookkeeping frames (quarantine, corrections, files)."""

import dagster as dg
import pandas as pd

from fitness_assets.defs.quality.checks import check_ins, check_specs, inputs_fingerprint, selected_results
from fitness_assets.defs.resources import QualityResource
from fitness_assets.defs.silver.frame_store import LazyFrame
from fitness_assets.lib.quality import activity_rules, diet_rules, workout_rules
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.silver.muscle_map import curated_muscle_map


@dg.multi_asset_check(
    specs=check_specs("silver_workout_sets", reads=(WORKOUT_INS := ("silver_workout_sets", "silver_quarantine"))),
    ins=check_ins(*WORKOUT_INS),
    can_subset=True,
)
def workout_set_checks(context: dg.AssetCheckExecutionContext, quality: QualityResource,
                       silver_workout_sets: LazyFrame, silver_quarantine: LazyFrame):
    # Read only when a rule is evaluated (a carried check reads nothing: defs/silver/frame_store.py).
    sets, quarantine, tolerances = silver_workout_sets, silver_quarantine, quality
    muscle_map = curated_muscle_map()
    yield from selected_results(context, {("silver_workout_sets", name): evaluate for name, evaluate in {
        "set_index_sequence": lambda: workout_rules.set_index_sequence(sets(), quarantine()),
        "set_type_valid": lambda: workout_rules.set_type_valid(sets(), quarantine()),
        "no_negative_values": lambda: workout_rules.non_negative(sets(), quarantine()),
        "end_after_start": lambda: workout_rules.end_after_start(sets(), quarantine()),
        "no_future_dates": lambda: workout_rules.no_future_dates(sets(), quarantine()),
        "no_dates_before_earliest_year": lambda: workout_rules.no_dates_before_earliest_year(sets(), quarantine()),
        "weight_where_expected": lambda: workout_rules.weight_where_expected(sets(), muscle_map),
        "reps_where_expected": lambda: workout_rules.reps_where_expected(sets(), muscle_map),
        "workout_duration": lambda: workout_rules.workout_duration(sets(), tolerances),
        "no_outliers": lambda: workout_rules.outliers(sets(), tolerances),
        "exercise_names": lambda: workout_rules.exercise_names(sets(), muscle_map),
        "no_duplicate_rows": lambda: workout_rules.duplicate_rows(sets()),
    }.items()}, inputs_fingerprint(context, WORKOUT_INS, quality))


@dg.multi_asset_check(
    specs=check_specs("silver_diet_days", "silver_cycles",
                      reads=(DIET_INS := ("silver_diet_days", "silver_cycles", "silver_quarantine"))),
    ins=check_ins(*DIET_INS),
    can_subset=True,
)
def diet_checks(context: dg.AssetCheckExecutionContext, quality: QualityResource, silver_diet_days: LazyFrame,
                silver_cycles: LazyFrame, silver_quarantine: LazyFrame):
    days, quarantine, tolerances = silver_diet_days, silver_quarantine, quality
    yield from selected_results(context, {("silver_diet_days", name): evaluate for name, evaluate in {
        "one_row_per_date": lambda: diet_rules.one_row_per_date(days(), quarantine()),
        "no_negative_values": lambda: diet_rules.non_negative(days(), quarantine()),
        "no_future_dates": lambda: diet_rules.no_future_dates(days(), quarantine()),
        "no_dates_before_earliest_year": lambda: diet_rules.no_dates_before_earliest_year(days(), quarantine()),
        "calories_match_macros": lambda: diet_rules.calories_match_macros(days(), tolerances),
        "cycle_mapped": lambda: diet_rules.cycle_mapped(days()),
        "missing_days": lambda: diet_rules.missing_days(days()),
        "bodyweight_jumps": lambda: diet_rules.bodyweight_jumps(days(), tolerances),
    }.items()} | {("silver_cycles", "cycles_ordered"): lambda: diet_rules.cycles_ordered(silver_cycles())},
        inputs_fingerprint(context, DIET_INS, quality))


@dg.multi_asset_check(
    specs=check_specs("silver_activities",
                      reads=(ACTIVITY_INS := ("silver_activities", "silver_quarantine", "silver_file_accounts"))),
    ins=check_ins(*ACTIVITY_INS),
    can_subset=True,
)
def activity_checks(context: dg.AssetCheckExecutionContext, silver_activities: LazyFrame,
                    silver_quarantine: LazyFrame, silver_file_accounts: LazyFrame):
    activities, quarantine, accounts = silver_activities, silver_quarantine, silver_file_accounts
    yield from selected_results(context, {("silver_activities", name): evaluate for name, evaluate in {
        "no_duplicate_workout_ids": lambda: activity_rules.duplicate_workout_ids(activities(), quarantine(), accounts()),
        "no_negative_values": lambda: activity_rules.non_negative(activities(), quarantine()),
        "no_future_dates": lambda: activity_rules.no_future_dates(activities(), quarantine()),
        "no_dates_before_earliest_year": lambda: activity_rules.no_dates_before_earliest_year(activities(), quarantine()),
        "distance_with_duration": lambda: activity_rules.distance_with_duration(activities(), accounts()),
        "plausible_foot_speed": lambda: activity_rules.plausible_foot_speed(activities(), accounts()),
        "heart_rate_in_range": lambda: activity_rules.heart_rate_in_range(activities(), accounts()),
    }.items()}, inputs_fingerprint(context, ACTIVITY_INS))


@dg.multi_asset_check(
    specs=check_specs("silver_quarantine", "silver_corrections_applied", "silver_file_accounts",
                      reads=(BOOKKEEPING_INS := ("silver_quarantine", "silver_stale_corrections",
                                                 "silver_file_accounts"))),
    ins=check_ins(*BOOKKEEPING_INS),
    can_subset=True,
)
def silver_bookkeeping_checks(context: dg.AssetCheckExecutionContext, silver_quarantine: pd.DataFrame,
                              silver_stale_corrections: pd.DataFrame, silver_file_accounts: pd.DataFrame):
    yield from selected_results(context, {
        ("silver_quarantine", "no_quarantined_rows"): lambda: quarantined_rows(silver_quarantine),
        ("silver_corrections_applied", "corrections_current"): lambda: stale_corrections(silver_stale_corrections),
        ("silver_file_accounts", "complete_exports"): lambda: damaged_exports(silver_file_accounts),
    }, inputs_fingerprint(context, BOOKKEEPING_INS))


def quarantined_rows(quarantine: pd.DataFrame) -> Finding:
    rows = pd.DataFrame({"file": quarantine["source_file"], "line": quarantine["line"], "rule": quarantine["rule"],
                         "reason": quarantine["reason"]})
    return Finding(rows, len(rows), {"rules": int(quarantine["rule"].nunique())})


def stale_corrections(stale: pd.DataFrame) -> Finding:
    stale = stale.assign(problem=stale["matches"].map(lambda n: "matches no row" if n == 0 else f"matches {n} rows"))
    return Finding(stale, len(stale))


def damaged_exports(accounts: pd.DataFrame) -> Finding:
    current = accounts[accounts["status"] == "current"] if len(accounts) else accounts
    cut = current[current["incomplete_line"] > 0] if len(current) else current
    damaged = pd.DataFrame({
        "file": cut.get("file_name", pd.Series(dtype=object)), "line": cut.get("incomplete_line", pd.Series(dtype=int)),
        "athlete": cut.get("athlete_id", pd.Series(dtype=object)),
        "problem": "the export looks cut or damaged from this line (rows of the wrong width or a quote left "
                   "open at the end): its intact rows are loaded, nothing is removed; export it again"})
    return Finding(damaged, len(current))


SILVER_CHECKS = [workout_set_checks, diet_checks, activity_checks, silver_bookkeeping_checks]
