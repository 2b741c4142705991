"""Asset checks: every rule of lib/quality/catalog.py, attached to the asset it guards.

One multi-asset check per layer loads its frames once and evaluates all of that layer's
rules; each rule is still its own check in the UI, with counts, a table of offending rows
(file, line, values) and a fingerprint the alert sensor uses to avoid repeating itself.
"""

import dagster as dg
import pandas as pd

from fitness_assets.defs.resources import QualityResource, WarehouseResource
from fitness_assets.lib.muscle_map import curated_muscle_map
from fitness_assets.lib.quality import diet_rules, warehouse_rules, workout_rules
from fitness_assets.lib.quality.catalog import rule, rules_for
from fitness_assets.lib.quality.core import Finding


def check_specs(*assets: str, reads: tuple[str, ...] = ()) -> list[dg.AssetCheckSpec]:
    """Specs for every rule on `assets`; `reads` are the assets the check function loads."""
    return [dg.AssetCheckSpec(r.name, asset=r.asset, blocking=r.blocking, description=r.description,
                              additional_deps=[a for a in reads if a != r.asset])
            for asset in assets for r in rules_for(asset)]


def _ins(*assets: str) -> dict[str, dg.AssetIn]:
    return {name: dg.AssetIn(name) for name in assets}


def check_result(asset: str, name: str, found: Finding) -> dg.AssetCheckResult:
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
        },
    )


@dg.multi_asset_check(
    specs=check_specs("silver_workout_sets", reads=(WORKOUT_INS := ("silver_workout_sets", "silver_quarantine"))),
    ins=_ins(*WORKOUT_INS),
)
def workout_set_checks(quality: QualityResource, silver_workout_sets: pd.DataFrame, silver_quarantine: pd.DataFrame):
    sets, quarantine, tolerances = silver_workout_sets, silver_quarantine, quality.settings
    muscle_map = curated_muscle_map()
    findings = {
        "set_index_sequence": workout_rules.set_index_sequence(sets, quarantine),
        "set_type_valid": workout_rules.set_type_valid(sets, quarantine),
        "no_negative_values": workout_rules.non_negative(sets, quarantine),
        "end_after_start": workout_rules.end_after_start(sets, quarantine),
        "no_future_dates": workout_rules.no_future_dates(sets, quality.today()),
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
    days, quarantine, tolerances = silver_diet_days, silver_quarantine, quality.settings
    findings = {
        "one_row_per_date": diet_rules.one_row_per_date(days, quarantine),
        "no_negative_values": diet_rules.non_negative(days, quarantine),
        "no_future_dates": diet_rules.no_future_dates(days, quality.today()),
        "calories_match_macros": diet_rules.calories_match_macros(days, tolerances),
        "cycle_mapped": diet_rules.cycle_mapped(days),
        "missing_days": diet_rules.missing_days(days),
        "bodyweight_jumps": diet_rules.bodyweight_jumps(days, tolerances),
    }
    for name, found in findings.items():
        yield check_result("silver_diet_days", name, found)
    yield check_result("silver_cycles", "cycles_ordered", diet_rules.cycles_ordered(silver_cycles))


@dg.multi_asset_check(
    specs=check_specs("silver_quarantine", "silver_corrections_applied",
                      reads=(BOOKKEEPING_INS := ("silver_quarantine", "silver_stale_corrections"))),
    ins=_ins(*BOOKKEEPING_INS),
)
def silver_bookkeeping_checks(silver_quarantine: pd.DataFrame, silver_stale_corrections: pd.DataFrame):
    quarantine = silver_quarantine
    rows = pd.DataFrame({"file": quarantine["source_file"], "line": quarantine["line"], "rule": quarantine["rule"],
                         "reason": quarantine["reason"]})
    yield check_result("silver_quarantine", "no_quarantined_rows",
                       Finding(rows, len(rows), {"rules": int(quarantine["rule"].nunique())}))
    stale = silver_stale_corrections.assign(
        problem=silver_stale_corrections["matches"].map(lambda n: "matches no row" if n == 0 else f"matches {n} rows"))
    yield check_result("silver_corrections_applied", "corrections_current", Finding(stale, len(stale)))


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


QUALITY_CHECKS = [workout_set_checks, diet_checks, silver_bookkeeping_checks, warehouse_checks]
