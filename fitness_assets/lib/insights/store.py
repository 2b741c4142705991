"""The classifier's warehouse side: read fitness.activities, write fitness.activity_classification
(and, beside the labels, the life events, the model and the label summaries the dashboard reads).

Both directions move whole tables with COPY (one round trip each); the write stages every label
in a temporary table and applies sql/insights/write_classification.sql in the caller's transaction.
A first classification of a large history inserts with the foreign key to fitness.activities
suspended: checked row by row it cost 11 of 17 s for 960,000 labels, re-adding it validates all
rows in one join (the insert already joins fitness.activities, so no orphan can appear).
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.insights.classify import LABEL_COLUMNS
from fitness_assets.lib.insights.tables import sync_table
from fitness_assets.lib.warehouse.database import copy_frame, foreign_keys_suspended
from fitness_assets.lib.warehouse.load import BULK_LOAD_MIN_ROWS

ACTIVITY_COLUMNS = ("activity_id", "athlete_id", "source", "source_workout_id", "activity_date", "activity_type",
                    "distance_km", "duration_s", "avg_pace_min_per_km")
_TEXT = {"athlete_id": "string", "source": "string", "source_workout_id": "string", "activity_type": "string",
         "label": "string", "method": "string"}
# Arbitrary constant: two classification runs never interleave their writes.
_CLASSIFICATION_LOCK_KEY = 7_406_311


@dataclass(frozen=True)
class Written:
    written: int        # rows inserted or changed
    removed: int        # rows of activities no longer classified
    total: int          # rows in the table afterwards


def copy_query(conn: sa.Connection, select: str) -> pd.DataFrame:
    """The rows of `select`, through COPY … TO STDOUT (CSV): one round trip, fast on millions."""
    buffer = io.StringIO()
    with conn.connection.dbapi_connection.cursor() as cur:
        cur.copy_expert(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)", buffer)
    buffer.seek(0)
    frame = pd.read_csv(buffer, dtype={k: v for k, v in _TEXT.items()}, keep_default_na=False,
                        na_values=[""])
    return frame


def read_activities(conn: sa.Connection) -> pd.DataFrame:
    frame = copy_query(conn, f"SELECT {', '.join(ACTIVITY_COLUMNS)} FROM fitness.activities ORDER BY activity_id")
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype="string" if c in _TEXT else "float64") for c in ACTIVITY_COLUMNS})
    frame["activity_id"] = frame["activity_id"].astype("int64")
    frame["activity_date"] = pd.to_datetime(frame["activity_date"])
    return frame


def write_classification(conn: sa.Connection, sql_dir: Path, labels: pd.DataFrame) -> Written:
    """Make fitness.activity_classification hold exactly `labels`; returns what changed."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CLASSIFICATION_LOCK_KEY})
    conn.exec_driver_sql("CREATE TEMP TABLE classification_staging "
                         "(LIKE fitness.activity_classification INCLUDING DEFAULTS) ON COMMIT DROP")
    copy_frame(conn, "classification_staging", labels, LABEL_COLUMNS)
    conn.exec_driver_sql("ANALYZE classification_staging")  # a temp table has no statistics: the joins need them
    new_labels = conn.exec_driver_sql(
        "SELECT count(*) FROM classification_staging s WHERE NOT EXISTS "
        "(SELECT 1 FROM fitness.activity_classification c WHERE c.activity_id = s.activity_id)").scalar_one()
    bulk = new_labels >= BULK_LOAD_MIN_ROWS
    with foreign_keys_suspended(conn, ["fitness.activity_classification"]) if bulk else nullcontext():
        row = conn.exec_driver_sql((sql_dir / "insights" / "write_classification.sql").read_text(encoding="utf-8")).one()
    total = conn.execute(sa.text("SELECT count(*) FROM fitness.activity_classification")).scalar_one()
    return Written(int(row.written), int(row.removed), int(total))


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
