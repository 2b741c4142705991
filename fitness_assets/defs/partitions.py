"""Monday-start weekly partitions, matching PostgreSQL's date_trunc('week')."""

from __future__ import annotations

import dagster as dg

from fitness_assets.lib.settings import load_settings

_settings = load_settings()

# day_offset=1 makes Dagster weeks start on Monday (its default is Sunday). Changing the start,
# offset or time zone later orphans partition history: they are decided here, once.
weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=_settings.weeks_start, day_offset=1, timezone=_settings.timezone)
