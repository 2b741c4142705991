"""Load the silver layer into PostgreSQL: COPY into staging, then set-based SQL, one transaction."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.database import copy_frame, run_sql_file
from fitness_assets.lib.raw_zone import ManifestEntry
from fitness_assets.lib.silver_build import SilverLayer

_NAMED = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


def named_statements(path: Path) -> list[tuple[str, str]]:
    """Split a SQL file into (name, statement) at `-- name:` markers."""
    parts = _NAMED.split(path.read_text(encoding="utf-8"))
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def load_warehouse(engine: sa.Engine, sql_dir: Path, silver: SilverLayer, manifest: list[ManifestEntry],
                   muscle_map: pd.DataFrame) -> dict[str, int]:
    """Returns rows affected per named load statement (0 everywhere when nothing changed)."""
    with engine.begin() as conn:
        run_sql_file(conn, sql_dir / "load" / "00_staging.sql")
        copy_frame(conn, "stage_sets", silver.workout_sets.drop(columns=["source_file"]))
        copy_frame(conn, "stage_diet", silver.diet_days.drop(columns=["source_file", "cycle_raw"]))
        copy_frame(conn, "stage_cycles", silver.cycles)
        copy_frame(conn, "stage_snapshots", pd.DataFrame(silver.snapshots, columns=["athlete_id", "dataset"]))
        quarantine = silver.quarantine.assign(
            raw_values=silver.quarantine["raw_values"].map(lambda v: json.dumps(v, ensure_ascii=False, default=str)))
        copy_frame(conn, "stage_quarantine", quarantine)
        copy_frame(conn, "stage_corrections", silver.corrections_applied)
        copy_frame(conn, "stage_manifest", pd.DataFrame([asdict(e) for e in manifest],
                                                        columns=[*ManifestEntry.__dataclass_fields__])
                   .drop(columns=["data_until", "file_modified_at"]))
        copy_frame(conn, "stage_muscle_map", muscle_map[["exercise_title", "muscle_group"]])
        counts = {}
        for name, statement in named_statements(sql_dir / "load" / "10_load.sql"):
            counts[name] = max(conn.exec_driver_sql(statement).rowcount, 0)
    return counts
