"""SQL explorer: one read-only statement on the warehouse, its first rows, and CSV or JSON of them.

PostgreSQL enforces every limit (lib/dashboard/explorer.py): a READ ONLY transaction as the role
fitness_reader, one statement (extended protocol), a statement timeout, and at most the row limit
fetched.
"""

from __future__ import annotations

import streamlit as st

from fitness_assets.dashboard.common import explorer_engine
from fitness_assets.lib.dashboard import explorer

st.title("SQL explorer")
st.caption("Read-only: each query runs in its own READ ONLY transaction as the role `fitness_reader` (SELECT on "
           f"schema `fitness` only), one statement at a time, stopped after {explorer.DEFAULT_TIMEOUT_MS // 1000} s. "
           "PostgreSQL refuses anything else and says why.")


def _load_example() -> None:
    st.session_state["explorer_sql"] = explorer.EXAMPLES[st.session_state["explorer_example"]]


st.selectbox("Example queries", list(explorer.EXAMPLES), key="explorer_example", on_change=_load_example)
if "explorer_sql" not in st.session_state:
    _load_example()
sql = st.text_area("Query (one statement)", key="explorer_sql", height=180)
row_limit = st.number_input("Row limit", min_value=1, max_value=explorer.MAX_ROW_LIMIT,
                            value=explorer.DEFAULT_ROW_LIMIT, step=100, key="explorer_limit")
if st.button("Run query", type="primary", key="explorer_run"):
    try:
        st.session_state["explorer_result"] = explorer.run_query(explorer_engine(), sql, int(row_limit))
        st.session_state["explorer_refusal"] = None
    except explorer.QueryRefused as refusal:
        st.session_state["explorer_result"] = None
        st.session_state["explorer_refusal"] = refusal

refusal = st.session_state.get("explorer_refusal")
result = st.session_state.get("explorer_result")
if refusal is not None:
    code = f" (SQLSTATE {refusal.sqlstate}, {refusal.error_class})" if refusal.sqlstate else ""
    st.error(f"Refused{code}: {refusal}")
elif result is not None:
    shown = len(result.frame)
    st.write(f"{shown:,} row(s) in {result.seconds * 1000:,.0f} ms, as `{result.role}`"
             + (f"; **truncated at the row limit ({shown:,})**, the query returns more." if result.truncated else "."))
    st.dataframe(result.frame, hide_index=True)
    left, right = st.columns(2)
    left.download_button("Download CSV", explorer.to_csv(result.frame), file_name="query.csv", mime="text/csv",
                         on_click="ignore", key="explorer_csv")
    right.download_button("Download JSON", explorer.to_json(result.frame), file_name="query.json",
                          mime="application/json", on_click="ignore", key="explorer_json")
