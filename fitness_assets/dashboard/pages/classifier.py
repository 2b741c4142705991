"""Classifier (read-only): the stored labels per year, what each label holds and the life event used."""

from __future__ import annotations

import streamlit as st

from fitness_assets.dashboard.common import athlete, engine
from fitness_assets.lib.dashboard import queries

athlete_id = athlete()
db = engine()
st.title("Classifier")
st.caption("Read-only. The parameters live in the `activity_classification` asset's configuration "
           "(docs/CONFIGURATION.md); change them there and rematerialize with `fitness run`.")
counts = queries.label_counts_per_year(db, athlete_id)
if counts.empty:
    st.info("No classified activity for this athlete.")
    st.stop()
st.subheader("Labels per year")
st.bar_chart(counts, x="year", y="activities", color="label")
st.dataframe(counts.pivot(index="year", columns="label", values="activities").fillna(0).astype(int))
st.subheader("What each label holds")
st.dataframe(queries.label_profiles(db, athlete_id), hide_index=True)
st.subheader("Life event")
st.dataframe(queries.life_event(db, athlete_id), hide_index=True)
