"""gold's checks: every week of data falls inside a weekly partition."""

import os
from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.defs.quality.checks import check_result, check_specs
from fitness_assets.defs.resources import WarehouseResource
from fitness_assets.lib.core.partitions_start import weeks_start
from fitness_assets.lib.quality.core import Finding


@dg.multi_asset_check(specs=check_specs("weekly_fitness_summary"))
def gold_checks(warehouse: WarehouseResource):
    """A week before the first weekly partition would never be published, with no other sign.

    Judged against the start the next code load will use (the one this run loaded may be older):
    without FITNESS_WEEKS_START the ingest has just recorded the first week with data, so only a
    FITNESS_WEEKS_START later than the data fails this."""
    first_partition = weeks_start(os.environ, Path(warehouse.fitness_home))
    with warehouse.engine.connect() as conn:
        early = pd.DataFrame(conn.execute(sa.text(
            "SELECT athlete_id AS athlete, min(week_start)::text AS week, count(*) AS weeks "
            "FROM fitness.weekly_fitness_summary WHERE week_start < CAST(:first AS date) "
            "GROUP BY athlete_id ORDER BY athlete_id"), {"first": first_partition}).all(),
            columns=["athlete", "week", "weeks"])
    problem = (f"{{}} week(s) of data before the first weekly partition {first_partition} would never be published: "
               "set FITNESS_WEEKS_START to {} (or earlier) and run again")
    early["problem"] = [problem.format(n, week) for n, week in zip(early["weeks"], early["week"])]
    message = (f"data starts in the week of {early['week'].min()}, before the first weekly partition "
               f"{first_partition}: set FITNESS_WEEKS_START={early['week'].min()} and run again") if len(early) else ""
    yield check_result("weekly_fitness_summary", "every_week_partitioned", Finding(early, len(early)), message)


GOLD_CHECKS = [gold_checks]
