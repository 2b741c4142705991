"""Classifier: the parameters in force, the stored model (centroids, silhouettes), the labels per
year, and a relabelling with other parameters: a run of `activity_classification` launched
through the Dagster webserver's GraphQL API when it answers, else the command to run."""

from __future__ import annotations

import streamlit as st

from fitness_assets.dashboard import dagster_side
from fitness_assets.dashboard.common import athlete, engine, number
from fitness_assets.defs.resources import configuration_from
from fitness_assets.lib.dashboard import queries
from fitness_assets.lib.insights.classify import model_version

athlete_id = athlete()
db = engine()
configuration = configuration_from()
configured = configuration.classifier
st.title("Classifier")

st.subheader("Parameters")
st.caption("The `classifier` resource of the `activity_classification` asset, as this environment configures "
           "it (docs/CONFIGURATION.md).")
st.dataframe(dagster_side.classifier_parameters(configured).astype({"value": str, "default": str}), hide_index=True)

st.subheader("Stored model")
model, centroids = queries.classifier_model(db, athlete_id)
if model.empty:
    st.info("No stored model for this athlete: `activity_classification` has not run since the model tables "
            "were added, or the athlete has no run or walk.")
else:
    row = model.iloc[0]
    columns = st.columns(5)
    columns[0].metric("Method", row["method"] or "—")
    columns[1].metric("Clusters (k)", number(row["k"], 0))
    columns[2].metric("Silhouette, k = 2", number(row["silhouette_k2"], 4))
    columns[3].metric("Silhouette, k = 3", number(row["silhouette_k3"], 4))
    columns[4].metric("Modelled activities", number(int(row["modelled"])))
    current = model_version(configured)
    st.caption(f"Model version `{row['model_version']}`"
               + ("" if row["model_version"] == current else
                  f"; the parameters configured now give `{current}`: the next run relabels every activity.")
               + f" {number(int(row['outliers']))} outlier(s) kept out of the fit.")
    st.write("Centroids (fastest first):")
    st.dataframe(centroids, hide_index=True)

counts = queries.label_counts_per_year(db, athlete_id)
st.subheader("Labels per year")
if counts.empty:
    st.info("No classified activity for this athlete.")
else:
    st.bar_chart(counts, x="year", y="activities", color="label")
    st.dataframe(counts.pivot(index="year", columns="label", values="activities").fillna(0).astype(int))
    st.subheader("What each label holds")
    st.dataframe(queries.label_profiles(db, athlete_id), hide_index=True)

st.subheader("Relabel with other parameters")
with st.form("classifier_parameters"):
    left, right = st.columns(2)
    chosen = {
        "k": left.selectbox("Clusters k (0: the better silhouette of 2 and 3)", [0, 2, 3],
                            index=[0, 2, 3].index(configured.k) if configured.k in (0, 2, 3) else 0, key="k"),
        "random_state": right.number_input("K-means seed", value=configured.random_state, step=1, key="random_state"),
        "run_max_pace_min_per_km": left.number_input("Run: pace at most (min/km)", value=configured.run_max_pace_min_per_km,
                                                     step=0.1, format="%.3f", key="run_max_pace_min_per_km"),
        "walk_min_pace_min_per_km": right.number_input("Walk: pace at least (min/km)",
                                                       value=configured.walk_min_pace_min_per_km, step=0.1,
                                                       format="%.3f", key="walk_min_pace_min_per_km"),
        "min_pace_min_per_km": left.number_input("Outlier below pace (min/km)", value=configured.min_pace_min_per_km,
                                                 step=0.1, format="%.2f", key="min_pace_min_per_km"),
        "max_pace_min_per_km": right.number_input("Outlier above pace (min/km)", value=configured.max_pace_min_per_km,
                                                  step=1.0, format="%.1f", key="max_pace_min_per_km"),
        "min_activities": left.number_input("Fewest activities for K-means", value=configured.min_activities,
                                            min_value=2, step=1, key="min_activities"),
        "change_point_penalty": right.number_input("Change-point penalty", value=configured.change_point_penalty,
                                                   min_value=0.0, step=0.5, key="change_point_penalty"),
        "life_event_date": left.text_input("Life event date (YYYY-MM-DD; empty: detect)",
                                           value=configured.life_event_date, key="life_event_date"),
    }
    apply = st.form_submit_button("Apply", type="primary")
if apply:
    changed = dagster_side.changed_parameters(configured, chosen)
    ui_url = configuration.notifier.ui_url
    if not changed:
        st.info("These are the parameters in force: nothing to relabel.")
    elif dagster_side.webserver_reachable(ui_url):
        try:
            launched = dagster_side.launch_classification(ui_url, changed)
        except dagster_side.LaunchFailed as failure:
            st.error(f"The Dagster webserver refused the run: {failure}")
        else:
            st.success(f"Launched run {launched.run_id} of `activity_classification` with "
                       + ", ".join(f"{k} = {v}" for k, v in changed.items()) + f": [follow it]({launched.url}). The values hold for that run only; set the variables "
                       "below where the pipeline runs to keep them.")
            st.code(dagster_side.cli_command(changed).removesuffix(" fitness run"), language="bash")
    else:
        st.info(f"The Dagster webserver (FITNESS_UI_URL, {ui_url}) does not answer. To relabel with these "
                "parameters, run:")
        st.code(dagster_side.cli_command(changed), language="bash")
        st.caption("Set the same variables where the pipeline runs (the daemon, `fitness dev`) to keep them.")
