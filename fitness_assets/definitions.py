"""The code location: every asset, check, job, sensor and resource, listed explicitly."""

import dagster as dg

from fitness_assets.defs.automation.schedules import weekly_refresh_schedule
from fitness_assets.defs.automation.sensors import EXPORT_SENSORS
from fitness_assets.defs.gold.assets import gold_views_asset
from fitness_assets.defs.jobs import ingest_job, weekly_payload_job, weekly_refresh_job, weekly_report_job
from fitness_assets.defs.payloads.assets import weekly_payload
from fitness_assets.defs.quality.alerts import ALERT_SENSORS
from fitness_assets.defs.quality.checks import QUALITY_CHECKS
from fitness_assets.defs.raw.assets import raw_exports
from fitness_assets.defs.reports.assets import published_reports, weekly_report
from fitness_assets.defs.resources import build_resources
from fitness_assets.defs.silver.assets import silver_frames
from fitness_assets.defs.warehouse.assets import warehouse_tables
from fitness_assets.lib.core.settings import Settings, load_settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """`settings` defaults to the environment; tests pass their own."""
    settings = settings or load_settings()
    return dg.Definitions(
        assets=[raw_exports, silver_frames, warehouse_tables, gold_views_asset(settings.sql_dir), weekly_payload, weekly_report,
                published_reports],
        asset_checks=QUALITY_CHECKS,
        jobs=[ingest_job, weekly_payload_job, weekly_report_job, weekly_refresh_job],
        sensors=[*ALERT_SENSORS, *EXPORT_SENSORS],
        schedules=[weekly_refresh_schedule],
        resources=build_resources(settings),
    )


defs = build_definitions()
