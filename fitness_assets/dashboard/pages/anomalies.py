"""Anomalies: the values flagged by a chosen method (IQR fences, z-score, modified z-score), with why."""

from __future__ import annotations

import streamlit as st

from fitness_assets.dashboard.common import athlete, engine
from fitness_assets.lib.dashboard import queries

LABELS = {"iqr": "IQR fences", "zscore": "z-score", "mad": "Modified z-score (MAD)"}

athlete_id = athlete()
db = engine()
st.title("Anomalies")
method = st.radio("Method", list(LABELS), format_func=LABELS.get, horizontal=True, key="anomaly_method")
flagged = queries.anomalies(db, athlete_id, method=method)
datasets = st.multiselect("Datasets", ["activities", "sets", "diet_days"],
                          default=["activities", "sets", "diet_days"])
flagged = flagged[flagged["dataset"].isin(datasets)]
st.write(f"{len(flagged)} flagged value(s) by {LABELS[method]}.")
st.dataframe(flagged, hide_index=True)
