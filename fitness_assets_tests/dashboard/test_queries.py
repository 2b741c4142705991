"""The dashboard's queries on a real warehouse: the figures are the stored ones, and the
connection is read-only at the server."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from fitness_assets.lib.dashboard import queries
from fitness_assets_tests.dashboard.conftest import LAST_WEEK, REPORTED_WEEK
from fitness_assets_tests.harness import query


@pytest.fixture(scope="module")
def engine(warehouse):
    engine = queries.read_only_engine(warehouse.database_url)
    yield engine
    engine.dispose()


def test_the_connection_refuses_writes(engine):
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
        conn.execute(sa.text("DELETE FROM fitness.anomalies"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == "15s"


def test_this_week_against_last_and_its_consistency(engine, warehouse):
    assert queries.athletes(engine) == ["default"]
    assert queries.latest_week(engine, "default") == query(
        warehouse, "SELECT max(week_start) AS w FROM fitness.weekly_fitness_summary")[0]["w"]
    assert queries.latest_week(engine, "nobody") is None and queries.this_week_and_last(engine, "nobody").empty
    weeks = queries.this_week_and_last(engine, "default")
    assert [str(w) for w in weeks["week_start"]] == [LAST_WEEK, REPORTED_WEEK]
    stored = query(warehouse, "SELECT training_sessions, avg_calories_kcal FROM fitness.weekly_fitness_summary "
                              "WHERE week_start = :w", w=REPORTED_WEEK)[0]
    assert weeks.iloc[1]["training_sessions"] == stored["training_sessions"] == 2
    assert float(weeks.iloc[1]["avg_calories_kcal"]) == float(stored["avg_calories_kcal"])
    chosen = queries.this_week_and_last(engine, "default", date.fromisoformat(REPORTED_WEEK))
    assert [str(w) for w in chosen["week_start"]] == [REPORTED_WEEK, "2025-12-15"]

    fresh = queries.freshness(engine, "default").iloc[0]
    assert (str(fresh["last_workout"]), str(fresh["last_diet_day"])) == ("2026-01-01", "2025-12-31")
    assert fresh["last_activity"] == query(warehouse, "SELECT max(activity_date) AS d FROM fitness.activities")[0]["d"]
    assert queries.last_logged_day(engine, "default") == max(fresh[["last_workout", "last_activity", "last_diet_day"]])
    assert queries.last_logged_day(engine, "nobody") is None

    scores = queries.consistency(engine, "default", weeks=4)
    assert len(scores) == 4 and str(scores.iloc[-1]["week_start"]) == LAST_WEEK
    assert scores.iloc[-1]["consistency_score"] == query(
        warehouse, "SELECT consistency_score FROM fitness.consistency_weekly WHERE week_start = :w",
        w=LAST_WEEK)[0]["consistency_score"]


def test_the_latest_report_and_its_charts(warehouse):
    report = queries.latest_report(warehouse.report_dir, "default")
    assert report.week == REPORTED_WEEK
    assert report.markdown.startswith(f"# Weekly report: week of {REPORTED_WEEK}")
    assert list(report.charts) == ["muscle_sets.svg", "load_trend.svg", "bodyweight_calories.svg"]
    assert all(svg.lstrip().startswith("<svg") for svg in report.charts.values())
    assert queries.latest_report(warehouse.report_dir, "nobody") is None


def test_anomalies_by_method_and_week(engine):
    flagged = queries.anomalies(engine, "default", method="mad")
    assert set(flagged["method"]) == {"mad"}
    typo = flagged[(flagged["dataset"] == "sets") & (flagged["value"] == 1000)]
    assert len(typo) == 3 and set(typo["group_key"]) == {"Squat (Barbell)"}  # three sets of 1000 kg
    feast = queries.anomalies(engine, "default", since=date(2025, 7, 7), until=date(2025, 7, 13))
    assert set(feast["method"]) == {"iqr", "zscore", "mad"} and set(feast["value"]) >= {9000.0}
    with pytest.raises(ValueError, match="unknown anomaly method"):
        queries.anomalies(engine, "default", method="guess")


def test_before_after_calendar_trends_and_labels(engine, warehouse):
    periods = queries.before_after(engine, "default")
    assert periods["period"].tolist() == ["before", "after"]
    every = queries.pace_sample(engine, "default", points=10**6)   # more points than activities: all of them
    event = queries.life_event(engine, "default").iloc[0]["event_week"]
    assert (every.loc[every["period"] == "before", "activity_date"] < event).all()
    assert (every.loc[every["period"] == "after", "activity_date"] >= event).all()
    paced = query(warehouse, "SELECT count(*) AS n, count(c.label) AS labelled FROM fitness.activities a "
                             "LEFT JOIN fitness.activity_classification c USING (activity_id) "
                             "WHERE a.avg_pace_min_per_km IS NOT NULL")[0]
    assert len(every) == paced["labelled"] and (every["paced_activities"] == paced["n"]).all()
    sample = queries.pace_sample(engine, "default", points=50)
    stride = -(-paced["n"] // 50)
    assert 0 < len(sample) <= 50 and set(sample["activity_id"]) <= set(every["activity_id"])
    all_paced = [r["activity_id"] for r in query(
        warehouse, "SELECT activity_id FROM fitness.activities WHERE avg_pace_min_per_km IS NOT NULL "
                   "ORDER BY activity_date, activity_id")]
    assert sample["activity_id"].tolist() == [i for i in all_paced[::stride] if i in set(every["activity_id"])]
    monthly = queries.monthly_activities(engine, "default")
    assert monthly.query("kind == 'lifting'")["sessions"].sum() == 2 * 52  # Monday and Thursday, 2025

    days = queries.calendar_days(engine, "default", since=date(2025, 12, 22))
    monday = days[days["day"] == date(2025, 12, 22)].iloc[0]
    assert monday["lifting_sessions"] == 1 and bool(monday["diet_logged"])
    assert days["day"].tolist() == sorted(days["day"])
    assert days["diet_logged"].tolist() == [day <= date(2025, 12, 31) for day in days["day"]]  # the diet log's end

    fit, series, forecast = queries.trend(engine, "default", "top_weight_kg", "Squat (Barbell)", 26)
    assert fit.iloc[0]["slope_per_week"] == 2.5 and len(series) == 26 and len(forecast) == 8
    assert (forecast["pi_low"] <= forecast["mean_ci_low"]).all()
    assert {"bodyweight_kg", "top_weight_kg"} <= set(queries.trend_choices(engine, "default")["metric"])

    counts = queries.label_counts_per_year(engine, "default")
    labelled = query(warehouse, "SELECT count(*) AS n FROM fitness.activity_classification")[0]["n"]
    assert counts["activities"].sum() == labelled and counts["year"].min() == 2018
    assert set(queries.label_profiles(engine, "default")["label"]) <= {"run", "walk", "mixed", "outlier"}
