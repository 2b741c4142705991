"""Monday-start weekly partitions, matching PostgreSQL's date_trunc('week').

This is the one definition that reads the environment when the code location loads, and must: a
partitions definition is the shape of the asset graph, fixed before any run, while resources are
bound only when a run starts. FITNESS_WEEKS_START and FITNESS_TIMEZONE are read here and nowhere
else (the quality resource reads FITNESS_TIMEZONE for "today", through defs/resources.py).
"""

from __future__ import annotations

import os

import dagster as dg

WEEKS_START = "2015-01-05"
TIMEZONE = "UTC"


# day_offset=1 makes Dagster weeks start on Monday (its default is Sunday). Changing the start,
# offset or time zone later orphans partition history: they are decided once per deployment.
def weekly_partitions_for(weeks_start: str, timezone: str) -> dg.WeeklyPartitionsDefinition:
    return dg.WeeklyPartitionsDefinition(start_date=weeks_start, day_offset=1, timezone=timezone)


weekly_partitions = weekly_partitions_for(os.environ.get("FITNESS_WEEKS_START") or WEEKS_START,
                                          os.environ.get("FITNESS_TIMEZONE") or TIMEZONE)


def range_tags(first_week: str, last_week: str) -> dict[str, str]:
    """Run tags for one run over a range of weeks (range-aware assets read it as partition_keys)."""
    return {"dagster/asset_partition_range_start": first_week, "dagster/asset_partition_range_end": last_week}
