"""Which weekly payloads a load changed, computed from the diff rather than assumed.

A changed day can change its own week and, through week-over-week and last-trained-week deltas
and cycle context, any later week of the same athlete, never an earlier one. So inside the load
transaction, for each athlete with changed days, the payloads from the first changed week on are
built before the writes and again after them, and compared byte for byte. An athlete with no
data before the load has every week with a new workout or diet day changed, with no comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from fitness_assets.lib.payloads.payload import canonical_bytes, query_weeks

_LAST_POSSIBLE_WEEK = date(9999, 12, 27)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class PayloadsBefore:
    first_week: dict[str, date]              # per athlete with changed days: the week of the first one
    compared: list[str]                      # athletes that had data: their payloads are compared
    payloads: dict[tuple[str, str], bytes]   # (athlete, week) → canonical payload bytes before the load


def _payload_bytes(conn: sa.Connection, before: PayloadsBefore) -> dict[tuple[str, str], bytes]:
    if not before.compared:
        return {}
    first = min(before.first_week[a] for a in before.compared)
    payloads = query_weeks(conn, first, _LAST_POSSIBLE_WEEK, before.compared)
    return {key: canonical_bytes(p) for key, p in payloads.items()
            if key[1] >= before.first_week[key[0]].isoformat()}


def payloads_before(conn: sa.Connection) -> PayloadsBefore:
    """Call after `changed_days` is filled and before any write."""
    first_day = dict(conn.execute(sa.text(
        "SELECT athlete_id, min(day) FROM changed_days WHERE day IS NOT NULL GROUP BY athlete_id")).all())
    had_data = set(conn.execute(sa.text(
        "SELECT athlete_id FROM fitness.workouts WHERE athlete_id = ANY(:a) "
        "UNION SELECT athlete_id FROM fitness.diet_daily WHERE athlete_id = ANY(:a)"),
        {"a": sorted(first_day)}).scalars()) if first_day else set()
    before = PayloadsBefore({a: monday_of(d) for a, d in first_day.items()}, sorted(had_data), {})
    before.payloads = _payload_bytes(conn, before)
    return before


def changed_payload_weeks(conn: sa.Connection, before: PayloadsBefore) -> list[tuple[str, str]]:
    """(athlete_id, Monday ISO date) of every payload that differs after the writes."""
    after = _payload_bytes(conn, before)
    changed = {key for key in before.payloads.keys() | after.keys() if before.payloads.get(key) != after.get(key)}
    new_athletes = sorted(set(before.first_week) - set(before.compared))
    if new_athletes:
        changed |= {(a, week.isoformat()) for a, week in conn.execute(sa.text(
            "SELECT DISTINCT athlete_id, date_trunc('week', day)::date FROM changed_days "
            "WHERE athlete_id = ANY(:a) AND kind IN ('workout', 'diet') AND day IS NOT NULL"), {"a": new_athletes})}
    return sorted(changed)
