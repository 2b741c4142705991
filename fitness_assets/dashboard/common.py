"""What every page shares: the read-only engine, the report folder and the athlete selector."""

from __future__ import annotations

import math
import os
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
import streamlit as st

from fitness_assets.dashboard import dagster_side
from fitness_assets.lib.dashboard import explorer, queries

DATABASE_URL_VARIABLE = "FITNESS_DASHBOARD_DATABASE_URL"
REPORT_DIR_VARIABLE = "FITNESS_DASHBOARD_REPORT_DIR"


def engine() -> sa.Engine:
    url = os.environ.get(DATABASE_URL_VARIABLE)
    if not url:
        st.error(f"{DATABASE_URL_VARIABLE} is not set: start the dashboard with `fitness dashboard`.")
        st.stop()
    return _engine(url)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> sa.Engine:
    """One pooled engine per URL for the server's life (keyed by the URL, so a changed setting
    is a new engine, never the old database)."""
    return queries.read_only_engine(url)


def explorer_engine() -> sa.Engine:
    """The SQL explorer's engine (psycopg 3) on the same warehouse."""
    engine()  # stops the page with the same message when the URL is missing
    return _explorer_engine(os.environ[DATABASE_URL_VARIABLE])


@st.cache_resource(show_spinner=False)
def _explorer_engine(url: str) -> sa.Engine:
    return explorer.explorer_engine(url)


def dagster_instance() -> dg.DagsterInstance | None:
    """The Dagster instance of DAGSTER_HOME (None without one), one per folder for the server's life."""
    home = dagster_side.instance_home()
    return None if home is None else _dagster_instance(str(home))


@st.cache_resource(show_spinner=False)
def _dagster_instance(home: str) -> dg.DagsterInstance:
    return dagster_side.open_instance()


def check_results():
    """dagster_side.latest_check_results of the instance (None without one), refreshed each minute:
    This week and Data quality share it, and it reads the run storage a few dozen times."""
    home = dagster_side.instance_home()
    return None if home is None else _check_results(str(home))


@st.cache_data(ttl=60, show_spinner=False)
def _check_results(home: str):
    return dagster_side.latest_check_results(_dagster_instance(home))


def report_dir() -> Path:
    return Path(os.environ.get(REPORT_DIR_VARIABLE, ""))


def athlete() -> str:
    """The athlete chosen in the sidebar (app.py draws the selector before any page runs)."""
    return st.session_state["athlete"]


def number(value, digits: int = 1) -> str:
    """A figure as the page shows it; a missing one as an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{round(value):,}" if digits == 0 else f"{value:,.{digits}f}"
    return f"{value:,}"
