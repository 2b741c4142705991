"""A computation that writes warehouse tables is carried forward, not done again, while nothing it
depends on has changed (issue 15): the warehouse load and each insight asset.

Before computing, the caller takes the state of what the computation depends on (for the load:
the silver frames' fingerprint and the load's code; for an insight: its input tables' states,
its settings and its code). When that state, and the state of the tables the computation writes,
equal what it recorded after its last computation, those tables already hold exactly what it would
write: it writes nothing and reports that computation's check results again, marked as carried
forward and naming the run that computed them (never a silent skip).

A table's state is its row count and newest row version (the largest `xmin`: any committed INSERT
or UPDATE gives its rows a newer transaction id, and a DELETE lowers the count). The input state
is taken before the inputs are read, and recorded with the output state in the transaction that
writes the outputs: a write to an output table by anyone else, or a computation that commits while
another reads, makes the next state differ, so the next run computes again.

A computation whose results are athlete by athlete (the insights) can also record its inputs'
state per athlete (`AthleteStates`): when only some athletes' rows changed since, and nothing
shared by all of them (settings, code, the exercise catalogue, its own output tables), it computes
those athletes again and keeps the others' rows (`ComputationState.changed_athletes`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa


def table_states(conn: sa.Connection, tables: Sequence[str]) -> dict[str, list[int]]:
    """{table: [rows, newest row version]} in one statement (a scan of each table)."""
    selects = " UNION ALL ".join(
        f"SELECT {index} AS i, count(*) AS n, coalesce(max(xmin::text::bigint), 0) AS v FROM {table}"
        for index, table in enumerate(tables))
    found = {row.i: [int(row.n), int(row.v)] for row in conn.exec_driver_sql(selects)}
    return {table: found[index] for index, table in enumerate(tables)}


# How a table's rows belong to an athlete when the table has no athlete_id: through their parent
# row. Every other input table either has an athlete_id or is shared by all athletes.
_ATHLETE_THROUGH = {
    "fitness.sets": ("JOIN fitness.workout_exercises p USING (workout_exercise_id) JOIN fitness.workouts w "
                     "USING (workout_id)", "w.athlete_id"),
    "fitness.workout_exercises": ("JOIN fitness.workouts w USING (workout_id)", "w.athlete_id"),
    "fitness.activity_classification": ("JOIN fitness.activities a USING (activity_id)", "a.athlete_id"),
}
SHARED_TABLES = frozenset({"fitness.exercises"})


@dataclass(frozen=True)
class AthleteStates:
    """Input tables' states split by athlete: `shared` for tables no athlete owns, and per athlete
    the digest of their rows' states in every other input table."""
    shared: dict[str, list[int]]
    athletes: dict[str, str]


def athlete_states(conn: sa.Connection, tables: Sequence[str]) -> AthleteStates:
    """Each table's [rows, newest row version] per athlete (rows of a child table counted with
    their parent's athlete), in one statement; the shared tables as a whole."""
    selects = []
    for index, table in enumerate(tables):
        if table in SHARED_TABLES:
            selects.append(f"SELECT {index} AS i, NULL::text AS athlete, count(*) AS n, "
                           f"coalesce(max(t.xmin::text::bigint), 0) AS v FROM {table} t")
        else:
            join, athlete = _ATHLETE_THROUGH.get(table, ("", "t.athlete_id"))
            selects.append(f"SELECT {index} AS i, {athlete} AS athlete, count(*) AS n, "
                           f"max(t.xmin::text::bigint) AS v FROM {table} t {join} GROUP BY {athlete}")
    shared: dict[str, list[int]] = {}
    per_athlete: dict[str, dict[str, list[int]]] = {}
    for row in conn.exec_driver_sql(" UNION ALL ".join(selects)):
        if row.athlete is None:
            shared[tables[row.i]] = [int(row.n), int(row.v)]
        else:
            per_athlete.setdefault(row.athlete, {})[tables[row.i]] = [int(row.n), int(row.v)]
    return AthleteStates(shared, {athlete: state_digest(states) for athlete, states in sorted(per_athlete.items())})


def state_digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Carried:
    """What the last computation recorded: its run and its checks' results, and the states of its
    output tables as just compared (their row counts are the tables' sizes now)."""
    run_id: str
    checks: dict[str, dict]
    outputs: dict[str, list[int]]


@dataclass(frozen=True)
class ComputationState:
    """`computation` (its name in fitness.computation_runs), the tables it writes and the digest of
    what it depends on."""
    computation: str
    outputs: tuple[str, ...]
    input_state: str
    # With `by_athlete`: the digest of what every athlete shares (the shared tables' states and the
    # rest of `depends_on`: settings, code) and each athlete's own state.
    shared_state: str | None = None
    athlete_states: Mapping[str, str] | None = None

    @classmethod
    def of(cls, computation: str, depends_on: Mapping[str, object], outputs: Sequence[str]) -> ComputationState:
        return cls(computation, tuple(outputs), state_digest(dict(depends_on)))

    def by_athlete(self, states: AthleteStates, depends_on: Mapping[str, object]) -> ComputationState:
        """This state with its inputs' states per athlete (`states`, taken before the inputs are
        read) and `depends_on`, what else the computation depends on."""
        return replace(self, shared_state=state_digest({"shared_tables": states.shared, **depends_on}),
                       athlete_states=states.athletes)

    def _recorded(self, conn: sa.Connection):
        return conn.execute(sa.text(
            "SELECT input_state, output_state, run_id, checks, shared_state, athlete_states "
            "FROM fitness.computation_runs WHERE computation = :computation"),
            {"computation": self.computation}).one_or_none()

    def carried(self, conn: sa.Connection) -> Carried | None:
        """The last computation's run and checks when nothing it depends on changed since, else None."""
        row = self._recorded(conn)
        if row is None or row.input_state != self.input_state:
            return None
        outputs = table_states(conn, list(self.outputs))
        if row.output_state != state_digest(outputs):
            return None  # the output tables were written since (by hand, or a migration)
        return Carried(row.run_id, row.checks, outputs)

    def changed_athletes(self, conn: sa.Connection) -> list[str] | None:
        """The athletes whose inputs changed since the last computation (athletes gone included),
        when that is all that changed; None when everyone must be computed again (a first
        computation, a shared input, setting or code changed, or an output table written since)."""
        row = self._recorded(conn)
        if (row is None or self.athlete_states is None or row.athlete_states is None
                or row.shared_state != self.shared_state
                or row.output_state != state_digest(table_states(conn, list(self.outputs)))):
            return None
        before, now = row.athlete_states, self.athlete_states
        return sorted(athlete for athlete in set(before) | set(now) if before.get(athlete) != now.get(athlete))

    def record(self, conn: sa.Connection, run_id: str, checks: Mapping[str, dict] | None = None) -> None:
        """In the transaction that wrote the outputs: this computation's state, run and checks."""
        conn.execute(sa.text(
            "INSERT INTO fitness.computation_runs (computation, input_state, output_state, run_id, checks, "
            "shared_state, athlete_states) VALUES (:computation, :input_state, :output_state, :run_id, "
            "CAST(:checks AS jsonb), :shared_state, CAST(:athlete_states AS jsonb)) "
            "ON CONFLICT (computation) DO UPDATE SET input_state = EXCLUDED.input_state, "
            "output_state = EXCLUDED.output_state, run_id = EXCLUDED.run_id, checks = EXCLUDED.checks, "
            "shared_state = EXCLUDED.shared_state, athlete_states = EXCLUDED.athlete_states"),
            {"computation": self.computation, "input_state": self.input_state,
             "output_state": state_digest(table_states(conn, list(self.outputs))), "run_id": run_id,
             "checks": json.dumps(checks or {}, sort_keys=True, default=str), "shared_state": self.shared_state,
             "athlete_states": (None if self.athlete_states is None
                                else json.dumps(self.athlete_states, sort_keys=True))})
