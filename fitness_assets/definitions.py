"""The code location: every asset, job and resource, listed explicitly."""

from __future__ import annotations

import dagster as dg

from fitness_assets.defs.gold.assets import gold_views
from fitness_assets.defs.jobs import ingest_job, weekly_payload_job
from fitness_assets.defs.payloads.assets import weekly_payload
from fitness_assets.defs.raw.assets import raw_exports
from fitness_assets.defs.resources import build_resources
from fitness_assets.defs.silver.assets import silver_frames
from fitness_assets.defs.warehouse.assets import warehouse_tables

defs = dg.Definitions(
    assets=[raw_exports, silver_frames, warehouse_tables, gold_views, weekly_payload],
    jobs=[ingest_job, weekly_payload_job],
    resources=build_resources(),
)
