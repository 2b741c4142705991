"""What the Dagster UI serves about our resources: variable names, never secret values.

A real dagster-webserver on workspace.yaml, asked through its GraphQL endpoint the question the
UI's resource page asks (issue 10: "the resources' config that the webserver serves contains
neither" the database password nor the webhook token).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[2]
PASSWORD = "pw-ui-8Hq2Lz7"
TOKEN = "hook-ui-Tk55Q9x"
ENVIRONMENT = {
    # Never connected to: loading the code location reads the configuration, not the database.
    "FITNESS_DATABASE_URL": f"postgresql://fitness:{PASSWORD}@127.0.0.1:1/fitness",
    "FITNESS_ALERT_WEBHOOK_URL": f"https://hooks.example.com/services/{TOKEN}",
    "FITNESS_ALERT_CHANNELS": "log,webhook",
    "FITNESS_OUTLIER_IQR_K": "2.5",
}
RESOURCES_QUERY = """
query Resources($selector: RepositorySelector!) {
  allTopLevelResourceDetailsOrError(repositorySelector: $selector) {
    __typename
    ... on ResourceDetailsList { results { name configuredValues { key value type } } }
  }
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str, variables: dict | None = None) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", method="POST",
                                     data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("ui_home")
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}
    environment.update(ENVIRONMENT, FITNESS_HOME=str(home / "fitness"), DAGSTER_HOME=str(home))
    server = subprocess.Popen([sys.executable, "-m", "dagster_webserver", "-w", str(REPO / "workspace.yaml"),
                               "-h", "127.0.0.1", "-p", str(port)], cwd=REPO, env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the webserver did not start:\n" + server.stdout.read().decode()[-3000:])
                time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_ui_shows_secret_variables_by_name_and_never_their_values(webserver):
    answer = _graphql(webserver, RESOURCES_QUERY,
                      {"selector": {"repositoryLocationName": "fitness_assets", "repositoryName": "__repository__"}})
    assert PASSWORD not in answer and TOKEN not in answer
    resources = {r["name"]: {v["key"]: (v["type"], v["value"]) for v in r["configuredValues"]}
                 for r in json.loads(answer)["data"]["allTopLevelResourceDetailsOrError"]["results"]}
    assert resources["warehouse"]["database_url"] == ("ENV_VAR", "FITNESS_DATABASE_URL")
    assert resources["notifier"]["webhook_url"] == ("ENV_VAR", "FITNESS_ALERT_WEBHOOK_URL")
    # Plain settings are shown as values: the page tells a person what the deployment runs with.
    assert resources["quality"]["outlier_iqr_k"] == ("VALUE", "2.5")
    assert resources["notifier"]["channels"] == ("VALUE", '"log,webhook"')


def test_no_page_of_the_code_location_carries_a_secret(webserver):
    """The job snapshots, asset nodes and resource pages, as served: none holds a secret value."""
    answer = _graphql(webserver, """
    query {
      repositoriesOrError { ... on RepositoryConnection { nodes { name
        jobs { name runConfigYaml: presets { runConfigYaml } }
        allTopLevelResourceDetails { name configuredValues { key value } }
        assetNodes { assetKey { path } requiredResources { resourceKey } } } } }
      utilizedEnvVarsOrError(repositorySelector: {repositoryLocationName: "fitness_assets",
                                                  repositoryName: "__repository__"}) {
        ... on EnvVarWithConsumersList { results { envVarName } } }
    }""")
    assert "errors" not in json.loads(answer), answer[:2000]
    assert PASSWORD not in answer and TOKEN not in answer
    assert {"FITNESS_DATABASE_URL", "FITNESS_ALERT_WEBHOOK_URL"} <= {
        r["envVarName"] for r in json.loads(answer)["data"]["utilizedEnvVarsOrError"]["results"]}
