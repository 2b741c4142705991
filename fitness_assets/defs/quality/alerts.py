"""Alert sensors: failed checks of successful runs, and failed runs.

Open-source Dagster's run-failure sensor never sees WARN or non-blocking check failures (the
run succeeds), so a run-status sensor on SUCCESS reads the run's check evaluations itself. A
check that fails exactly as it did last time (same severity, same offending rows) is not
re-sent unless FITNESS_ALERT_RESEND_UNCHANGED is set.

Both sensors monitor every code location, so runs without a code-location origin (a test's or a
script's `execute_in_process`) are judged too; `fitness run` records its location's origin.
"""

import dagster as dg
# Private: Dagster 1.13 exports no name for the status filter of check execution history.
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from fitness_assets.defs.resources import NotifierResource
from fitness_assets.lib.quality.alerts import Alert, FailedCheck, run_url

# Evaluations of one check looked at to find the one before a run's: runs judged by a tick
# are recent, so this reaches far enough back.
HISTORY_WINDOW = 100


def _metadata_value(evaluation, key: str, default=None):
    value = evaluation.metadata.get(key)
    return default if value is None else value.value


def check_evaluations_in_run(instance: dg.DagsterInstance, run_id: str) -> list:
    """Every AssetCheckEvaluation recorded in the run, in the order they happened."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    return [r.event_log_entry.dagster_event.event_specific_data for r in records]


def failed_checks_in_run(instance: dg.DagsterInstance, run_id: str) -> list:
    return [e for e in check_evaluations_in_run(instance, run_id) if not e.passed]


def is_repeat(instance: dg.DagsterInstance, evaluation, run_id: str) -> bool:
    """True when the evaluation of the same check just before this run's failed the same way.

    "Before" by storage id, not "the newest other": a tick may judge a run after later runs
    have already evaluated the same check.
    """
    key = dg.AssetCheckKey(evaluation.asset_key, evaluation.check_name)
    history = instance.event_log_storage.get_asset_check_execution_history(
        key, limit=HISTORY_WINDOW,
        status={AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED})
    this_run = [r.id for r in history if r.run_id == run_id]
    if not this_run:
        return False
    earlier = [r for r in history if r.id < min(this_run) and r.event is not None]  # newest first
    if not earlier:
        return False
    previous = earlier[0].event.dagster_event.event_specific_data
    return (not previous.passed and previous.severity == evaluation.severity
            and _metadata_value(previous, "fingerprint") == _metadata_value(evaluation, "fingerprint"))


def _failed_check(evaluation) -> FailedCheck:
    return FailedCheck(
        asset=evaluation.asset_key.to_user_string(), check=evaluation.check_name,
        severity=evaluation.severity.value, blocking=bool(evaluation.blocking),
        offending_rows=int(_metadata_value(evaluation, "offending_rows", 0)),
        checked_rows=int(_metadata_value(evaluation, "checked_rows", 0)),
        description=evaluation.description or "")


def failed_checks_alert(instance: dg.DagsterInstance, run: dg.DagsterRun, notifier: NotifierResource) -> Alert | None:
    failed = [evaluation for evaluation in failed_checks_in_run(instance, run.run_id)
              if notifier.resend_unchanged or not is_repeat(instance, evaluation, run.run_id)]
    if not failed:
        return None
    return Alert("failed_checks", run.job_name, run.run_id, run_url(notifier, run.run_id),
                 checks=[_failed_check(e) for e in failed])


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="failed_check_alerts",
                      default_status=dg.DefaultSensorStatus.RUNNING, monitor_all_code_locations=True,
                      description="Alerts on WARN/ERROR check failures in successful runs.")
def failed_check_alerts(context: dg.RunStatusSensorContext, notifier: NotifierResource):
    alert = failed_checks_alert(context.instance, context.dagster_run, notifier)
    if alert is None:
        # Logged, not a SkipReason: one daemon tick handles several runs, and Dagster rejects a
        # tick that mixes a SkipReason with the reaction recorded for an alerted run.
        context.log.info(f"run {context.dagster_run.run_id[:8]}: no new check failures")
        return
    channels = notifier.send(alert, context.log)
    context.log.info(f"alerted {len(alert.checks)} failed check(s) via {', '.join(channels)}")


@dg.run_failure_sensor(name="run_failure_alerts", default_status=dg.DefaultSensorStatus.RUNNING,
                       monitor_all_code_locations=True,
                       description="Alerts on failed runs: exceptions, blocking checks, the publishing gate.")
def run_failure_alerts(context: dg.RunFailureSensorContext, notifier: NotifierResource):
    run = context.dagster_run
    checks = [_failed_check(e) for e in failed_checks_in_run(context.instance, run.run_id)]
    alert = Alert("run_failure", run.job_name, run.run_id, run_url(notifier, run.run_id), checks=checks,
                  error=context.failure_event.message or "")
    channels = notifier.send(alert, context.log)
    context.log.info(f"alerted run failure via {', '.join(channels)}")


ALERT_SENSORS = [failed_check_alerts, run_failure_alerts]
