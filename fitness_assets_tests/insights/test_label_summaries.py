"""The label summaries the Classifier page reads (fitness.classification_label_years and
classification_label_profiles): on five hand-made activities they hold the counts and medians a
direct count over the stored labels gives, from the migration's backfill on and, counted from the
asset's frames, after a relabel."""

from __future__ import annotations

import shutil

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.insights.store import label_summary_rows, read_activities, write_label_summaries
from fitness_assets.lib.warehouse.database import apply_migrations, copy_frame
from fitness_assets_tests.insights.test_activity_classification_asset import COLUMNS

SUMMARIES_MIGRATION = "010_classification_summaries.sql"
ACTIVITIES = pd.DataFrame([
    # athlete, workout id, date, type, km, pace (min/km)
    ("default", "w1", "2023-05-01", "Run", 5.0, 5.0),
    ("default", "w2", "2023-06-01", "Run", 10.0, 6.0),
    ("default", "w3", "2024-01-01", "Walk", 3.0, 11.0),
    ("default", "w4", "2024-02-01", "Bike Ride", 20.0, 2.5),  # out of scope: no label
    ("other", "w5", "2024-03-01", "Run", 4.0, None),          # no pace logged
], columns=["athlete_id", "source_workout_id", "activity_date", "activity_type", "distance_km",
            "avg_pace_min_per_km"])
LABELS = {"w1": ("run", 0.9), "w2": ("run", 0.8), "w3": ("walk", 0.7), "w5": ("run", 0.6)}

# What the page used to compute on every load, over the whole join (the reference)
DIRECT_YEARS = """
    SELECT a.athlete_id, extract(year FROM a.activity_date)::int AS year, c.label, count(*) AS activities,
           avg(c.confidence) AS mean_confidence
    FROM fitness.activities a JOIN fitness.activity_classification c USING (activity_id) GROUP BY 1, 2, 3"""
DIRECT_PROFILES = """
    SELECT a.athlete_id, c.label, c.method, c.model_version, count(*) AS activities,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY a.avg_pace_min_per_km) AS median_pace_min_per_km,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY a.distance_km) AS median_distance_km,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY c.confidence) AS median_confidence
    FROM fitness.activities a JOIN fitness.activity_classification c USING (activity_id) GROUP BY 1, 2, 3, 4"""


def rows(conn: sa.Connection, sql: str) -> set[tuple]:
    return {tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in conn.execute(sa.text(sql))}


def test_stored_summaries_equal_a_direct_count_over_the_labels(database_url, tmp_path):
    engine = sa.create_engine(database_url)
    # a warehouse labelled before the summaries existed: the migration counts what it holds
    earlier = tmp_path / "schema"
    shutil.copytree(DEFAULT_SQL_DIR / "warehouse" / "schema", earlier)
    (earlier / SUMMARIES_MIGRATION).unlink()
    apply_migrations(engine, earlier)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO fitness.athletes (athlete_id) VALUES ('other')"))
        copy_frame(conn, "fitness.activities", ACTIVITIES.assign(
            source="mapmyrun", duration_s=None, activity_hash="h", source_sha256="s", source_file="f.csv",
            source_line=range(2, 2 + len(ACTIVITIES))), COLUMNS)
        for workout, (label, confidence) in LABELS.items():
            conn.execute(sa.text(
                "INSERT INTO fitness.activity_classification (activity_id, label, confidence, method, model_version) "
                "SELECT activity_id, :label, :confidence, 'rule', 'v1' FROM fitness.activities "
                "WHERE source_workout_id = :workout"), {"label": label, "confidence": confidence, "workout": workout})
    assert apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema") == [SUMMARIES_MIGRATION]

    years = "SELECT athlete_id, year, label, activities, mean_confidence FROM fitness.classification_label_years"
    profiles = "SELECT * FROM fitness.classification_label_profiles"
    with engine.connect() as conn:
        assert rows(conn, years) == {("default", 2023, "run", 2, 0.85), ("default", 2024, "walk", 1, 0.7),
                                     ("other", 2024, "run", 1, 0.6)}
        assert rows(conn, profiles) == {("default", "run", "rule", "v1", 2, 5.5, 7.5, 0.85),
                                        ("default", "walk", "rule", "v1", 1, 11.0, 3.0, 0.7),
                                        ("other", "run", "rule", "v1", 1, None, 4.0, 0.6)}
        assert rows(conn, years) == rows(conn, DIRECT_YEARS)
        assert rows(conn, profiles) == rows(conn, DIRECT_PROFILES)

    # a relabel (w2 walks now, by a new model) and a deleted activity, then a recount
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE fitness.activity_classification SET label = 'walk', model_version = 'v2' "
                             "WHERE activity_id = (SELECT activity_id FROM fitness.activities "
                             "WHERE source_workout_id = 'w2')"))
        conn.execute(sa.text("DELETE FROM fitness.activities WHERE source_workout_id = 'w5'"))
    with engine.begin() as conn:
        counted = label_summary_rows(pd.read_sql("SELECT * FROM fitness.activity_classification", conn),
                                     read_activities(engine))
        # years: default 2023 run 2 → run 1 (updated) + walk 1 (new), other gone; profiles: default run/v1
        # updated, walk/v2 new, other gone
        assert write_label_summaries(conn, *counted) == 3 + 3
    with engine.connect() as conn:
        assert rows(conn, years) == {("default", 2023, "run", 1, 0.9), ("default", 2023, "walk", 1, 0.8),
                                     ("default", 2024, "walk", 1, 0.7)}
        assert rows(conn, years) == rows(conn, DIRECT_YEARS)
        assert rows(conn, profiles) == rows(conn, DIRECT_PROFILES)
    with engine.begin() as conn:
        assert write_label_summaries(conn, *counted) == 0  # the same labels: nothing written
    engine.dispose()
