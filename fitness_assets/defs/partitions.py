"""Monday-start weekly partitions, matching PostgreSQL's date_trunc('week')."""

from __future__ import annotations

import dagster as dg

from fitness_assets.lib.core.settings import load_settings

_settings = load_settings()

# day_offset=1 makes Dagster weeks start on Monday (its default is Sunday). Changing the start,
# offset or time zone later orphans partition history: they are decided here, once.
def weekly_partitions_for(weeks_start: str, timezone: str) -> dg.WeeklyPartitionsDefinition:
    return dg.WeeklyPartitionsDefinition(start_date=weeks_start, day_offset=1, timezone=timezone)


weekly_partitions = weekly_partitions_for(_settings.weeks_start, _settings.timezone)


def range_tags(first_week: str, last_week: str) -> dict[str, str]:
    """Run tags for one run over a range of weeks (range-aware assets read it as partition_keys)."""
    return {"dagster/asset_partition_range_start": first_week, "dagster/asset_partition_range_end": last_week}
