"""Entry point of `fitness dashboard` (streamlit run): the athlete selector and the pages."""

from __future__ import annotations

import hmac
import os
from pathlib import Path

import streamlit as st

from fitness_assets.dashboard.common import engine
from fitness_assets.lib.dashboard import queries

PAGES = Path(__file__).parent / "pages"
PASSWORD_VARIABLE = "FITNESS_DASHBOARD_PASSWORD"

st.set_page_config(page_title="Fitness dashboard", layout="wide")
# With FITNESS_DASHBOARD_PASSWORD set, nothing is read from the warehouse until the session has
# given it (compared in constant time; the password itself is never shown or logged).
password = os.environ.get(PASSWORD_VARIABLE, "")
if password and not st.session_state.get("signed_in"):
    st.title("Fitness dashboard")
    given = st.text_input("Password", type="password", key="password")
    if given and hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8")):
        st.session_state["signed_in"] = True
        del st.session_state["password"]
        st.rerun()
    if given:
        st.error("Wrong password.")
    st.stop()
athletes = queries.athletes(engine())
if not athletes:
    st.title("Fitness dashboard")
    st.info("The warehouse has no training, diet or activity weeks yet: run `fitness run` first.")
    st.stop()
# The choice is kept under a plain session-state key (a widget's own key is dropped by Streamlit
# when a page switch reruns the script), so it follows the user from page to page.
chosen = st.session_state.get("athlete")
st.session_state["athlete"] = st.sidebar.selectbox(
    "Athlete", athletes, index=athletes.index(chosen) if chosen in athletes else 0)
navigation = st.navigation([
    st.Page(PAGES / "this_week.py", title="This week", default=True),
    st.Page(PAGES / "before_after.py", title="Before/after"),
    st.Page(PAGES / "calendar.py", title="Calendar"),
    st.Page(PAGES / "trends.py", title="Trends"),
    st.Page(PAGES / "anomalies.py", title="Anomalies"),
    st.Page(PAGES / "classifier.py", title="Classifier"),
    st.Page(PAGES / "data_quality.py", title="Data quality"),
    st.Page(PAGES / "sql_explorer.py", title="SQL explorer"),
])
navigation.run()
