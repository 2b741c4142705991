"""Every Monday at 06:00 in FITNESS_TIMEZONE, publish the week that just ended; every hour, sync
the Hevy API when HEVY_API_KEY is set.

The time zone comes from the partitions (build_schedule_from_partitioned_job takes it from
there). Missed ticks catch up: the daemon's scheduler launches each missed week, up to
`max_catchup_runs` in dagster.yaml.
"""

import dagster as dg

from fitness_assets.defs.jobs import hevy_api_sync_job, weekly_refresh_job
from fitness_assets.defs.partitions import TIMEZONE
from fitness_assets.defs.resources import HevyApiResource


def weekly_schedule_for(job) -> dg.ScheduleDefinition:
    return dg.build_schedule_from_partitioned_job(
        job, name=f"{job.name.removesuffix('_job')}_schedule", hour_of_day=6, minute_of_hour=0,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Monday 06:00 (FITNESS_TIMEZONE): payload and report of the week that just ended.")


weekly_refresh_schedule = weekly_schedule_for(weekly_refresh_job)


@dg.schedule(job=hevy_api_sync_job, cron_schedule="0 * * * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Hourly: the Hevy API's changes → raw → silver → warehouse → gold (then "
                         "refresh_changed_weeks publishes the weeks). Skips while HEVY_API_KEY is unset.")
def hevy_api_sync_schedule(context: dg.ScheduleEvaluationContext, hevy_api: HevyApiResource):
    if not hevy_api.enabled:
        return dg.SkipReason("HEVY_API_KEY is not set: the Hevy API sync is off")
    # One run per hour at most, whatever the catch-up: the sync itself asks for every change since.
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat(),
                         tags={"fitness/trigger": "hevy_api_schedule"})
