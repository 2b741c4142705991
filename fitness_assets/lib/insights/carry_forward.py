"""Insight tables whose inputs did not change are carried forward, not computed again (issue 15).

An insight asset reads whole warehouse tables (every set, activity and diet day of every athlete):
on the benchmark's warehouse that is about a minute per ingest, spent again on an unchanged re-run.
Before computing, the asset takes the state of what it depends on: for each input table its row
count and newest row version (the largest `xmin`: any committed INSERT or UPDATE gives its rows a
newer transaction id, and a DELETE lowers the count), plus the insight settings and a digest of
the insight code and SQL. When that state, and the state of its own output tables, equal what the
asset recorded after its last computation, the stored rows are still exactly what it would write:
it writes nothing and reports the check results of that computation again, marked as carried
forward and naming the run that evaluated them (never a silent skip).

The input state is taken before the inputs are read, and recorded with the output state in the
transaction that writes the outputs: a load that commits while the asset computes makes the next
run's state differ, so that run computes again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from fitness_assets.lib.core.constants import PACKAGE_DIR
from fitness_assets.lib.core.digest import files_digest


@cache
def code_digest(sql_dir: Path) -> str:
    """sha256 over the insight library's Python files and its SQL: any edit computes again."""
    return files_digest([*sorted((PACKAGE_DIR / "lib" / "insights").glob("*.py")),
                         *sorted((sql_dir / "insights").glob("*.sql"))])


def table_states(conn: sa.Connection, tables: Sequence[str]) -> dict[str, list[int]]:
    """{table: [rows, newest row version]} in one statement (a scan of each table)."""
    selects = " UNION ALL ".join(
        f"SELECT {index} AS i, count(*) AS n, coalesce(max(xmin::text::bigint), 0) AS v FROM {table}"
        for index, table in enumerate(tables))
    found = {row.i: [int(row.n), int(row.v)] for row in conn.exec_driver_sql(selects)}
    return {table: found[index] for index, table in enumerate(tables)}


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Carried:
    """What the asset's last computation recorded: its run and its checks' results."""
    run_id: str
    checks: dict[str, dict]


@dataclass(frozen=True)
class InsightState:
    asset: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    input_state: str

    @classmethod
    def take(cls, conn: sa.Connection, asset: str, inputs: Sequence[str], outputs: Sequence[str],
             settings: Mapping[str, object], sql_dir: Path) -> InsightState:
        state = {"tables": table_states(conn, list(inputs)), "settings": dict(settings),
                 "code": code_digest(sql_dir)}
        return cls(asset, tuple(inputs), tuple(outputs), _digest(state))

    def carried(self, conn: sa.Connection) -> Carried | None:
        """The last computation's run and checks when nothing it depends on changed since, else None."""
        row = conn.execute(sa.text("SELECT input_state, output_state, run_id, checks FROM fitness.insight_runs "
                                   "WHERE asset = :asset"), {"asset": self.asset}).one_or_none()
        if row is None or row.input_state != self.input_state:
            return None
        if row.output_state != _digest(table_states(conn, list(self.outputs))):
            return None  # the output tables were written since (by hand, or a migration)
        return Carried(row.run_id, row.checks)

    def record(self, conn: sa.Connection, run_id: str, checks: Mapping[str, dict]) -> None:
        """In the transaction that wrote the outputs: this computation's state, run and checks."""
        conn.execute(sa.text(
            "INSERT INTO fitness.insight_runs (asset, input_state, output_state, run_id, checks) "
            "VALUES (:asset, :input_state, :output_state, :run_id, CAST(:checks AS jsonb)) "
            "ON CONFLICT (asset) DO UPDATE SET input_state = EXCLUDED.input_state, "
            "output_state = EXCLUDED.output_state, run_id = EXCLUDED.run_id, checks = EXCLUDED.checks"),
            {"asset": self.asset, "input_state": self.input_state,
             "output_state": _digest(table_states(conn, list(self.outputs))), "run_id": run_id,
             "checks": json.dumps(checks, sort_keys=True, default=str)})
