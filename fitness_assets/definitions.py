"""The code location: every asset, check, job, sensor and resource, listed explicitly."""

import os
import warnings
from pathlib import Path

import dagster as dg

from fitness_assets.defs.automation.freshness import WEEKLY_FRESHNESS_CHECKS, weekly_freshness_sensor
from fitness_assets.defs.automation.schedules import hevy_api_sync_schedule, weekly_refresh_schedule
from fitness_assets.defs.automation.sensors import EXPORT_SENSORS
from fitness_assets.defs.catalog import standard_spec
from fitness_assets.defs.gold.assets import GOLD_VIEWS, gold_views_asset
from fitness_assets.defs.gold.checks import GOLD_CHECKS
from fitness_assets.defs.insights.assets import activity_classification
from fitness_assets.defs.insights.checks import INSIGHTS_CHECKS
from fitness_assets.defs.insights.tables import INSIGHT_TABLE_ASSETS
from fitness_assets.defs.jobs import (
    hevy_api_sync_job,
    ingest_job,
    weekly_payload_job,
    weekly_refresh_job,
    weekly_report_job,
)
from fitness_assets.defs.payloads.assets import weekly_payload
from fitness_assets.defs.quality.alerts import ALERT_SENSORS
from fitness_assets.defs.quality.ingest_notification import ingest_notifications
from fitness_assets.defs.raw.assets import raw_exports
from fitness_assets.defs.raw.hevy_api import hevy_api_sync
from fitness_assets.defs.reports.assets import published_reports, weekly_report
from fitness_assets.defs.resources import Configuration, build_resources, configuration_from
from fitness_assets.defs.silver.assets import SILVER_FRAME_STORE, silver_frames
from fitness_assets.defs.silver.checks import SILVER_CHECKS
from fitness_assets.defs.silver.frame_store import SilverFrameStore
from fitness_assets.defs.warehouse.assets import WAREHOUSE_TABLES, warehouse_tables
from fitness_assets.defs.warehouse.checks import WAREHOUSE_CHECKS

# A range run materializes its asset once per week: Dagster writes those events one INSERT and
# one commit each unless batching is on. With it, a step's materializations for all weeks go in
# one statement (dagster-postgres batches materializations and observations, defs/event_storage.py
# the planned events before a run): a backfill of the sample's whole range, on an instance holding
# its earlier runs, took 8.96 → 3.74 s CPU for the payload run and 8.69 → 4.85 s for the report run (issue 15). Set
# here because every process that executes runs (the CLI, the code server's run workers) imports
# this module; a deployment may still set its own value.
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", "1000")


def build_definitions(configuration: Configuration | None = None) -> dg.Definitions:
    """`configuration` defaults to the environment's; tests pass their own.

    Every asset gets the catalog's standard metadata (defs/catalog.py): owners (FITNESS_ASSET_OWNERS),
    a Markdown-safe description, code references to its Python function and SQL files, and the
    table name of warehouse tables and gold views."""
    configuration = configuration or configuration_from()
    sql_dir = Path(configuration.warehouse.sql_dir)
    owners = [owner.strip() for owner in configuration.notifier.asset_owners.split(",") if owner.strip()]
    # Code references are beta in Dagster 1.13 and say so once per reference (~150 notices per
    # load, in every process and in the webserver's log): accepted here, once, on purpose.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        assets = dg.with_source_code_references([
            raw_exports, hevy_api_sync, silver_frames, warehouse_tables, gold_views_asset(sql_dir),
            activity_classification, *INSIGHT_TABLE_ASSETS, weekly_payload, weekly_report, published_reports])
        # dg.map_asset_specs over the list: Definitions.map_asset_specs is only a preview in 1.13.
        assets = dg.map_asset_specs(func=standard_spec(owners, sql_dir, (*WAREHOUSE_TABLES, *GOLD_VIEWS)),
                                    iterable=assets)
    return dg.Definitions(
        assets=assets,
        asset_checks=[*SILVER_CHECKS, *WAREHOUSE_CHECKS, *GOLD_CHECKS, *INSIGHTS_CHECKS, *WEEKLY_FRESHNESS_CHECKS],
        jobs=[ingest_job, hevy_api_sync_job, weekly_payload_job, weekly_report_job, weekly_refresh_job],
        sensors=[*ALERT_SENSORS, ingest_notifications, *EXPORT_SENSORS, weekly_freshness_sensor],
        schedules=[weekly_refresh_schedule, hevy_api_sync_schedule],
        resources={**build_resources(configuration), SILVER_FRAME_STORE: SilverFrameStore()},
    )


defs = build_definitions()
