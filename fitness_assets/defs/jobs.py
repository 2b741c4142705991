from __future__ import annotations

import dagster as dg

from fitness_assets.defs.automation.freshness import WEEKLY_FRESHNESS_CHECKS

# Partitioned jobs take their weekly partitions from the assets they select (Dagster infers them;
# passing `partitions_def` too is deprecated since 1.11 and removed in 2.0).

# Everything unpartitioned: inbox → raw → silver → warehouse → insights (run/walk labels) → gold.
ingest_job = dg.define_asset_job(
    "ingest_job", selection=dg.AssetSelection.groups("raw", "silver", "warehouse", "insights", "gold"),
    description="Land the inbox and rebuild silver, warehouse tables, activity labels and gold views.")

# The Hevy API sync, then everything it feeds up to gold (the inbox is not landed).
hevy_api_sync_job = dg.define_asset_job(
    "hevy_api_sync_job",
    selection=dg.AssetSelection.assets("hevy_api_sync") | dg.AssetSelection.groups("silver", "warehouse", "insights", "gold"),
    description="Sync the Hevy API (HEVY_API_KEY) and rebuild silver, warehouse tables, activity labels and gold views.")

# The freshness checks judge the latest week, not the weeks a run builds: they run from their own
# sensor (defs/automation/freshness.py), never inside a run of old weeks, where they would fail.
# Definitions holding these jobs must hold those checks too (Dagster resolves the subtraction).
FRESHNESS_CHECKS = dg.AssetSelection.checks(*WEEKLY_FRESHNESS_CHECKS)

weekly_payload_job = dg.define_asset_job(
    "weekly_payload_job", selection=dg.AssetSelection.assets("weekly_payload") - FRESHNESS_CHECKS,
    description="Write weekly payloads; give it a partition range to backfill many weeks in one run.")

weekly_report_job = dg.define_asset_job(
    "weekly_report_job", selection=dg.AssetSelection.assets("weekly_report", "published_reports") - FRESHNESS_CHECKS,
    description="Write weekly reports and charts (and publish to S3 when configured).")

# What sensors and the schedule start: the payload, then the report, for a week or a range.
weekly_refresh_job = dg.define_asset_job(
    "weekly_refresh_job",
    selection=dg.AssetSelection.assets("weekly_payload", "weekly_report", "published_reports") - FRESHNESS_CHECKS,
    description="Re-publish weeks: payloads, then reports. Started by the schedule and after each ingest.")
