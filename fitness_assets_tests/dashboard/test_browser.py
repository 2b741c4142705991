"""`fitness dashboard` in a real browser: the CLI starts Streamlit on a free port against the built
warehouse, headless Chromium (the Debian package) loads every page; This week shows the report's
heading and the stored consistency score, and no page shows an error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from fitness_assets_tests.browser import REPOSITORY, Chromium, free_port, needs_chromium
from fitness_assets_tests.dashboard.conftest import LAST_WEEK, REPORTED_WEEK
from fitness_assets_tests.harness import query

pytestmark = needs_chromium


@pytest.fixture
def dashboard_url(warehouse, tmp_path):
    port = free_port()
    environment = os.environ | {
        "FITNESS_HOME": str(warehouse.home), "FITNESS_DATABASE_URL": warehouse.database_url,
        "FITNESS_INBOX": str(tmp_path), "PYTHONPATH": str(REPOSITORY), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    server = subprocess.Popen([sys.executable, "-m", "fitness_assets.cli", "dashboard", "--port", str(port)],
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the dashboard did not start: {server.stdout.read().decode()}") from None
                time.sleep(0.2)
        yield url
    finally:
        # SIGKILL of `fitness dashboard` alone: the Streamlit server it started must end with it
        server.kill()
        server.wait(timeout=10)
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
        except OSError:
            break
        assert time.monotonic() < deadline, "the Streamlit server outlived `fitness dashboard`"
        time.sleep(0.2)


# The other pages: URL path and the texts that show once the page has run to its end.
OTHER_PAGES = {
    "before_after": ("Before/after story", "Life event: week of", "Sample activities"),
    "calendar": ("Calendar", "Weekly totals"),
    "trends": ("Trends", "Slope per week", "Light band: 95 % prediction interval"),
    "anomalies": ("Anomalies", "flagged value(s) by IQR fences"),
    "classifier": ("Classifier", "Stored model", "Centroids (fastest first)", "Relabel with other parameters"),
    "data_quality": ("Data quality", "Latest check results", "1 row(s) kept out of the warehouse",
                     "1 value(s) changed by the corrections file"),
    "sql_explorer": ("SQL explorer", "Example queries", "Run query"),
}
ERRORS = "document.querySelectorAll('[data-testid=\"stException\"], [data-testid=\"stAlertContentError\"]').length"


def test_every_page_in_headless_chromium(dashboard_url, warehouse, tmp_path):
    """This week shows the report's heading and the stored consistency score; every page runs to
    its end without an exception or error box; a screenshot per page is kept in tmp_path."""
    score = query(warehouse, "SELECT consistency_score FROM fitness.consistency_weekly WHERE week_start = :w",
                  w=LAST_WEEK)[0]["consistency_score"]
    profile = tmp_path / "profile"
    profile.mkdir()
    browser = Chromium(dashboard_url, profile)
    errors = {}
    try:
        text = browser.wait_for_text(f"Weekly report: week of {REPORTED_WEEK}", "Consistency score",
                                     f"{score:,.1f}")
        browser.screenshot(tmp_path / "this_week.png")
        errors["this_week"] = browser.call("Runtime.evaluate", expression=ERRORS, returnByValue=True)
        for path, expected in OTHER_PAGES.items():
            browser.call("Page.navigate", url=f"{dashboard_url}/{path}")
            browser.wait_for_text(*expected)
            browser.screenshot(tmp_path / f"{path}.png")
            errors[path] = browser.call("Runtime.evaluate", expression=ERRORS, returnByValue=True)
            assert "Traceback" not in browser.text(), path
    finally:
        browser.close()
    assert "This week" in text and "Traceback" not in text
    assert {page: result["result"]["value"] for page, result in errors.items()} == dict.fromkeys(
        ["this_week", *OTHER_PAGES], 0)
    assert all((tmp_path / f"{page}.png").read_bytes()[:4] == b"\x89PNG" for page in errors)
