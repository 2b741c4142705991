"""Make a derived insights table hold exactly a frame's rows, writing only what changed.

One COPY into a temporary staging table, then one statement of three set-based parts: delete the
rows whose key is gone, update the rows whose values differ (IS DISTINCT FROM, so NULLs compare),
insert the new keys. Re-running on the same frame writes nothing. The frames come from
deterministic computations rounded in the library, so an unchanged input gives identical
floats, and Python's CSV writes a float's shortest round-trip form: COPY reads back the same double.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa


@dataclass(frozen=True)
class Synced:
    table: str
    inserted: int
    updated: int
    deleted: int
    total: int

    @property
    def written(self) -> int:
        return self.inserted + self.updated + self.deleted


def _copy(conn: sa.Connection, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    """COPY the frame as CSV; empty unquoted fields are NULL, except in the text columns that hold
    an empty string somewhere (FORCE_NOT_NULL reads those as '')."""
    empty_text = [c for c in columns if (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))
                  and frame[c].astype("object").eq("").any()]
    buffer = io.StringIO()
    frame.to_csv(buffer, columns=columns, index=False, header=False, na_rep="", lineterminator="\r\n")
    buffer.seek(0)
    force = f", FORCE_NOT_NULL ({', '.join(empty_text)})" if empty_text else ""
    with conn.connection.dbapi_connection.cursor() as cur:
        cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force})", buffer)


def _row(alias: str, names: Sequence[str]) -> str:
    return f"({', '.join(f'{alias}.{n}' for n in names)})"


def sync_statement(table: str, staging: str, columns: Sequence[str], key: Sequence[str], scope: str = "true") -> str:
    """The delete/update/insert statement; identifiers are the code's own table and column names.
    `scope`: a condition on the table's rows (alias t) outside which no row is deleted."""
    values = [c for c in columns if c not in key]
    same_key = " AND ".join(f"t.{k} = s.{k}" for k in key)
    update = (f"UPDATE {table} t SET {', '.join(f'{v} = s.{v}' for v in values)} FROM {staging} s "
              f"WHERE {same_key} AND {_row('t', values)} IS DISTINCT FROM {_row('s', values)} RETURNING 1"
              if values else "SELECT 1 WHERE false")
    return (
        f"WITH deleted AS (DELETE FROM {table} t WHERE {scope} "
        f"AND NOT EXISTS (SELECT 1 FROM {staging} s WHERE {same_key}) "
        f"RETURNING 1), updated AS ({update}), "
        f"inserted AS (INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(f's.{c}' for c in columns)} "
        f"FROM {staging} s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same_key}) RETURNING 1) "
        "SELECT (SELECT count(*) FROM inserted) AS inserted, (SELECT count(*) FROM updated) AS updated, "
        "(SELECT count(*) FROM deleted) AS deleted")


def sync_table(conn: sa.Connection, table: str, frame: pd.DataFrame, key: Sequence[str],
               athletes: Sequence[str] | None = None) -> Synced:
    """Replace `table`'s rows with `frame`'s (its columns are the table's), in the caller's
    transaction; returns what changed. A transaction-scoped lock on the table keeps two runs apart.
    Text columns of `frame` with an empty string (exercise_name '' = not a lift) travel as ''.
    `athletes`: only these athletes' rows are replaced (`frame` holds nothing else); None: all rows."""
    columns = list(frame.columns)
    staging = f"staging_{table.split('.')[-1]}"
    conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    conn.exec_driver_sql(f"CREATE TEMP TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
    _copy(conn, staging, frame, columns)
    conn.exec_driver_sql(f"ANALYZE {staging}")
    scope = "true" if athletes is None else "t.athlete_id = ANY(%(athletes)s)"
    row = conn.exec_driver_sql(sync_statement(table, staging, columns, key, scope),
                               {"athletes": list(athletes or [])}).one()
    total = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
    return Synced(table, int(row.inserted), int(row.updated), int(row.deleted), int(total))
