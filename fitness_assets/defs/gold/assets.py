"""gold: weekly SQL views, one file each under sql/gold/, created in file-name order.

Each view's code version is a digest of its SQL file: editing a view marks it, and through it the
weekly payloads, stale in the UI; the next refresh rebuilds the payloads and rewrites only the
weeks whose bytes change.
"""


import hashlib
import os
import re
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from fitness_assets.defs.catalog import column_schemas, table_metadata
from fitness_assets.defs.progress import report
from fitness_assets.defs.resources import WarehouseResource
from fitness_assets.defs.warehouse.assets import WAREHOUSE_TABLES
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.core.partitions_start import record_first_week, weeks_start
from fitness_assets.lib.warehouse.database import run_sql_file


# min(week_start) of weekly_fitness_summary without computing the view (2.4 s on a million sets,
# every ingest): its weeks are the union of the Monday weeks of every workout, diet day and
# activity, unfiltered (sql/gold/07). test_first_week_is_the_summarys_first_week holds them equal.
FIRST_WEEK_SQL = """SELECT date_trunc('week', least((SELECT min(training_date) FROM fitness.workouts),
                                        (SELECT min(diet_date) FROM fitness.diet_daily),
                                        (SELECT min(activity_date) FROM fitness.activities)))::date::text"""


def view_name(path: Path) -> str:
    """File name without its order prefix: 01_daily_exercises.sql → daily_exercises."""
    return path.stem.split("_", 1)[1]


def sql_code_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def gold_sql_files(sql_dir: Path) -> dict[str, Path]:
    return {view_name(path): path for path in sorted((sql_dir / "gold").glob("*.sql"))}


GOLD_VIEWS = tuple(gold_sql_files(DEFAULT_SQL_DIR))
# Tables that only exist in full once `activity_classification` has run: a view reading them
# must wait for the labels, not just for the load.
ACTIVITY_TABLES = frozenset({"activities", "activity_classification"})
LABELS_ASSET = "activity_classification"
_RELATION = re.compile(r"\bfitness\.(\w+)")
_COMMENT = re.compile(r"--[^\n]*")


def view_relations(files: dict[str, Path]) -> dict[str, set[str]]:
    """Each view → the fitness relations its SQL names (comments stripped, itself left out)."""
    return {view: set(_RELATION.findall(_COMMENT.sub("", path.read_text("utf-8")))) - {view}
            for view, path in files.items()}


def view_deps(files: dict[str, Path]) -> dict[str, list[str]]:
    """Each view → exactly the warehouse tables and earlier views its SQL reads, and the labels
    (`activity_classification`) for a view reading fitness.activities. A view reading activities
    through an earlier view waits for the labels through that view's edge. A relation no asset
    makes (or a later view) is an error: nothing would order it before the view."""
    deps: dict[str, list[str]] = {}
    for view, relations in view_relations(files).items():
        unknown = sorted(relations - {*WAREHOUSE_TABLES, *deps, LABELS_ASSET})
        if unknown:
            raise ValueError(f"{files[view].name} reads fitness.{', fitness.'.join(unknown)}: neither a warehouse "
                             "table nor an earlier view, so no asset orders it before the view")
        deps[view] = sorted(relations | ({LABELS_ASSET} if relations & ACTIVITY_TABLES else set()))
    return deps


def view_description(path: Path) -> str:
    """The comment that opens a view's SQL file (the file is the view's documentation); its
    indented lines, which list columns, as a Markdown list."""
    parts, in_list = [], False
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("--"):
            break
        text = line[2:]
        indent = len(text) - len(text.lstrip())
        if indent in (2, 3):                        # "--   column: meaning" starts an item
            parts.append("\n- ")
            in_list = True
        elif indent < 2 and in_list:                # back to prose after the list
            parts.append("\n\n")
            in_list = False
        else:                                       # a wrapped line of the same paragraph or item
            parts.append(" ")
        parts.append(text.strip())
    return "".join(parts).strip() or f"The view {path.name} creates."


def gold_views_asset(sql_dir: Path) -> dg.AssetsDefinition:
    """The views of `sql_dir` (FITNESS_SQL_DIR, the same folder the warehouse resource reads),
    each versioned by a digest of the file that creates it."""
    files = gold_sql_files(sql_dir)
    deps = view_deps(files)
    specs = [dg.AssetSpec(view, group_name="gold", kinds={"postgres", "sql", "view"}, description=view_description(path),
                          deps=deps[view], code_version=sql_code_version(path))
             for view, path in files.items()]

    @dg.multi_asset(name="gold_views", specs=specs)
    def gold_views(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        """CREATE OR REPLACE every view: idempotent, and always matching the SQL files on disk.

        No row counts here: counting a view computes it over the whole warehouse (seconds per
        million sets), on every ingest. `fitness run` prints the counts once at the end.
        Each view's columns (dagster/column_schema) come from PostgreSQL, in one query.
        The first week with data is recorded as the weekly partitions' start (unless
        FITNESS_WEEKS_START sets it): lib/core/partitions_start.py.
        """
        files = gold_sql_files(warehouse.sql_path)
        with warehouse.engine.begin() as conn:
            for path in files.values():
                run_sql_file(conn, path)
            schemas = column_schemas(conn, GOLD_VIEWS)
            first_week = conn.execute(sa.text(FIRST_WEEK_SQL)).scalar_one()
        if first_week and not os.environ.get("FITNESS_WEEKS_START"):
            record_first_week(Path(warehouse.fitness_home), first_week)
        report(context, f"gold: {len(files)} views")
        weeks = {"first_week_with_data": first_week or "none yet",
                 "partitions_start": weeks_start(os.environ, Path(warehouse.fitness_home))}
        for view in GOLD_VIEWS:
            yield dg.MaterializeResult(asset_key=view, metadata={
                "columns": dg.MetadataValue.text(", ".join(c.name for c in schemas[view].columns)),
                **table_metadata(view, schemas[view]),
                **(weeks if view == "weekly_fitness_summary" else {}),
                "sql": dg.MetadataValue.md(f"```sql\n{files[view].read_text()}\n```")})

    return gold_views


gold_views = gold_views_asset(DEFAULT_SQL_DIR)
