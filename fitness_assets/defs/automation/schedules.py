"""Every Monday at 06:00 in FITNESS_TIMEZONE, publish the week that just ended.

The time zone comes from the partitions (build_schedule_from_partitioned_job takes it from
there). Missed ticks catch up: the daemon's scheduler launches each missed week, up to
`max_catchup_runs` in dagster.yaml.
"""

import dagster as dg

from fitness_assets.defs.jobs import weekly_refresh_job


def weekly_schedule_for(job) -> dg.ScheduleDefinition:
    return dg.build_schedule_from_partitioned_job(
        job, name=f"{job.name.removesuffix('_job')}_schedule", hour_of_day=6, minute_of_hour=0,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Monday 06:00 (FITNESS_TIMEZONE): payload and report of the week that just ended.")


weekly_refresh_schedule = weekly_schedule_for(weekly_refresh_job)
