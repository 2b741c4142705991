"""The classifier's warehouse side: read fitness.activities, write fitness.activity_classification
(and, beside the labels, the life events, the model and the label summaries the dashboard reads).

Both directions move whole tables with COPY (the read in two id ranges at once, in one
snapshot; the write in one round trip), typed and serialised by Arrow (C++) rather than pandas'
CSV code, which was most of this process's share (1.5 of 2.6 CPU-s reading 1,000,000 activities,
6.5 of 7 writing 960,000 labels). The write has two paths, in the caller's transaction:
- the first classification (an empty table, a bulk of labels): the table truncated, then COPY
  FREEZE straight into it with its foreign key and primary key suspended; re-adding the foreign
  key validates every row in one join (checked row by row it cost 11 of 17 s for 960,000
  labels), the primary key's index is built in one sort;
- every later one: COPY into a temporary staging table, one full join decides what is new,
  changed or gone (sql/insights/write_classification.sql), and only that is written.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from fitness_assets.lib.insights.classify import LABEL_COLUMNS
from fitness_assets.lib.insights.tables import sync_table
from fitness_assets.lib.warehouse.database import copy_frame, foreign_keys_suspended, primary_key_suspended
from fitness_assets.lib.warehouse.load import BULK_LOAD_MIN_ROWS, LOAD_WORK_MEM, named_statements

ACTIVITY_COLUMNS = ("activity_id", "athlete_id", "source", "source_workout_id", "activity_date", "activity_type",
                    "distance_km", "duration_s", "avg_pace_min_per_km")
_ACTIVITY_TYPES = {"activity_id": pa.int64(), "athlete_id": pa.string(), "source": pa.string(),
                   "source_workout_id": pa.string(), "activity_date": pa.timestamp("us"),
                   "activity_type": pa.string(), "distance_km": pa.float64(), "duration_s": pa.float64(),
                   "avg_pace_min_per_km": pa.float64()}
_TEXT = {"athlete_id": "string", "source": "string", "source_workout_id": "string", "activity_type": "string",
         "label": "string", "method": "string"}
LABELS_TABLE = "fitness.activity_classification"
FOREIGN_KEY_VIOLATION = "23503"
# Arbitrary constant: two classification runs never interleave their writes.
_CLASSIFICATION_LOCK_KEY = 7_406_311


@dataclass(frozen=True)
class Written:
    written: int        # rows inserted or changed
    removed: int        # rows of activities no longer classified
    total: int          # rows in the table afterwards


def _copy_out(conn: sa.Connection, select: str, buffer):
    """The rows of `select` as CSV with a header in `buffer` (rewound): one round trip."""
    with conn.connection.dbapi_connection.cursor() as cur:
        cur.copy_expert(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)", buffer)
    buffer.seek(0)
    return buffer


def copy_query(conn: sa.Connection, select: str) -> pd.DataFrame:
    """The rows of `select`, through COPY … TO STDOUT (CSV): one round trip, fast on millions."""
    buffer = _copy_out(conn, select, io.StringIO())
    frame = pd.read_csv(buffer, dtype={k: v for k, v in _TEXT.items()}, keep_default_na=False,
                        na_values=[""])
    return frame


# Parts read at once on their own connections: PostgreSQL formats each part's rows in its own
# backend process, the client parses one part while the server writes another (2.5 → 1.9 s for a
# million activities on 2 cores; more parts gain nothing there).
READ_PARTS = 2


def read_activities(engine: sa.Engine, parts: int = READ_PARTS) -> pd.DataFrame:
    """Every activity, in activity_id order, each column typed as declared (dates as datetime64[us],
    the measures as float64 even when every value is whole). COPY writes NULL as an empty field and
    '' quoted, and Arrow's reader keeps the two apart; a type as logged may hold a quoted newline.

    Read in `parts` activity_id ranges at once, each on its own connection, all in one snapshot
    (pg_export_snapshot, as pg_dump's parallel jobs): a load that commits meanwhile is in every
    part or in none."""
    connections = [engine.connect().execution_options(isolation_level="REPEATABLE READ") for _ in range(parts)]
    try:
        first = connections[0]
        snapshot = first.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        for other in connections[1:]:
            other.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        # Equal id ranges: activity_id is an identity, dense but for deleted activities, so the
        # parts are about equal without a scan to find quantiles (0.3 s for a million).
        low, high = first.exec_driver_sql("SELECT min(activity_id), max(activity_id) FROM fitness.activities").one()
        bounds = [] if low is None else sorted({low + (high - low) * i // parts for i in range(1, parts)})
        ranges = list(zip([None, *bounds], [*bounds, None]))
        select = f"SELECT {', '.join(ACTIVITY_COLUMNS)} FROM fitness.activities"

        def part(conn: sa.Connection, low: int | None, high: int | None) -> pa.Table:
            where = ["TRUE"]
            if low is not None:
                where.append(f"activity_id > {int(low)}")
            if high is not None:
                where.append(f"activity_id <= {int(high)}")
            query = f"{select} WHERE {' AND '.join(where)} ORDER BY activity_id"
            return _parse_activities(_copy_out(conn, query, io.BytesIO()))

        with ThreadPoolExecutor(max_workers=parts) as pool:
            tables = list(pool.map(part, connections, *zip(*ranges)))
    finally:
        for conn in connections:
            conn.close()
    return pa.concat_tables(tables).to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)


def _parse_activities(buffer: io.BytesIO) -> pa.Table:
    return pa_csv.read_csv(buffer, parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                           convert_options=pa_csv.ConvertOptions(column_types=_ACTIVITY_TYPES, null_values=[""],
                                                                 strings_can_be_null=True,
                                                                 quoted_strings_can_be_null=False))


def write_classification(conn: sa.Connection, sql_dir: Path, labels: pd.DataFrame,
                         bulk_min_rows: int | None = None) -> Written:
    """Make fitness.activity_classification hold exactly `labels`; returns what changed.

    `bulk_min_rows` (default BULK_LOAD_MIN_ROWS): from this many labels into an empty table on,
    the first-write path; from this many new labels on, the foreign key is checked once, not per row.
    """
    bulk_min_rows = BULK_LOAD_MIN_ROWS if bulk_min_rows is None else bulk_min_rows
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CLASSIFICATION_LOCK_KEY})
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{LOAD_WORK_MEM}'")  # the diff's hash join, in memory
    # in activity_id order: the primary key's index is appended to, not split page by page
    labels = labels[LABEL_COLUMNS]
    if not labels["activity_id"].is_monotonic_increasing:  # classify() returns them sorted
        labels = labels.sort_values("activity_id", kind="stable")
    # Under the lock no other run adds labels, and a load only removes them: empty stays empty.
    if len(labels) >= bulk_min_rows and not conn.exec_driver_sql(
            f"SELECT EXISTS (SELECT FROM {LABELS_TABLE})").scalar_one():
        return _first_write(conn, labels)
    statements = dict(named_statements(sql_dir / "insights" / "write_classification.sql"))
    conn.exec_driver_sql(f"CREATE TEMP TABLE classification_staging "
                         f"(LIKE {LABELS_TABLE} INCLUDING DEFAULTS) ON COMMIT DROP")
    copy_frame(conn, "classification_staging", labels, LABEL_COLUMNS)
    # no ANALYZE of the staging table: the full join's plan is the same without it (estimated from
    # its size), and it cost a tenth of an unchanged write
    conn.exec_driver_sql(statements["diff"])
    counts = conn.exec_driver_sql(statements["counts"]).one()
    if counts.removed + counts.changed + counts.added:
        conn.exec_driver_sql("ANALYZE classification_diff")
    removed = conn.exec_driver_sql(statements["removed"]).rowcount if counts.removed else 0
    changed = conn.exec_driver_sql(statements["changed"]).rowcount if counts.changed else 0
    added = 0
    if counts.added:
        bulk = counts.added >= bulk_min_rows
        with foreign_keys_suspended(conn, [LABELS_TABLE]) if bulk else nullcontext():
            added = conn.exec_driver_sql(statements["added"]).rowcount
    total = conn.exec_driver_sql(f"SELECT count(*) FROM {LABELS_TABLE}").scalar_one()
    return Written(int(changed + added), int(removed), int(total))


def _first_write(conn: sa.Connection, labels: pd.DataFrame) -> Written:
    """Every label COPYed straight into the empty table with its foreign key suspended; re-adding
    the key validates them all in one join. Suspending the key locks fitness.activities (ACCESS
    EXCLUSIVE, until commit), so the only labels that can fail it are those of activities a load
    deleted between the classifier's read and this write: then (a savepoint rolls the attempt
    back) the COPY is done again and those labels dropped before the key returns. An orphan scan
    on every first write would cost a second join of a million rows."""
    try:
        with (conn.begin_nested(), foreign_keys_suspended(conn, [LABELS_TABLE]),
              primary_key_suspended(conn, LABELS_TABLE)):
            _copy_into_truncated(conn, labels)
        return Written(len(labels), 0, len(labels))
    except sa.exc.IntegrityError as error:
        if getattr(error.orig, "pgcode", None) != FOREIGN_KEY_VIOLATION:
            raise
    with foreign_keys_suspended(conn, [LABELS_TABLE]), primary_key_suspended(conn, LABELS_TABLE):
        _copy_into_truncated(conn, labels)
        orphans = conn.exec_driver_sql(
            f"DELETE FROM {LABELS_TABLE} c WHERE NOT EXISTS "
            "(SELECT FROM fitness.activities a WHERE a.activity_id = c.activity_id)").rowcount
    kept = len(labels) - orphans
    return Written(kept, 0, kept)


def _copy_into_truncated(conn: sa.Connection, labels: pd.DataFrame) -> None:
    """The (empty) table truncated in this subtransaction, so that COPY may write the rows frozen
    and, on a server at wal_level 'minimal' (the embedded one), without WAL: with the keys'
    rebuild, 3.6 instead of 6 s for 960,000 labels. TRUNCATE takes the lock the keys' ALTER TABLE
    takes anyway."""
    conn.exec_driver_sql(f"TRUNCATE {LABELS_TABLE}")
    copy_frame(conn, LABELS_TABLE, labels, LABEL_COLUMNS, freeze=True)


def read_labelled_activities(conn: sa.Connection) -> pd.DataFrame:
    """Every classified activity with its label (what the checks judge)."""
    return copy_query(conn, "SELECT a.activity_id, a.athlete_id, a.activity_date, a.activity_type, a.distance_km, "
                            "a.duration_s, a.avg_pace_min_per_km, c.label, c.method, c.confidence "
                            "FROM fitness.activity_classification c JOIN fitness.activities a USING (activity_id) "
                            "ORDER BY a.activity_id")


LIFE_EVENT_COLUMNS = ["athlete_id", "event_week", "method", "gain", "weeks_before", "weeks_after",
                      "weekly_count_before", "weekly_count_after", "median_pace_before", "median_pace_after",
                      "model_version"]


def life_event_rows(athletes: list[dict], version: str) -> pd.DataFrame:
    """The change point of each athlete's classification report (those that have one), as stored
    in fitness.life_events: before/after reads the split the labels were made with."""
    rows = [{"athlete_id": a["athlete_id"], **{("event_week" if k == "week" else k): v
                                               for k, v in a["change_point"].items()},
             "model_version": version} for a in athletes if a.get("change_point")]
    frame = pd.DataFrame(rows, columns=LIFE_EVENT_COLUMNS)
    for column in ("weeks_before", "weeks_after"):
        frame[column] = frame[column].astype("int64")
    return frame.sort_values("athlete_id", kind="stable").reset_index(drop=True)


def write_life_events(conn: sa.Connection, events: pd.DataFrame) -> int:
    """Make fitness.life_events hold exactly `events`; returns the rows written or removed."""
    return sync_table(conn, "fitness.life_events", events[LIFE_EVENT_COLUMNS], ["athlete_id"]).written


MODEL_COLUMNS = ["athlete_id", "model_version", "method", "k", "silhouette_k2", "silhouette_k3", "activities",
                 "modelled", "outliers"]
CENTROID_COLUMNS = ["athlete_id", "cluster", "label", "size", "pace_min_per_km", "distance_km", "duration_min"]


def classifier_model_rows(athletes: list[dict], version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model of each athlete's classification report and its centroids (fastest first), as
    stored in fitness.classifier_models and fitness.classifier_centroids."""
    models, centroids = [], []
    for athlete in athletes:
        silhouettes = athlete["silhouette"] or {}
        models.append({"athlete_id": athlete["athlete_id"], "model_version": version,
                       "method": athlete.get("method"), "k": athlete["k"],
                       "silhouette_k2": silhouettes.get("2"), "silhouette_k3": silhouettes.get("3"),
                       "activities": athlete["activities"], "modelled": athlete["modelled"],
                       "outliers": athlete["outliers"]})
        centroids += [{"athlete_id": athlete["athlete_id"], "cluster": number, **cluster}
                      for number, cluster in enumerate(athlete["clusters"], start=1)]
    model_frame = pd.DataFrame(models, columns=MODEL_COLUMNS).astype({"k": "Int64"})
    centroid_frame = pd.DataFrame(centroids, columns=CENTROID_COLUMNS)
    return (model_frame.sort_values("athlete_id", kind="stable").reset_index(drop=True),
            centroid_frame.sort_values(["athlete_id", "cluster"], kind="stable").reset_index(drop=True))


def write_classifier_models(conn: sa.Connection, models: pd.DataFrame, centroids: pd.DataFrame) -> int:
    """Make the two model tables hold exactly these rows; returns the rows written or removed."""
    written = sync_table(conn, "fitness.classifier_models", models[MODEL_COLUMNS], ["athlete_id"]).written
    return written + sync_table(conn, "fitness.classifier_centroids", centroids[CENTROID_COLUMNS],
                                ["athlete_id", "cluster"]).written


YEAR_SUMMARY_COLUMNS = ["athlete_id", "year", "label", "activities", "mean_confidence"]
PROFILE_SUMMARY_COLUMNS = ["athlete_id", "label", "method", "model_version", "activities", "median_pace_min_per_km",
                           "median_distance_km", "median_confidence"]


def label_summary_rows(labels: pd.DataFrame, activities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The labels summed up as the Classifier page shows them, as stored in
    fitness.classification_label_years (count and mean confidence per athlete, year and label) and
    classification_label_profiles (count and medians per athlete, label, method and model version).

    Counted from the frames the asset already holds (the labels it writes, the activities it read):
    about a second for a million labels, where the same sums over the stored tables sort a million
    joined rows (~10 s)."""
    # A hash lookup of each label's activity: a third of merge()'s time on a million rows.
    positions = pd.Index(activities["activity_id"]).get_indexer(labels["activity_id"])
    found = positions >= 0
    activity = (activities[["athlete_id", "activity_date", "avg_pace_min_per_km", "distance_km"]]
                .iloc[positions[found]].reset_index(drop=True))
    labelled = labels.loc[found, ["label", "confidence", "method", "model_version"]].reset_index(drop=True)
    labelled = labelled.assign(athlete_id=activity["athlete_id"],
                               year=pd.to_datetime(activity["activity_date"]).dt.year.astype("int64"),
                               avg_pace_min_per_km=activity["avg_pace_min_per_km"], distance_km=activity["distance_km"])
    years = (labelled.groupby(["athlete_id", "year", "label"], sort=True)
             .agg(activities=("confidence", "size"), mean_confidence=("confidence", "mean")).reset_index())
    profiles = (labelled.groupby(["athlete_id", "label", "method", "model_version"], sort=True)
                .agg(activities=("confidence", "size"), median_pace_min_per_km=("avg_pace_min_per_km", "median"),
                     median_distance_km=("distance_km", "median"), median_confidence=("confidence", "median"))
                .reset_index())
    return years[YEAR_SUMMARY_COLUMNS], profiles[PROFILE_SUMMARY_COLUMNS]


def write_label_summaries(conn: sa.Connection, years: pd.DataFrame, profiles: pd.DataFrame) -> int:
    """Make the two label summary tables hold exactly these rows (in the transaction that writes
    the labels); returns the rows written or removed."""
    written = sync_table(conn, "fitness.classification_label_years", years[YEAR_SUMMARY_COLUMNS],
                         ["athlete_id", "year", "label"]).written
    return written + sync_table(conn, "fitness.classification_label_profiles", profiles[PROFILE_SUMMARY_COLUMNS],
                                ["athlete_id", "label", "method", "model_version"]).written
