"""Every page of the Streamlit app run headlessly by AppTest on the built warehouse: no exception,
its heading, and the warehouse's own figures on it."""

from __future__ import annotations

import json
import socket
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
    monkeypatch.setenv("DAGSTER_HOME", str(warehouse.home / "dagster"))
    monkeypatch.setenv("FITNESS_UI_URL", f"http://127.0.0.1:{closed_port()}")
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when this returns: nothing answers there


def test_an_empty_warehouse_says_what_to_run(postgres_server, monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, new_database(postgres_server))
    monkeypatch.setenv(REPORT_DIR_VARIABLE, str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    assert "run `fitness run` first" in app.info[0].value


def test_a_password_is_asked_before_anything_is_read(postgres_server, monkeypatch, tmp_path):
    # The database does not exist: a page reading it before the password would fail loudly.
    monkeypatch.setenv(DATABASE_URL_VARIABLE, new_database(postgres_server).rsplit("/", 1)[0] + "/no_such_db")
    monkeypatch.setenv(REPORT_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv("FITNESS_DASHBOARD_PASSWORD", "s3cret-Dash")
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    assert not app.exception and [t.label for t in app.text_input] == ["Password"] and not app.error
    app.text_input(key="password").input("guess").run()
    assert app.error[0].value == "Wrong password." and not app.exception
    app.text_input(key="password").input("s3cret-Dash").run()
    # Signed in: the app goes on to the warehouse (here a missing one), and the password is gone.
    assert app.session_state["signed_in"] and "password" not in app.session_state
    assert "s3cret-Dash" not in str(app)


def test_the_dashboard_refuses_to_listen_beyond_localhost_without_a_password(monkeypatch, tmp_path, capsys):
    from fitness_assets.cli import main

    monkeypatch.delenv("FITNESS_DASHBOARD_PASSWORD", raising=False)
    monkeypatch.setenv("FITNESS_HOME", str(tmp_path))
    assert main(["dashboard", "--", "--server.address", "0.0.0.0"]) == 1
    assert main(["dashboard", "--", "--server.address=192.168.1.5"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert [line.split(" with no")[0] for line in errors] == [
        "error: the dashboard would listen on 0.0.0.0", "error: the dashboard would listen on 192.168.1.5"]


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
    # the insight checks the fixture's run evaluated, all passing; the last run was the report's
    assert "Last pipeline run: weekly_report_job, success" in "\n".join(caption.value for caption in app.caption)
    assert any(text.startswith("No failed check among the latest results of 7 check(s)") for text in
               (element.value for element in app.markdown))


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
    model = query(warehouse, "SELECT * FROM fitness.classifier_models")[0]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Method"] == "kmeans" and metrics["Clusters (k)"] == str(model["k"])
    assert metrics["Silhouette, k = 2"] == f"{model['silhouette_k2']:.4f}"
    assert app.dataframe[0].value["parameter"].tolist()[:2] == ["k", "random_state"]
    centroids = app.dataframe[1].value
    assert len(centroids) == model["k"] and centroids["pace_min_per_km"].is_monotonic_increasing


def test_the_classifier_shows_the_command_when_no_webserver_answers(app):
    page(app, "classifier")
    app.selectbox(key="k").set_value(3)
    app.number_input(key="min_activities").set_value(9)
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert "does not answer" in app.info[0].value
    assert app.code[0].value == "FITNESS_CLASSIFIER_K=3 FITNESS_CLASSIFIER_MIN_ACTIVITIES=9 fitness run"


def test_data_quality_shows_checks_quarantine_and_corrections(app, monkeypatch):
    page(app, "data_quality")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Failed"] == "0" and metrics["Passed"] == "7"
    checks = app.dataframe[0].value
    # the insight tables' checks (catalog rules) and the payload's and report's (found in their runs)
    assert set(checks.loc[checks["status"] == "passed", "check"]) == {
        "payload_matches_contract", "report_grounded", "report_written", "scores_in_range", "intervals_contain_estimates",
        "flags_outside_bounds", "shares_sum_to_one"}
    assert (checks["status"] == "not run").sum() == int(metrics["Not run yet"].replace(",", "")) > 0
    quarantine, corrections = app.dataframe[1].value, app.dataframe[3].value
    assert quarantine.iloc[0][["rule", "source_file", "rows"]].tolist() == ["no_negative_values", "workouts.csv", 1]
    assert corrections.iloc[0][["field", "old_value", "new_value"]].tolist() == ["calories_kcal", "90000", "2900"]

    monkeypatch.delenv("DAGSTER_HOME")
    page(app, "data_quality")
    assert "No Dagster instance configured" in app.info[0].value


def test_the_sql_explorer_runs_an_example_and_shows_a_refusal(app):
    page(app, "sql_explorer")
    app.selectbox(key="explorer_example").select("Tables and views of the warehouse").run()
    app.number_input(key="explorer_limit").set_value(3)
    app.button(key="explorer_run").click().run()
    assert not app.exception, app.exception
    assert len(app.dataframe[0].value) == 3
    assert "**truncated at the row limit (3)**" in markdown_text(app)
    [csv_button, json_button] = app.get("download_button")
    assert [b.proto.label for b in (csv_button, json_button)] == ["Download CSV", "Download JSON"]

    app.text_area(key="explorer_sql").input("DELETE FROM fitness.sets").run()
    app.button(key="explorer_run").click().run()
    assert app.error[0].value.startswith("Refused (SQLSTATE 25006, ReadOnlySqlTransaction): cannot execute DELETE")


@pytest.fixture(autouse=True)
def main_module_restored():
    """AppTest runs each page as `__main__` in this process and leaves it there; a process pool
    created later (the parallel parse in lib/silver/build.py) would then start every worker by
    running the page script, and fail (BrokenProcessPool in the next test that parses in parallel)."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
