"""Shared fixtures: one real embedded PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from fitness_assets.lib.database import embedded_server, psycopg2_url
from fitness_assets.lib.settings import Settings, load_settings

HEVY_HEADER = ["title", "start_time", "end_time", "description", "exercise_title", "superset_id",
               "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
               "duration_seconds", "rpe"]


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


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    server = embedded_server(tmp_path_factory.mktemp("embedded_pg"))
    yield server
    server.cleanup()


@pytest.fixture
def database_url(postgres_server) -> str:
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(psycopg2_url(postgres_server.get_uri()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return psycopg2_url(postgres_server.get_uri(name))


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    (tmp_path / "inbox").mkdir()
    return load_settings({
        "FITNESS_HOME": str(tmp_path / "home"), "FITNESS_INBOX": str(tmp_path / "inbox"),
        "FITNESS_DATABASE_URL": database_url, "FITNESS_CORRECTIONS": str(tmp_path / "corrections.yaml"),
    })


def hevy_csv(rows: list[dict], weight_column: str = "weight_kg", distance_column: str = "distance_km") -> bytes:
    """A Hevy export as Hevy writes it: every field quoted, one row per set."""
    header = [weight_column if h == "weight_kg" else distance_column if h == "distance_km" else h for h in HEVY_HEADER]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, row.get(base, "")) for h, base in zip(header, HEVY_HEADER)])
    return buffer.getvalue().encode("utf-8")


def hevy_set(title: str, start: str, end: str, exercise: str, set_index: int, weight="", reps="",
             set_type: str = "normal", **extra) -> dict:
    return {"title": title, "start_time": start, "end_time": end, "exercise_title": exercise,
            "set_index": str(set_index), "set_type": set_type, "weight_kg": str(weight), "reps": str(reps), **extra}


DIET_HEADER_PT = "data,carboidratos_g,proteinas_g,gorduras_g,kcal,cardio_semanal_min,cicle,peso_kg,observacoes"


def diet_csv(rows: list[str]) -> bytes:
    return ("\n".join([DIET_HEADER_PT, *rows]) + "\n").encode("utf-8")
