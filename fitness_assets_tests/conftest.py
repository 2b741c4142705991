"""Shared fixtures: one real embedded PostgreSQL per test session, a fresh database per test."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from fitness_assets.lib.database import embedded_server, psycopg2_url
from fitness_assets.lib.settings import Settings, load_settings

HEVY_HEADER = ["title", "start_time", "end_time", "description", "exercise_title", "superset_id",
               "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
               "duration_seconds", "rpe"]


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
