"""The ingest notification: one message per successful ingest_job run, with what it changed per
source and layer (lib/quality/ingest_summary.py), through the alert channels and always the log.

Built from the run's own ASSET_MATERIALIZATION events (each ingest asset reports its counts under
INGEST_COUNTS_KEY), so it is the same whoever sends it and whenever. Exactly one sender per run:
- a run launched by the daemon, a sensor, a schedule or the UI: the `ingest_notifications`
  run-status sensor (SUCCESS only, so a failed run sends nothing);
- a run of `fitness run`: the CLI itself, right after the run succeeds, since no daemon need be
  running. It tags the run with NOTIFIED_BY_TAG, and the sensor leaves tagged runs alone, so a
  daemon that is running too does not send it a second time.
"""

import dagster as dg

from fitness_assets.defs.jobs import ingest_job
from fitness_assets.defs.resources import NotifierResource
from fitness_assets.lib.core.constants import INGEST_COUNTS_KEY
from fitness_assets.lib.quality.alerts import run_url
from fitness_assets.lib.quality.ingest_summary import IngestSummary, build_ingest_summary

# Set on a run whose notification its launcher sends itself (value: who); the sensor skips it.
NOTIFIED_BY_TAG = "fitness/ingest_notification"
NOTIFIED_BY_CLI = "fitness run"


def ingest_summary_of_run(instance: dg.DagsterInstance, run: dg.DagsterRun, notifier: NotifierResource) -> IngestSummary:
    """The run's notification, from the counts its materializations reported."""
    records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    reported = []
    for record in records:
        value = record.event_log_entry.asset_materialization.metadata.get(INGEST_COUNTS_KEY)
        if value is not None:
            reported.append((value.value["layer"], value.value["counts"]))
    return build_ingest_summary(run.job_name, run.run_id, run_url(notifier, run.run_id), reported)


def notify_ingest(instance: dg.DagsterInstance, run: dg.DagsterRun, notifier: NotifierResource, log) -> list[str]:
    """Send the run's notification to every configured channel and the log; returns the channels.
    A failing channel does not stop the others and is raised afterwards (lib/quality/alerts.py)."""
    return notifier.send(ingest_summary_of_run(instance, run, notifier), log, always_log=True)


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[ingest_job],
                      name="ingest_notifications", default_status=dg.DefaultSensorStatus.RUNNING,
                      description="One notification per successful ingest: rows new, changed, removed and "
                                  "quarantined per source and layer.")
def ingest_notifications(context: dg.RunStatusSensorContext, notifier: NotifierResource):
    run = context.dagster_run
    if run.tags.get(NOTIFIED_BY_TAG):
        # Logged, not a SkipReason: a tick handling several runs may not mix the two (see alerts.py).
        context.log.info(f"run {run.run_id[:8]}: notified by {run.tags[NOTIFIED_BY_TAG]}")
        return
    channels = notify_ingest(context.instance, run, notifier, context.log)
    context.log.info(f"run {run.run_id[:8]}: ingest notification sent via {', '.join(channels)}")
