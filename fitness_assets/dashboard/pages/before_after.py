"""Before/after: the life event the classifier found, monthly sessions coloured by era, pace over
time split into runs and walks, the two periods side by side and sample activities."""

from __future__ import annotations

import altair as alt
import streamlit as st

from fitness_assets.dashboard.common import athlete, engine, number
from fitness_assets.lib.dashboard import queries

athlete_id = athlete()
db = engine()
st.title("Before/after story")
event = queries.life_event(db, athlete_id)
periods = queries.before_after(db, athlete_id)
if event.empty or periods.empty:
    st.info("No life event for this athlete: the classifier has not run, or there are no activities.")
    st.stop()
row = event.iloc[0]
st.write(f"Life event: week of **{row['event_week']}** ({row['method']}); "
         f"{number(row['weekly_count_before'], 2)} activities a week before, "
         f"{number(row['weekly_count_after'], 2)} after.")

CARDS = [("Activities per month", "activities_per_month", 2), ("Lifting sessions per month",
         "lifting_sessions_per_month", 2), ("Average pace (min/km)", "avg_pace_min_per_km", 2),
         ("Average distance (km)", "avg_distance_km", 2), ("Run share", "run_share", 2),
         ("Walk share", "walk_share", 2)]
for column, (_, period) in zip(st.columns(2), periods.iterrows()):
    column.subheader(period["period"].capitalize())
    column.caption(f"{period['first_date']} to {period['last_date']}, {number(period['months'])} months")
    for label, field, digits in CARDS:
        column.metric(label, number(period[field], digits))

st.subheader("Sessions per month")
monthly = queries.monthly_activities(db, athlete_id)
st.altair_chart(alt.Chart(monthly).mark_bar().encode(
    x=alt.X("month:T", title="Month"), y=alt.Y("sum(sessions):Q", title="Sessions"),
    color=alt.Color("period:N", title="Era"), column=alt.Column("kind:N", title=None),
    tooltip=["month:T", "kind:N", "sessions:Q", "period:N"]).properties(width=420, height=220))

st.subheader("Pace over time, by label")
paced = queries.pace_sample(db, athlete_id)
total = int(paced["paced_activities"].iloc[0]) if len(paced) else 0
st.altair_chart(alt.Chart(paced).mark_circle(size=18).encode(
    x=alt.X("activity_date:T", title="Date"), y=alt.Y("avg_pace_min_per_km:Q", title="Pace (min/km)"),
    color=alt.Color("label:N", title="Label"),
    tooltip=["activity_date:T", "label:N", "confidence:Q", "distance_km:Q", "avg_pace_min_per_km:Q"]
).interactive(), width="stretch")
if total > queries.PACE_POINTS:
    st.caption(f"Every {-(-total // queries.PACE_POINTS):,}th of the {total:,} activities with a pace, in date "
               f"order ({len(paced):,} labelled ones shown): a chart a screen wide cannot show more points apart. "
               "The counts and shares on this page are over every activity.")

st.subheader("Label breakdown")
st.dataframe(periods[["period", "runs", "walks", "mixed", "outliers", "run_share", "walk_share", "mixed_share",
                      "outlier_share"]], hide_index=True)
st.subheader("Sample activities")
st.caption("The three least confident of each label" + (" among the charted ones." if total > queries.PACE_POINTS
                                                         else "."))
st.dataframe(paced.sort_values(["confidence", "activity_date", "activity_id"]).groupby("label").head(3)
             [["activity_date", "activity_type", "distance_km", "avg_pace_min_per_km", "label", "confidence",
               "method", "period"]], hide_index=True)
