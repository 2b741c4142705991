"""A bulk load (>= BULK_LOAD_MIN_ROWS staged rows: foreign keys dropped and re-added around the
writes) that replaces and removes workouts must leave the warehouse exactly as a fresh load of
the newest export would, log the removed workouts with their set counts, and restore the keys.

With the keys dropped, ON DELETE CASCADE does not run: a load that relied on it left the old
exercise blocks and sets of replaced/removed workouts behind, and re-adding the keys failed.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tools.generate import write_benchmark_exports
from fitness_assets.lib.warehouse.database import apply_migrations, run_sql_file
from fitness_assets.lib.silver.muscle_map import curated_muscle_map
from fitness_assets.lib.raw.zone import land_inbox
from fitness_assets.lib.silver.build import SilverLayer, build_silver, snapshots_that_may_remove
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets.lib.warehouse.load import BULK_LOAD_MIN_ROWS, BULK_TABLES, LoadResult, load_warehouse
from fitness_assets_tests.conftest import new_database
from fitness_assets_tests.harness import wal_bytes

TOTAL_SETS = 64_000
BOUNDS = DateBounds(today=date(2027, 1, 1))  # the synthetic history ends 2026-10-30
KEY = ["title", "start_time"]  # a workout of the (single-athlete) Hevy export

# Every warehouse row of the workout tables, by natural key and content: surrogate ids, source
# files and line numbers are left out (an unchanged workout keeps the export it was loaded from).
SETS_CONTENT = """
SELECT w.athlete_id, w.started_at, w.title, w.ended_at, w.description, w.training_date, w.duration_minutes,
       w.content_hash, we.block_index, e.exercise_name, we.superset_id, we.exercise_notes,
       s.set_order, s.set_index, s.set_type, s.weight_kg, s.reps, s.distance_km, s.duration_seconds, s.rpe
FROM fitness.workouts w
LEFT JOIN fitness.workout_exercises we USING (workout_id)
LEFT JOIN fitness.exercises e USING (exercise_id)
LEFT JOIN fitness.sets s USING (workout_exercise_id)
ORDER BY w.athlete_id, w.started_at, w.title, we.block_index, s.set_order
"""
DIET_CONTENT = """
SELECT athlete_id, diet_date, carbs_g, protein_g, fat_g, calories_kcal, cardio_weekly_min, cycle_id,
       bodyweight_kg, notes
FROM fitness.diet_daily ORDER BY athlete_id, diet_date
"""
FOREIGN_KEYS = """
SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition, convalidated
FROM pg_constraint WHERE contype = 'f' AND connamespace = 'fitness'::regnamespace ORDER BY 1, 2
"""
COUNTED = ("workouts", "workout_exercises", "sets", "diet_daily", "cycles")


@pytest.fixture
def fresh_database_url(postgres_server) -> str:
    """A second empty database on the session's server (the `database_url` fixture gives one)."""
    return new_database(postgres_server)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path, quoting: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, quoting=quoting, lineterminator="\n")


def _export_b(hevy: pd.DataFrame, diet: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """Export B from export A: of every 40 workouts one is gone and 34 changed (a third of those
    gain a block, the others lose their last set, or get a note when they have one set only);
    the diet log loses its last 3 days and 25 days get a note.

    Returns (hevy B, diet B, number of removed workouts, number of replaced workouts).
    """
    workouts = hevy[KEY].drop_duplicates().reset_index(drop=True)
    of_row = pd.Series(pd.MultiIndex.from_frame(workouts).get_indexer(pd.MultiIndex.from_frame(hevy[KEY])))
    removed = workouts.index[workouts.index % 40 == 0]
    replaced = workouts.index[workouts.index % 40 >= 6]
    last_row, first_row = ~of_row.duplicated(keep="last"), ~of_row.duplicated(keep="first")
    grows = replaced[replaced % 3 == 0]
    rows_per_workout = of_row.value_counts()
    shrinks = replaced[(replaced % 3 != 0) & (rows_per_workout.reindex(replaced).to_numpy() > 1)]
    noted = replaced.difference(grows).difference(shrinks)  # one set only: it keeps it, with a note
    # A repeated last set has a set_index that does not increase: the parse starts a new block.
    extra = hevy[last_row & of_row.isin(grows)].assign(_extra=1)
    kept = hevy[~(last_row & of_row.isin(shrinks)) & ~of_row.isin(removed)].assign(_extra=0)
    kept.loc[(first_row & of_row.isin(noted))[kept.index].to_numpy(), "exercise_notes"] = "edited"
    hevy_b = pd.concat([kept, extra]).assign(_workout=lambda f: of_row[f.index].to_numpy(), _line=lambda f: f.index)
    hevy_b = hevy_b.sort_values(["_workout", "_extra", "_line"]).drop(columns=["_workout", "_extra", "_line"])
    diet_b = diet.iloc[:-3].copy()
    diet_b.iloc[100:125, diet_b.columns.get_loc("observacoes")] = "edited"
    return hevy_b.reset_index(drop=True), diet_b, len(removed), len(replaced)


def _silver(inbox: Path, raw: Path) -> tuple[SilverLayer, list]:
    manifest, _ = land_inbox(inbox, raw)
    silver = build_silver(raw, manifest, bounds=BOUNDS)
    # exactly as fitness_assets/defs/warehouse/assets.py builds them
    silver.snapshots = snapshots_that_may_remove(pd.DataFrame([vars(a) for a in silver.files]))
    return silver, manifest


def _load(engine: sa.Engine, sql_dir: Path, silver: SilverLayer, manifest: list) -> LoadResult:
    return load_warehouse(engine, sql_dir, silver, manifest, curated_muscle_map())


def _frame(engine: sa.Engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(sa.text(sql)).mappings().all())


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM fitness.{t}")).scalar_one() for t in COUNTED}


def test_bulk_load_replacing_and_removing_workouts_equals_a_fresh_load(settings, database_url, fresh_database_url,
                                                                        tmp_path, monkeypatch):
    """Export A (64,000 sets), then export B, staging > BULK_LOAD_MIN_ROWS rows, that replaces
    and removes workouts: equal to B loaded alone, removals logged, foreign keys restored.
    A's load into the empty warehouse truncates the workout tables first, so on the embedded
    server (wal_level 'minimal') their rows write no WAL; every bulk load is vacuumed after it."""
    from fitness_assets.lib.warehouse import load as load_module

    vacuums = []  # (tables, WAL position when the vacuum after the load's commit starts)
    real_vacuum = load_module._vacuum_analyze

    def recorded_vacuum(engine: sa.Engine, *tables: str) -> None:
        with engine.connect() as conn:
            vacuums.append((tables, conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn()").scalar_one()))
        real_vacuum(engine, *tables)

    monkeypatch.setattr(load_module, "_vacuum_analyze", recorded_vacuum)
    exports = write_benchmark_exports(tmp_path / "a" / "inbox", TOTAL_SETS, athletes=1, seed=9)
    hevy_a, diet_a = _read(exports.hevy_files[0]), _read(exports.diet_files[0])
    hevy_b, diet_b, removed, replaced = _export_b(hevy_a, diet_a)
    folder = tmp_path / "b" / "inbox" / exports.hevy_files[0].parent.name
    _write(hevy_b, folder / exports.hevy_files[0].name, csv.QUOTE_ALL)
    _write(diet_b, folder / exports.diet_files[0].name, csv.QUOTE_MINIMAL)

    silver_a, manifest_a = _silver(tmp_path / "a" / "inbox", tmp_path / "a" / "raw")
    silver_b, manifest_b = _silver(tmp_path / "b" / "inbox", tmp_path / "b" / "raw")
    assert len(silver_a.quarantine) == 0 and len(silver_b.quarantine) == 0
    assert len(silver_a.workout_sets) == TOTAL_SETS

    sql_dir = Path(settings.warehouse.sql_dir)
    # Below wal_skip_threshold (2 MB) PostgreSQL logs a new file's pages at commit instead of syncing it.
    options = {"connect_args": {"options": "-c wal_skip_threshold=0"}}
    engine, fresh = sa.create_engine(database_url, **options), sa.create_engine(fresh_database_url)
    try:
        for e in (engine, fresh):
            apply_migrations(e, sql_dir / "warehouse" / "schema")
            with e.begin() as conn:  # the loader reads the weekly payloads through the gold views
                for path in sorted((sql_dir / "gold").glob("*.sql")):
                    run_sql_file(conn, path)
        keys_before = _frame(engine, FOREIGN_KEYS)
        assert set(keys_before["table_name"]) >= set(BULK_TABLES)

        with engine.connect() as conn:
            before_a = conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn()").scalar_one()
        _load(engine, sql_dir, silver_a, manifest_a)
        [(vacuumed, vacuum_starts)] = vacuums
        assert vacuumed == BULK_TABLES
        wal_a = wal_bytes(engine, before_a, vacuum_starts)  # this database's records only
        with engine.connect() as conn:
            sets_bytes = conn.exec_driver_sql("SELECT pg_total_relation_size('fitness.sets')").scalar_one()
            assert conn.exec_driver_sql("SELECT bool_and(last_vacuum IS NOT NULL) FROM pg_stat_user_tables "
                                        "WHERE relid = ANY('{fitness.workouts,fitness.sets}'::regclass[])").scalar_one()
        assert sets_bytes > wal_a * 4, (sets_bytes, wal_a)

        # What load B stages: every set of its changed workouts (removed ones stage nothing),
        # plus its changed diet days. Enough for the bulk path, which suspends the foreign keys.
        sets_a, sets_b = silver_a.workout_sets, silver_b.workout_sets
        wkey = ["title", "started_at"]
        hash_a = sets_a.drop_duplicates(wkey).set_index(wkey)["workout_hash"]
        hash_b = sets_b.set_index(wkey)["workout_hash"]
        staged_sets = int((hash_a.reindex(hash_b.index).to_numpy() != hash_b.to_numpy()).sum())
        loaded_b = _load(engine, sql_dir, silver_b, manifest_b)
        assert loaded_b.rows_written["sets"] == staged_sets
        assert staged_sets + loaded_b.rows_written["changed_diet_days"] >= BULK_LOAD_MIN_ROWS
        assert (loaded_b.workouts_new, loaded_b.workouts_changed, loaded_b.workouts_removed) == (
            0, replaced, removed)
        assert loaded_b.rows_written["removed_workouts"] == removed
        assert loaded_b.rows_written["replaced_workouts"] == replaced
        assert loaded_b.rows_written["removed_diet_days"] == 3

        fresh_b = _load(fresh, sql_dir, silver_b, manifest_b)
        assert fresh_b.rows_written["sets"] >= BULK_LOAD_MIN_ROWS  # bulk path as well

        # The same warehouse as one built from export B alone.
        assert _counts(engine) == _counts(fresh)
        assert _counts(engine)["sets"] == len(sets_b)
        pd.testing.assert_frame_equal(_frame(engine, SETS_CONTENT), _frame(fresh, SETS_CONTENT))
        pd.testing.assert_frame_equal(_frame(engine, DIET_CONTENT), _frame(fresh, DIET_CONTENT))

        # Removed workouts are logged with the sets they had (export A's) and A's content hash.
        per_workout_a = sets_a.groupby(wkey).agg(set_count=("set_order", "size"),
                                                 content_hash=("workout_hash", "first"))
        gone = per_workout_a[~per_workout_a.index.isin(sets_b.set_index(wkey).index.unique())]
        logged = _frame(engine, "SELECT title, started_at, content_hash, set_count FROM fitness.removed_workouts")
        logged = logged.astype({"started_at": gone.index.get_level_values("started_at").dtype}).set_index(wkey)
        assert len(gone) == removed > 0
        pd.testing.assert_frame_equal(logged.sort_index()[["set_count", "content_hash"]], gone.sort_index(),
                                      check_dtype=False)
        assert (logged["set_count"] > 0).all()

        # The foreign keys are back, validated, with their exact definitions.
        keys_after = _frame(engine, FOREIGN_KEYS)
        pd.testing.assert_frame_equal(keys_after, keys_before)
        assert keys_after["convalidated"].all()
    finally:
        engine.dispose()
        fresh.dispose()


ACTIVITIES_CONTENT = """
SELECT activity_id, athlete_id, source, source_workout_id, activity_date, activity_type, distance_km, duration_s,
       avg_pace_min_per_km, notes, activity_hash, source_line
FROM fitness.activities ORDER BY activity_id
"""


def test_a_bulk_first_load_of_activities_equals_the_row_by_row_one(settings, database_url, fresh_database_url,
                                                                    tmp_path, monkeypatch):
    """Past BULK_LOAD_MIN_ROWS new activities, the load suspends fitness.activities' key to
    fitness.athletes and, the table being empty, truncates it first, so that on the embedded
    server (wal_level 'minimal') its rows and index entries write no WAL; once committed, the
    table is vacuumed and analysed. The rows are those of the row-by-row path, with the same ids;
    the key comes back validated; a re-load writes nothing."""
    from tools.generate.bench_histories import write_activity_exports

    from fitness_assets.lib.warehouse import load as load_module

    write_activity_exports(tmp_path / "inbox", total_activities=3_000, athletes=2, seed=4)
    silver, manifest = _silver(tmp_path / "inbox", tmp_path / "raw")
    assert len(silver.activities) == 3_000 and len(silver.quarantine) == 0
    sql_dir = Path(settings.warehouse.sql_dir)
    # Below wal_skip_threshold (2 MB) PostgreSQL logs a new file's pages at commit instead of syncing it.
    options = {"connect_args": {"options": "-c wal_skip_threshold=0"}}
    bulk, row_by_row = sa.create_engine(database_url, **options), sa.create_engine(fresh_database_url, **options)
    try:
        for engine in (bulk, row_by_row):
            apply_migrations(engine, sql_dir / "warehouse" / "schema")
        keys_before = _frame(bulk, FOREIGN_KEYS)
        suspended = []
        real_suspension = load_module.foreign_keys_suspended
        monkeypatch.setattr(load_module, "foreign_keys_suspended",
                            lambda conn, tables: suspended.append(list(tables)) or real_suspension(conn, tables))

        lsn = "SELECT pg_current_wal_insert_lsn()"
        vacuums = []  # the WAL position when the vacuum after the load's commit starts (it writes WAL of its own)
        real_vacuum = load_module._vacuum_analyze

        def recorded_vacuum(engine: sa.Engine, *tables: str) -> None:
            with engine.connect() as conn:
                vacuums.append((tables, conn.exec_driver_sql(lsn).scalar_one()))
            real_vacuum(engine, *tables)

        monkeypatch.setattr(load_module, "_vacuum_analyze", recorded_vacuum)

        def wal_bytes_of_a_load(engine: sa.Engine, min_rows: int) -> tuple[int, LoadResult]:
            monkeypatch.setattr(load_module, "BULK_LOAD_MIN_ROWS", min_rows)
            vacuums.clear()
            with engine.connect() as conn:
                before = conn.exec_driver_sql(lsn).scalar_one()
            loaded = _load(engine, sql_dir, silver, manifest)
            with engine.connect() as conn:
                end = vacuums[0][1] if vacuums else conn.exec_driver_sql(lsn).scalar_one()
            return wal_bytes(engine, before, end), loaded  # this database's records only

        bulk_wal, bulk_load = wal_bytes_of_a_load(bulk, min_rows=1_000)
        assert suspended == [["fitness.activities"]] and [tables for tables, _ in vacuums] == [("fitness.activities",)]
        row_wal, row_load = wal_bytes_of_a_load(row_by_row, min_rows=10_000)
        assert len(suspended) == 1 and vacuums == []  # the row-by-row load suspended and vacuumed nothing
        assert bulk_load.rows_written["activities"] == row_load.rows_written["activities"] == 3_000
        pd.testing.assert_frame_equal(_frame(bulk, ACTIVITIES_CONTENT), _frame(row_by_row, ACTIVITIES_CONTENT))
        with bulk.connect() as conn:
            table_bytes = conn.exec_driver_sql("SELECT pg_total_relation_size('fitness.activities')").scalar_one()
        assert row_wal >= table_bytes > bulk_wal * 4, (row_wal, table_bytes, bulk_wal)
        pd.testing.assert_frame_equal(_frame(bulk, FOREIGN_KEYS), keys_before)
        assert _frame(bulk, FOREIGN_KEYS)["convalidated"].all()
        vacuumed = "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relid = 'fitness.activities'::regclass"
        with bulk.connect() as conn, row_by_row.connect() as other:  # vacuumed and analysed after a bulk load only
            assert (conn.exec_driver_sql(vacuumed).scalar_one(), other.exec_driver_sql(vacuumed).scalar_one()) == (
                True, False)

        again_wal, again = wal_bytes_of_a_load(bulk, min_rows=1_000)  # unchanged: nothing written
        assert again.rows_written["activities"] == 0 and len(suspended) == 1
    finally:
        bulk.dispose()
        row_by_row.dispose()
