"""`fitness sync hevy` as a user runs it: a subprocess of the CLI against the local Hevy API."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib

import sqlalchemy as sa

from fitness_assets_tests.hevy_api.data import API_KEY, exercise_template, routine, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)


def fitness(args: list[str], cwd, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_", "HEVY_"))}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "fitness_assets.cli", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=600)


def test_sync_hevy_builds_every_layer_and_never_prints_the_key(hevy_api, tmp_path, database_url):
    state = hevy_api.state
    state.workouts = [workout(n) for n in range(14)]
    state.exercise_templates = [exercise_template(i) for i in range(4)]
    state.routines = [routine(0)]
    env = dict(FITNESS_HOME=str(tmp_path / "home"), FITNESS_DATABASE_URL=database_url,
               HEVY_API_BASE_URL=hevy_api.base_url, HEVY_API_KEY=API_KEY)
    first = fitness(["sync", "hevy"], tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert "[1/3] sync" in first.stderr and "hevy api: full sync, 5 request(s)" in first.stderr
    summary = dict(line.strip().rsplit(None, 1) for line in first.stdout.splitlines()
                   if line.startswith("  ") and line.strip()[-1].isdigit())
    assert (summary["workouts"], summary["sets"]) == ("14", "84")
    again = fitness(["sync", "hevy"], tmp_path, **env)
    assert again.returncode == 0, again.stderr
    assert "events sync, 1 request(s)" in again.stderr and "nothing changed, nothing written" in again.stderr
    for result in (first, again):
        assert API_KEY not in result.stdout + result.stderr
    # Dagster's run storage lives in the same database here: every table, snapshots inflated.
    stored = storage_dump(database_url)
    assert "HEVY_API_KEY" in stored["public.snapshots"]      # the resource is bound by the variable's name
    assert [table for table, text in stored.items() if API_KEY in text] == []
    home_files = [p for p in (tmp_path / "home").rglob("*") if p.is_file()]
    assert home_files and [p for p in home_files if API_KEY.encode() in p.read_bytes()] == []


def storage_dump(database_url: str) -> dict[str, str]:
    """Every row of every table of the database as text, compressed bytea values inflated."""
    engine = sa.create_engine(database_url)
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
                        try:
                            value = zlib.decompress(bytes(value))
                        except zlib.error:
                            value = bytes(value)
                        parts.append(value.decode("utf-8", "replace"))
                    else:
                        parts.append(str(value))
            dump[f"{schema}.{table}"] = "\n".join(parts)
    engine.dispose()
    return dump


def test_sync_hevy_without_a_key_says_what_is_missing(tmp_path):
    result = fitness(["sync", "hevy"], tmp_path, FITNESS_HOME=str(tmp_path / "home"))
    assert result.returncode == 2 and "HEVY_API_KEY is not set" in result.stderr


def test_a_refused_key_is_one_line_without_the_key(hevy_api, tmp_path, database_url):
    wrong = "11111111-2222-4333-8444-555555555555"
    result = fitness(["sync", "hevy"], tmp_path, FITNESS_HOME=str(tmp_path / "home"), FITNESS_DATABASE_URL=database_url,
                     HEVY_API_BASE_URL=hevy_api.base_url, HEVY_API_KEY=wrong)
    assert result.returncode == 1
    assert "the key was refused; the Hevy API needs a Hevy Pro account" in result.stderr
    assert wrong not in result.stdout + result.stderr
