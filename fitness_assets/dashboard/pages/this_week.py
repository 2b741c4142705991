"""This week: the latest weekly report with its charts, this week against last, the consistency
score with its four dimensions, and the week's flagged values."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from fitness_assets.dashboard import dagster_side
from fitness_assets.dashboard.common import athlete, check_results, dagster_instance, engine, number, report_dir
from fitness_assets.lib.dashboard import queries

# (label, column of weekly_fitness_summary, digits) per section of the comparison
COMPARED = {
    "Lifting": [("Sessions", "training_sessions", 0), ("Working sets", "total_sets", 0),
                ("Volume (kg)", "volume_kg", 0)],
    "Running": [("Runs", "runs", 0), ("Run distance (km)", "run_distance_km", 2),
                ("Avg run pace (min/km)", "avg_run_pace_min_per_km", 2), ("Walks", "walks", 0)],  # pace: lower is better
    "Diet": [("Days logged", "logged_days", 0), ("Calories (kcal)", "avg_calories_kcal", 0),
             ("Protein (g)", "avg_protein_g", 0), ("Bodyweight (kg)", "avg_bodyweight_kg", 2)],
}


def _value(row: pd.Series | None, column: str):
    if row is None or pd.isna(row[column]):
        return None
    return float(row[column])


athlete_id = athlete()
db = engine()
weeks = queries.this_week_and_last(db, athlete_id)
st.title("This week")
if weeks.empty:
    st.info("Nothing logged for this athlete yet.")
    st.stop()
current = weeks.iloc[0]
week = current["week_start"]
previous = weeks.iloc[1] if len(weeks) > 1 else None
st.caption(f"Week of {week} (Monday), against the week of {week - timedelta(days=7)}"
           + ("" if previous is not None else " — nothing logged that week"))
fresh = queries.freshness(db, athlete_id).iloc[0]
st.caption("Data up to: " + ", ".join(f"{label} {fresh[field] if pd.notna(fresh[field]) else 'none'}" for label, field in
                                       [("last workout", "last_workout"), ("last run or walk", "last_activity"),
                                        ("last diet day", "last_diet_day")]))

for section, figures in COMPARED.items():
    st.subheader(section)
    for column, (label, field, digits) in zip(st.columns(len(figures)), figures):
        now, before = _value(current, field), _value(previous, field)
        delta = None if now is None or before is None else round(now - before, digits)
        column.metric(label, number(now, digits), delta=None if delta is None else number(delta, digits),
                      delta_color="inverse" if field == "avg_run_pace_min_per_km" else "normal")

st.subheader("Consistency")
scores = queries.consistency(db, athlete_id)
score = scores[scores["week_start"] == week]
if score.empty:
    st.info("No consistency score for this week.")
else:
    row = score.iloc[0]
    columns = st.columns(5)
    columns[0].metric("Consistency score", number(row["consistency_score"]))
    for column, (label, field) in zip(columns[1:], [("Frequency", "frequency_score"), ("Timing", "timing_score"),
                                                      ("Stability", "stability_score"), ("Streaks", "streak_score")]):
        column.metric(label, number(row[field]))
    st.caption(f"{row['sessions']} session(s) against a norm of {number(row['norm_sessions'])} over "
               f"{row['norm_weeks']} previous weeks; current streak {row['current_streak_weeks']} week(s) "
               f"(longest {row['longest_streak_weeks']}), {row['current_streak_days']} day(s) "
               f"(longest {row['longest_streak_days']}). Computed by the `consistency_weekly` asset.")
    st.line_chart(scores.set_index("week_start")["consistency_score"], height=160)

st.subheader("New anomalies")
flagged = queries.anomalies(db, athlete_id, since=week, until=week + timedelta(days=6))
if flagged.empty:
    st.write("No value flagged this week.")
else:
    st.dataframe(flagged[["record_date", "dataset", "group_key", "metric", "method", "value", "group_median",
                          "reason"]], hide_index=True)

st.subheader("Checks and freshness")
instance = dagster_instance()
if instance is None:
    st.info(dagster_side.NO_INSTANCE)
else:
    runs = dagster_side.last_runs(instance, limit=1)
    st.caption("Last pipeline run: " + ("none yet" if runs.empty else
               f"{runs.iloc[0]['job']}, {runs.iloc[0]['status'].lower()}, started {runs.iloc[0]['started']} UTC"))
    checks = check_results()
    failed = checks[checks["status"] == "failed"]
    if failed.empty:
        st.write(f"No failed check among the latest results of {int((checks['status'] != 'not run').sum())} "
                 "check(s).")
    else:
        st.warning(f"{len(failed)} check(s) failed at their latest evaluation (details on the Data quality page).")
        st.dataframe(failed[["asset", "check", "severity", "evaluated_at", "description"]], hide_index=True)

st.subheader("Latest weekly report")
report = queries.latest_report(report_dir(), athlete_id)
if report is None:
    st.info("No weekly report written yet: `fitness run` writes one per week.")
else:
    if report.week != str(week):
        st.caption(f"The latest report is for the week of {report.week}.")
    st.markdown(report.markdown)
    for column, (name, svg) in zip(st.columns(max(len(report.charts), 1)), report.charts.items()):
        column.image(svg, caption=name)
