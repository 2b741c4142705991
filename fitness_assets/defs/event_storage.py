"""Dagster's PostgreSQL event log, with two of its per-event costs paid once (dagster.yaml names it).

Measured on the sample's `fitness run` (471 weeks), dagster-postgres 0.29:
- Before a range run starts, Dagster plans every week of it: one ASSET_MATERIALIZATION_PLANNED
  event per week and asset, handed to `store_event_batch` as one batch. PostgreSQL's storage
  batches only materializations and observations, and stores the planned events one at a time
  (an INSERT and a NOTIFY, then an asset-key upsert, each its own transaction): 2.0-2.6 s for the
  payload run and as much again for the report run, before either starts.
- A planned check of a range run is one row per week in asset_check_executions, and each row
  carried its own serialisation of the same event (the range's partitions inside): 521 of them
  for each of the range runs' three checks. It is serialised once.
- Each planned check was its own INSERT on its own new connection (dagster-postgres uses no
  connection pool): 50 of them, ~1 s of the sample's runs. A batch's planned checks are one INSERT.
- Every stored event asks the catalog whether a table or an asset_keys column exists (`has_table`,
  `inspect().get_columns`): 238 catalog queries in the sample's ingest. Tables and columns are
  only ever added (by `dagster instance migrate`), so a yes is remembered for the process.

Planned events are stored as Dagster itself stores a batch of materializations: one INSERT for
the batch, then each asset key's row updated from its last event. The rows are the ones
`store_event` writes, one per planned week, so the UI's in-progress and failed partitions are
unchanged (fitness_assets_tests/automation/test_event_storage.py compares them). NOTIFY is not
sent: dagster-postgres keeps it only for version skew, its event watcher polls.

Private Dagster names are used here (the storage's own hooks); the Dagster family is pinned
together in pyproject.toml, and that test fails if an upgrade changes what is stored.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log import SqlEventLogStorageTable
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._serdes import ConfigurableClassData, serialize_value
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config

PLANNED_EVENTS = {DagsterEventType.ASSET_MATERIALIZATION_PLANNED, DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}


class FitnessEventLogStorage(PostgresEventLogStorage):
    """PostgresEventLogStorage, storing a batch of planned events in one INSERT and remembering
    which tables and columns exist."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._tables_present: set[str] = set()
        self._asset_key_columns_present: set[str] = set()

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, Any]) -> "FitnessEventLogStorage":
        return cls(inst_data=inst_data, postgres_url=pg_url_from_config(config_value),
                   should_autocreate_tables=config_value.get("should_autocreate_tables", True),
                   token_provider=get_token_provider_from_config(config_value))

    def has_table(self, table_name: str) -> bool:
        if table_name not in self._tables_present and super().has_table(table_name):
            self._tables_present.add(table_name)
        return table_name in self._tables_present

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        if (column_name not in self._asset_key_columns_present
                and super()._has_asset_key_col_on_connection(conn, column_name)):
            self._asset_key_columns_present.add(column_name)
        return column_name in self._asset_key_columns_present

    def _planned_check_rows(self, event: EventLogEntry, event_id: int | None) -> list[dict]:
        planned = event.get_dagster_event().event_specific_data
        weeks = planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
        shared = {"asset_key": planned.asset_key.to_string(), "check_name": planned.check_name,
                  "run_id": event.run_id, "execution_status": AssetCheckExecutionRecordStatus.PLANNED.value,
                  "evaluation_event": serialize_value(event),
                  "evaluation_event_timestamp": self._event_insert_timestamp(event),
                  "evaluation_event_storage_id": event_id}
        return [shared | {"partition": week} for week in weeks]

    def _store_asset_check_evaluation_planned(self, event: EventLogEntry, event_id: int | None) -> None:
        with self.index_connection() as conn:
            conn.execute(AssetCheckExecutionsTable.insert().values(self._planned_check_rows(event, event_id)))

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not events or any(event.dagster_event_type not in PLANNED_EVENTS for event in events):
            super().store_event_batch(events)
            return
        with self._connect() as conn:
            # Rows come back in the order of VALUES (as the materialization batch of
            # dagster-postgres relies on too).
            event_ids = [int(row[0]) for row in conn.execute(
                self.prepare_insert_event_batch(events).returning(SqlEventLogStorageTable.c.id))]
        planned_assets, planned_check_rows, last_of_asset = [], [], {}
        for event, event_id in zip(events, event_ids):
            if event.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
                planned_check_rows.extend(self._planned_check_rows(event, event_id))
            else:
                planned_assets.append((event, event_id))
                last_of_asset[event.get_dagster_event().asset_key.to_string()] = (event, event_id)
        if planned_check_rows:
            # All of the batch's planned checks in one INSERT: dagster-postgres opens a new
            # connection for each statement (NullPool), ~20 ms each for the ingest's 44 checks.
            with self.index_connection() as conn:
                conn.execute(AssetCheckExecutionsTable.insert().values(planned_check_rows))
        if planned_assets:
            with self.index_transaction() as conn:
                self._store_asset_event_tags(conn, *zip(*planned_assets))
                for event, event_id in last_of_asset.values():
                    self._store_asset_event(conn, event, event_id)
