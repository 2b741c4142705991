"""The SQL explorer on a real warehouse: every refusal comes from PostgreSQL (its SQLSTATE and
psycopg's error class), a SELECT comes back cut at the row limit, and no error names the URL."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from fitness_assets.lib.dashboard import explorer


@pytest.fixture(scope="module")
def engine(warehouse):
    engine = explorer.explorer_engine(warehouse.database_url)
    yield engine
    engine.dispose()


REFUSED = {
    "INSERT INTO fitness.athletes (athlete_id) VALUES ('intruder')": ("25006", psycopg.errors.ReadOnlySqlTransaction),
    "DROP TABLE fitness.sets": ("25006", psycopg.errors.ReadOnlySqlTransaction),
    "COPY (SELECT 1) TO PROGRAM 'true'": ("42501", psycopg.errors.InsufficientPrivilege),
    "SELECT 1; DELETE FROM fitness.sets": ("42601", psycopg.errors.SyntaxError),  # a second statement
    "SELECT pg_sleep(2)": ("57014", psycopg.errors.QueryCanceled),  # past the timeout
    "SET TRANSACTION READ WRITE": ("25001", psycopg.errors.ActiveSqlTransaction),
    "SELECT pg_read_file('/etc/hostname')": ("42501", psycopg.errors.InsufficientPrivilege),
}


@pytest.mark.parametrize("sql", list(REFUSED))
def test_postgresql_refuses(engine, warehouse, sql):
    with pytest.raises(explorer.QueryRefused) as refused:
        explorer.run_query(engine, sql, timeout_ms=300)
    sqlstate, error_class = REFUSED[sql]
    assert (refused.value.sqlstate, refused.value.error_class) == (sqlstate, error_class.__name__)
    assert warehouse.database_url not in str(refused.value)


def test_nothing_was_written_and_the_session_stays_read_only(engine, warehouse):
    for sql in ["SET default_transaction_read_only = off", "SET ROLE NONE"]:  # each ends with its transaction
        with pytest.raises(explorer.QueryRefused, match="returns no rows"):
            explorer.run_query(engine, sql)
    check = sa.create_engine(warehouse.database_url)
    with check.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM fitness.athletes WHERE athlete_id = 'intruder'")).scalar() == 0
        assert conn.execute(sa.text("SELECT to_regclass('fitness.sets')")).scalar() is not None
    check.dispose()
    result = explorer.run_query(engine, "SELECT current_setting('transaction_read_only') AS ro, current_user AS who")
    assert result.frame.iloc[0].tolist() == ["on", explorer.READER_ROLE]


def test_a_select_comes_back_cut_at_the_row_limit(engine, warehouse):
    total = explorer.run_query(engine, "SELECT count(*) AS n FROM fitness.activities").frame.iloc[0]["n"]
    result = explorer.run_query(engine, "SELECT activity_id, activity_date FROM fitness.activities "
                                        "ORDER BY activity_id", row_limit=25)
    assert total > 25 and result.truncated and len(result.frame) == 25
    assert list(result.frame.columns) == ["activity_id", "activity_date"]
    whole = explorer.run_query(engine, "SELECT athlete_id FROM fitness.athletes", row_limit=25)
    assert not whole.truncated and whole.frame["athlete_id"].tolist() == ["default"]
    # a statement far larger than the limit stops at the limit: the rest is cancelled, not fetched
    big = explorer.run_query(engine, "SELECT a.activity_id FROM fitness.activities a, fitness.activities b",
                             row_limit=10, timeout_ms=5_000)
    assert big.truncated and len(big.frame) == 10 and big.seconds < 2


def test_csv_and_json_of_a_result(engine):
    frame = explorer.run_query(engine, "SELECT 1 AS n, DATE '2025-01-06' AS week, 2.5::numeric AS kg, 'a,b' AS t").frame
    assert explorer.to_csv(frame).decode() == 'n,week,kg,t\n1,2025-01-06,2.5,"a,b"\n'
    assert b'"week":"2025-01-06' in explorer.to_json(frame).replace(b" ", b"")


def test_a_connection_failure_names_no_password(postgres_server):
    url = "postgresql+psycopg2://fitness:s3cret-pw-Zq9@127.0.0.1:1/fitness"
    engine = explorer.explorer_engine(url)
    with pytest.raises(explorer.QueryRefused, match="cannot connect") as refused:
        explorer.run_query(engine, "SELECT 1")
    assert "s3cret-pw-Zq9" not in str(refused.value)
    engine.dispose()
