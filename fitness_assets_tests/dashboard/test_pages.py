"""Every page of the Streamlit app run headlessly by AppTest on the built warehouse: no exception,
its heading, and the warehouse's own figures on it."""

from __future__ import annotations

import sys

import pytest
from streamlit.testing.v1 import AppTest

from fitness_assets.dashboard.common import DATABASE_URL_VARIABLE, REPORT_DIR_VARIABLE
from fitness_assets.lib.core.constants import PACKAGE_DIR
from fitness_assets_tests.conftest import new_database
from fitness_assets_tests.dashboard.conftest import LAST_WEEK, REPORTED_WEEK
from fitness_assets_tests.harness import query

APP = str(PACKAGE_DIR / "dashboard" / "app.py")


@pytest.fixture
def app(warehouse, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, warehouse.database_url)
    monkeypatch.setenv(REPORT_DIR_VARIABLE, str(warehouse.report_dir))
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def test_an_empty_warehouse_says_what_to_run(postgres_server, monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, new_database(postgres_server))
    monkeypatch.setenv(REPORT_DIR_VARIABLE, str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    assert "run `fitness run` first" in app.info[0].value


def page(app: AppTest, name: str) -> AppTest:
    app.switch_page(f"pages/{name}.py")
    app.run()
    assert not app.exception, app.exception
    return app


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def test_this_week_shows_the_comparison_the_score_and_the_report(app, warehouse):
    assert app.title[0].value == "This week" and app.sidebar.selectbox[0].value == "default"
    score = query(warehouse, "SELECT consistency_score FROM fitness.consistency_weekly WHERE week_start = :w",
                  w=LAST_WEEK)[0]["consistency_score"]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Consistency score"] == f"{score:,.1f}" and metrics["Sessions"] == "2"
    assert f"# Weekly report: week of {REPORTED_WEEK}" in markdown_text(app)
    assert "Data up to: last workout 2026-01-01, " in "\n".join(caption.value for caption in app.caption)
    assert len(app.get("image")) == 3  # the report's three SVG charts


def test_the_other_pages_render_the_stored_insights(app, warehouse):
    event = query(warehouse, "SELECT event_week FROM fitness.life_events")[0]["event_week"]
    assert f"week of **{event}**" in markdown_text(page(app, "before_after"))
    assert [m.label for m in app.metric][:2] == ["Activities per month", "Lifting sessions per month"]

    page(app, "calendar")
    assert app.title[0].value == "Calendar" and len(app.dataframe) == 1

    page(app, "trends")
    app.selectbox(key="trend_metric").select("top_weight_kg — Squat (Barbell)").run()
    app.radio(key="trend_window").set_value(26).run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Slope per week"] == "2.500" and metrics["Significant"] == "yes"

    page(app, "anomalies")
    app.radio(key="anomaly_method").set_value("mad").run()
    flagged = query(warehouse, "SELECT count(*) AS n FROM fitness.anomalies WHERE method = 'mad'")[0]["n"]
    assert f"{flagged} flagged value(s) by Modified z-score (MAD)." in markdown_text(app)

    page(app, "classifier")
    assert app.title[0].value == "Classifier" and len(app.dataframe) == 3


@pytest.fixture(autouse=True)
def main_module_restored():
    """AppTest runs each page as `__main__` in this process and leaves it there; a process pool
    created later (the parallel parse in lib/silver/build.py) would then start every worker by
    running the page script, and fail (BrokenProcessPool in the next test that parses in parallel)."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
