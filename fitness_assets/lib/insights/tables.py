"""Make a derived insights table hold exactly a frame's rows, writing only what changed.

One COPY into a temporary staging table, then one statement of three set-based parts: delete the
rows whose key is gone, update the rows whose values differ (IS DISTINCT FROM, so NULLs compare),
insert the new keys. Re-running on the same frame writes nothing. The frames come from
deterministic computations rounded in the library, so an unchanged input gives identical
floats, and Python's CSV writes a float's shortest round-trip form: COPY reads back the same double.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.warehouse.database import copy_frame


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


def sync_statement(table: str, staging: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """The delete/update/insert statement; identifiers are the code's own table and column names."""
    values = [c for c in columns if c not in key]
    same_key = " AND ".join(f"t.{k} = s.{k}" for k in key)
    row = lambda alias, names: f"({', '.join(f'{alias}.{n}' for n in names)})"  # noqa: E731
    update = (f"UPDATE {table} t SET {', '.join(f'{v} = s.{v}' for v in values)} FROM {staging} s "
              f"WHERE {same_key} AND {row('t', values)} IS DISTINCT FROM {row('s', values)} RETURNING 1"
              if values else "SELECT 1 WHERE false")
    return (
        f"WITH deleted AS (DELETE FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM {staging} s WHERE {same_key}) "
        f"RETURNING 1), updated AS ({update}), "
        f"inserted AS (INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(f's.{c}' for c in columns)} "
        f"FROM {staging} s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same_key}) RETURNING 1) "
        "SELECT (SELECT count(*) FROM inserted) AS inserted, (SELECT count(*) FROM updated) AS updated, "
        "(SELECT count(*) FROM deleted) AS deleted")


def sync_table(conn: sa.Connection, table: str, frame: pd.DataFrame, key: Sequence[str]) -> Synced:
    """Replace `table`'s rows with `frame`'s (its columns are the table's), in the caller's
    transaction; returns what changed. A transaction-scoped lock on the table keeps two runs apart."""
    columns = list(frame.columns)
    staging = f"staging_{table.split('.')[-1]}"
    conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    conn.exec_driver_sql(f"CREATE TEMP TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
    copy_frame(conn, staging, frame, columns)
    conn.exec_driver_sql(f"ANALYZE {staging}")
    row = conn.exec_driver_sql(sync_statement(table, staging, columns, key)).one()
    total = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
    return Synced(table, int(row.inserted), int(row.updated), int(row.deleted), int(total))
