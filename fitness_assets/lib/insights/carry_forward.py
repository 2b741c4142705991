"""Insight tables whose inputs did not change are carried forward, not computed again (issue 15).

An insight asset reads whole warehouse tables (every set, activity and diet day of every athlete):
on the benchmark's warehouse that is about a minute per ingest, spent again on an unchanged re-run.
Its state is what lib/warehouse/carry_forward.py compares: the states of its input tables, the
insight settings and a digest of the insight code and SQL. When they differ, the insights that are
computed athlete by athlete take their inputs' states per athlete too (`insight_state_by_athlete`),
and compute again only the athletes whose rows changed: one new workout of one of twenty athletes
computes one athlete's trends, anomalies and consistency, not twenty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from fitness_assets.lib.core.constants import PACKAGE_DIR
from fitness_assets.lib.core.digest import files_digest
from fitness_assets.lib.warehouse.carry_forward import ComputationState, athlete_states, table_states


@cache
def code_digest(sql_dir: Path) -> str:
    """sha256 over the insight library's Python files and its SQL: any edit computes again."""
    return files_digest([*sorted((PACKAGE_DIR / "lib" / "insights").glob("*.py")),
                         *sorted((sql_dir / "insights").glob("*.sql"))])


def _besides_tables(settings: Mapping[str, object], sql_dir: Path) -> dict[str, object]:
    """What an insight depends on besides its input tables."""
    return {"settings": dict(settings), "code": code_digest(sql_dir)}


def insight_state(conn: sa.Connection, asset: str, inputs: Sequence[str], outputs: Sequence[str],
                  settings: Mapping[str, object], sql_dir: Path) -> ComputationState:
    """The asset's state, taken before it reads its inputs."""
    return ComputationState.of(asset, {"tables": table_states(conn, list(inputs)),
                                       **_besides_tables(settings, sql_dir)}, outputs)


def insight_state_by_athlete(conn: sa.Connection, state: ComputationState, inputs: Sequence[str],
                             settings: Mapping[str, object], sql_dir: Path) -> ComputationState:
    """`state` (insight_state) with its inputs' states per athlete, taken before they are read."""
    return state.by_athlete(athlete_states(conn, list(inputs)), _besides_tables(settings, sql_dir))
