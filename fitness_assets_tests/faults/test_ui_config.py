"""What the Dagster UI serves about our resources: variable names, never secret values.

A real dagster-webserver on workspace.yaml, asked through its GraphQL endpoint the question the
UI's resource page asks (issue 10: "the resources' config that the webserver serves contains
neither" the database password nor the webhook token).
"""

from __future__ import annotations

import json

import pytest

from fitness_assets_tests.browser import dagster_webserver, graphql, without_project_settings


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


def _graphql(url: str, query: str, variables: dict | None = None) -> str:
    """The webserver's answer as served (text): a secret must appear nowhere in it, not only in
    the fields the test parses."""
    return json.dumps(graphql(url, query, variables))


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("ui_home")
    environment = without_project_settings() | ENVIRONMENT | {"FITNESS_HOME": str(home / "fitness"),
                                                              "DAGSTER_HOME": str(home)}
    with dagster_webserver(environment) as url:
        yield url


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
