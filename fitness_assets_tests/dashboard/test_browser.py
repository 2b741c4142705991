"""`fitness dashboard` in a real browser: the CLI starts Streamlit on a free port against the built
warehouse, headless Chromium (the Debian package) loads every page; This week shows the report's
heading and the stored consistency score, and no page shows an error."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

from fitness_assets_tests.dashboard.conftest import LAST_WEEK, REPORTED_WEEK
from fitness_assets_tests.harness import query

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPOSITORY = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs the chromium package")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class Chromium:
    """Headless Chromium driven over the DevTools protocol (a websocket, one page target)."""

    def __init__(self, url: str, profile: Path):
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1400,1000", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        active_port = profile / "DevToolsActivePort"  # Chromium writes the port it chose here
        deadline = time.monotonic() + 20
        while not (active_port.exists() and active_port.read_text().strip()):
            assert time.monotonic() < deadline and self.process.poll() is None, "Chromium did not start"
            time.sleep(0.1)
        port = active_port.read_text().split()[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5).read())
        [page] = [t for t in targets if t["type"] == "page"]
        self.socket = connect(page["webSocketDebuggerUrl"], max_size=None)
        self.calls = 0

    def call(self, method: str, **params) -> dict:
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == self.calls:
                assert "error" not in message, message
                return message["result"]

    def text(self) -> str:
        result = self.call("Runtime.evaluate", expression="document.body.innerText", returnByValue=True)
        return result["result"].get("value") or ""

    def wait_for_text(self, *expected: str, seconds: float = 30) -> str:
        """The page's text once every expected string shows (Streamlit draws elements as they arrive)."""
        deadline = time.monotonic() + seconds
        while missing := [e for e in expected if e not in (text := self.text())]:
            assert time.monotonic() < deadline, f"{missing!r} never appeared; the page shows: {text[:2000]}"
            time.sleep(0.25)
        return text

    def settle(self, seconds: float = 20) -> None:
        """Wait until no element is still a placeholder (Streamlit draws lazily loaded widgets and
        charts as grey skeletons first)."""
        deadline = time.monotonic() + seconds
        while self.call("Runtime.evaluate", returnByValue=True, expression=(
                "document.querySelectorAll('[data-testid*=\"Skeleton\"], [class*=\"skeleton\" i]').length"
        ))["result"]["value"]:
            assert time.monotonic() < deadline, "the page never finished drawing"
            time.sleep(0.25)

    def screenshot(self, path: Path) -> None:
        self.settle()
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)


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
