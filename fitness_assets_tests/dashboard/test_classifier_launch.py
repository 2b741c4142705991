"""The Classifier page's "apply": a real dagster-webserver on workspace.yaml and a temporary
DAGSTER_HOME, asked through GraphQL to run activity_classification with other parameters. The
instance queues the run (QueuedRunCoordinator, no daemon), so nothing executes: the test reads
the queued run back from the instance."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg

from fitness_assets.dashboard import dagster_side

REPO = Path(__file__).resolve().parents[2]
INSTANCE_YAML = """
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
telemetry:
  enabled: false
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_apply_launches_a_classification_run_through_graphql(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML)
    port = _free_port()
    ui_url = f"http://127.0.0.1:{port}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}
    # Never connected to: loading the code location and queueing a run read no table.
    environment.update(DAGSTER_HOME=str(home), FITNESS_HOME=str(tmp_path / "fitness"),
                       FITNESS_DATABASE_URL="postgresql://fitness:unused@127.0.0.1:1/fitness",
                       PYTHONPATH=str(REPO))
    assert not dagster_side.webserver_reachable(ui_url)
    server = subprocess.Popen([sys.executable, "-m", "dagster_webserver", "-w", str(REPO / "workspace.yaml"),
                               "-h", "127.0.0.1", "-p", str(port)], cwd=REPO, env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not dagster_side.webserver_reachable(ui_url, timeout=1):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError("the webserver did not start:\n" + server.stdout.read().decode()[-3000:])
            time.sleep(0.5)
        launched = dagster_side.launch_classification(ui_url, {"k": 3, "min_activities": 9})
        assert launched.url == f"{ui_url}/runs/{launched.run_id}"
        urllib.request.urlopen(launched.url, timeout=30).read()  # the link the page shows opens
    finally:
        server.terminate()
        server.wait(timeout=30)

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_run_by_id(launched.run_id)
    assert run.status == dg.DagsterRunStatus.QUEUED
    assert run.asset_selection == {dg.AssetKey("activity_classification")}
    assert run.run_config["resources"]["classifier"]["config"] == {"k": 3, "min_activities": 9}
    assert run.tags["fitness/launched_by"] == "dashboard"
