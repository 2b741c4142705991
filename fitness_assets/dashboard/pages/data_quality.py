"""Data quality: the latest result of every asset check (from the Dagster instance), the rows
quarantined on the way into the warehouse, and the corrections applied from the corrections file."""

from __future__ import annotations

import streamlit as st

from fitness_assets.dashboard import dagster_side
from fitness_assets.dashboard.common import athlete, check_results, dagster_instance, engine
from fitness_assets.lib.dashboard import queries

athlete_id = athlete()
db = engine()
st.title("Data quality")

st.subheader("Latest check results")
instance = dagster_instance()
if instance is None:
    st.info(dagster_side.NO_INSTANCE)
else:
    checks = check_results()
    counts = checks["status"].value_counts()
    columns = st.columns(3)
    columns[0].metric("Failed", int(counts.get("failed", 0)))
    columns[1].metric("Passed", int(counts.get("passed", 0)))
    columns[2].metric("Not run yet", int(counts.get("not run", 0)))
    st.caption("All athletes: a check judges an asset as a whole. Read each minute from the Dagster instance in "
               f"`{dagster_side.instance_home()}`; the rule behind each check is in the README's rule table.")
    st.dataframe(checks, hide_index=True)

st.subheader("Quarantined rows")
summary = queries.quarantine_summary(db, athlete_id)
if summary.empty:
    st.write("No row of this athlete's exports was quarantined.")
else:
    st.write(f"{int(summary['rows'].sum()):,} row(s) kept out of the warehouse, by rule and file:")
    st.dataframe(summary, hide_index=True)
    with st.expander("The rows, newest first"):
        st.dataframe(queries.quarantined_rows(db, athlete_id), hide_index=True)

st.subheader("Corrections applied")
corrections = queries.corrections_applied(db, athlete_id)
if corrections.empty:
    st.write("No correction from the corrections file changed a value of this athlete's.")
else:
    st.write(f"{len(corrections):,} value(s) changed by the corrections file:")
    st.dataframe(corrections, hide_index=True)
