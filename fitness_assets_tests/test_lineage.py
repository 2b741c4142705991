"""Lineage from the code and SQL: each warehouse table depends on the silver frames its load
statements read, each gold view on exactly the relations PostgreSQL says it reads, each insight
on the tables its queries name."""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from fitness_assets.defs.gold.assets import LABELS_ASSET, gold_sql_files, gold_views_asset, view_deps
from fitness_assets.defs.insights import tables as insight_tables
from fitness_assets.defs.warehouse.assets import SILVER_INPUTS, WAREHOUSE_TABLES, table_deps, warehouse_tables
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.insights import sources
from fitness_assets.lib.warehouse.database import apply_migrations, run_sql_file
from fitness_assets.lib.warehouse.load import LOADER_INPUTS, STAGING

_COMMENT = re.compile(r"--[^\n]*")
_FITNESS = re.compile(r"\bfitness\.(\w+)\b(?!\s*\()")


def deps_of(assets: dg.AssetsDefinition) -> dict[str, set[str]]:
    return {key.to_user_string(): {d.to_user_string() for d in keys} for key, keys in assets.asset_deps.items()}


def copy_sql(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_SQL_DIR, tmp_path / "sql")
    return tmp_path / "sql"


def test_every_staging_table_is_declared_with_inputs_the_loader_has():
    created = set(re.findall(r"CREATE TEMP TABLE (stage_\w+)", (DEFAULT_SQL_DIR / "warehouse" / "load" /
                                                                 "00_staging.sql").read_text("utf-8")))
    assert set(STAGING) == created
    assert all(set(staged.reads) <= set(LOADER_INPUTS) for staged in STAGING.values())


def test_warehouse_tables_depend_on_the_silver_frames_they_are_loaded_from():
    deps = deps_of(warehouse_tables)
    assert deps == {table: set(d) for table, d in table_deps().items()}
    assert deps["sets"] == {"silver_workout_sets", "silver_file_accounts"}  # removals judge the snapshots
    assert deps["diet_daily"] == {"silver_diet_days", "silver_file_accounts"}
    assert deps["cycles"] == {"silver_cycles", "silver_diet_days", "silver_file_accounts"}  # kept while a day uses it
    assert deps["quarantine"] == {"silver_quarantine"}
    assert deps["raw_manifest"] == {"raw_exports", "hevy_api_sync"}
    # templates and the workouts' titles, through fitness.exercises
    assert deps["exercise_muscle_map"] == {"silver_exercise_templates", "silver_workout_sets", "silver_file_accounts"}
    assert all(deps[table] for table in WAREHOUSE_TABLES)
    edges = sum(len(d) for d in deps.values())
    assert edges < len(WAREHOUSE_TABLES) * len(SILVER_INPUTS) / 2  # not the old full mesh


def test_a_load_statement_reading_another_staging_table_changes_the_lineage(tmp_path):
    sql_dir = copy_sql(tmp_path)
    assert "silver_diet_days" not in table_deps(sql_dir)["quarantine"]
    with (sql_dir / "warehouse" / "load" / "10_load.sql").open("a", encoding="utf-8") as sql:
        sql.write("\n-- name: diet_quarantine\nINSERT INTO fitness.quarantine (athlete_id) "
                  "SELECT athlete_id FROM stage_diet;\n")
    assert "silver_diet_days" in table_deps(sql_dir)["quarantine"]


def test_gold_views_depend_on_exactly_what_postgresql_says_they_read(database_url):
    """PostgreSQL's own record of each view's relations (information_schema.view_table_usage) is
    the oracle: a relation the SQL reads that the asset does not depend on, or a dependency the
    SQL does not read, fails."""
    engine = sa.create_engine(database_url)
    apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")
    with engine.begin() as conn:
        for path in gold_sql_files(DEFAULT_SQL_DIR).values():
            run_sql_file(conn, path)
        rows = conn.execute(sa.text("SELECT view_name, table_name FROM information_schema.view_table_usage "
                                    "WHERE view_schema = 'fitness'")).all()
    engine.dispose()
    read: dict[str, set[str]] = {}
    for view, table in rows:
        read.setdefault(view, set()).add(table)
    deps = deps_of(gold_views_asset(DEFAULT_SQL_DIR))
    assert set(deps) == set(read)
    for view, tables in read.items():
        # fitness.activity_classification is both a table and the asset that writes it
        assert deps[view] == tables | ({LABELS_ASSET} if "activities" in tables else set()), view
    assert deps["weekly_diet_summary"] == {"diet_daily"}
    assert deps["weekly_exercise_progression"] == {"weekly_exercise_performance"}


def test_a_view_reading_a_relation_no_asset_makes_fails_the_definitions(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "01_a.sql").write_text("-- not fitness.diet_daily\nCREATE VIEW fitness.a AS SELECT 1;\n")
    (tmp_path / "gold" / "02_b.sql").write_text("CREATE VIEW fitness.b AS SELECT * FROM fitness.a, fitness.sets;\n")
    assert view_deps(gold_sql_files(tmp_path)) == {"a": [], "b": ["a", "sets"]}  # comments do not count
    (tmp_path / "gold" / "03_c.sql").write_text("CREATE VIEW fitness.c AS SELECT * FROM fitness.consistency_weekly;\n")
    with pytest.raises(ValueError, match="03_c.sql reads fitness.consistency_weekly"):
        view_deps(gold_sql_files(tmp_path))


def _relations_read(function) -> set[str]:
    """The fitness relations a sources.read_* function names, with the SQL file it runs."""
    text = inspect.getsource(function)
    for name in re.findall(r'"(\w+)" / "(\w+\.sql)"', text):
        text += (DEFAULT_SQL_DIR / name[0] / name[1]).read_text("utf-8")
    return set(_FITNESS.findall(_COMMENT.sub("", text)))


@pytest.mark.parametrize("asset", insight_tables.INSIGHT_TABLE_ASSETS, ids=lambda a: a.key.to_user_string())
def test_insight_tables_depend_on_the_tables_their_queries_read(asset):
    body = inspect.getsource(asset.op.compute_fn.decorated_fn)
    read = set().union(*(_relations_read(getattr(sources, name)) for name in re.findall(r"sources\.(read_\w+)", body)))
    # the labels and the life events are written by activity_classification
    expected = {LABELS_ASSET if table in {"activity_classification", "life_events"} else table for table in read}
    assert deps_of(asset)[asset.key.to_user_string()] == expected
