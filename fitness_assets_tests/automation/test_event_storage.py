"""The instance's event log (fitness_assets/defs/event_storage.py) stores what dagster-postgres
stores: the same planned events, partition by partition, the same asset-key rows and check rows,
and a failed range run leaves the same failed weeks. Two instances on two real databases run the
same jobs, one with dagster-postgres' storage and one with ours."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
import yaml

from fitness_assets.defs.partitions import range_tags, weekly_partitions
from fitness_assets.defs.event_storage import FitnessEventLogStorage
from fitness_assets_tests.automation.test_sensors_and_schedule import three_weeks
from fitness_assets_tests.conftest import new_database
from fitness_assets_tests.harness import QUIET, definitions_for, run_ingest

WEEKS = ("2026-01-05", "2026-01-12", "2026-01-19")
STORAGES = {"dagster-postgres": ("dagster_postgres.event_log", "PostgresEventLogStorage"),
            "fitness": ("fitness_assets.defs.event_storage", "FitnessEventLogStorage")}


def instance_on(home: Path, url: str, storage: str) -> dg.DagsterInstance:
    module, cls = STORAGES[storage]
    config = {name: {"module": f"dagster_postgres.{name.removesuffix('_storage')}_storage", "class": cls_name,
                     "config": {"postgres_url": url}}
              for name, cls_name in (("run_storage", "PostgresRunStorage"), ("schedule_storage", "PostgresScheduleStorage"))}
    config["event_log_storage"] = {"module": module, "class": cls, "config": {"postgres_url": url}}
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return dg.DagsterInstance.from_config(str(home))


def stored_rows(url: str, run_id: str) -> dict[str, list]:
    def sorted_rows(result) -> list[tuple]:
        return sorted(tuple("" if value is None else value for value in row) for row in result)

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = {
            "events": sorted_rows(conn.execute(sa.text(
                "SELECT dagster_event_type, asset_key, partition FROM event_logs "
                "WHERE run_id = :run AND dagster_event_type LIKE '%PLANNED'"), {"run": run_id}).all()),
            "checks": sorted_rows(conn.execute(sa.text(
                "SELECT asset_key, check_name, partition, execution_status, evaluation_event IS NOT NULL, "
                "evaluation_event_storage_id IS NOT NULL, evaluation_event_timestamp IS NOT NULL FROM asset_check_executions "
                "WHERE run_id = :run"), {"run": run_id}).all()),
            "last_run": sorted_rows(conn.execute(sa.text(
                "SELECT asset_key FROM asset_keys WHERE last_run_id = :run"), {"run": run_id}).all()),
        }
    engine.dispose()
    return rows


@pytest.fixture
def two_instances(tmp_path, postgres_server):
    instances = {}
    for storage in STORAGES:
        url = new_database(postgres_server)
        instances[storage] = (instance_on(tmp_path / storage, url, storage), url)
    yield instances
    for instance, _ in instances.values():
        instance.dispose()


def test_our_event_log_stores_what_dagster_postgres_stores(settings, two_instances):
    (settings.inbox / "workouts.csv").write_bytes(three_weeks())
    assert isinstance(two_instances["fitness"][0].event_log_storage, FitnessEventLogStorage)
    stored, failed_weeks = {}, {}
    # One ingest fills the warehouse both instances' runs read (the publishing gate finds no
    # failed or unevaluated blocking check on an instance that never ran them).
    run_ingest(settings, two_instances["dagster-postgres"][0])
    for storage, (instance, url) in two_instances.items():
        refresh = definitions_for(settings).resolve_job_def("weekly_refresh_job").execute_in_process(
            instance=instance, run_config=QUIET, tags=range_tags(WEEKS[0], WEEKS[-1]))
        assert refresh.success
        stored[storage] = stored_rows(url, refresh.run_id)

        # A range run that fails: the payload folder is a file, so no payload can be written.
        payload_dir = settings.payload_dir
        moved = payload_dir.with_name("payloads_moved")
        payload_dir.rename(moved)
        payload_dir.write_text("not a folder", encoding="utf-8")
        try:
            failing = definitions_for(settings).resolve_job_def("weekly_payload_job").execute_in_process(
                instance=instance, run_config=QUIET, tags=range_tags(WEEKS[0], WEEKS[-1]), raise_on_error=False)
        finally:
            payload_dir.unlink()
            moved.rename(payload_dir)
        assert not failing.success
        status = instance.get_status_by_partition(dg.AssetKey("weekly_payload"), list(WEEKS), weekly_partitions)
        failed_weeks[storage] = sorted(week for week, state in status.items() if state.value == "FAILED")

    ours, theirs = stored["fitness"], stored["dagster-postgres"]
    planned_weeks = [row for row in ours["events"] if row[0] == "ASSET_MATERIALIZATION_PLANNED"]
    assert len(planned_weeks) >= len(WEEKS) and {row[2] for row in planned_weeks} >= set(WEEKS)
    assert ours == theirs
    assert failed_weeks["fitness"] == failed_weeks["dagster-postgres"] == list(WEEKS)
