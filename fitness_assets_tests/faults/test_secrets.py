"""Secrets never leave the process: not on the terminal, not in Dagster's storage, not on disk.

The real `fitness run` runs as a subprocess against a PostgreSQL role that needs its password
(scram-sha-256), with a webhook URL carrying a token and AWS keys in the environment. Every
failure path is driven (a typo in the URL's scheme, an unreachable port, a wrong password, a
missing database), then a successful run whose checks fail, whose alert goes to a webhook that
answers with an error echoing the request path. Afterwards the terminal output, every table of
the database holding Dagster's run storage (event log, runs, snapshots, ticks; compressed
columns inflated) and every file under FITNESS_HOME are searched for the password, the token and
the AWS secret key.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from fitness_assets.lib.warehouse.database import psycopg2_url
from fitness_assets_tests.conftest import diet_csv, hevy_csv
from fitness_assets_tests.quality.rules_helpers import clean_diet_lines, clean_workouts

ROLE = "fitness_secret_owner"
DATABASE = "fitness_secrets"
PASSWORD = "pw-Tq7vXk29-correct"
WRONG_PASSWORD = "pw-Wr0ng-9zqLm"
TOKEN = "T0KEN-hk-5581xyzQ"
AWS_SECRET = "awsSECRETkq81zzMNOP0077"
SECRETS = {"password": PASSWORD, "wrong password": WRONG_PASSWORD, "webhook token": TOKEN, "AWS secret key": AWS_SECRET}

SENSOR_SCRIPT = """
import sys
import dagster as dg
# Private, no public equivalent: how the daemon turns a tick's exception into its stored error.
from dagster._utils.error import serializable_error_info_from_exc_info
from fitness_assets.cli import prepare_dagster_instance
from fitness_assets.defs.resources import configuration_from

prepare_dagster_instance(configuration_from())
from fitness_assets.definitions import defs
from fitness_assets.defs.quality.alerts import failed_check_alerts

# What the daemon does on a tick: evaluate the sensor for the finished run with the code
# location's resources; an exception is stored with the tick as a serialized error.
with dg.DagsterInstance.get() as instance:
    run = next(r for r in instance.get_runs() if r.job_name == "ingest_job")
    record = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records[0]
    context = dg.build_run_status_sensor_context(
        sensor_name="failed_check_alerts", dagster_instance=instance, dagster_run=run,
        dagster_event=record.event_log_entry.dagster_event,
        resources={"notifier": defs.get_repository_def().get_top_level_resources()["notifier"]})
    try:
        failed_check_alerts(context)
    except Exception:
        print(dg.serialize_value(serializable_error_info_from_exc_info(sys.exc_info())))
        sys.exit(3)
"""


class FailingWebhook:
    """A webhook endpoint that fails, echoing the request path (the token) in its reason phrase."""

    def __init__(self):
        self.requests = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                requests.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
                self.send_response(500, f"no hook at {self.path}")
                self.end_headers()
                self.wfile.write(f"unknown hook {self.path}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/{TOKEN}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def password_role(postgres_server):
    """A role that must give its password (scram-sha-256 for it alone; the test server trusts
    everyone else), owning a database of its own. Yields its socket directory and port."""
    admin = sa.create_engine(psycopg2_url(postgres_server.get_uri()), isolation_level="AUTOCOMMIT")
    hba = Path(postgres_server.pgdata) / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"local all {ROLE} scram-sha-256\n" + original)
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'"))
        conn.execute(sa.text(f"CREATE DATABASE {DATABASE} OWNER {ROLE}"))
        conn.execute(sa.text("SELECT pg_reload_conf()"))
    info = postgres_server.get_postmaster_info()
    yield str(info.socket_dir), info.port
    hba.write_text(original)
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_reload_conf()"))
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(sa.text(f"DROP ROLE IF EXISTS {ROLE}"))
    admin.dispose()


def fitness(args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_", "AWS_"))}
    environment.update(env)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, password_role, postgres_server):
    socket_dir, port = password_role
    workdir = tmp_path_factory.mktemp("secrets")
    (workdir / "inbox").mkdir()
    lines = clean_diet_lines()
    lines[0] = lines[0].replace(",2060,", ",2600,")  # kcal vs macros: a WARN check fails, the run succeeds
    (workdir / "inbox" / "workouts.csv").write_bytes(hevy_csv(clean_workouts()))
    (workdir / "inbox" / "diet.csv").write_bytes(diet_csv(lines))
    webhook = FailingWebhook()
    good_url = f"postgresql://{ROLE}:{PASSWORD}@/{DATABASE}?host={socket_dir}&port={port}"
    base_env = {"FITNESS_ALERT_CHANNELS": "webhook", "FITNESS_ALERT_WEBHOOK_URL": webhook.url,
                "AWS_ACCESS_KEY_ID": "AKIAFITNESSTEST00001", "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
                "AWS_DEFAULT_REGION": "eu-west-1"}
    failures = {
        "scheme typo": f"postgresq://{ROLE}:{PASSWORD}@/{DATABASE}?host={socket_dir}&port={port}",
        "unreachable port": f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{free_port()}/{DATABASE}",
        "wrong password": f"postgresql://{ROLE}:{WRONG_PASSWORD}@/{DATABASE}?host={socket_dir}&port={port}",
        "missing database": f"postgresql://{ROLE}:{PASSWORD}@/no_such_db_x?host={socket_dir}&port={port}",
    }
    results = {name: fitness(["-m", "fitness_assets.cli", "run"], workdir, FITNESS_DATABASE_URL=url, **base_env)
               for name, url in failures.items()}
    results["successful run"] = fitness(["-m", "fitness_assets.cli", "run"], workdir,
                                        FITNESS_DATABASE_URL=good_url, **base_env)
    results["alert sensor"] = fitness(["-c", SENSOR_SCRIPT], workdir, FITNESS_DATABASE_URL=good_url, **base_env)
    webhook.close()
    yield {"workdir": workdir, "results": results, "webhook": webhook, "socket_dir": socket_dir}


def leaked(text: str) -> list[str]:
    return [name for name, secret in SECRETS.items() if secret in text]


@pytest.mark.parametrize("case, database", [("scheme typo", DATABASE), ("unreachable port", DATABASE),
                                            ("wrong password", DATABASE), ("missing database", "no_such_db_x")])
def test_a_failure_to_connect_is_one_line_naming_host_database_and_user(scenario, case, database):
    result = scenario["results"][case]
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert line.startswith("error: ") and "FITNESS_DATABASE_URL" in line
    host = "127.0.0.1" if case == "unreachable port" else scenario["socket_dir"]
    assert host in line and database in line and ROLE in line, line
    expected = {"scheme typo": "not a PostgreSQL URL", "unreachable port": "Connection refused",
                "wrong password": "password authentication failed", "missing database": "does not exist"}[case]
    assert expected in line, line
    assert leaked(result.stdout + result.stderr) == []


def test_a_run_with_failing_checks_alerts_a_webhook_that_errors(scenario):
    run, sensor = scenario["results"]["successful run"], scenario["results"]["alert sensor"]
    assert run.returncode == 0, run.stderr
    assert "calories_match_macros" in run.stderr  # the failed check the alert is about
    assert sensor.returncode == 3, sensor.stdout + sensor.stderr
    assert "alert delivery failed: webhook" in sensor.stdout and "HTTP 500" in sensor.stdout
    # `fitness run` sent its ingest notification first: the failing endpoint is a warning, not a failed command.
    assert "warning: the ingest notification failed: alert delivery failed: webhook" in run.stderr
    [(notification_path, notification), (path, body)] = scenario["webhook"].requests  # both with the token
    assert TOKEN in notification_path and notification["ingest"]["kind"] == "ingest_summary"
    assert TOKEN in path and body["alert"]["checks"][0]["check"] == "calories_match_macros"


def test_no_secret_is_printed(scenario):
    for name, result in scenario["results"].items():
        assert leaked(result.stdout + result.stderr) == [], name


def _storage_dump(postgres_server) -> dict[str, str]:
    """Every row of every table in the run-storage database, as text; bytea columns (Dagster's
    compressed snapshots) inflated."""
    engine = sa.create_engine(psycopg2_url(postgres_server.get_uri(DATABASE)))
    dump = {}
    with engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')")).all()
        for schema, table in tables:
            parts = []
            for row in conn.execute(sa.text(f'SELECT * FROM "{schema}"."{table}"')):
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value)
                        try:
                            value = zlib.decompress(value)
                        except zlib.error:
                            pass
                        parts.append(value.decode("utf-8", "replace"))
                    else:
                        parts.append(str(value))
            dump[f"{schema}.{table}"] = "\n".join(parts)
    engine.dispose()
    return dump


def test_no_secret_is_stored_in_dagster_run_storage(scenario, postgres_server):
    dump = _storage_dump(postgres_server)
    assert dump["public.event_logs"] and dump["public.runs"]
    assert "calories_match_macros" in dump["public.event_logs"]  # the dump is readable, not just bytes
    # The UI and run snapshots name the variables that hold secrets, not their values.
    assert "FITNESS_DATABASE_URL" in dump["public.snapshots"]
    assert "FITNESS_ALERT_WEBHOOK_URL" in dump["public.snapshots"]
    assert {table: leaked(text) for table, text in dump.items() if leaked(text)} == {}


def test_no_secret_is_written_under_fitness_home(scenario):
    home = scenario["workdir"] / ".fitness"
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "dagster.yaml" for p in files) and any(p.suffix == ".json" for p in files)
    found = {str(p.relative_to(home)): [name for name, secret in SECRETS.items() if secret.encode() in p.read_bytes()]
             for p in files}
    assert {path: names for path, names in found.items() if names} == {}


def test_urls_are_shown_without_their_secrets():
    from fitness_assets.lib.core.redact import redact_text, redact_url

    assert redact_url(f"postgresql+psycopg2://bob:{PASSWORD}@db.example.com:5432/fitness?sslmode=require") == \
        "postgresql+psycopg2://bob:***@db.example.com:5432/fitness?sslmode=require"
    assert redact_url(f"https://hooks.example.com/services/{TOKEN}") == "https://hooks.example.com/***"
    # A key in the user part (Sentry-style DSNs) is hidden too; a database URL keeps its user.
    assert redact_url(f"https://{TOKEN}@hooks.example.com/1") == "https://***@hooks.example.com/***"
    text = f"a postgresql://bob:{PASSWORD}@h/db b https://hooks.example.com/services/{TOKEN} c {AWS_SECRET} d /services/{TOKEN}"
    redacted = redact_text(text, [f"https://hooks.example.com/services/{TOKEN}", AWS_SECRET])
    assert redacted == "a postgresql://bob:***@h/db b https://hooks.example.com/*** c *** d ***"


@pytest.mark.parametrize("url", ["htps://hooks.example.com/services/{token}", "http://127.0.0.1:{port}/services/{token}"])
def test_a_failing_webhook_is_reported_without_its_url(url):
    """A typo in the scheme (urllib quotes the whole URL) and a refused connection."""
    import dagster as dg

    from fitness_assets.lib.quality.alerts import Alert, deliver
    from fitness_assets.defs.resources import NotifierResource

    url = url.format(token=TOKEN, port=free_port())
    alert = Alert("failed_checks", "ingest_job", "0123456789", "http://localhost:3000/runs/0123456789")
    with pytest.raises(RuntimeError) as raised:
        deliver(alert, NotifierResource(channels="webhook", webhook_url=url), dg.get_dagster_logger())
    message = str(raised.value)
    assert message.startswith("alert delivery failed: webhook: POST to ") and TOKEN not in message
    assert raised.value.__cause__ is None and raised.value.__context__ is None
