"""Load the silver layer into PostgreSQL: diff, COPY into staging, set-based SQL, one transaction.

Hevy exports hold the whole history every time, so the loader first compares each workout's
content hash with the warehouse and stages only new and changed workouts; an unchanged export
stages no workout at all. Which weekly payloads a load changed is not the warehouse's business:
the payload layer finds out by comparing the bytes it builds with the files it stored.

A load records its state (lib/warehouse/carry_forward.py: the silver frames' fingerprint, the load
code, and the state of every table it writes) in its transaction. While that state holds, the
warehouse already holds exactly what loading the same frames would write, so an unchanged re-run
diffs and stages nothing (`loaded_already`) and its removal guard knows nothing would be removed
(`unchanged_removal_shares`).
"""

from __future__ import annotations

import json
import re
from contextlib import nullcontext
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.core.constants import PACKAGE_DIR
from fitness_assets.lib.core.digest import files_digest
from fitness_assets.lib.raw.zone import ManifestEntry
from fitness_assets.lib.silver.build import ACTIVITIES, DIET, SOURCES, WORKOUTS, SilverLayer
from fitness_assets.lib.warehouse.carry_forward import Carried, ComputationState
from fitness_assets.lib.warehouse.database import copy_frame, foreign_keys_suspended, run_sql_file

_NAMED = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)
_WRITES = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(fitness\.\w+)", re.IGNORECASE)
LOAD_COMPUTATION = "warehouse_load"  # its row in fitness.computation_runs
# Arbitrary constant: one load at a time, so the diff taken at the start stays true until commit.
_LOAD_LOCK_KEY = 7_406_222

LOAD_WORK_MEM = "256MB"
# From this many staged rows on, foreign keys are validated once at the end instead of per row.
BULK_LOAD_MIN_ROWS = 50_000
BULK_TABLES = ("fitness.workouts", "fitness.workout_exercises", "fitness.sets", "fitness.diet_daily")
ACTIVITIES_TABLE = "fitness.activities"
ACTIVITY_LABELS_TABLE = "fitness.activity_classification"   # the only table whose key references it
WORKOUT_KEY = ["athlete_id", "started_at", "title"]
_WORKOUT_COLUMNS = ["athlete_id", "started_at", "title", "ended_at", "description", "training_date",
                    "duration_minutes", "workout_hash", "source_sha256", "hevy_workout_id"]
_BLOCK_COLUMNS = ["block_index", "exercise_title", "superset_id", "exercise_notes", "exercise_template_id"]
_SET_COLUMNS = ["block_index", "set_order", "set_index", "set_type", "weight_kg", "reps", "distance_km",
                "duration_seconds", "rpe", "source_line", "hevy_set_id"]


CHANGE_FIELDS = ("new", "changed", "removed", "quarantined")


@dataclass
class LoadResult:
    rows_written: dict[str, int]
    workouts_new: int = 0
    workouts_changed: int = 0
    workouts_removed: int = 0
    # Per dataset: workouts, diet days or activities new, changed and removed by this load, and
    # quarantined lines stored for the first time (CHANGE_FIELDS); the ingest notification's rows.
    changes: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class WorkoutDiff:
    written: pd.DataFrame     # new and changed workouts, one row each, with workout_ref and is_new
    removed: pd.DataFrame     # keys (and training_date) of loaded workouts the newest export lacks
    codes: pd.Series          # per silver set row: its workout's position among the export's workouts
    loaded_per_athlete: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))


@dataclass(frozen=True)
class RemovalGuard:
    """A load that would remove more than `max_share` of an athlete's loaded workouts, diet days
    or activities, and at least `min_rows` of them, writes nothing unless `allowed` (the user confirmed)."""
    max_share: float = 0.10
    min_rows: int = 3
    allowed: bool = False
    # (athlete_id, dataset) → the export's file name, for the message
    exports: dict = field(default_factory=dict)


REMOVAL_COLUMNS = ["athlete", "dataset", "export", "loaded", "removed", "share"]
CONFIRM_REMOVALS = ("if the export is right, confirm with `fitness run --allow-removals` (or run config "
                    "resources.quality.config.allow_removals: true, for one run)")


class LargeRemovalError(RuntimeError):
    """A load refused by the removal guard; nothing was written."""

    def __init__(self, removals: pd.DataFrame):
        self.removals = removals
        super().__init__(describe_removals(removals))


def describe_removals(removals: pd.DataFrame) -> str:
    parts = [f"{r.export} would remove {r.removed:,} of {r.loaded:,} loaded {r.dataset} of athlete '{r.athlete}' "
             f"({r.share:.0%})" for r in removals.itertuples()]
    return "; ".join(parts) + f". Nothing was written: {CONFIRM_REMOVALS}."


def removal_shares(loaded: pd.Series, removed: pd.Series, dataset: str, label: str, exports: dict) -> pd.DataFrame:
    """One row per athlete of `loaded` (rows in the warehouse) with what the load would remove."""
    removed = removed.reindex(loaded.index, fill_value=0)
    frame = pd.DataFrame({"athlete": loaded.index.astype(str), "dataset": label,
                          "export": [exports.get((a, dataset), "the export") for a in loaded.index],
                          "loaded": loaded.to_numpy(dtype="int64"), "removed": removed.to_numpy(dtype="int64")})
    frame["share"] = (frame["removed"] / frame["loaded"].where(frame["loaded"] > 0)).fillna(0.0).round(4)
    return frame[REMOVAL_COLUMNS]


def large_removals(shares: pd.DataFrame, guard: RemovalGuard) -> pd.DataFrame:
    """The rows of `shares` the guard stops (none when the user confirmed)."""
    too_many = (shares["removed"] >= guard.min_rows) & (shares["share"] > guard.max_share)
    return shares[too_many & (not guard.allowed)].reset_index(drop=True)


def workout_removal_shares(diff: WorkoutDiff, exports: dict) -> pd.DataFrame:
    return removal_shares(diff.loaded_per_athlete, diff.removed.groupby("athlete_id").size(), WORKOUTS, "workouts", exports)


def _frame_of_rows(rows: list, names: list[str]) -> pd.DataFrame:
    """Query rows as a frame, built column by column: from a list of Row objects pandas takes its
    slow generic path (3.5 s for 200,000 activities; 1.2 s for the 51,208 workouts of a million
    sets, twice per unchanged re-ingest: the removal check and the load each diff them)."""
    return pd.DataFrame(dict(zip(names, zip(*rows))), columns=names) if rows else pd.DataFrame([], columns=names)


def _keyed_removal_shares(conn: sa.Connection, table: str, key: list[str], exported: pd.DataFrame,
                          athletes: list[str], dataset: str, label: str, exports: dict) -> pd.DataFrame:
    """Rows of `table` loaded for `athletes` and how many of their keys `exported` (their full
    exports) lacks."""
    loaded = _frame_of_rows(conn.execute(sa.text(
        f"SELECT athlete_id, {', '.join(key)} FROM {table} WHERE athlete_id = ANY(:athletes)"),
        {"athletes": athletes}).all(), ["athlete_id", *key])
    exported = exported[["athlete_id", *key]]
    for column in key:  # dates come back as datetime.date; silver holds datetime64
        if pd.api.types.is_datetime64_any_dtype(exported[column]):
            loaded[column] = pd.to_datetime(loaded[column]).astype("datetime64[us]")
            exported = exported.astype({column: "datetime64[us]"})
    gone = loaded.merge(exported.drop_duplicates(), how="left", indicator=True)
    removed = gone[gone["_merge"] == "left_only"].groupby("athlete_id").size()
    return removal_shares(loaded.groupby("athlete_id").size(), removed, dataset, label, exports)


# Each dataset's table, and what its rows are called in a removal message.
REMOVABLE = {WORKOUTS: ("fitness.workouts", "workouts"), DIET: ("fitness.diet_daily", "diet days"),
             ACTIVITIES: ("fitness.activities", "activities")}


def unchanged_removal_shares(conn: sa.Connection, athletes: Mapping[str, list[str]],
                             exports: dict) -> dict[str, pd.DataFrame]:
    """Per dataset, the removal shares of loading frames the warehouse already holds (`loaded_already`):
    the load that recorded this state removed every row its snapshots lacked, so nothing would be
    removed now; `loaded` is counted per athlete of `athletes[dataset]` as the diffs count it."""
    shares = {}
    for dataset, (table, label) in REMOVABLE.items():
        counted = conn.execute(sa.text(f"SELECT athlete_id, count(*) AS n FROM {table} "
                                       "WHERE athlete_id = ANY(:athletes) GROUP BY athlete_id"),
                               {"athletes": list(athletes.get(dataset, []))}).all()
        loaded = pd.Series({row.athlete_id: int(row.n) for row in counted}, dtype="int64").sort_index()
        shares[dataset] = removal_shares(loaded, pd.Series(dtype="int64"), dataset, label, exports)
    return shares


def diet_removal_shares(conn: sa.Connection, diet_days: pd.DataFrame, athletes: list[str], exports: dict) -> pd.DataFrame:
    return _keyed_removal_shares(conn, "fitness.diet_daily", ["diet_date"], diet_days, athletes, DIET, "diet days",
                                 exports)


def activity_removal_shares(conn: sa.Connection, activities: pd.DataFrame, athletes: list[str],
                            exports: dict) -> pd.DataFrame:
    return _keyed_removal_shares(conn, "fitness.activities", ["source", "source_workout_id"], activities, athletes,
                                 ACTIVITIES, "activities", exports)


class Staged(NamedTuple):
    reads: tuple[str, ...]                       # names of the loader's inputs (LOADER_INPUTS)
    rows: Callable[..., pd.DataFrame]            # those inputs, in that order → the rows to COPY


# The SilverLayer fields the loader reads, and what each derived input is made of (its silver fields,
# or "manifest": the raw zone's manifest; the muscle map and title aliases are package data).
SILVER_FIELDS = ("workout_sets", "diet_days", "cycles", "activities", "quarantine", "corrections_applied",
                 "snapshots", "exercise_templates", "body_weights")
LOADER_INPUTS: dict[str, tuple[str, ...]] = {
    **{field: (field,) for field in SILVER_FIELDS},
    "workout_diff": ("workout_sets", "snapshots"), "staged_sets": ("workout_sets",),
    "manifest": ("manifest",), "muscle_map": (), "title_aliases": (),
}

# Every staging table of sql/warehouse/load/00_staging.sql and the inputs its rows come from. The
# loader hands each builder exactly the inputs it names, so this table cannot claim less than a
# builder reads; lib/warehouse/lineage.py follows the load SQL from these tables to each warehouse
# table, and the warehouse assets declare the silver assets found (defs/warehouse/assets.py).
STAGING: dict[str, Staged] = {
    "stage_workouts": Staged(("workout_diff",), lambda diff: diff.written),
    "stage_blocks": Staged(("staged_sets",), lambda sets: sets.drop_duplicates(["workout_ref", "block_index"])
                           [["workout_ref", *_BLOCK_COLUMNS]]),
    "stage_sets": Staged(("staged_sets",), lambda sets: sets[["workout_ref", *_SET_COLUMNS]]),
    "stage_removed": Staged(("workout_diff",), lambda diff: diff.removed[WORKOUT_KEY]),
    "stage_diet": Staged(("diet_days",), lambda days: days.drop(columns=["source_file", "cycle_raw"])),
    "stage_cycles": Staged(("cycles",), lambda cycles: cycles),
    "stage_activities": Staged(("activities",), lambda activities: activities),
    "stage_snapshots": Staged(("snapshots",), lambda snapshots: pd.DataFrame(snapshots,
                                                                             columns=["athlete_id", "dataset"])),
    "stage_quarantine": Staged(("quarantine",), lambda quarantine: quarantine.assign(
        raw_values=quarantine["raw_values"].map(lambda v: json.dumps(v, ensure_ascii=False, default=str)))),
    "stage_corrections": Staged(("corrections_applied",), lambda corrections: corrections),
    "stage_manifest": Staged(("manifest",), lambda manifest: pd.DataFrame(
        [asdict(e) for e in manifest], columns=[*ManifestEntry.__dataclass_fields__])
        .drop(columns=["data_until", "file_modified_at", "dated_by"])),
    "stage_muscle_map": Staged(("muscle_map",), lambda muscle_map: muscle_map[["exercise_title", "muscle_group"]]),
    "stage_templates": Staged(("exercise_templates",), lambda templates: templates),
    "stage_body_weights": Staged(("body_weights",), lambda weights: weights),
    "stage_title_aliases": Staged(("title_aliases",), lambda aliases: aliases),
}


def named_statements(path: Path) -> list[tuple[str, str]]:
    """Split a SQL file into (name, statement) at `-- name:` markers."""
    parts = _NAMED.split(path.read_text(encoding="utf-8"))
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def diff_workouts(conn: sa.Connection, sets: pd.DataFrame, snapshot_athletes: list[str]) -> WorkoutDiff:
    """Which workouts of the exports are new or changed, and which loaded ones the exports of
    `snapshot_athletes` (complete snapshots: they may remove) no longer hold."""
    workout_of_set = sets.groupby(WORKOUT_KEY, sort=False, dropna=False).ngroup()
    workouts = sets.drop_duplicates(WORKOUT_KEY)[_WORKOUT_COLUMNS].reset_index(drop=True)
    workouts["started_at"] = workouts["started_at"].astype("datetime64[us]")
    loaded = _frame_of_rows(conn.execute(sa.text(
        "SELECT athlete_id, started_at, title, content_hash, training_date FROM fitness.workouts "
        "WHERE athlete_id = ANY(:athletes)"),
        {"athletes": sorted(set(snapshot_athletes) | set(sets["athlete_id"].unique()))}).all(),
        ["athlete_id", "started_at", "title", "content_hash", "training_date"])
    loaded["started_at"] = loaded["started_at"].astype("datetime64[us]")
    # A left merge keeps the export's order, so row positions stay equal to the ngroup codes.
    export = workouts.merge(loaded[[*WORKOUT_KEY, "content_hash"]], on=WORKOUT_KEY, how="left")
    is_new = export["content_hash"].isna()
    written_mask = (is_new | (export["content_hash"] != export["workout_hash"])).to_numpy()
    written = workouts[written_mask].copy()
    written.insert(0, "workout_ref", written.index.to_numpy())
    written["is_new"] = is_new.to_numpy()[written_mask]
    removable = loaded[loaded["athlete_id"].isin(snapshot_athletes)]
    gone = removable.merge(workouts[WORKOUT_KEY], on=WORKOUT_KEY, how="left", indicator=True)
    removed = gone.loc[gone["_merge"] == "left_only", [*WORKOUT_KEY, "training_date"]].reset_index(drop=True)
    return WorkoutDiff(written, removed, workout_of_set, removable.groupby("athlete_id").size())


@cache
def written_tables(sql_dir: Path) -> tuple[str, ...]:
    """Every table the load statements write, in name order."""
    return tuple(sorted(set(_WRITES.findall((sql_dir / "warehouse" / "load" / "10_load.sql").read_text("utf-8")))))


@cache
def load_code_digest(sql_dir: Path) -> str:
    """The load's code, its SQL and schema, and the package data it loads (the curated muscle map
    and the title aliases): any change loads again."""
    return files_digest([*sorted((PACKAGE_DIR / "lib" / "warehouse").glob("*.py")),
                         *sorted((sql_dir / "warehouse" / "load").glob("*.sql")),
                         *sorted((sql_dir / "warehouse" / "schema").glob("*.sql")),
                         *sorted((PACKAGE_DIR / "data").glob("*.csv"))])


def load_state(sql_dir: Path, silver_fingerprint: str) -> ComputationState:
    """What a load of the silver frames with `silver_fingerprint` (every input of the load: their
    landed files, corrections, date bounds and parser code) depends on, and the tables it writes."""
    return ComputationState.of(LOAD_COMPUTATION, {"silver": silver_fingerprint, "code": load_code_digest(sql_dir)},
                               written_tables(sql_dir))


def loaded_already(engine: sa.Engine, state: ComputationState | None) -> Carried | None:
    """The load that left the warehouse as it is now, when it loaded frames with this state."""
    if state is None:
        return None
    with engine.connect() as conn:
        return state.carried(conn)


def unchanged_load() -> LoadResult:
    """What loading frames the warehouse already holds writes: nothing."""
    return LoadResult({}, changes={dataset: dict.fromkeys(CHANGE_FIELDS, 0) for dataset in REMOVABLE})


def load_warehouse(engine: sa.Engine, sql_dir: Path, silver: SilverLayer, manifest: list[ManifestEntry],
                   muscle_map: pd.DataFrame, guard: RemovalGuard = RemovalGuard(),
                   title_aliases: pd.DataFrame | None = None, state: ComputationState | None = None,
                   run_id: str = "") -> LoadResult:
    """Rows affected per named statement (0 everywhere when nothing changed) and the workout diff.
    `title_aliases` (alias, template_title): CSV exercise titles that name a Hevy exercise template
    under another title (lib/silver/muscle_map.py). `state` (load_state), when given, is recorded
    with `run_id` in the load's transaction.

    Raises LargeRemovalError, having written nothing, when the removal guard stops the load.
    """
    sets = silver.workout_sets
    snapshot_athletes = sorted({a for a, dataset in silver.snapshots if dataset == WORKOUTS})
    diet_athletes = sorted({a for a, dataset in silver.snapshots if dataset == DIET})
    activity_athletes = sorted({a for a, dataset in silver.snapshots if dataset == ACTIVITIES})
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOAD_LOCK_KEY})
        # The default 4 MB spills the joins and sorts of a large load to disk; this transaction only.
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{LOAD_WORK_MEM}'")
        run_sql_file(conn, sql_dir / "warehouse" / "load" / "00_staging.sql")
        diff = diff_workouts(conn, sets, snapshot_athletes)
        stopped = large_removals(pd.concat([
            workout_removal_shares(diff, guard.exports),
            diet_removal_shares(conn, silver.diet_days, diet_athletes, guard.exports),
            activity_removal_shares(conn, silver.activities, activity_athletes, guard.exports)],
            ignore_index=True), guard)
        if len(stopped):
            raise LargeRemovalError(stopped)
        staged_sets = sets[diff.codes.isin(diff.written["workout_ref"]).to_numpy()]
        staged_refs = diff.codes[diff.codes.isin(diff.written["workout_ref"])]
        inputs = {field: getattr(silver, field) for field in SILVER_FIELDS} | {
            "workout_diff": diff, "staged_sets": staged_sets.assign(workout_ref=staged_refs.to_numpy()),
            "manifest": manifest, "muscle_map": muscle_map,
            "title_aliases": title_aliases if title_aliases is not None
            else pd.DataFrame(columns=["alias", "template_title"])}
        for table, staged in STAGING.items():
            copy_frame(conn, table, staged.rows(*(inputs[name] for name in staged.reads)))
        # Temp tables have no statistics until analysed; the joins below need them at scale.
        conn.exec_driver_sql("ANALYZE stage_workouts, stage_blocks, stage_sets, stage_removed, stage_diet, "
                             "stage_activities")
        counts = {name: max(conn.exec_driver_sql(statement).rowcount, 0)
                  for name, statement in named_statements(sql_dir / "warehouse" / "load" / "05_changes.sql")}
        changes = _dataset_changes(conn, sql_dir, diff, manifest)
        bulk = len(inputs["staged_sets"]) + counts["changed_diet_days"] >= BULK_LOAD_MIN_ROWS
        suspended = [*BULK_TABLES] if bulk else []
        if bulk:  # a first import: the workout tables (sets reference blocks, blocks workouts) write no WAL
            _truncate_if_empty(conn, "fitness.workouts", "fitness.workout_exercises", "fitness.sets")
            _truncate_if_empty(conn, "fitness.diet_daily")
        bulk_activities = changes[ACTIVITIES]["new"] + changes[ACTIVITIES]["changed"] >= BULK_LOAD_MIN_ROWS
        if bulk_activities:
            # Its key to fitness.athletes: a trigger call per row, 9 of 34 s for a million activities.
            suspended.append(ACTIVITIES_TABLE)
            _truncate_if_empty(conn, ACTIVITIES_TABLE, ACTIVITY_LABELS_TABLE)
        with foreign_keys_suspended(conn, suspended) if suspended else nullcontext():
            for name, statement in named_statements(sql_dir / "warehouse" / "load" / "10_load.sql"):
                counts[name] = max(conn.exec_driver_sql(statement).rowcount, 0)
        if state is not None:
            state.record(conn, run_id)
    vacuumed = [*(BULK_TABLES if bulk else ()), *((ACTIVITIES_TABLE,) if bulk_activities else ())]
    if vacuumed:
        _vacuum_analyze(engine, *vacuumed)
    is_new = diff.written["is_new"]
    return LoadResult(counts, workouts_new=int(is_new.sum()), workouts_changed=int((~is_new).sum()),
                      workouts_removed=len(diff.removed), changes=changes)


def _vacuum_analyze(engine: sa.Engine, *tables: str) -> None:
    """VACUUM (ANALYZE) `tables` after a bulk load has committed, rather than leave it to autovacuum,
    which would start on its own within a minute, beside whatever runs next. The first reader of
    freshly written rows sets each one's hint bits and writes the pages again: the classification
    read right after a load of a million activities took 3.4 s instead of 1.5, and the labels'
    write 5 instead of 3; the first one-week payload run after a load of a million sets took 11.6 s
    without the vacuum and 5.9 s with it (bench runs on equally slow hosts). The vacuum costs 1.5–2 s per million rows in the load; the
    statistics are fresh too."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(tables)}")


def _truncate_if_empty(conn: sa.Connection, table: str, *referencing: str) -> None:
    """TRUNCATE `table` (and the tables whose keys reference it: empty too) when it holds no row:
    on a server at wal_level 'minimal' (the embedded one, database.EMBEDDED_SETTINGS) the rows and
    index entries then written to it in this transaction skip the WAL (700 MB for a million
    activities). It takes the lock the suspended keys' ALTER TABLE takes anyway."""
    if not conn.exec_driver_sql(f"SELECT EXISTS (SELECT FROM {table})").scalar_one():
        conn.exec_driver_sql(f"TRUNCATE {', '.join([table, *referencing])}")


def _dataset_changes(conn: sa.Connection, sql_dir: Path, diff: WorkoutDiff,
                     manifest: list[ManifestEntry]) -> dict[str, dict[str, int]]:
    """What the load statements are about to do, per dataset (06_change_counts.sql; the
    workouts from the content-hash diff), read before they run: afterwards new and changed
    rows look alike."""
    answers = {name: conn.exec_driver_sql(statement).all()
               for name, statement in named_statements(sql_dir / "warehouse" / "load" / "06_change_counts.sql")}
    is_new = diff.written["is_new"]
    changes = {WORKOUTS: {"new": int(is_new.sum()), "changed": int((~is_new).sum()), "removed": len(diff.removed)},
               DIET: dict(zip(("new", "changed", "removed"), map(int, answers["diet_days"][0]))),
               ACTIVITIES: dict(zip(("new", "changed", "removed"), map(int, answers["activities"][0])))}
    dataset_of_export = {e.sha256: SOURCES[e.detected_format].dataset for e in manifest}
    for counts in changes.values():
        counts["quarantined"] = 0
    for sha256, lines in answers["quarantined_lines"]:
        changes.setdefault(dataset_of_export[sha256], dict.fromkeys(CHANGE_FIELDS, 0))["quarantined"] += int(lines)
    return changes
