"""activity_classification end to end: real PostgreSQL, activities inserted with SQL, the asset
and its checks materialized in-process; a re-run with the same inputs writes 0 rows."""

from __future__ import annotations

import struct

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.defs.insights.assets import activity_classification
from fitness_assets.defs.insights.checks import activity_classification_checks
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.warehouse.database import apply_migrations, copy_frame
from fitness_assets_tests.harness import QUIET, query, wal_bytes
from fitness_assets_tests.insights.synthetic import accuracy, history

COLUMNS = ["athlete_id", "source", "source_workout_id", "activity_date", "activity_type", "distance_km", "duration_s",
           "avg_pace_min_per_km", "activity_hash", "source_sha256", "source_file", "source_line"]


def insert_activities(url: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as the warehouse load would write them; returns the frame with the generated ids."""
    engine = sa.create_engine(url)
    apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")
    rows = frame.assign(activity_hash="h", source_sha256="sha-test", source_file="user1_workout_history.csv",
                        source_line=range(2, len(frame) + 2))
    with engine.begin() as conn:
        for athlete in sorted(set(frame["athlete_id"]) - {"default"}):
            conn.execute(sa.text("INSERT INTO fitness.athletes (athlete_id) VALUES (:a)"), {"a": athlete})
        copy_frame(conn, "fitness.activities", rows, COLUMNS)
        ids = pd.read_sql("SELECT activity_id, athlete_id, source_workout_id FROM fitness.activities", conn)
    engine.dispose()
    return frame.drop(columns="activity_id").merge(ids, on=["athlete_id", "source_workout_id"])


def materialize(settings, instance):
    result = dg.materialize([activity_classification, activity_classification_checks],
                            resources=settings.resources(), instance=instance, run_config=QUIET)
    materialization = result.asset_materializations_for_node("activity_classification")[0]
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    return {k: v.value for k, v in materialization.metadata.items()}, checks


def test_classifies_writes_once_and_relabels_on_new_parameters(settings, tmp_path):
    planted = pd.concat([history(start=pd.Timestamp("2016-01-04").date(), seed=5),
                         history(athlete="newcomer", start=pd.Timestamp("2025-01-06").date(),
                                 end=pd.Timestamp("2025-02-03").date(), event=None, seed=2, first_id=90_000,
                                 outlier_share=0.0).head(3)], ignore_index=True)
    planted = insert_activities(settings.database_url, planted)
    instance = dg.DagsterInstance.ephemeral()

    metadata, checks = materialize(settings, instance)
    stored = pd.DataFrame(query(settings, "SELECT * FROM fitness.activity_classification"))
    in_scope = planted["planted"].notna().sum()
    assert metadata["rows_written_this_run"] == metadata["rows"] == len(stored) == in_scope
    assert accuracy(stored, planted) >= 0.95
    assert metadata["model_version"].startswith("classify-1+")
    assert "| run " in metadata["centroids"] and "silhouette_k2" in metadata["models"]
    assert "detected" in metadata["change_points"] and "2019" in metadata["labels_per_year"]
    newcomer = stored.merge(planted, on="activity_id").query("athlete_id == 'newcomer'")
    assert set(newcomer["method"]) == {"rule"}
    assert checks["pace_plausible_for_label"].passed
    # walks logged as "Run", week after week: the WARN points at them
    disagreement = checks["logged_type_agrees"]
    assert not disagreement.passed and disagreement.severity == dg.AssetCheckSeverity.WARN

    # the model behind the labels is stored beside them (the dashboard's Classifier page)
    models = {m["athlete_id"]: m for m in query(settings, "SELECT * FROM fitness.classifier_models")}
    assert models["newcomer"]["method"] == "rule" and models["newcomer"]["k"] is None
    kmeans = models["default"]
    assert kmeans["method"] == "kmeans" and kmeans["model_version"] == metadata["model_version"]
    assert 0 < kmeans["silhouette_k2"] <= 1 and kmeans["modelled"] + kmeans["outliers"] <= kmeans["activities"]
    centroids = query(settings, "SELECT * FROM fitness.classifier_centroids ORDER BY athlete_id, cluster")
    assert [c["athlete_id"] for c in centroids] == ["default"] * kmeans["k"]
    assert [c["label"] for c in centroids][0] == "run" and centroids[-1]["label"] == "walk"
    assert sum(c["size"] for c in centroids) == kmeans["modelled"]
    assert metadata["model_rows_written_this_run"] == 2 + kmeans["k"]

    again, _ = materialize(settings, instance)
    assert again["rows_written_this_run"] == 0 and again["rows_removed_this_run"] == 0
    assert again["model_rows_written_this_run"] == 0
    assert again["label_summary_rows_written_this_run"] == 0 < metadata["label_summary_rows_written_this_run"]
    assert again["model_version"] == metadata["model_version"]

    # a user's label wins: one row changes
    run = planted.loc[planted["planted"] == "run"].iloc[0]
    (tmp_path / "corrections.yaml").write_text(
        f"activity_labels:\n  - workout_id: '{run['source_workout_id']}'\n    label: walk\n"
        "    reason: walked with the dog, logged as Run\n  - activity_id: 999999999\n    label: run\n"
        "    reason: no such activity\n", encoding="utf-8")
    labelled, _ = materialize(settings, instance)
    assert labelled["rows_written_this_run"] == 1 and labelled["stale_user_labels"] == 1
    row = query(settings, "SELECT label, method, confidence FROM fitness.activity_classification "
                          "WHERE activity_id = :id", id=int(run["activity_id"]))[0]
    assert row == {"label": "walk", "method": "user", "confidence": 1.0}

    # new parameters, new model version: every row is relabelled
    relabelled, _ = materialize(settings.with_fields("classifier", life_event_date="2019-06-03"), instance)
    assert relabelled["model_version"] != metadata["model_version"]
    assert relabelled["rows_written_this_run"] == in_scope
    assert "configured" in relabelled["change_points"]


def test_a_bulk_first_write_suspends_the_foreign_key_and_restores_it(settings, monkeypatch):
    """Past BULK_LOAD_MIN_ROWS new labels the key to fitness.activities is dropped for the insert
    and re-added (validated) in the same transaction; the labels are the same as row by row."""
    from fitness_assets.defs.resources import ClassifierResource
    from fitness_assets.lib.insights import store
    from fitness_assets.lib.insights.classify import classify

    planted = insert_activities(settings.database_url, history(seed=3))
    engine = sa.create_engine(settings.database_url)
    labels = classify(store.read_activities(engine), ClassifierResource()).labels
    constraint = ("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                  "AND conrelid = 'fitness.activity_classification'::regclass")
    monkeypatch.setattr(store, "BULK_LOAD_MIN_ROWS", 1)
    suspended = []
    real_suspension = store.foreign_keys_suspended
    monkeypatch.setattr(store, "foreign_keys_suspended",
                        lambda conn, tables: suspended.append(list(tables)) or real_suspension(conn, tables))
    with engine.begin() as conn:
        written = store.write_classification(conn, DEFAULT_SQL_DIR, labels)
        dropped_during = conn.exec_driver_sql(constraint).scalar_one()
    assert written.written == written.total == len(labels) == planted["planted"].notna().sum()
    assert suspended == [["fitness.activity_classification"]]  # the bulk path was taken
    assert dropped_during == 1  # and the key is back before the transaction ends
    with engine.begin() as conn:  # unchanged: nothing new, the row-by-row path, nothing written
        assert store.write_classification(conn, DEFAULT_SQL_DIR, labels).written == 0
    assert len(suspended) == 1
    stored = pd.read_sql("SELECT activity_id, label FROM fitness.activity_classification ORDER BY 1", engine)
    assert stored["label"].tolist() == labels.sort_values("activity_id")["label"].tolist()
    engine.dispose()


def test_the_first_write_copies_into_the_table_and_matches_the_diff_path(settings):
    """Into an empty table, past `bulk_min_rows` labels, the labels are COPYed into the table itself
    (no staging table, no diff): the rows are those the diff path writes, byte for byte, with the
    key to fitness.activities and the primary key back, validated. An activity a load deleted after
    the classifier read it (the key's validation fails, the savepoint retries) loses its label on
    either path."""
    from fitness_assets.defs.resources import ClassifierResource
    from fitness_assets.lib.insights import store
    from fitness_assets.lib.insights.classify import LABEL_COLUMNS, classify

    insert_activities(settings.database_url, history(seed=3))
    engine = sa.create_engine(settings.database_url)
    activities = store.read_activities(engine)
    assert activities.equals(store.read_activities(engine, parts=1))  # the parts add up to one read
    assert activities["activity_id"].is_monotonic_increasing
    labels = classify(activities, ClassifierResource()).labels
    assert activities["duration_s"].dtype == "float64" and activities["activity_date"].dtype == "datetime64[us]"
    keys = ("SELECT string_agg(contype::text || ':' || convalidated, ',' ORDER BY contype) FROM pg_constraint "
            "WHERE contype IN ('f', 'p') AND conrelid = 'fitness.activity_classification'::regclass")
    stored_rows = ("SELECT activity_id, label, encode(float8send(confidence), 'hex') AS confidence, method, "
                   "model_version, reason FROM fitness.activity_classification ORDER BY activity_id")

    def write(rows: pd.DataFrame, bulk_min_rows: int) -> tuple[store.Written, bool, list]:
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM fitness.activity_classification")
        with engine.begin() as conn:
            written = store.write_classification(conn, DEFAULT_SQL_DIR, rows, bulk_min_rows=bulk_min_rows)
            staged = conn.exec_driver_sql("SELECT to_regclass('pg_temp.classification_staging') IS NOT NULL").scalar()
        with engine.connect() as conn:
            assert conn.exec_driver_sql(keys).scalar_one() == "f:true,p:true"  # both keys back, validated
            return written, staged, conn.exec_driver_sql(stored_rows).all()

    first, first_staged, first_rows = write(labels, bulk_min_rows=1)
    diff, diff_staged, diff_rows = write(labels, bulk_min_rows=len(labels) + 1)
    assert (first_staged, diff_staged) == (False, True)
    assert first == diff == store.Written(len(labels), 0, len(labels))
    assert first_rows == diff_rows
    expected = labels.sort_values("activity_id")[LABEL_COLUMNS].assign(
        confidence=lambda f: [struct.pack(">d", c).hex() for c in f["confidence"]])
    assert [tuple(r) for r in first_rows] == [tuple(None if pd.isna(v) else v for v in r)
                                               for r in expected.itertuples(index=False)]
    with engine.begin() as conn:  # unchanged: the diff path, nothing written
        assert store.write_classification(conn, DEFAULT_SQL_DIR, labels, bulk_min_rows=1).written == 0

    gone = int(labels["activity_id"].iloc[len(labels) // 2])
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM fitness.activities WHERE activity_id = :id"), {"id": gone})
    first, _, first_rows = write(labels, bulk_min_rows=1)
    diff, _, diff_rows = write(labels, bulk_min_rows=len(labels) + 1)
    assert first == diff == store.Written(len(labels) - 1, 0, len(labels) - 1)
    assert first_rows == diff_rows and gone not in [r.activity_id for r in first_rows]
    engine.dispose()


def test_the_first_write_skips_the_wal_on_the_embedded_server(settings):
    """The embedded server runs at wal_level 'minimal' (database.EMBEDDED_SETTINGS), and the
    first write truncates the empty table and COPYs FREEZE into it: its rows write (almost) no
    WAL. The diff path's inserts, on the same rows, write at least the table's size. Below
    wal_skip_threshold (2 MB) PostgreSQL logs a new table's pages at commit rather than syncing
    its file, so this test's few thousand labels are written with the threshold at 0.

    Only WAL records that touch the table's own files count (harness.wal_bytes): the
    server-wide WAL position also moves with autovacuum elsewhere, which once failed this test."""
    from fitness_assets.defs.resources import ClassifierResource
    from fitness_assets.lib.insights import store
    from fitness_assets.lib.insights.classify import classify

    insert_activities(settings.database_url, history(seed=3))
    engine = sa.create_engine(settings.database_url, connect_args={"options": "-c wal_skip_threshold=0"})
    with engine.begin() as conn:
        assert conn.exec_driver_sql("SHOW wal_level").scalar_one() == "minimal"
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
    labels = classify(store.read_activities(engine), ClassifierResource()).labels

    def wal_bytes_of_a_write(bulk_min_rows: int) -> tuple[int, int]:
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM fitness.activity_classification")
        with engine.connect() as conn:
            before = conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn()").scalar_one()
        with engine.begin() as conn:
            assert store.write_classification(conn, DEFAULT_SQL_DIR, labels, bulk_min_rows=bulk_min_rows).written \
                == len(labels)
        with engine.connect() as conn:
            end, size = conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn(), "
                                             "pg_relation_size('fitness.activity_classification')").one()
        return wal_bytes(engine, before, end, "fitness.activity_classification"), size

    first_wal, table_size = wal_bytes_of_a_write(bulk_min_rows=1)
    diff_wal, _ = wal_bytes_of_a_write(bulk_min_rows=len(labels) + 1)
    assert diff_wal >= table_size > 0
    assert first_wal < table_size / 4, (first_wal, table_size)
    engine.dispose()


def test_the_parallel_read_is_one_snapshot(settings, monkeypatch):
    """read_activities reads its parts on separate connections in one exported snapshot: an
    activity committed after the read began (here, just before the parts' COPYs) is in no part,
    and the next read has it."""
    import threading

    from fitness_assets.lib.insights import store

    insert_activities(settings.database_url, history(seed=3))
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as conn:
        columns = [c for c in conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'fitness' "
            "AND table_name = 'activities' AND column_name NOT IN ('activity_id', 'source_workout_id') "
            "ORDER BY ordinal_position").scalars()]
    before = len(store.read_activities(engine))
    inserted, lock, real_copy_out = [], threading.Lock(), store._copy_out

    def copy_out_after_a_commit(conn, select, buffer):
        with lock:
            if not inserted:
                with engine.begin() as other:
                    inserted.append(other.exec_driver_sql(
                        f"INSERT INTO fitness.activities ({', '.join(columns)}, source_workout_id) "
                        f"SELECT {', '.join(columns)}, 'committed-meanwhile' FROM fitness.activities "
                        "ORDER BY activity_id DESC LIMIT 1 RETURNING activity_id").scalar_one())
        return real_copy_out(conn, select, buffer)

    monkeypatch.setattr(store, "_copy_out", copy_out_after_a_commit)
    during = store.read_activities(engine, parts=2)
    monkeypatch.setattr(store, "_copy_out", real_copy_out)
    after = store.read_activities(engine, parts=2)
    assert len(inserted) == 1 and len(during) == before
    assert inserted[0] not in set(during["activity_id"]) and inserted[0] in set(after["activity_id"])
    assert len(after) == before + 1 and after["activity_id"].is_unique
    engine.dispose()
