"""Shared fixtures: one real embedded PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from fitness_assets.lib.core.partitions_start import DEFAULT_WEEKS_START

# Pinned before any test imports the definitions: without it the weekly partitions of this process
# would start where the checkout's own .fitness/partitions_start says (after a `make run`), so the
# same test could pass on one machine and fail on another. Tests of the recorded start unset it;
# the CLI and webserver tests start their processes without any FITNESS_ variable.
os.environ.setdefault("FITNESS_WEEKS_START", DEFAULT_WEEKS_START)

from fitness_assets.lib.warehouse.database import embedded_server, psycopg2_url  # noqa: E402
from fitness_assets.defs.resources import Configuration, configuration_from  # noqa: E402

HEVY_COLUMNS = ("title", "start_time", "end_time", "description", "exercise_title", "superset_id",
                "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
                "duration_seconds", "rpe")


def pytest_configure(config):
    """Run as root, the embedded server runs as its own unprivileged user, which must traverse
    every folder above its data directory. pytest keeps /tmp/pytest-of-<user> at mode 0700 (and
    re-applies that at each session start), so tests use their own world-traversable base."""
    if os.geteuid() == 0 and not config.option.basetemp:
        base = Path(tempfile.mkdtemp(prefix="fitness-tests-"))
        base.chmod(0o755)
        config.option.basetemp = str(base)
        config._fitness_basetemp = base


def pytest_unconfigure(config):
    base = getattr(config, "_fitness_basetemp", None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def moto_url(monkeypatch) -> str:
    """moto's server mode (a real HTTP S3/SNS/SQS/IAM API) on a free local port, with fake
    credentials in the environment; the caller points a service at it (AWS_ENDPOINT_URL_<SVC>)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # moto keeps its state per process, not per server: reset it, so no topic, queue or message
    # left by an earlier test (an SQS message received but not deleted comes back) is seen here.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    yield url
    server.stop()


@pytest.fixture
def s3_client(moto_url, monkeypatch):
    """A boto3 S3 client on moto's server, with AWS_ENDPOINT_URL_S3 set so the code under test
    (dagster-aws's S3Resource, plain boto3) reaches the same server."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    return boto3.client("s3", region_name="us-east-1")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    server = embedded_server(tmp_path_factory.mktemp("embedded_pg"))
    yield server
    server.cleanup()


def new_database(postgres_server) -> str:
    """The URL of a new, empty database on the session's server."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(psycopg2_url(postgres_server.get_uri()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return psycopg2_url(postgres_server.get_uri(name))


@pytest.fixture
def database_url(postgres_server) -> str:
    return new_database(postgres_server)


@pytest.fixture
def settings(tmp_path, database_url) -> Configuration:
    (tmp_path / "inbox").mkdir()
    return configuration_from({
        "FITNESS_HOME": str(tmp_path / "home"), "FITNESS_INBOX": str(tmp_path / "inbox"),
        "FITNESS_DATABASE_URL": database_url, "FITNESS_CORRECTIONS": str(tmp_path / "corrections.yaml"),
    })


def hevy_csv(rows: list[dict], *, lbs: bool = False, miles: bool = False) -> bytes:
    """A Hevy export as Hevy writes it: every field quoted, one row per set. Values are given under
    weight_kg/distance_km; `lbs`/`miles` rename those header columns as a US-locale export does."""
    header = ["weight_lbs" if (c == "weight_kg" and lbs) else "distance_miles" if (c == "distance_km" and miles) else c
              for c in HEVY_COLUMNS]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in HEVY_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def workout_set(title: str, start: str, end: str, exercise: str, set_index: int, weight="", reps="",
                set_type: str = "normal", **extra) -> dict:
    """One set of a named workout (pipeline tests build whole workouts from these)."""
    return {"title": title, "start_time": start, "end_time": end, "exercise_title": exercise,
            "set_index": str(set_index), "set_type": set_type, "weight_kg": str(weight), "reps": str(reps), **extra}


DIET_HEADER_PT = "data,carboidratos_g,proteinas_g,gorduras_g,kcal,cardio_semanal_min,cicle,peso_kg,observacoes"


def diet_csv(rows: list[str]) -> bytes:
    return ("\n".join([DIET_HEADER_PT, *rows]) + "\n").encode("utf-8")
