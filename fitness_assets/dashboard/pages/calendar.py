"""Calendar: a daily heatmap of training (lifting sessions, runs, walks) and diet logging, with weekly totals."""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from fitness_assets.dashboard.common import athlete, engine
from fitness_assets.lib.dashboard import queries

athlete_id = athlete()
db = engine()
st.title("Calendar")
weeks_shown = st.slider("Weeks shown", min_value=4, max_value=104, value=26, step=1)
last = queries.last_logged_day(db, athlete_id)
if last is None:
    st.info("Nothing logged for this athlete yet.")
    st.stop()
# Only the weeks shown are read: the whole history joins every activity to its label.
days = queries.calendar_days(db, athlete_id, since=last - timedelta(weeks=weeks_shown))
days["day"] = pd.to_datetime(days["day"])
days["week"] = days["day"] - pd.to_timedelta(days["day"].dt.weekday, unit="D")
days["weekday"] = days["day"].dt.day_name().str[:3]
days["sessions"] = days["lifting_sessions"] + days["runs"] + days["walks"] + days["other_activities"]
days["diet"] = days["diet_logged"].map({True: "logged", False: "not logged"})
order = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
kind = st.radio("Show", ["Training sessions", "Lifting", "Runs", "Walks", "Diet logged"], horizontal=True)
field = {"Training sessions": "sessions", "Lifting": "lifting_sessions", "Runs": "runs", "Walks": "walks",
         "Diet logged": "diet_logged"}[kind]
chart_data = days.assign(value=days[field].astype(int))
st.altair_chart(alt.Chart(chart_data).mark_rect().encode(
    # ordinal weeks: one cell per week (a temporal axis would stretch each rect over the range)
    x=alt.X("yearmonthdate(week):O", title="Week", axis=alt.Axis(format="%d %b", labelAngle=-45)),
    y=alt.Y("weekday:O", sort=order, title=None),
    color=alt.Color("value:Q", title=kind, scale=alt.Scale(scheme="greens")),
    tooltip=["day:T", "lifting_sessions:Q", "runs:Q", "walks:Q", "other_activities:Q", "diet:N"]
).properties(height=220), width="stretch")

st.subheader("Weekly totals")
weekly = (days.groupby("week")[["lifting_sessions", "runs", "walks", "other_activities", "diet_logged"]].sum()
          .rename(columns={"diet_logged": "diet_days"}).sort_index(ascending=False).reset_index())
weekly["week"] = weekly["week"].dt.date
st.dataframe(weekly, hide_index=True)
