"""A computation that writes warehouse tables is carried forward, not done again, while nothing it
depends on has changed (issue 15): the warehouse load and each insight asset.

Before computing, the caller takes the state of what the computation depends on (for the load:
the silver frames' fingerprint and the load's code; for an insight: its input tables' states,
its settings and its code). When that state, and the state of the tables the computation writes,
equal what it recorded after its last computation, those tables already hold exactly what it would
write: it writes nothing and reports that computation's check results again, marked as carried
forward and naming the run that computed them (never a silent skip).

A table's state is its row count and newest row version (the largest `xmin`: any committed INSERT
or UPDATE gives its rows a newer transaction id, and a DELETE lowers the count). The input state
is taken before the inputs are read, and recorded with the output state in the transaction that
writes the outputs: a write to an output table by anyone else, or a computation that commits while
another reads, makes the next state differ, so the next run computes again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa


def table_states(conn: sa.Connection, tables: Sequence[str]) -> dict[str, list[int]]:
    """{table: [rows, newest row version]} in one statement (a scan of each table)."""
    selects = " UNION ALL ".join(
        f"SELECT {index} AS i, count(*) AS n, coalesce(max(xmin::text::bigint), 0) AS v FROM {table}"
        for index, table in enumerate(tables))
    found = {row.i: [int(row.n), int(row.v)] for row in conn.exec_driver_sql(selects)}
    return {table: found[index] for index, table in enumerate(tables)}


def state_digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Carried:
    """What the last computation recorded: its run and its checks' results, and the states of its
    output tables as just compared (their row counts are the tables' sizes now)."""
    run_id: str
    checks: dict[str, dict]
    outputs: dict[str, list[int]]


@dataclass(frozen=True)
class ComputationState:
    """`computation` (its name in fitness.computation_runs), the tables it writes and the digest of
    what it depends on."""
    computation: str
    outputs: tuple[str, ...]
    input_state: str

    @classmethod
    def of(cls, computation: str, depends_on: Mapping[str, object], outputs: Sequence[str]) -> ComputationState:
        return cls(computation, tuple(outputs), state_digest(dict(depends_on)))

    def carried(self, conn: sa.Connection) -> Carried | None:
        """The last computation's run and checks when nothing it depends on changed since, else None."""
        row = conn.execute(sa.text("SELECT input_state, output_state, run_id, checks FROM fitness.computation_runs "
                                   "WHERE computation = :computation"), {"computation": self.computation}).one_or_none()
        if row is None or row.input_state != self.input_state:
            return None
        outputs = table_states(conn, list(self.outputs))
        if row.output_state != state_digest(outputs):
            return None  # the output tables were written since (by hand, or a migration)
        return Carried(row.run_id, row.checks, outputs)

    def record(self, conn: sa.Connection, run_id: str, checks: Mapping[str, dict] | None = None) -> None:
        """In the transaction that wrote the outputs: this computation's state, run and checks."""
        conn.execute(sa.text(
            "INSERT INTO fitness.computation_runs (computation, input_state, output_state, run_id, checks) "
            "VALUES (:computation, :input_state, :output_state, :run_id, CAST(:checks AS jsonb)) "
            "ON CONFLICT (computation) DO UPDATE SET input_state = EXCLUDED.input_state, "
            "output_state = EXCLUDED.output_state, run_id = EXCLUDED.run_id, checks = EXCLUDED.checks"),
            {"computation": self.computation, "input_state": self.input_state,
             "output_state": state_digest(table_states(conn, list(self.outputs))), "run_id": run_id,
             "checks": json.dumps(checks or {}, sort_keys=True, default=str)})
