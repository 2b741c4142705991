"""warehouse's checks: the removal guard in front of the load (attached to the silver frames it
judges, blocking, so a large removal stops the run before anything is written), then nothing lost
between silver and the tables, no orphans, every exercise mapped."""

from functools import cache

import dagster as dg
import pandas as pd

from fitness_assets.defs.quality.checks import check_ins, check_result, check_specs, selected_results
from fitness_assets.defs.resources import QualityResource, WarehouseResource
from fitness_assets.lib.quality import warehouse_rules
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.silver.build import (
    ACTIVITIES,
    DIET,
    WORKOUTS,
    current_exports,
    snapshots_that_may_remove,
)
from fitness_assets.lib.warehouse.load import (
    CONFIRM_REMOVALS,
    RemovalGuard,
    activity_removal_shares,
    describe_removals,
    diet_removal_shares,
    diff_workouts,
    large_removals,
    workout_removal_shares,
)


@dg.multi_asset_check(
    specs=check_specs("silver_workout_sets", "silver_diet_days", "silver_activities", only=("removals_confirmed",),
                      reads=(REMOVAL_INS := ("silver_workout_sets", "silver_diet_days", "silver_activities",
                                             "silver_file_accounts"))),
    ins=check_ins(*REMOVAL_INS),
    can_subset=True,
)
def removal_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, quality: QualityResource, silver_workout_sets: pd.DataFrame,
                   silver_diet_days: pd.DataFrame, silver_activities: pd.DataFrame, silver_file_accounts: pd.DataFrame):
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
            "silver_activities": activity_removal_shares(
                conn, silver_activities, sorted(a for a, dataset in may_remove if dataset == ACTIVITIES),
                guard.exports),
        }
    for asset, share in shares.items():
        if dg.AssetCheckKey(dg.AssetKey(asset), "removals_confirmed") not in context.selected_asset_check_keys:
            continue
        stopped = large_removals(share, guard)
        found = Finding(stopped.assign(problem=CONFIRM_REMOVALS) if len(stopped) else stopped, len(share),
                        {"rows_to_remove": int(share["removed"].sum()), "confirmed": int(quality.allow_removals)})
        yield check_result(asset, "removals_confirmed", found, describe_removals(stopped) if len(stopped) else "")


@dg.multi_asset_check(
    specs=check_specs("sets", "diet_daily", "activities", "exercise_muscle_map",
                      reads=(WAREHOUSE_INS := ("silver_file_accounts", "silver_quarantine"))),
    ins=check_ins(*WAREHOUSE_INS),
    can_subset=True,
)
def warehouse_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                     silver_file_accounts: pd.DataFrame, silver_quarantine: pd.DataFrame):
    sql_dir, accounts, quarantine = warehouse.sql_path, silver_file_accounts, silver_quarantine
    with warehouse.engine.connect() as conn:
        held = cache(lambda: warehouse_rules.loaded_rows(conn, sql_dir))  # one query for the three datasets

        def nothing_lost(dataset: str) -> Finding:
            return warehouse_rules.nothing_lost(conn, sql_dir, accounts, quarantine, dataset, held())

        yield from selected_results(context, {
            ("sets", "nothing_lost"): lambda: nothing_lost(WORKOUTS),
            ("diet_daily", "nothing_lost"): lambda: nothing_lost(DIET),
            ("activities", "nothing_lost"): lambda: nothing_lost(ACTIVITIES),
            ("sets", "referential_integrity"): lambda: warehouse_rules.no_orphans(conn, sql_dir, "orphan_training_rows"),
            ("diet_daily", "referential_integrity"): lambda: warehouse_rules.no_orphans(conn, sql_dir, "orphan_diet_rows"),
            ("exercise_muscle_map", "unmapped_exercises"): lambda: warehouse_rules.unmapped_exercises(conn, sql_dir),
        })


WAREHOUSE_CHECKS = [removal_checks, warehouse_checks]
