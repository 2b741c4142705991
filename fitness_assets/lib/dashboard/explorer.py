"""The SQL explorer's one query: read-only, bounded and single, each enforced by PostgreSQL.

- **Read-only**: each query runs in its own `READ ONLY` transaction that is always rolled back,
  as the role `fitness_reader` (SELECT on schema `fitness`, nothing else; migration 009), so
  the server refuses writes, DDL and COPY … TO PROGRAM (which a READ ONLY transaction still
  allows a superuser). A snapshot is taken before the query, so `SET TRANSACTION READ WRITE`
  comes too late, and whatever a query SETs ends with the rollback.
- **One statement**: the query travels in the extended protocol (psycopg 3's stream(): Parse,
  Bind, Execute), where the server refuses a second statement (42601), whatever quoting or
  comments surround the `;`.
- **Bounded**: `SET LOCAL statement_timeout`, and rows are fetched one at a time, at most
  `row_limit + 1` (the extra one says the result was cut); the rest is cancelled.

Without the role (the warehouse user could not create it), a superuser login is refused and
any other login runs as itself. Error text is the first line of PostgreSQL's (or libpq's) message,
with the URL and password redacted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import psycopg
import sqlalchemy as sa

from fitness_assets.lib.core.redact import redact_text

READER_ROLE = "fitness_reader"
DEFAULT_ROW_LIMIT = 1_000
MAX_ROW_LIMIT = 100_000
DEFAULT_TIMEOUT_MS = 10_000
# Rights that reach the server's files or programs: a login holding one is not a safe stand-in
# for fitness_reader.
SERVER_RIGHTS = ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files")

EXAMPLES = {
    "Weekly summary, latest weeks": (
        "SELECT athlete_id, week_start, training_sessions, total_sets, volume_kg, runs, run_distance_km,\n"
        "       logged_days, avg_calories_kcal, avg_bodyweight_kg\n"
        "FROM fitness.weekly_fitness_summary\nORDER BY week_start DESC, athlete_id\nLIMIT 20"),
    "Heaviest set per exercise": (
        "SELECT w.athlete_id, s.exercise_name, max(s.weight_kg) AS top_weight_kg, count(*) AS sets\n"
        "FROM fitness.sets s JOIN fitness.workouts w USING (workout_id)\n"
        "WHERE s.weight_kg IS NOT NULL\nGROUP BY 1, 2\nORDER BY top_weight_kg DESC\nLIMIT 25"),
    "Runs and walks per year": (
        "SELECT a.athlete_id, extract(year FROM a.activity_date)::int AS year, c.label, count(*) AS activities,\n"
        "       round(avg(a.distance_km)::numeric, 2) AS avg_km\n"
        "FROM fitness.activities a JOIN fitness.activity_classification c USING (activity_id)\n"
        "GROUP BY 1, 2, 3\nORDER BY 1, 2, 3"),
    "Quarantined rows by rule": (
        "SELECT athlete_id, rule, count(*) AS rows, min(reason) AS example\n"
        "FROM fitness.quarantine\nGROUP BY 1, 2\nORDER BY rows DESC"),
    "Tables and views of the warehouse": (
        "SELECT table_name, table_type\nFROM information_schema.tables\n"
        "WHERE table_schema = 'fitness'\nORDER BY table_type, table_name"),
}


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame
    truncated: bool          # more rows than row_limit existed; frame holds the first row_limit
    seconds: float
    role: str                # the role the query ran as


class QueryRefused(Exception):
    """PostgreSQL (or the connection) refused the query: `sqlstate` and a message safe to show."""

    def __init__(self, message: str, sqlstate: str | None = None, error_class: str = ""):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.error_class = error_class


def explorer_engine(url: str) -> sa.Engine:
    """An engine on the warehouse through psycopg 3 (for its extended-protocol streaming), every
    session READ ONLY by default too."""
    psycopg_url = sa.engine.make_url(url).set(drivername="postgresql+psycopg")
    return sa.create_engine(psycopg_url, pool_pre_ping=True, pool_size=2,
                            connect_args={"options": "-c default_transaction_read_only=on"})


def _reader_role(conn: psycopg.Connection) -> str:
    """fitness_reader when the login may switch to it; else the login itself if it holds no
    server rights; else QueryRefused (a superuser would run COPY … TO PROGRAM)."""
    row = conn.execute(
        "SELECT (SELECT oid FROM pg_roles WHERE rolname = %s) IS NOT NULL"
        "       AND pg_has_role(current_user, %s, 'MEMBER'),"
        "       current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),"
        "       " + " OR ".join(f"pg_has_role(current_user, '{right}', 'MEMBER')" for right in SERVER_RIGHTS),
        (READER_ROLE, READER_ROLE)).fetchone()
    usable, login, superuser, server_rights = row
    if usable:
        return READER_ROLE
    if superuser or server_rights:
        raise QueryRefused(f"the role {READER_ROLE} is missing, and the dashboard's login may run programs on the "
                           "server: create the role (migration sql/warehouse/schema/009_dashboard_reader.sql, as a "
                           "user allowed to create roles) or connect the dashboard as a user without superuser rights")
    return login


def run_query(engine: sa.Engine, sql: str, row_limit: int = DEFAULT_ROW_LIMIT,
              timeout_ms: int = DEFAULT_TIMEOUT_MS) -> QueryResult:
    """The first `row_limit` rows of one read-only statement; QueryRefused when PostgreSQL refuses it."""
    if not sql.strip():
        raise QueryRefused("the query is empty")
    row_limit = max(1, min(int(row_limit), MAX_ROW_LIMIT))
    secrets = [engine.url.render_as_string(hide_password=False), engine.url.password or ""]
    try:
        raw = engine.raw_connection()
    except (sa.exc.DBAPIError, psycopg.Error) as error:
        cause = getattr(error, "orig", None) or error
        raise QueryRefused("cannot connect to the warehouse: " + redact_text(_first_line(cause), secrets),
                           getattr(cause, "sqlstate", None), type(cause).__name__) from None
    try:
        conn: psycopg.Connection = raw.driver_connection
        conn.autocommit = True  # the transaction is ours, begun explicitly READ ONLY
        role = _reader_role(conn)
        conn.execute("BEGIN READ ONLY")
        # SET LOCAL takes no parameters in the extended protocol: set_config(…, true) is its form.
        conn.execute("SELECT set_config('statement_timeout', %s, true)", (str(int(timeout_ms)),))
        if role == READER_ROLE:
            conn.execute(f"SET LOCAL ROLE {READER_ROLE}")
        conn.execute("SELECT 1")  # the snapshot: from here on the transaction's mode cannot change
        started = time.perf_counter()
        with conn.cursor() as cursor:
            rows = []
            try:
                for row in cursor.stream(sql):
                    rows.append(row)
                    if len(rows) > row_limit:
                        break  # psycopg cancels the rest of the statement
            except psycopg.ProgrammingError as error:
                if error.sqlstate is None and cursor.description is None:
                    raise QueryRefused("the statement returns no rows: only queries that return rows (SELECT, "
                                       "VALUES, TABLE, WITH …, SHOW, EXPLAIN) are shown") from None
                raise
            columns = [column.name for column in cursor.description or []]
        seconds = time.perf_counter() - started
        frame = pd.DataFrame.from_records(rows[:row_limit], columns=columns)
        return QueryResult(frame, len(rows) > row_limit, seconds, role)
    except psycopg.Error as error:
        raise QueryRefused(redact_text(_first_line(error), secrets), error.sqlstate, type(error).__name__) from None
    finally:
        try:
            if raw.driver_connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                raw.driver_connection.execute("ROLLBACK")  # whatever the statement SET ends here
        finally:
            raw.close()


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_json(frame: pd.DataFrame) -> bytes:
    """Records, dates as ISO 8601, values PostgreSQL returned as Decimal as numbers."""
    return frame.to_json(orient="records", date_format="iso", default_handler=str, indent=1).encode("utf-8")
