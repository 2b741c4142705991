"""The dashboard's data access: plain functions returning DataFrames, one query each.

Every figure comes from a table or view the pipeline wrote (fitness.consistency_weekly,
trends, trend_forecasts, anomalies, before_after, life_events, activity_classification and the
classifier's model and label summaries, gold's weekly_fitness_summary) or from the weekly report
on disk; nothing here recomputes an insight.
The engine is read-only at the server (default_transaction_read_only), so a page cannot write
even by mistake, and every statement is bounded by a statement timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.reports.charts import CHARTS, without_chart_links
from fitness_assets.lib.reports.sources import REPORT_FILE, report_folder

STATEMENT_TIMEOUT_MS = 15_000
ANOMALY_METHODS = ("iqr", "zscore", "mad")


def read_only_engine(url: str) -> sa.Engine:
    """An engine whose every session is READ ONLY (the server refuses any write) with a timeout."""
    options = f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_MS}"
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": options})


def _frame(engine: sa.Engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.text(sql), conn, params=params)


def athletes(engine: sa.Engine) -> list[str]:
    """Athletes with any training, diet or activity week, in name order; none before the first
    `fitness run` has built the gold views.

    Those are the athletes of weekly_fitness_summary (a week for every workout, activity or diet
    day), asked of each table's (athlete, date) index: app.py runs this on every page load, and the
    view itself takes seconds on a large warehouse."""
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT to_regclass('fitness.weekly_fitness_summary')")).scalar() is None:
            return []
    frame = _frame(engine, """
        SELECT a.athlete_id FROM fitness.athletes a
        WHERE EXISTS (SELECT FROM fitness.workouts w WHERE w.athlete_id = a.athlete_id)
           OR EXISTS (SELECT FROM fitness.activities x WHERE x.athlete_id = a.athlete_id)
           OR EXISTS (SELECT FROM fitness.diet_daily d WHERE d.athlete_id = a.athlete_id)
        ORDER BY 1""")
    return frame["athlete_id"].tolist()


# --- This week ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    week: str
    markdown: str
    charts: dict[str, str]  # file name -> SVG text, in the report's chart order


def latest_report(report_dir: Path, athlete_id: str) -> Report | None:
    """The athlete's newest weekly report (the folder named by the latest Monday with a report.md)."""
    base = report_folder(report_dir, athlete_id, "x").parent
    weeks = sorted(p.name for p in base.glob("????-??-??") if (p / REPORT_FILE).is_file()) if base.is_dir() else []
    if not weeks:
        return None
    folder = report_folder(report_dir, athlete_id, weeks[-1])
    charts = {name: (folder / name).read_text(encoding="utf-8") for name in CHARTS if (folder / name).is_file()}
    # The page draws the charts itself: the report's links to the files would be broken images there.
    return Report(weeks[-1], without_chart_links((folder / REPORT_FILE).read_text(encoding="utf-8")), charts)


def latest_week(engine: sa.Engine, athlete_id: str) -> date | None:
    """The Monday of the athlete's newest week in weekly_fitness_summary (None without one).

    That view has a week for every week with a workout, an activity or a diet day, so its newest
    week is the Monday of the latest of those dates (last_logged_day), read from each table's
    index instead of computing the whole view for the athlete (seconds on a large warehouse)."""
    last = last_logged_day(engine, athlete_id)
    return None if last is None else last - timedelta(days=last.weekday())


def last_logged_day(engine: sa.Engine, athlete_id: str) -> date | None:
    """The athlete's latest workout, activity or diet day (None without any), from each table's
    (athlete, date) index."""
    with engine.connect() as conn:
        return conn.execute(sa.text("""
            SELECT greatest(
                (SELECT max(training_date) FROM fitness.workouts WHERE athlete_id = :athlete),
                (SELECT max(activity_date) FROM fitness.activities WHERE athlete_id = :athlete),
                (SELECT max(diet_date) FROM fitness.diet_daily WHERE athlete_id = :athlete))"""),
                            {"athlete": athlete_id}).scalar()


def this_week_and_last(engine: sa.Engine, athlete_id: str, week: date | None = None) -> pd.DataFrame:
    """weekly_fitness_summary for `week` (default: the athlete's latest) and the calendar week
    before it, newest first; the week before is absent when nothing was logged in it."""
    week = latest_week(engine, athlete_id) if week is None else week
    # One equality per week: PostgreSQL carries `week_start = constant` into the view's weekly
    # aggregates (it cannot carry an IN list), so it aggregates two weeks, not the athlete's years.
    return _frame(engine, """
        SELECT * FROM fitness.weekly_fitness_summary WHERE athlete_id = :athlete AND week_start = :week
        UNION ALL
        SELECT * FROM fitness.weekly_fitness_summary WHERE athlete_id = :athlete AND week_start = :before
        ORDER BY week_start DESC""", athlete=athlete_id, week=week,
                  before=None if week is None else week - timedelta(days=7))


def freshness(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """The latest date each source holds for the athlete (NULL when it holds nothing)."""
    return _frame(engine, """
        SELECT (SELECT max(training_date) FROM fitness.workouts WHERE athlete_id = :athlete) AS last_workout,
               (SELECT max(activity_date) FROM fitness.activities WHERE athlete_id = :athlete) AS last_activity,
               (SELECT max(diet_date) FROM fitness.diet_daily WHERE athlete_id = :athlete) AS last_diet_day""",
                  athlete=athlete_id)


def consistency(engine: sa.Engine, athlete_id: str, weeks: int = 26) -> pd.DataFrame:
    """The last `weeks` rows of consistency_weekly (every dimension and its inputs), oldest first."""
    return _frame(engine, """
        SELECT * FROM (SELECT * FROM fitness.consistency_weekly WHERE athlete_id = :athlete
                       ORDER BY week_start DESC LIMIT :weeks) last ORDER BY week_start""",
                  athlete=athlete_id, weeks=weeks)


def anomalies(engine: sa.Engine, athlete_id: str, method: str | None = None,
              since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """Flagged values (every method, or one), newest first, with the reason each was flagged."""
    if method is not None and method not in ANOMALY_METHODS:
        raise ValueError(f"unknown anomaly method {method!r}: one of {', '.join(ANOMALY_METHODS)}")
    return _frame(engine, """
        SELECT record_date, dataset, group_key, metric, method, value, group_median, lower_bound, upper_bound,
               score, threshold, group_size, reason, record_key
        FROM fitness.anomalies
        WHERE athlete_id = :athlete AND (CAST(:method AS text) IS NULL OR method = :method)
          AND record_date >= coalesce(CAST(:since AS date), '-infinity')
          AND record_date <= coalesce(CAST(:until AS date), 'infinity')
        ORDER BY record_date DESC, dataset, group_key, metric, method, record_key""",
                  athlete=athlete_id, method=method, since=since, until=until)


# --- Before/after -------------------------------------------------------------------------------

def life_event(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    return _frame(engine, "SELECT * FROM fitness.life_events WHERE athlete_id = :athlete", athlete=athlete_id)


def before_after(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """The two periods around the life event, 'before' first."""
    return _frame(engine, "SELECT * FROM fitness.before_after WHERE athlete_id = :athlete "
                          "ORDER BY period = 'after', period", athlete=athlete_id)


PACE_POINTS = 2_000  # a chart a screen wide cannot show more points apart than this


def pace_sample(engine: sa.Engine, athlete_id: str, points: int = PACE_POINTS) -> pd.DataFrame:
    """Every k-th of the athlete's activities with a pace, in date order (k = ⌈N ÷ points⌉, so at
    most `points` of the N), with the classifier's label and confidence and the era (before/after
    the stored life event; NULL without one), oldest first; activities the classifier does not
    label (rides, …) drop out of the sample. Column `paced_activities` holds N.

    Sampling before joining the labels keeps a large history cheap: only the sampled activities
    are looked up in activity_classification, by its key."""
    return _frame(engine, """
        WITH paced AS (
            SELECT activity_id, activity_date, activity_type, distance_km, duration_s, avg_pace_min_per_km,
                   row_number() OVER (ORDER BY activity_date, activity_id) - 1 AS position,
                   count(*) OVER () AS paced_activities
            FROM fitness.activities WHERE athlete_id = :athlete AND avg_pace_min_per_km IS NOT NULL)
        SELECT p.activity_id, p.activity_date, p.activity_type, p.distance_km, p.duration_s,
               p.avg_pace_min_per_km, c.label, c.confidence, c.method, c.reason,
               CASE WHEN e.event_week IS NULL THEN NULL
                    WHEN p.activity_date < e.event_week THEN 'before' ELSE 'after' END AS period,
               p.paced_activities
        FROM paced p
        JOIN fitness.activity_classification c USING (activity_id)
        LEFT JOIN fitness.life_events e ON e.athlete_id = :athlete
        WHERE p.position % ceil(p.paced_activities / CAST(:points AS numeric)) = 0
        ORDER BY p.activity_date, p.activity_id""", athlete=athlete_id, points=points)


def monthly_activities(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """Activities and lifting sessions per calendar month, with the era of the month's first day."""
    return _frame(engine, """
        WITH months AS (
            SELECT date_trunc('month', activity_date)::date AS month, 'activities' AS kind, count(*) AS sessions
            FROM fitness.activities WHERE athlete_id = :athlete GROUP BY 1
            UNION ALL
            SELECT date_trunc('month', training_date)::date, 'lifting', count(*)
            FROM fitness.workouts WHERE athlete_id = :athlete GROUP BY 1)
        SELECT m.month, m.kind, m.sessions,
               CASE WHEN e.event_week IS NULL THEN NULL
                    WHEN m.month < date_trunc('month', e.event_week) THEN 'before' ELSE 'after' END AS period
        FROM months m LEFT JOIN fitness.life_events e ON e.athlete_id = :athlete
        ORDER BY m.month, m.kind""", athlete=athlete_id)


# --- Calendar -----------------------------------------------------------------------------------

def calendar_days(engine: sa.Engine, athlete_id: str, since: date | None = None) -> pd.DataFrame:
    """One row per day with anything logged: lifting sessions, runs, walks, other activities
    (mixed, outliers, unlabelled) and whether a diet day was logged; oldest first."""
    return _frame(engine, """
        WITH days AS (
            SELECT training_date AS day, count(*) AS lifting_sessions, 0 AS runs, 0 AS walks,
                   0 AS other_activities, 0 AS diet_logged
            FROM fitness.workouts WHERE athlete_id = :athlete GROUP BY 1
            UNION ALL
            SELECT a.activity_date, 0, count(*) FILTER (WHERE c.label = 'run'),
                   count(*) FILTER (WHERE c.label = 'walk'),
                   count(*) FILTER (WHERE c.label IS NULL OR c.label NOT IN ('run', 'walk')), 0
            FROM fitness.activities a LEFT JOIN fitness.activity_classification c USING (activity_id)
            WHERE a.athlete_id = :athlete GROUP BY 1
            UNION ALL
            SELECT diet_date, 0, 0, 0, 0, 1 FROM fitness.diet_daily WHERE athlete_id = :athlete)
        SELECT day, sum(lifting_sessions)::int AS lifting_sessions, sum(runs)::int AS runs,
               sum(walks)::int AS walks, sum(other_activities)::int AS other_activities,
               (sum(diet_logged) > 0) AS diet_logged
        FROM days WHERE day >= coalesce(CAST(:since AS date), '-infinity')
        GROUP BY day ORDER BY day""", athlete=athlete_id, since=since)


# --- Trends -------------------------------------------------------------------------------------

def trend_choices(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """(metric, exercise_name, window_weeks) of every stored fit."""
    return _frame(engine, "SELECT metric, exercise_name, window_weeks FROM fitness.trends "
                          "WHERE athlete_id = :athlete ORDER BY 1, 2, 3", athlete=athlete_id)


def trend(engine: sa.Engine, athlete_id: str, metric: str, exercise_name: str, window_weeks: int
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(the fit's row, the weekly series over its window, the forecast), as stored."""
    key = {"athlete": athlete_id, "metric": metric, "exercise": exercise_name, "window": window_weeks}
    fit = _frame(engine, "SELECT * FROM fitness.trends WHERE athlete_id = :athlete AND metric = :metric "
                         "AND exercise_name = :exercise AND window_weeks = :window", **key)
    series = _frame(engine, """
        SELECT s.week_start, s.value FROM fitness.trend_series s JOIN fitness.trends t
          ON (t.athlete_id, t.metric, t.exercise_name) = (s.athlete_id, s.metric, s.exercise_name)
         AND s.week_start BETWEEN t.first_week AND t.last_week
        WHERE t.athlete_id = :athlete AND t.metric = :metric AND t.exercise_name = :exercise
          AND t.window_weeks = :window ORDER BY s.week_start""", **key)
    forecast = _frame(engine, """
        SELECT week_start, weeks_ahead, predicted, mean_ci_low, mean_ci_high, pi_low, pi_high
        FROM fitness.trend_forecasts WHERE athlete_id = :athlete AND metric = :metric
          AND exercise_name = :exercise AND window_weeks = :window ORDER BY week_start""", **key)
    return fit, series, forecast


# --- Classifier ---------------------------------------------------------------------------------

def label_counts_per_year(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """Activities per year and label (the classifier's stored labels), with their mean confidence:
    the counts `activity_classification` stores with the labels (a few dozen rows an athlete)."""
    return _frame(engine, """
        SELECT year, label, activities, round(mean_confidence::numeric, 3)::float AS mean_confidence
        FROM fitness.classification_label_years WHERE athlete_id = :athlete ORDER BY 1, 2""", athlete=athlete_id)


def label_profiles(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """Per label, method and model version: count and median pace, distance and confidence —
    a description of what each stored label holds, as `activity_classification` stores it."""
    return _frame(engine, """
        SELECT label, method, model_version, activities, median_pace_min_per_km, median_distance_km,
               median_confidence
        FROM fitness.classification_label_profiles WHERE athlete_id = :athlete ORDER BY 1, 2, 3""",
                  athlete=athlete_id)


def classifier_model(engine: sa.Engine, athlete_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the stored model: method, k, silhouettes, counts, version; its centroids, fastest first)."""
    model = _frame(engine, "SELECT * FROM fitness.classifier_models WHERE athlete_id = :athlete", athlete=athlete_id)
    centroids = _frame(engine, """
        SELECT cluster, label, size, pace_min_per_km, distance_km, duration_min
        FROM fitness.classifier_centroids WHERE athlete_id = :athlete ORDER BY cluster""", athlete=athlete_id)
    return model, centroids


# --- Data quality -------------------------------------------------------------------------------

def quarantine_summary(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """Quarantined rows per source file and rule, with an example reason, largest first."""
    return _frame(engine, """
        SELECT rule, source_file, count(*) AS rows, min(line) AS first_line, min(reason) AS example_reason,
               max(quarantined_at) AS last_quarantined_at
        FROM fitness.quarantine WHERE athlete_id = :athlete
        GROUP BY rule, source_file ORDER BY rows DESC, rule, source_file""", athlete=athlete_id)


def quarantined_rows(engine: sa.Engine, athlete_id: str, limit: int = 500) -> pd.DataFrame:
    """The newest quarantined rows (file, line, rule, why, the raw values), at most `limit`."""
    return _frame(engine, """
        SELECT source_file, line, rule, reason, raw_values::text AS raw_values, quarantined_at
        FROM fitness.quarantine WHERE athlete_id = :athlete
        ORDER BY quarantined_at DESC, source_file, line, rule LIMIT :limit""", athlete=athlete_id, limit=limit)


def corrections_applied(engine: sa.Engine, athlete_id: str) -> pd.DataFrame:
    """Every correction from the corrections file that changed a value, with its reason."""
    return _frame(engine, """
        SELECT dataset, natural_key, field, old_value, new_value, reason, source_line
        FROM fitness.corrections_applied WHERE athlete_id = :athlete
        ORDER BY dataset, natural_key, field""", athlete=athlete_id)
