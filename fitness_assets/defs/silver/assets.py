"""silver: typed, unit-normalised frames validated by the Pandera models, rebuilt from the raw zone."""


import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import dagster as dg
import pandas as pd

from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.resources import FitnessFilesResource, QualityResource
from fitness_assets.lib.silver.corrections import STALE_COLUMNS
from fitness_assets.lib.raw.zone import load_manifest
from fitness_assets.defs.silver.frame_store import LazyFrame, SilverFrameStore
from fitness_assets.lib.core.constants import INGEST_COUNTS_KEY, INPUTS_FINGERPRINT_KEY
from fitness_assets.lib.core.digest import files_digest
from fitness_assets.lib.silver.build import (ACTIVITIES, DIET, WORKOUTS, build_silver, current_counts,
                                             silver_inputs_fingerprint, source_of_dataset)

SILVER_FRAME_STORE = "silver_frame_store"  # the IO manager's resource key (defs/silver/frame_store.py)
# Each frame and what it holds (its description in the UI).
SILVER_OUTPUTS = {
    "silver_workout_sets": "One row per set of the newest workout export (CSV or Hevy API sync) of each athlete: "
                           "typed, in kg and km, corrections applied, validated by the Pandera model.",
    "silver_diet_days": "One row per athlete and diet date from the newest diet log; a date logged twice is "
                        "quarantined, never guessed.",
    "silver_activities": "Runs, walks, rides and other activities from the newest MapMyRun export of each athlete, "
                         "in metric units.",
    "silver_cycles": "The diet cycles (cutting, bulking, …) named in the diet log, with their date ranges.",
    "silver_quarantine": "Rows that could not be typed or failed a Pandera check, with file, line, rule and the raw "
                         "values.",
    "silver_corrections_applied": "The corrections-file entries that changed a value of the current exports, "
                                  "as the load will record them.",
    "silver_stale_corrections": "Corrections that matched no row of the current exports (shown, never applied).",
    "silver_file_accounts": "One row per landed export: current or superseded, rows read, and whether it is a "
                            "complete snapshot (only those may remove loaded rows).",
    "silver_exercise_templates": "The Hevy API's exercise templates of the current sync records, one row per "
                                 "template id.",
    "silver_body_weights": "The Hevy account's body-weight measurements, one row per athlete and date.",
}


@cache
def _asset_code() -> str:
    return files_digest(sorted(Path(__file__).parent.glob("*.py")))


def frames_fingerprint(manifest, corrections, sqlite_table: str, bounds) -> str:
    """What the frames are made of (lib/silver/build.py::silver_inputs_fingerprint) and the code of
    this folder, which makes the frames' metadata and the file accounts' frame."""
    made_of = silver_inputs_fingerprint(manifest, corrections, sqlite_table, bounds)
    return hashlib.sha256(f"{made_of} {_asset_code()}".encode()).hexdigest()[:32]


def _stored_frames(instance: dg.DagsterInstance, store: SilverFrameStore,
                   made_of: str) -> dict[str, tuple[LazyFrame, dg.EventLogEntry]] | None:
    """Every frame as stored and its latest materialization, when all of them are made of `made_of`
    (the build is a function of it: the stored frames are the ones it would make), else None."""
    carried = {}
    for name in SILVER_OUTPUTS:
        event = instance.get_latest_materialization_event(dg.AssetKey(name))
        recorded = event.asset_materialization.metadata.get(INPUTS_FINGERPRINT_KEY) if event else None
        stored = store.stored(instance, dg.AssetKey(name), made_of)
        if stored is None or recorded is None or recorded.value != made_of:
            return None
        carried[name] = (stored, event)
    return carried


def _carry_forward(context: dg.AssetExecutionContext,
                   carried: dict[str, tuple[LazyFrame, dg.EventLogEntry]]) -> Iterator[dg.Output]:
    """The stored frames again, with the metadata of the run that built them, said to be carried."""
    _report_damaged(context, carried["silver_file_accounts"][0]())
    built_in = {event.run_id for _, event in carried.values()}
    report(context, f"silver: inputs unchanged since run {min(built_in)[:8]}: the stored frames carried forward, "
                    "nothing parsed")
    for name, (stored, event) in carried.items():
        yield dg.Output(stored, name, metadata={**event.asset_materialization.metadata, "carried_forward": True,
                                                "computed_in_run": dg.MetadataValue.text(event.run_id)})


def _report_damaged(context: dg.AssetExecutionContext, accounts: pd.DataFrame) -> None:
    for account in accounts.itertuples():
        if account.status == "current" and account.incomplete_line:
            report(context, f"silver: {account.file_name} looks cut or damaged at line {account.incomplete_line}: "
                            "its intact rows load, but it removes nothing (export it again to remove workouts)")


@dg.multi_asset(
    group_name="silver",
    deps=["raw_exports", "hevy_api_sync"],
    outs={name: dg.AssetOut(kinds={"pandas"}, description=description, io_manager_key=SILVER_FRAME_STORE)
          for name, description in SILVER_OUTPUTS.items()},
)
def silver_frames(context: dg.AssetExecutionContext, files: FitnessFilesResource, quality: QualityResource,
                  silver_frame_store: dg.ResourceParam[SilverFrameStore]):
    """Parses the newest export per athlete and dataset, applies the corrections file, and
    quarantines rows that cannot be parsed, fail the Pandera models or are dated after today or
    before FITNESS_EARLIEST_YEAR (never dropping them)."""
    manifest, corrections, bounds = load_manifest(files.raw_zone), files.corrections(), quality.date_bounds()
    # On every frame: the checks judging these frames carry their results forward while it holds.
    made_of = {INPUTS_FINGERPRINT_KEY: frames_fingerprint(manifest, corrections, files.diet_sqlite_table, bounds)}
    carried = _stored_frames(context.instance, silver_frame_store, made_of[INPUTS_FINGERPRINT_KEY])
    if carried is not None:
        yield from _carry_forward(context, carried)
        return
    silver = build_silver(files.raw_zone, manifest, corrections, files.diet_sqlite_table,
                          cache_dir=files.silver_cache, bounds=bounds)
    accounts = pd.DataFrame([vars(a) for a in silver.files])
    _report_damaged(context, accounts)
    report(context, f"silver: {len(silver.workout_sets):,} sets, {len(silver.diet_days):,} diet days, "
                    f"{len(silver.activities):,} activities, {len(silver.cycles)} cycles, "
                    f"{len(silver.quarantine):,} quarantined row(s)")
    stale = pd.DataFrame(silver.stale_corrections, columns=STALE_COLUMNS)
    counts = current_counts(silver)

    def ingest_counts(dataset: str) -> dict:
        # For the ingest notification: this dataset's rows and quarantined lines, by its source.
        return {INGEST_COUNTS_KEY: dg.MetadataValue.json(
            {"layer": "silver", "counts": {source_of_dataset(dataset): counts[dataset]}})}

    yield dg.Output(silver.workout_sets, "silver_workout_sets", metadata={**made_of,
        "rows": len(silver.workout_sets),
        "workouts": int(silver.workout_sets[["athlete_id", "started_at", "title"]].drop_duplicates().shape[0]),
        "exercises": int(silver.workout_sets["exercise_title"].nunique()),
        "preview": preview(silver.workout_sets.drop(columns=["workout_hash", "source_sha256"])),
        **ingest_counts(WORKOUTS),
    })
    yield dg.Output(silver.diet_days, "silver_diet_days", metadata={**made_of,
        "rows": len(silver.diet_days), "preview": preview(silver.diet_days.drop(columns=["source_sha256"])),
        **ingest_counts(DIET)})
    activities = silver.activities
    yield dg.Output(activities, "silver_activities", metadata={**made_of,
        "rows": len(activities),
        "by_type": dg.MetadataValue.json(activities["activity_type"].value_counts().sort_index().to_dict()),
        "distance_km": float(activities["distance_km"].sum()),
        "preview": preview(activities.drop(columns=["activity_hash"])),
        **ingest_counts(ACTIVITIES),
    })
    yield dg.Output(silver.cycles, "silver_cycles", metadata={**made_of,
        "rows": len(silver.cycles), "cycles": preview(silver.cycles, rows=50)})
    yield dg.Output(silver.quarantine, "silver_quarantine", metadata={**made_of,
        "rows": len(silver.quarantine),
        "by_rule": dg.MetadataValue.json(silver.quarantine["rule"].value_counts().sort_index().to_dict()),
        "preview": preview(silver.quarantine[["source_file", "line", "rule", "reason"]], rows=20),
    })
    yield dg.Output(silver.corrections_applied, "silver_corrections_applied", metadata={**made_of,
        "applied": len(silver.corrections_applied), "preview": preview(silver.corrections_applied, rows=20)})
    yield dg.Output(stale, "silver_stale_corrections", metadata={**made_of,
        "stale": len(stale), "preview": preview(stale, rows=20)})
    templates = silver.exercise_templates
    yield dg.Output(templates, "silver_exercise_templates", metadata={**made_of,
        "rows": len(templates), "custom": int(templates["is_custom"].astype(bool).sum()),
        "preview": preview(templates, rows=20)})
    yield dg.Output(silver.body_weights, "silver_body_weights", metadata={**made_of,
        "rows": len(silver.body_weights), "preview": preview(silver.body_weights.drop(columns=["source_sha256"]))})
    yield dg.Output(accounts, "silver_file_accounts", metadata={**made_of,
        "files": len(accounts), "accounts": preview(accounts.drop(columns=["sha256"]), rows=50)})
