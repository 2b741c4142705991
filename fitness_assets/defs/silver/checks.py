"""silver's checks: the workout, diet and activity rules, and the bookkeeping frames (quarantine, corrections, files)."""

import dagster as dg
import pandas as pd

from fitness_assets.defs.quality.checks import check_ins, check_result, check_specs
from fitness_assets.defs.resources import QualityResource
from fitness_assets.lib.quality import activity_rules, diet_rules, workout_rules
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.silver.muscle_map import curated_muscle_map


@dg.multi_asset_check(
    specs=check_specs("silver_workout_sets", reads=(WORKOUT_INS := ("silver_workout_sets", "silver_quarantine"))),
    ins=check_ins(*WORKOUT_INS),
)
def workout_set_checks(quality: QualityResource, silver_workout_sets: pd.DataFrame, silver_quarantine: pd.DataFrame):
    sets, quarantine, tolerances = silver_workout_sets, silver_quarantine, quality
    muscle_map = curated_muscle_map()
    findings = {
        "set_index_sequence": workout_rules.set_index_sequence(sets, quarantine),
        "set_type_valid": workout_rules.set_type_valid(sets, quarantine),
        "no_negative_values": workout_rules.non_negative(sets, quarantine),
        "end_after_start": workout_rules.end_after_start(sets, quarantine),
        "no_future_dates": workout_rules.no_future_dates(sets, quarantine),
        "no_dates_before_earliest_year": workout_rules.no_dates_before_earliest_year(sets, quarantine),
        "weight_where_expected": workout_rules.weight_where_expected(sets, muscle_map),
        "reps_where_expected": workout_rules.reps_where_expected(sets, muscle_map),
        "workout_duration": workout_rules.workout_duration(sets, tolerances),
        "no_outliers": workout_rules.outliers(sets, tolerances),
        "exercise_names": workout_rules.exercise_names(sets, muscle_map),
        "no_duplicate_rows": workout_rules.duplicate_rows(sets),
    }
    for name, found in findings.items():
        yield check_result("silver_workout_sets", name, found)


@dg.multi_asset_check(
    specs=check_specs("silver_diet_days", "silver_cycles",
                      reads=(DIET_INS := ("silver_diet_days", "silver_cycles", "silver_quarantine"))),
    ins=check_ins(*DIET_INS),
)
def diet_checks(quality: QualityResource, silver_diet_days: pd.DataFrame, silver_cycles: pd.DataFrame,
                silver_quarantine: pd.DataFrame):
    days, quarantine, tolerances = silver_diet_days, silver_quarantine, quality
    findings = {
        "one_row_per_date": diet_rules.one_row_per_date(days, quarantine),
        "no_negative_values": diet_rules.non_negative(days, quarantine),
        "no_future_dates": diet_rules.no_future_dates(days, quarantine),
        "no_dates_before_earliest_year": diet_rules.no_dates_before_earliest_year(days, quarantine),
        "calories_match_macros": diet_rules.calories_match_macros(days, tolerances),
        "cycle_mapped": diet_rules.cycle_mapped(days),
        "missing_days": diet_rules.missing_days(days),
        "bodyweight_jumps": diet_rules.bodyweight_jumps(days, tolerances),
    }
    for name, found in findings.items():
        yield check_result("silver_diet_days", name, found)
    yield check_result("silver_cycles", "cycles_ordered", diet_rules.cycles_ordered(silver_cycles))


@dg.multi_asset_check(
    specs=check_specs("silver_activities",
                      reads=(ACTIVITY_INS := ("silver_activities", "silver_quarantine", "silver_file_accounts"))),
    ins=check_ins(*ACTIVITY_INS),
)
def activity_checks(silver_activities: pd.DataFrame, silver_quarantine: pd.DataFrame,
                    silver_file_accounts: pd.DataFrame):
    activities, quarantine, accounts = silver_activities, silver_quarantine, silver_file_accounts
    findings = {
        "no_duplicate_workout_ids": activity_rules.duplicate_workout_ids(activities, quarantine, accounts),
        "no_negative_values": activity_rules.non_negative(activities, quarantine),
        "no_future_dates": activity_rules.no_future_dates(activities, quarantine),
        "no_dates_before_earliest_year": activity_rules.no_dates_before_earliest_year(activities, quarantine),
        "distance_with_duration": activity_rules.distance_with_duration(activities, accounts),
        "plausible_foot_speed": activity_rules.plausible_foot_speed(activities, accounts),
        "heart_rate_in_range": activity_rules.heart_rate_in_range(activities, accounts),
    }
    for name, found in findings.items():
        yield check_result("silver_activities", name, found)


@dg.multi_asset_check(
    specs=check_specs("silver_quarantine", "silver_corrections_applied", "silver_file_accounts",
                      reads=(BOOKKEEPING_INS := ("silver_quarantine", "silver_stale_corrections",
                                                 "silver_file_accounts"))),
    ins=check_ins(*BOOKKEEPING_INS),
)
def silver_bookkeeping_checks(silver_quarantine: pd.DataFrame, silver_stale_corrections: pd.DataFrame,
                              silver_file_accounts: pd.DataFrame):
    quarantine = silver_quarantine
    rows = pd.DataFrame({"file": quarantine["source_file"], "line": quarantine["line"], "rule": quarantine["rule"],
                         "reason": quarantine["reason"]})
    yield check_result("silver_quarantine", "no_quarantined_rows",
                       Finding(rows, len(rows), {"rules": int(quarantine["rule"].nunique())}))
    stale = silver_stale_corrections.assign(
        problem=silver_stale_corrections["matches"].map(lambda n: "matches no row" if n == 0 else f"matches {n} rows"))
    yield check_result("silver_corrections_applied", "corrections_current", Finding(stale, len(stale)))
    accounts = silver_file_accounts
    current = accounts[accounts["status"] == "current"] if len(accounts) else accounts
    cut = current[current["incomplete_line"] > 0] if len(current) else current
    damaged = pd.DataFrame({
        "file": cut.get("file_name", pd.Series(dtype=object)), "line": cut.get("incomplete_line", pd.Series(dtype=int)),
        "athlete": cut.get("athlete_id", pd.Series(dtype=object)),
        "problem": "the export looks cut or damaged from this line (rows of the wrong width or a quote left "
                   "open at the end): its intact rows are loaded, nothing is removed; export it again"})
    yield check_result("silver_file_accounts", "complete_exports", Finding(damaged, len(current)))


SILVER_CHECKS = [workout_set_checks, diet_checks, activity_checks, silver_bookkeeping_checks]
