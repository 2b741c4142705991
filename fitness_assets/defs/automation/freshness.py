"""A week not published by Tuesday is flagged: a freshness check on `weekly_payload` and
`weekly_report` fails, from Tuesday 00:00 (FITNESS_TIMEZONE), while the partition of the week
that ended on Sunday has no materialization; a sensor evaluates it after each deadline and the
failed-check alerts (defs/quality/alerts.py) report it.

Dagster 1.13 marks the partition freshness checks as superseded by `FreshnessPolicy`, but a
policy judges an asset's latest materialization of any partition: after a backfill of 2019 a
missing last week would look fresh. The time-partition check asks for that one week's partition,
which is what "published" means here.
"""

import warnings

import dagster as dg

from fitness_assets.defs.partitions import weekly_partitions

WEEKLY_OUTPUTS = ("weekly_payload", "weekly_report")
# Tuesday 00:00: the Monday 06:00 schedule and a day of retries come first.
PUBLISHED_BY_CRON = "0 0 * * 2"

with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=dg.SupersessionWarning)
    WEEKLY_FRESHNESS_CHECKS = dg.build_time_partition_freshness_checks(
        assets=list(WEEKLY_OUTPUTS), deadline_cron=PUBLISHED_BY_CRON, timezone=weekly_partitions.timezone,
        severity=dg.AssetCheckSeverity.WARN)
    weekly_freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=WEEKLY_FRESHNESS_CHECKS, name="weekly_freshness_sensor", minimum_interval_seconds=600,
        default_status=dg.DefaultSensorStatus.RUNNING)
