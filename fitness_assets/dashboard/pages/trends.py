"""Trends: a stored series with its OLS slope, the slope's 95 % interval and p value, and the forecast band."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from fitness_assets.dashboard.common import athlete, engine, number
from fitness_assets.lib.dashboard import queries

athlete_id = athlete()
db = engine()
st.title("Trends")
choices = queries.trend_choices(db, athlete_id)
if choices.empty:
    st.info("No trend fitted for this athlete yet.")
    st.stop()
choices["series"] = choices["metric"] + choices["exercise_name"].map(lambda name: f" — {name}" if name else "")
series_name = st.selectbox("Metric", sorted(choices["series"].unique()), key="trend_metric")
picked = choices[choices["series"] == series_name]
window = st.radio("Window (weeks)", sorted(int(w) for w in picked["window_weeks"].unique()), horizontal=True,
                  key="trend_window")
metric, exercise = picked.iloc[0]["metric"], picked.iloc[0]["exercise_name"]
fit, series, forecast = queries.trend(db, athlete_id, metric, exercise, int(window))
row = fit.iloc[0]
columns = st.columns(4)
columns[0].metric("Slope per week", number(row["slope_per_week"], 3))
columns[1].metric("95 % interval", f"{number(row['slope_ci_low'], 3)} to {number(row['slope_ci_high'], 3)}")
columns[2].metric("p value", number(row["p_value"], 4))
columns[3].metric("Significant", "yes" if row["significant"] else "no")
st.caption(f"OLS over {row['points']} weeks from {row['first_week']} to {row['last_week']} (R² "
           f"{number(row['r_squared'], 3)}); computed by the `trends` asset.")

observed = series.assign(week_start=pd.to_datetime(series["week_start"]))
ahead = forecast.assign(week_start=pd.to_datetime(forecast["week_start"]))
base = alt.Chart(ahead).encode(x=alt.X("week_start:T", title="Week"))
layers = [
    base.mark_area(opacity=0.15).encode(y=alt.Y("pi_low:Q", title=metric, scale=alt.Scale(zero=False)),
                                        y2="pi_high:Q"),
    base.mark_area(opacity=0.3).encode(y="mean_ci_low:Q", y2="mean_ci_high:Q"),
    base.mark_line(strokeDash=[4, 3]).encode(y="predicted:Q"),
    alt.Chart(observed).mark_line(point=True).encode(x="week_start:T",
                                                     y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
                                                     tooltip=["week_start:T", "value:Q"]),
]
st.altair_chart(alt.layer(*layers).interactive(), width="stretch")
st.caption("Light band: 95 % prediction interval of one new week; darker band: 95 % interval of the line.")
st.dataframe(forecast, hide_index=True)
