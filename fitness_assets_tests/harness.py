"""Run the real Dagster jobs in-process against a test database (helper for the tests)."""

from __future__ import annotations

import dagster as dg
import sqlalchemy as sa

from fitness_assets.definitions import build_definitions
from fitness_assets.defs.partitions import range_tags
from fitness_assets.defs.quality.alerts import check_evaluations_in_run
from fitness_assets.defs.resources import Configuration

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def definitions_for(settings: Configuration) -> dg.Definitions:
    return build_definitions(settings)


def run_ingest(settings: Configuration, instance: dg.DagsterInstance | None = None, raise_on_error: bool = True):
    defs = definitions_for(settings)
    return defs.resolve_job_def("ingest_job").execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), run_config=QUIET, raise_on_error=raise_on_error)


def run_payloads(settings: Configuration, first_week: str, last_week: str, instance: dg.DagsterInstance | None = None):
    defs = definitions_for(settings)
    return defs.resolve_job_def("weekly_payload_job").execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), run_config=QUIET,
        tags=range_tags(first_week, last_week))


def run_checks(settings: Configuration, instance: dg.DagsterInstance, *checks: tuple[str, str]):
    """Execute asset checks alone, as the UI's "Execute" on a check page does: a subset of the
    asset job holding those checks and no asset, reading the stored frames and tables."""
    job = definitions_for(settings).resolve_implicit_global_asset_job_def()
    selection = {dg.AssetCheckKey(dg.AssetKey(asset), name) for asset, name in checks}
    return job.get_subset(asset_selection=set(), asset_check_selection=selection).execute_in_process(
        instance=instance, run_config=QUIET)


def table_counts(settings: Configuration) -> dict[str, int]:
    engine = sa.create_engine(settings.database_url)
    tables = ["raw_manifest", "exercises", "exercise_muscle_map", "workouts", "workout_exercises", "sets",
              "cycles", "diet_daily", "quarantine", "removed_workouts", "corrections_applied"]
    with engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM fitness.{t}")).scalar_one() for t in tables}
    engine.dispose()
    return counts


def query(settings: Configuration, sql: str, **params) -> list[dict]:
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]
    engine.dispose()
    return rows


def execute(settings: Configuration, *statements: str) -> None:
    """Run SQL in one transaction, as a script outside the pipeline would (tests damage data with it)."""
    engine = sa.create_engine(settings.database_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def check_evaluations(instance: dg.DagsterInstance, run_id: str) -> dict[tuple[str, str], object]:
    """{(asset, check name): AssetCheckEvaluation} for every check evaluated in a run."""
    return {(e.asset_key.to_user_string(), e.check_name): e for e in check_evaluations_in_run(instance, run_id)}


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> dict[tuple[str, str], str]:
    """{(asset, check name): severity} of the checks that failed in a run."""
    return {key: e.severity.value for key, e in check_evaluations(instance, run_id).items() if not e.passed}


def run_reports(settings: Configuration, first_week: str, last_week: str, instance: dg.DagsterInstance | None = None,
                raise_on_error: bool = True):
    defs = definitions_for(settings)
    return defs.resolve_job_def("weekly_report_job").execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), run_config=QUIET, raise_on_error=raise_on_error,
        tags=range_tags(first_week, last_week))


def wal_bytes(engine: sa.Engine, start: str, end: str, *relations: str) -> int:
    """Bytes of the WAL records between two positions that touch this database's files, or only
    the files of `relations` and their indexes (as they are now: a TRUNCATE gives new ones). The
    WAL position is the whole server's, and autovacuum or ANALYZE in another database or table
    moves it too; reading the records themselves (pg_walinspect) keeps that noise out."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
    with engine.connect() as conn:
        return conn.execute(sa.text("""
            WITH files AS (
                SELECT pg_relation_filenode(c.oid) AS filenode FROM pg_class c
                WHERE c.oid = ANY(CAST(:relations AS regclass[]))
                   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ANY(CAST(:relations AS regclass[])))),
            records AS (
                SELECT DISTINCT b.start_lsn, b.record_length
                FROM pg_get_wal_block_info(CAST(:start AS pg_lsn), CAST(:end AS pg_lsn), false) b
                WHERE b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND (cardinality(CAST(:relations AS regclass[])) = 0
                       OR b.relfilenode IN (SELECT filenode FROM files)))
            SELECT coalesce(sum(record_length), 0)::bigint FROM records"""),
            {"start": str(start), "end": str(end), "relations": list(relations)}).scalar_one()
