"""Monday-start weekly partitions, matching PostgreSQL's date_trunc('week').

This is the one definition that reads the environment when the code location loads, and must: a
partitions definition is the shape of the asset graph, fixed before any run, while resources are
bound only when a run starts. FITNESS_WEEKS_START and FITNESS_TIMEZONE are read here and nowhere
else (the quality resource reads FITNESS_TIMEZONE for "today", through defs/resources.py; the
`every_week_partitioned` check asks lib/core/partitions_start.py what the next load will use).

Without FITNESS_WEEKS_START the partitions start at the first week with data, as the last ingest
recorded it in FITNESS_HOME/partitions_start (lib/core/partitions_start.py), so the UI lists no
years of empty weeks and its backfill dialog's default range holds data.
"""

from __future__ import annotations

import os

import dagster as dg

from fitness_assets.lib.core.partitions_start import weeks_start

TIMEZONE = "UTC"


# day_offset=1 makes Dagster weeks start on Monday (its default is Sunday). Changing the offset or
# time zone later, or moving the start later, orphans partition history: they are decided once per
# deployment; the recorded start only ever moves earlier, which orphans nothing.
def weekly_partitions_for(start: str, timezone: str) -> dg.WeeklyPartitionsDefinition:
    return dg.WeeklyPartitionsDefinition(start_date=start, day_offset=1, timezone=timezone)


weekly_partitions = weekly_partitions_for(weeks_start(os.environ), os.environ.get("FITNESS_TIMEZONE") or TIMEZONE)


def range_tags(first_week: str, last_week: str) -> dict[str, str]:
    """Run tags for one run over a range of weeks (range-aware assets read it as partition_keys)."""
    return {"dagster/asset_partition_range_start": first_week, "dagster/asset_partition_range_end": last_week}
