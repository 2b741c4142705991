"""warehouse's checks: the removal guard in front of the load (attached to the silver frames it
judges, blocking, so a large removal stops the run before anything is written), then nothing lost
between silver and the tables, no orphans, every exercise mapped."""

from functools import cache
from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.defs.quality.checks import (check_ins, check_result, check_specs, inputs_fingerprint,
                                               selected_results)
from fitness_assets.defs.resources import QualityResource, WarehouseResource
from fitness_assets.defs.silver.frame_store import LazyFrame
from fitness_assets.defs.warehouse.assets import silver_load_state
from fitness_assets.lib.core.digest import files_digest
from fitness_assets.lib.quality import warehouse_rules
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.silver.build import (
    ACTIVITIES,
    DIET,
    WORKOUTS,
    current_exports,
    snapshots_that_may_remove,
)
from fitness_assets.lib.warehouse.carry_forward import state_digest, table_states
from fitness_assets.lib.warehouse.load import (
    CONFIRM_REMOVALS,
    RemovalGuard,
    activity_removal_shares,
    describe_removals,
    diet_removal_shares,
    diff_workouts,
    large_removals,
    loaded_already,
    unchanged_removal_shares,
    workout_removal_shares,
    written_tables,
)


@dg.multi_asset_check(
    specs=check_specs("silver_workout_sets", "silver_diet_days", "silver_activities", only=("removals_confirmed",),
                      reads=(REMOVAL_INS := ("silver_workout_sets", "silver_diet_days", "silver_activities",
                                             "silver_file_accounts"))),
    ins=check_ins(*REMOVAL_INS),
    can_subset=True,
)
def removal_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, quality: QualityResource,
                   silver_workout_sets: LazyFrame, silver_diet_days: LazyFrame, silver_activities: LazyFrame,
                   silver_file_accounts: pd.DataFrame):
    """Runs before the warehouse load (blocking): a large removal stops the run before anything is written."""
    guard = RemovalGuard(quality.max_removed_share, quality.min_removed_rows, quality.allow_removals,
                         current_exports(silver_file_accounts))
    may_remove = snapshots_that_may_remove(silver_file_accounts)
    athletes = {dataset: sorted(a for a, of in may_remove if of == dataset) for dataset in (WORKOUTS, DIET, ACTIVITIES)}
    loaded_by = loaded_already(warehouse.engine, silver_load_state(context.instance, warehouse.sql_path))
    with warehouse.engine.connect() as conn:
        if loaded_by is not None:  # the warehouse holds these frames: counted, not diffed
            by_dataset = unchanged_removal_shares(conn, athletes, guard.exports)
        else:
            by_dataset = {
                WORKOUTS: workout_removal_shares(diff_workouts(conn, silver_workout_sets(), athletes[WORKOUTS]),
                                                 guard.exports),
                DIET: diet_removal_shares(conn, silver_diet_days(), athletes[DIET], guard.exports),
                ACTIVITIES: activity_removal_shares(conn, silver_activities(), athletes[ACTIVITIES], guard.exports),
            }
    shares = {"silver_workout_sets": by_dataset[WORKOUTS], "silver_diet_days": by_dataset[DIET],
              "silver_activities": by_dataset[ACTIVITIES]}
    for asset, share in shares.items():
        if dg.AssetCheckKey(dg.AssetKey(asset), "removals_confirmed") not in context.selected_asset_check_keys:
            continue
        stopped = large_removals(share, guard)
        found = Finding(stopped.assign(problem=CONFIRM_REMOVALS) if len(stopped) else stopped, len(share),
                        {"rows_to_remove": int(share["removed"].sum()), "confirmed": int(quality.allow_removals),
                         **({"loaded_in_run": loaded_by.run_id} if loaded_by is not None else {})})
        yield check_result(asset, "removals_confirmed", found, describe_removals(stopped) if len(stopped) else "")


def warehouse_fingerprint(context: dg.AssetCheckExecutionContext, conn: sa.Connection, sql_dir: Path) -> str | None:
    """What the warehouse checks judge: the silver frames they load (inputs_fingerprint), the state
    of every table the load writes (row count and newest row version: lib/warehouse/carry_forward.py)
    and their SQL. Unchanged, their latest evaluation is carried forward (defs/quality/checks.py)."""
    frames = inputs_fingerprint(context, WAREHOUSE_INS)
    if frames is None:
        return None
    return state_digest([frames, table_states(conn, list(written_tables(sql_dir))),
                         files_digest(sorted((sql_dir / "warehouse" / "checks").glob("*.sql")))])[:32]


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
        judged = warehouse_fingerprint(context, conn, sql_dir)
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
        }, inputs=judged)


WAREHOUSE_CHECKS = [removal_checks, warehouse_checks]
