"""warehouse: the normalized PostgreSQL tables, loaded in one transaction per run."""


from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.resources import FitnessFilesResource, QualityResource, WarehouseResource
from fitness_assets.lib.silver.muscle_map import curated_muscle_map, exercise_title_aliases
from fitness_assets.lib.raw.zone import load_manifest
from fitness_assets.lib.core.constants import INGEST_COUNTS_KEY
from fitness_assets.lib.silver.build import (ACTIVITIES, DIET, WORKOUTS, SilverLayer, current_exports,
                                             snapshots_that_may_remove, source_of_dataset)
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.warehouse.lineage import table_origins
from fitness_assets.lib.warehouse.load import SILVER_FIELDS, LargeRemovalError, RemovalGuard, load_warehouse

WAREHOUSE_TABLES = ("raw_manifest", "exercises", "exercise_templates", "muscle_groups", "exercise_muscle_map",
                    "exercise_muscle_weights", "workouts",
                    "workout_exercises", "sets", "removed_workouts", "cycles", "diet_daily", "activities",
                    "removed_activities", "quarantine", "corrections_applied", "body_weights")
# The table of each dataset's rows: its materialization reports what the load changed in the dataset.
DATASET_OF_TABLE = {"workouts": WORKOUTS, "diet_daily": DIET, "activities": ACTIVITIES}
SILVER_INPUTS = ("silver_workout_sets", "silver_diet_days", "silver_cycles", "silver_activities", "silver_quarantine",
                 "silver_corrections_applied", "silver_file_accounts", "silver_exercise_templates",
                 "silver_body_weights")
# The assets each origin of the loader's inputs (lib/warehouse/load.py, LOADER_INPUTS) comes from:
# a SilverLayer field from its silver frame (the snapshots from the file accounts), the manifest
# from the raw zone both raw assets land in.
ASSETS_OF_ORIGIN = {**{field: (f"silver_{field}",) for field in SILVER_FIELDS},
                    "snapshots": ("silver_file_accounts",), "manifest": ("raw_exports", "hevy_api_sync")}


def table_deps(sql_dir: Path = DEFAULT_SQL_DIR) -> dict[str, list[str]]:
    """Each warehouse table → the assets it is loaded from, followed through the load SQL
    (lib/warehouse/lineage.py), not the whole silver layer."""
    return {table: sorted({asset for origin in origins for asset in ASSETS_OF_ORIGIN[origin]})
            for table, origins in table_origins(sql_dir, WAREHOUSE_TABLES).items()}


@dg.multi_asset(
    specs=[dg.AssetSpec(table, group_name="warehouse", kinds={"postgres"}, deps=deps)
           for table, deps in table_deps().items()],
    ins={name: dg.AssetIn(name) for name in SILVER_INPUTS},
)
def warehouse_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource, files: FitnessFilesResource,
                     quality: QualityResource,
                     silver_workout_sets: pd.DataFrame, silver_diet_days: pd.DataFrame, silver_cycles: pd.DataFrame,
                     silver_activities: pd.DataFrame, silver_quarantine: pd.DataFrame, silver_corrections_applied: pd.DataFrame,
                     silver_file_accounts: pd.DataFrame, silver_exercise_templates: pd.DataFrame,
                     silver_body_weights: pd.DataFrame):
    """COPY into staging, then INSERT … ON CONFLICT / replace-changed-workouts. Unchanged data
    writes nothing; workouts missing from the newest complete export are removed and logged,
    unless the removal guard stops a large removal (then nothing is written)."""
    silver = SilverLayer(
        workout_sets=silver_workout_sets, diet_days=silver_diet_days, cycles=silver_cycles, activities=silver_activities,
        quarantine=silver_quarantine, corrections_applied=silver_corrections_applied,
        snapshots=snapshots_that_may_remove(silver_file_accounts), exercise_templates=silver_exercise_templates,
        body_weights=silver_body_weights,
    )
    guard = RemovalGuard(quality.max_removed_share, quality.min_removed_rows, quality.allow_removals,
                         current_exports(silver_file_accounts))
    try:
        loaded = load_warehouse(warehouse.engine, warehouse.sql_path, silver, load_manifest(files.raw_zone),
                                curated_muscle_map(), guard=guard, title_aliases=exercise_title_aliases())
    except LargeRemovalError as err:
        raise dg.Failure(description=str(err), metadata={"removals": preview(err.removals, rows=50)}) from None
    written = loaded.rows_written
    with warehouse.engine.connect() as conn:
        totals = {t: conn.execute(sa.text(f"SELECT count(*) FROM fitness.{t}")).scalar_one() for t in WAREHOUSE_TABLES}
    report(context, "warehouse: " + ", ".join(f"{t} {totals[t]:,}" for t in ("workouts", "sets", "diet_daily",
                                                                              "activities"))
           + f" (rows written this run: {sum(written.get(t, 0) for t in WAREHOUSE_TABLES):,}; workouts new "
             f"{loaded.workouts_new:,}, changed {loaded.workouts_changed:,}, removed {loaded.workouts_removed:,})")
    for table in WAREHOUSE_TABLES:
        metadata = {"rows": totals[table], "rows_written_this_run": written.get(table, 0)}
        if table == "workouts":
            metadata |= {"workouts_new": loaded.workouts_new, "workouts_changed": loaded.workouts_changed,
                         "workouts_removed": loaded.workouts_removed}
        if table in DATASET_OF_TABLE:
            dataset = DATASET_OF_TABLE[table]
            counts = {source_of_dataset(dataset): {**loaded.changes[dataset], "total": totals[table]}}
            metadata[INGEST_COUNTS_KEY] = dg.MetadataValue.json({"layer": "warehouse", "counts": counts})
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
