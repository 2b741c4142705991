"""Asset checks: every rule of lib/quality/catalog.py, attached to the asset it guards.

One multi-asset check per layer loads its frames once and evaluates all of that layer's
rules; each rule is still its own check in the UI, with counts, a table of offending rows
(file, line, values) and a fingerprint the alert sensor uses to avoid repeating itself.
"""

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.defs.partitions import weekly_partitions
from fitness_assets.defs.resources import QualityResource, WarehouseResource
from fitness_assets.lib.warehouse.muscle_map import curated_muscle_map
from fitness_assets.lib.quality import diet_rules, warehouse_rules, workout_rules
from fitness_assets.lib.quality.catalog import rule, rules_for
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.silver.build import DIET, WORKOUTS, current_exports, snapshots_that_may_remove
from fitness_assets.lib.warehouse.load import (
    CONFIRM_REMOVALS,
    RemovalGuard,
    describe_removals,
    diet_removal_shares,
    diff_workouts,
    large_removals,
    workout_removal_shares,
)


# Rules evaluated by their own check function (they read the warehouse), not by their asset's.
SEPARATE_RULES = ("removals_confirmed",)


def check_specs(*assets: str, reads: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> list[dg.AssetCheckSpec]:
    """Specs for the rules on `assets` (those named in `only`, else all but SEPARATE_RULES);
    `reads` are the assets the check function loads."""
    return [dg.AssetCheckSpec(r.name, asset=r.asset, blocking=r.blocking, description=r.description,
                              additional_deps=[a for a in reads if a != r.asset])
            for asset in assets for r in rules_for(asset)
            if ((r.name in only) if only else (r.name not in SEPARATE_RULES))]


def _ins(*assets: str) -> dict[str, dg.AssetIn]:
    return {name: dg.AssetIn(name) for name in assets}


def check_result(asset: str, name: str, found: Finding, message: str = "") -> dg.AssetCheckResult:
    """`message`: one sentence a person can act on, shown by `fitness run` when the check fails."""
    checked_rule = rule(asset, name)
    return dg.AssetCheckResult(
        asset_key=asset, check_name=name, passed=found.passed,
        severity=dg.AssetCheckSeverity(checked_rule.severity),
        description=checked_rule.description,
        metadata={
            "offending_rows": len(found.offending),
            "checked_rows": found.checked,
            **found.counts,
            "offending": dg.MetadataValue.md(found.markdown()),
            "fingerprint": found.fingerprint(),
            **({"message": dg.MetadataValue.text(message)} if message else {}),
        },
    )


@dg.multi_asset_check(
    specs=check_specs("silver_workout_sets", reads=(WORKOUT_INS := ("silver_workout_sets", "silver_quarantine"))),
    ins=_ins(*WORKOUT_INS),
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
    ins=_ins(*DIET_INS),
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
    specs=check_specs("silver_workout_sets", "silver_diet_days", only=("removals_confirmed",),
                      reads=(REMOVAL_INS := ("silver_workout_sets", "silver_diet_days", "silver_file_accounts"))),
    ins=_ins(*REMOVAL_INS),
)
def removal_checks(warehouse: WarehouseResource, quality: QualityResource, silver_workout_sets: pd.DataFrame,
                   silver_diet_days: pd.DataFrame, silver_file_accounts: pd.DataFrame):
    """Runs before the warehouse load (blocking): a large removal stops the run before anything is written."""
    guard = RemovalGuard(quality.max_removed_share, quality.min_removed_rows, quality.allow_removals,
                         current_exports(silver_file_accounts))
    may_remove = snapshots_that_may_remove(silver_file_accounts)
    with warehouse.engine.connect() as conn:
        workout_athletes = sorted(a for a, dataset in may_remove if dataset == WORKOUTS)
        shares = {
            "silver_workout_sets": workout_removal_shares(
                diff_workouts(conn, silver_workout_sets, workout_athletes), guard.exports),
            "silver_diet_days": diet_removal_shares(
                conn, silver_diet_days, sorted(a for a, dataset in may_remove if dataset == DIET), guard.exports),
        }
    for asset, share in shares.items():
        stopped = large_removals(share, guard)
        found = Finding(stopped.assign(problem=CONFIRM_REMOVALS) if len(stopped) else stopped, len(share),
                        {"rows_to_remove": int(share["removed"].sum()), "confirmed": int(quality.allow_removals)})
        yield check_result(asset, "removals_confirmed", found, describe_removals(stopped) if len(stopped) else "")


@dg.multi_asset_check(
    specs=check_specs("silver_quarantine", "silver_corrections_applied", "silver_file_accounts",
                      reads=(BOOKKEEPING_INS := ("silver_quarantine", "silver_stale_corrections",
                                                 "silver_file_accounts"))),
    ins=_ins(*BOOKKEEPING_INS),
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


@dg.multi_asset_check(
    specs=check_specs("sets", "diet_daily", "exercise_muscle_map",
                      reads=(WAREHOUSE_INS := ("silver_file_accounts", "silver_quarantine"))),
    ins=_ins(*WAREHOUSE_INS),
)
def warehouse_checks(warehouse: WarehouseResource, silver_file_accounts: pd.DataFrame,
                     silver_quarantine: pd.DataFrame):
    sql_dir = warehouse.sql_path
    with warehouse.engine.connect() as conn:
        yield check_result("sets", "nothing_lost",
                           warehouse_rules.nothing_lost(conn, sql_dir, silver_file_accounts, silver_quarantine, "workouts"))
        yield check_result("diet_daily", "nothing_lost",
                           warehouse_rules.nothing_lost(conn, sql_dir, silver_file_accounts, silver_quarantine, "diet"))
        yield check_result("sets", "referential_integrity",
                           warehouse_rules.no_orphans(conn, sql_dir, "orphan_training_rows"))
        yield check_result("diet_daily", "referential_integrity",
                           warehouse_rules.no_orphans(conn, sql_dir, "orphan_diet_rows"))
        yield check_result("exercise_muscle_map", "unmapped_exercises", warehouse_rules.unmapped_exercises(conn, sql_dir))


@dg.multi_asset_check(specs=check_specs("weekly_fitness_summary"))
def gold_checks(warehouse: WarehouseResource):
    """A week before the first weekly partition would never be published, with no other sign."""
    first_partition = weekly_partitions.get_first_partition_key()
    with warehouse.engine.connect() as conn:
        early = pd.DataFrame(conn.execute(sa.text(
            "SELECT athlete_id AS athlete, min(week_start)::text AS week, count(*) AS weeks "
            "FROM fitness.weekly_fitness_summary WHERE week_start < CAST(:first AS date) "
            "GROUP BY athlete_id ORDER BY athlete_id"), {"first": first_partition}).all(),
            columns=["athlete", "week", "weeks"])
    problem = (f"{{}} week(s) of data before the first weekly partition {first_partition} would never be published: "
               "set FITNESS_WEEKS_START to {} (or earlier) and run again")
    early["problem"] = [problem.format(n, week) for n, week in zip(early["weeks"], early["week"])]
    message = (f"data starts in the week of {early['week'].min()}, before the first weekly partition "
               f"{first_partition}: set FITNESS_WEEKS_START={early['week'].min()} and run again") if len(early) else ""
    yield check_result("weekly_fitness_summary", "every_week_partitioned", Finding(early, len(early)), message)


QUALITY_CHECKS = [workout_set_checks, diet_checks, removal_checks, silver_bookkeeping_checks, warehouse_checks,
                  gold_checks]
