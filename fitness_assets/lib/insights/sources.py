"""What the insights read from the warehouse: whole tables through COPY (one round trip each),
with the aggregation that SQL does best (weekly volume, weekly series) done in SQL. `athletes`,
where a reader takes it, keeps only those athletes' rows (None: every athlete's)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from psycopg2 import sql as pg_sql

from fitness_assets.lib.insights.store import copy_query

# A run's pace: the export's own, else time over distance.
_PACE = "COALESCE(NULLIF(a.avg_pace_min_per_km, 0), a.duration_s / 60.0 / NULLIF(a.distance_km, 0))"


def _read(conn: sa.Connection, select: str, dates: tuple[str, ...] = (), times: tuple[str, ...] = (),
          text: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = copy_query(conn, select)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    for column in times:
        frame[column] = pd.to_datetime(frame[column])
    for column in text:
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return frame


def _only(conn: sa.Connection, column: str, athletes: Sequence[str] | None) -> str:
    """A condition keeping `athletes`' rows by `column` (every row when None), as SQL text with the
    names quoted as literals: COPY takes no parameters."""
    if athletes is None:
        return "true"
    names = pg_sql.Literal(list(athletes)).as_string(conn.connection.dbapi_connection)
    return f"{column} = ANY({names}::text[])"


def read_sessions(conn: sa.Connection, athletes: Sequence[str] | None = None) -> pd.DataFrame:
    """Lifting workouts and logged activities (but the classifier's outliers): consistency's sessions."""
    return _read(conn, "SELECT athlete_id, training_date AS session_date, started_at, 'lifting' AS kind "
                       f"FROM fitness.workouts WHERE {_only(conn, 'athlete_id', athletes)} UNION ALL "
                       "SELECT a.athlete_id, a.activity_date, NULL, 'activity' FROM fitness.activities a "
                       "LEFT JOIN fitness.activity_classification c USING (activity_id) "
                       f"WHERE c.label IS DISTINCT FROM 'outlier' AND {_only(conn, 'a.athlete_id', athletes)} "
                       "ORDER BY 1, 2, 3",
                 dates=("session_date",), times=("started_at",))


def read_activities_labelled(conn: sa.Connection, athletes: Sequence[str] | None = None) -> pd.DataFrame:
    """Every activity with its label (None when the classifier does not judge its type)."""
    frame = _read(conn, "SELECT a.activity_id, a.athlete_id, a.activity_date, a.activity_type, a.distance_km, "
                        f"a.duration_s, {_PACE} AS pace_min_per_km, c.label "
                        "FROM fitness.activities a LEFT JOIN fitness.activity_classification c USING (activity_id) "
                        f"WHERE {_only(conn, 'a.athlete_id', athletes)} ORDER BY a.activity_id",
                  dates=("activity_date",), text=("label",))
    return frame


def read_weekly_volume(conn: sa.Connection, athletes: Sequence[str] | None = None) -> pd.DataFrame:
    """Σ weight × reps of the working sets (warm-ups excluded) per athlete-week with lifting."""
    return _read(conn, "SELECT w.athlete_id, date_trunc('week', w.training_date)::date AS week_start, "
                       "round(sum(s.weight_kg * s.reps), 4)::float8 AS volume_kg "
                       "FROM fitness.sets s JOIN fitness.workout_exercises we USING (workout_exercise_id) "
                       "JOIN fitness.workouts w USING (workout_id) "
                       "WHERE s.set_type <> 'warmup' AND s.weight_kg > 0 AND s.reps > 0 "
                       f"AND {_only(conn, 'w.athlete_id', athletes)} GROUP BY 1, 2 ORDER BY 1, 2",
                 dates=("week_start",))


def read_last_dates(conn: sa.Connection, athletes: Sequence[str] | None = None) -> dict[str, object]:
    """Each athlete's last date with data of any kind (workout, activity, diet day)."""
    rows = conn.execute(sa.text(
        "SELECT athlete_id, max(day) FROM (SELECT athlete_id, training_date AS day FROM fitness.workouts "
        "UNION ALL SELECT athlete_id, activity_date FROM fitness.activities "
        "UNION ALL SELECT athlete_id, diet_date FROM fitness.diet_daily) d "
        "WHERE CAST(:athletes AS text[]) IS NULL OR athlete_id = ANY(CAST(:athletes AS text[])) GROUP BY athlete_id"),
        {"athletes": None if athletes is None else list(athletes)}).all()
    return {athlete: day for athlete, day in rows}


def read_sets(conn: sa.Connection, athletes: Sequence[str] | None = None) -> pd.DataFrame:
    return _read(conn, "SELECT s.set_id, w.athlete_id, w.training_date, e.exercise_name, s.set_type, "
                       "s.weight_kg::float8 AS weight_kg, s.reps "
                       "FROM fitness.sets s JOIN fitness.workout_exercises we USING (workout_exercise_id) "
                       "JOIN fitness.workouts w USING (workout_id) JOIN fitness.exercises e USING (exercise_id) "
                       f"WHERE {_only(conn, 'w.athlete_id', athletes)} ORDER BY s.set_id",
                 dates=("training_date",))


def read_diet(conn: sa.Connection, athletes: Sequence[str] | None = None) -> pd.DataFrame:
    return _read(conn, "SELECT d.athlete_id, d.diet_date, c.cycle_name, d.calories_kcal::float8 AS calories_kcal, "
                       "d.protein_g::float8 AS protein_g, d.carbs_g::float8 AS carbs_g, d.fat_g::float8 AS fat_g, "
                       "d.bodyweight_kg::float8 AS bodyweight_kg FROM fitness.diet_daily d "
                       "LEFT JOIN fitness.cycles c USING (athlete_id, cycle_id) "
                       f"WHERE {_only(conn, 'd.athlete_id', athletes)} ORDER BY 1, 2",
                 dates=("diet_date",), text=("cycle_name",))


def read_workout_dates(conn: sa.Connection) -> pd.DataFrame:
    return _read(conn, "SELECT athlete_id, training_date FROM fitness.workouts ORDER BY 1, 2",
                 dates=("training_date",))


def read_life_events(conn: sa.Connection) -> pd.DataFrame:
    return _read(conn, "SELECT athlete_id, event_week, method FROM fitness.life_events ORDER BY 1",
                 dates=("event_week",))


def read_trend_series(conn: sa.Connection, sql_dir: Path, main_lifts: int,
                      athletes: Sequence[str] | None = None) -> pd.DataFrame:
    sql = (sql_dir / "insights" / "trend_series.sql").read_text(encoding="utf-8")
    rows = conn.execute(sa.text(sql), {"main_lifts": int(main_lifts),
                                       "athletes": None if athletes is None else list(athletes)}).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows],
                         columns=["athlete_id", "metric", "exercise_name", "exercise_id", "week_start", "value"])
    frame["exercise_id"] = frame["exercise_id"].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    return frame
