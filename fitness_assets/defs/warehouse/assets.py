"""warehouse: the normalized PostgreSQL tables, loaded in one transaction per run."""


from pathlib import Path

import dagster as dg
import pandas as pd

from fitness_assets.defs.catalog import column_schemas, table_metadata
from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.quality.checks import stored_fingerprints
from fitness_assets.defs.resources import FitnessFilesResource, QualityResource, WarehouseResource
from fitness_assets.defs.silver.frame_store import LazyFrame
from fitness_assets.lib.silver.muscle_map import curated_muscle_map, exercise_title_aliases
from fitness_assets.lib.raw.zone import load_manifest
from fitness_assets.lib.core.constants import INGEST_COUNTS_KEY
from fitness_assets.lib.silver.build import (ACTIVITIES, DIET, WORKOUTS, SilverLayer, current_exports,
                                             snapshots_that_may_remove, source_of_dataset)
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.warehouse.carry_forward import ComputationState, state_digest, table_states
from fitness_assets.lib.warehouse.lineage import table_origins
from fitness_assets.lib.warehouse.load import (SILVER_FIELDS, LargeRemovalError, RemovalGuard, load_state,
                                               load_warehouse, loaded_already, unchanged_load)

# Each table the load writes and what a row of it is (its description in the UI).
TABLE_DESCRIPTIONS = {
    "raw_manifest": "One row per landed export: sha256, athlete, file name, size, detected format, rows.",
    "exercises": "One row per exercise title ever loaded, with its Hevy template, type, equipment and whether it "
                 "is cardio.",
    "exercise_templates": "The Hevy API's exercise templates: title, type, equipment, primary and secondary muscle "
                          "groups.",
    "muscle_groups": "The muscle groups: the curated map's, the templates' and 'Unmapped'.",
    "exercise_muscle_map": "One muscle group per exercise: its template's primary group, else the curated map's, "
                           "else 'Unmapped'.",
    "exercise_muscle_weights": "Each muscle an exercise works with its weight in set counts: a template's primary "
                               "group 1.0, each secondary 0.5.",
    "workouts": "One row per workout (athlete, start, title) with its training date, duration and content hash.",
    "workout_exercises": "One row per exercise block of a workout: the same exercise can appear in two blocks.",
    "sets": "One row per set: type, weight, reps, distance, duration, RPE and the export line it came from.",
    "removed_workouts": "Workouts a newer complete export no longer holds (deleted in the app), with their set "
                        "count and last export.",
    "cycles": "The diet cycles per athlete with their type and date range.",
    "diet_daily": "One row per athlete and diet date: macros, calories, weekly cardio, body weight, cycle, notes.",
    "activities": "One row per logged activity (MapMyRun): type, distance, duration, pace, speed, heart rate.",
    "removed_activities": "Activities a newer complete export no longer holds, logged before they were deleted.",
    "quarantine": "Rows that could not be loaded, with file, line, rule, reason and raw values; never deleted by a "
                  "re-run.",
    "corrections_applied": "Every correction from the corrections file that changed a value, with its reason.",
    "body_weights": "The Hevy account's body-weight measurements, one per athlete and date.",
}
WAREHOUSE_TABLES = tuple(TABLE_DESCRIPTIONS)
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


def silver_load_state(instance: dg.DagsterInstance, sql_dir: Path) -> ComputationState | None:
    """The state of a load of the latest silver frames (lib/warehouse/load.py::load_state), or None
    when a frame records no fingerprint (then the load always runs)."""
    made_of = stored_fingerprints(instance, SILVER_INPUTS)
    return load_state(sql_dir, state_digest(made_of)) if made_of is not None else None


def table_deps(sql_dir: Path = DEFAULT_SQL_DIR) -> dict[str, list[str]]:
    """Each warehouse table → the assets it is loaded from, followed through the load SQL
    (lib/warehouse/lineage.py), not the whole silver layer."""
    return {table: sorted({asset for origin in origins for asset in ASSETS_OF_ORIGIN[origin]})
            for table, origins in table_origins(sql_dir, WAREHOUSE_TABLES).items()}


@dg.multi_asset(
    specs=[dg.AssetSpec(table, group_name="warehouse", kinds={"postgres", "table"}, deps=deps,
                        description=TABLE_DESCRIPTIONS[table])
           for table, deps in table_deps().items()],
    ins={name: dg.AssetIn(name) for name in SILVER_INPUTS},
)
def warehouse_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource, files: FitnessFilesResource,
                     quality: QualityResource,
                     silver_workout_sets: LazyFrame, silver_diet_days: LazyFrame, silver_cycles: LazyFrame,
                     silver_activities: LazyFrame, silver_quarantine: LazyFrame, silver_corrections_applied: LazyFrame,
                     silver_file_accounts: pd.DataFrame, silver_exercise_templates: LazyFrame,
                     silver_body_weights: LazyFrame):
    """COPY into staging, then INSERT … ON CONFLICT / replace-changed-workouts. Unchanged data
    writes nothing; workouts missing from the newest complete export are removed and logged,
    unless the removal guard stops a large removal (then nothing is written). Each table's
    materialization carries its row count and its columns as PostgreSQL has them."""
    guard = RemovalGuard(quality.max_removed_share, quality.min_removed_rows, quality.allow_removals,
                         current_exports(silver_file_accounts))
    state = silver_load_state(context.instance, warehouse.sql_path)
    carried = loaded_already(warehouse.engine, state)
    if carried is not None:
        # Nothing to diff or stage: the tables are as the load of these very frames left them.
        loaded, origin = unchanged_load(), {"carried_forward": True,
                                            "computed_in_run": dg.MetadataValue.text(carried.run_id)}
    else:
        silver = SilverLayer(  # the frames are read here, and only here (defs/silver/frame_store.py)
            workout_sets=silver_workout_sets(), diet_days=silver_diet_days(), cycles=silver_cycles(),
            activities=silver_activities(), quarantine=silver_quarantine(),
            corrections_applied=silver_corrections_applied(), snapshots=snapshots_that_may_remove(silver_file_accounts),
            exercise_templates=silver_exercise_templates(), body_weights=silver_body_weights(),
        )
        try:
            loaded = load_warehouse(warehouse.engine, warehouse.sql_path, silver, load_manifest(files.raw_zone),
                                    curated_muscle_map(), guard=guard, title_aliases=exercise_title_aliases(),
                                    state=state, run_id=context.run.run_id)
        except LargeRemovalError as err:
            raise dg.Failure(description=str(err), metadata={"removals": preview(err.removals, rows=50)}) from None
        origin = {}
    written = loaded.rows_written
    with warehouse.engine.connect() as conn:
        # Carried: the tables' states were just taken to compare them (a scan of every table, sets included).
        states = (carried.outputs if carried is not None
                  else table_states(conn, [f"fitness.{t}" for t in WAREHOUSE_TABLES]))
        totals = {t: states[f"fitness.{t}"][0] for t in WAREHOUSE_TABLES}
        schemas = column_schemas(conn, WAREHOUSE_TABLES)
    report(context, "warehouse: " + ", ".join(f"{t} {totals[t]:,}" for t in ("workouts", "sets", "diet_daily",
                                                                              "activities"))
           + (f" (run {carried.run_id[:8]} already loaded these silver frames: nothing diffed or written)"
              if carried is not None else
              f" (rows written this run: {sum(written.get(t, 0) for t in WAREHOUSE_TABLES):,}; workouts new "
              f"{loaded.workouts_new:,}, changed {loaded.workouts_changed:,}, removed {loaded.workouts_removed:,})"))
    for table in WAREHOUSE_TABLES:
        metadata = {"rows": totals[table], "rows_written_this_run": written.get(table, 0), **origin,
                    **table_metadata(table, schemas[table], row_count=totals[table])}
        if table == "workouts":
            metadata |= {"workouts_new": loaded.workouts_new, "workouts_changed": loaded.workouts_changed,
                         "workouts_removed": loaded.workouts_removed}
        if table in DATASET_OF_TABLE:
            dataset = DATASET_OF_TABLE[table]
            counts = {source_of_dataset(dataset): {**loaded.changes[dataset], "total": totals[table]}}
            metadata[INGEST_COUNTS_KEY] = dg.MetadataValue.json({"layer": "warehouse", "counts": counts})
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
