"""Real servers and a real browser for the tests: free local ports, a `dagster-webserver` on the
project's workspace.yaml, and headless Chromium (the Debian package) driven over the DevTools
protocol. Shared by the dashboard's browser test and the Dagster UI tests."""

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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPOSITORY = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs the chromium package")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def without_project_settings() -> dict[str, str]:
    """This process's environment without FITNESS_* and DAGSTER_* (a test sets its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}


@contextmanager
def dagster_webserver(environment: Mapping[str, str], port: int | None = None,
                      seconds: float = 120) -> Iterator[str]:
    """`dagster-webserver -w workspace.yaml` on a free port (or `port`) in `environment`; yields its
    URL once /server_info answers, and stops it afterwards."""
    port = port or free_port()
    server = subprocess.Popen([sys.executable, "-m", "dagster_webserver", "-w", str(REPOSITORY / "workspace.yaml"),
                               "-h", "127.0.0.1", "-p", str(port)], cwd=REPOSITORY, env=dict(environment),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(f"{url}/server_info", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise AssertionError("the webserver did not start:\n" + server.stdout.read().decode()[-3000:])
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    """The answer of the webserver at `url` to a GraphQL query, parsed."""
    request = urllib.request.Request(f"{url}/graphql", method="POST",
                                     data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


class Chromium:
    """Headless Chromium driven over the DevTools protocol (a websocket, one page target)."""

    def __init__(self, url: str, profile: Path, window: str = "1400,1000"):
        from websockets.sync.client import connect

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", f"--window-size={window}", url],
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

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def text(self) -> str:
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def wait_for_text(self, *expected: str, seconds: float = 30) -> str:
        """The page's text once every expected string shows (single-page apps draw as data arrives)."""
        deadline = time.monotonic() + seconds
        while missing := [e for e in expected if e not in (text := self.text())]:
            assert time.monotonic() < deadline, f"{missing!r} never appeared; the page shows: {text[:2000]}"
            time.sleep(0.25)
        return text

    def wait_for(self, expression: str, seconds: float = 30, what: str = ""):
        """The value of a JavaScript expression once it is truthy."""
        deadline = time.monotonic() + seconds
        while not (value := self.evaluate(expression)):
            assert time.monotonic() < deadline, f"{what or expression} never held; the page shows: {self.text()[:2000]}"
            time.sleep(0.25)
        return value

    def settle(self, seconds: float = 20) -> None:
        """Wait until no element is still a placeholder (Streamlit and the Dagster UI draw lazily
        loaded parts as grey skeletons first)."""
        self.wait_for("!document.querySelectorAll('[data-testid*=\"Skeleton\"], [class*=\"skeleton\" i]').length",
                      seconds, "the page finished drawing")

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def screenshot(self, path: Path) -> None:
        self.settle()
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
