"""What the dashboard reads from Dagster and asks of it: the latest asset-check results (from the
instance in DAGSTER_HOME, not the warehouse), the last pipeline runs, the classifier's parameters,
and a run of `activity_classification` launched through the webserver's GraphQL API.

Plain functions returning DataFrames and values; the pages cache them. `lib/` may not import
Dagster, so this sits beside the app.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from fitness_assets.defs.resources import VARIABLES, ClassifierResource
from fitness_assets.lib.core.redact import redact_text
from fitness_assets.lib.insights.classify import PARAMETER_FIELDS
from fitness_assets.lib.quality.catalog import RULES

CLASSIFICATION_ASSET = "activity_classification"
LOCATION = "fitness_assets"          # workspace.yaml's location name
REPOSITORY = "__repository__"        # the name Dagster gives a Definitions object's repository
ASSET_JOB = "__ASSET_JOB"            # the implicit job every asset selection runs in
RECENT_RUNS = 25                     # runs read for check keys beyond the rule catalog (freshness checks)
CHECK_COLUMNS = ["asset", "check", "status", "passed", "severity", "evaluated_at", "partition", "description",
                 "run_id"]

_LAUNCH = """
mutation Launch($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on Error { message }
  }
}"""


def instance_home() -> Path | None:
    """DAGSTER_HOME when it names a folder (`fitness dashboard` sets it to the pipeline's instance)."""
    home = os.environ.get("DAGSTER_HOME", "")
    return Path(home) if home and Path(home).is_dir() else None


NO_INSTANCE = ("No Dagster instance configured (DAGSTER_HOME is unset or not a folder): check results live in "
               "Dagster's run storage. Start the dashboard with `fitness dashboard`, which points at the "
               "pipeline's instance, or set DAGSTER_HOME.")


def open_instance() -> dg.DagsterInstance | None:
    return dg.DagsterInstance.get() if instance_home() is not None else None


def _catalog_keys() -> set[dg.AssetCheckKey]:
    return {dg.AssetCheckKey(dg.AssetKey(rule.asset), rule.name) for rule in RULES}


def latest_check_results(instance: dg.DagsterInstance) -> pd.DataFrame:
    """The latest completed evaluation (passed or failed) of every check the rule catalog names or
    a recent run evaluated (freshness checks, insight checks), one row each; catalog rules never
    evaluated are 'not run'. Failed first, then by asset and check."""
    keys = _catalog_keys()
    for run in instance.get_run_records(limit=RECENT_RUNS):
        for record in instance.get_records_for_run(run.dagster_run.run_id,
                                                   of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records:
            keys.add(record.event_log_entry.dagster_event.asset_check_evaluation_data.asset_check_key)
    summaries = instance.event_log_storage.get_asset_check_summary_records(sorted(keys, key=str))
    rows = []
    for key in keys:
        summary = summaries.get(key)
        record = summary.last_completed_check_execution_record if summary else None
        evaluation = (record.event.dagster_event.asset_check_evaluation_data
                      if record is not None and record.event is not None and record.event.dagster_event else None)
        if record is None:
            status, passed = "not run", None
        else:
            passed = record.status == AssetCheckExecutionRecordStatus.SUCCEEDED
            status = "passed" if passed else "failed"
        rows.append({
            "asset": key.asset_key.to_user_string(), "check": key.name, "status": status, "passed": passed,
            "severity": evaluation.severity.value if evaluation is not None else None,
            "evaluated_at": (datetime.fromtimestamp(record.create_timestamp, timezone.utc).replace(microsecond=0)
                             if record is not None else None),
            "partition": record.partition if record is not None else None,
            "description": (evaluation.description if evaluation is not None and evaluation.description
                            else next((r.description for r in RULES if (r.asset, r.name) ==
                                       (key.asset_key.to_user_string(), key.name)), None)),
            "run_id": record.run_id if record is not None else None})
    order = {"failed": 0, "passed": 1, "not run": 2}
    frame = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    return (frame.assign(_order=frame["status"].map(order)).sort_values(["_order", "asset", "check"])
            .drop(columns="_order").reset_index(drop=True))


def last_runs(instance: dg.DagsterInstance, limit: int = 5) -> pd.DataFrame:
    """The newest runs: job, status, start and end (UTC), newest first."""
    rows = [{"job": r.dagster_run.job_name, "status": r.dagster_run.status.value,
             "started": _utc(r.start_time), "ended": _utc(r.end_time), "run_id": r.dagster_run.run_id}
            for r in instance.get_run_records(limit=limit)]
    return pd.DataFrame(rows, columns=["job", "status", "started", "ended", "run_id"])


def _utc(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(microsecond=0) if timestamp else None


# --- The classifier ----------------------------------------------------------------------------

def classifier_parameters(configured: ClassifierResource) -> pd.DataFrame:
    """Every parameter: the configured value, the default and the variable that sets it."""
    variables = {v.field: v.name for v in VARIABLES if v.resource == "classifier"}
    defaults = ClassifierResource()
    return pd.DataFrame([{"parameter": name, "value": getattr(configured, name), "default": getattr(defaults, name),
                          "variable": variables.get(name, "")} for name in PARAMETER_FIELDS])


def changed_parameters(configured: ClassifierResource, chosen: dict) -> dict:
    """The chosen values that differ from the configured ones (all a run needs to be told)."""
    return {name: value for name, value in chosen.items() if getattr(configured, name) != value}


def cli_command(chosen: dict) -> str:
    """The shell command that relabels with the chosen parameters: `fitness run` with them set."""
    variables = {v.field: v.name for v in VARIABLES if v.resource == "classifier"}
    settings = " ".join(f"{variables[name]}={_shell_value(value)}" for name, value in chosen.items())
    return f"{settings} fitness run".strip()


def _shell_value(value) -> str:
    text = str(value)
    return text if text and all(c.isalnum() or c in "._-:" for c in text) else "'" + text.replace("'", "'\\''") + "'"


def webserver_reachable(ui_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{ui_url.rstrip('/')}/server_info", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class Launched:
    run_id: str
    url: str


class LaunchFailed(Exception):
    pass


def launch_classification(ui_url: str, chosen: dict, timeout: float = 60.0) -> Launched:
    """A run of activity_classification with `chosen` as the classifier resource's run config,
    through the webserver's GraphQL `launchRun` (the UI's own call)."""
    params = {"selector": {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "jobName": ASSET_JOB,
                           "assetSelection": [{"path": [CLASSIFICATION_ASSET]}]},
              "runConfigData": {"resources": {"classifier": {"config": chosen}}},
              "executionMetadata": {"tags": [{"key": "fitness/launched_by", "value": "dashboard"}]}}
    request = urllib.request.Request(f"{ui_url.rstrip('/')}/graphql", method="POST",
                                     data=json.dumps({"query": _LAUNCH, "variables": {"executionParams": params}}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except (OSError, ValueError) as error:
        raise LaunchFailed(redact_text(f"the Dagster webserver at {ui_url} did not answer: {error}")) from None
    if answer.get("errors"):
        raise LaunchFailed(redact_text("; ".join(e.get("message", "") for e in answer["errors"])))
    result = answer["data"]["launchRun"]
    if result["__typename"] != "LaunchRunSuccess":
        messages = [e["message"] for e in result.get("errors") or []] or [result.get("message", "")]
        raise LaunchFailed(redact_text(f"{result['__typename']}: {'; '.join(messages)}"))
    run_id = result["run"]["runId"]
    return Launched(run_id, f"{ui_url.rstrip('/')}/runs/{run_id}")
