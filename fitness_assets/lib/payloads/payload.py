"""The weekly payload, contract v1: one canonical, deterministic JSON document per athlete-week.

Determinism rules (docs/PAYLOAD_CONTRACT.md): keys in the fixed order below; exercises sorted
by name in code-point order, then id; figures come from the gold views already rounded (half
away from zero) and are emitted as integers or as the shortest decimal that round-trips;
UTF-8, two-space indent, trailing newline; no wall-clock time anywhere in the body.

Versions are additive: a week with logged activities carries a `running` section and says
"1.1"; every other week is the 1.0 document, byte for byte as before running existed. A week
with a consistency score (every week from the athlete's first session on) also carries
`insights` (the score, its dimensions and the week's flagged anomalies), and a week where a
Hevy body-weight measurement filled a day the diet log has no body weight for says how many in
`diet.bodyweight_days_from_hevy`: either makes it "1.2"; weeks with neither keep their 1.0 or
1.1 bytes.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jsonschema
import jsonschema_rs
import orjson
import pandas as pd
import psycopg2.extensions
import sqlalchemy as sa

from fitness_assets.lib.core.constants import DEFAULT_ATHLETE

SCHEMA_VERSION = "1.0"
RUNNING_SCHEMA_VERSION = "1.1"  # 1.0 plus `running`, only in weeks with logged activities
INSIGHTS_SCHEMA_VERSION = "1.2"  # plus `insights` and/or diet.bodyweight_days_from_hevy, in weeks that have them
# fitness.consistency_weekly column → `insights.consistency` key, in payload order.
CONSISTENCY_FIGURES = {"consistency_score": "score", "frequency_score": "frequency",
                       "timing_score": "timing_regularity", "stability_score": "performance_stability",
                       "streak_score": "streak", "sessions": "sessions", "norm_sessions": "norm_sessions",
                       "current_streak_weeks": "current_streak_weeks", "longest_streak_weeks": "longest_streak_weeks",
                       "current_streak_days": "current_streak_days", "longest_streak_days": "longest_streak_days"}
CONSISTENCY_INTEGERS = {"sessions", "current_streak_weeks", "longest_streak_weeks", "current_streak_days",
                        "longest_streak_days"}
ANOMALY_METHODS = ("iqr", "zscore", "mad")
FIGURES = ("total_sets", "total_reps", "avg_reps", "avg_weight_kg", "max_weight_kg", "failure_sets")
INTEGER_FIGURES = {"total_sets", "total_reps", "failure_sets", "sessions_count"}
# weekly_fitness_summary column → `running` key, in payload order (counts are integers).
RUNNING_COUNTS = {"logged_activities": "logged_activities", "runs": "runs", "walks": "walks",
                  "mixed_activities": "mixed", "outlier_activities": "outliers",
                  "other_activities": "other_activities"}
RUNNING_FIGURES = ("run_distance_km", "run_duration_min", "avg_run_pace_min_per_km", "longest_run_km",
                   "fastest_run_pace_min_per_km", "fastest_run_min_distance_km", "walk_distance_km",
                   "walk_duration_min")


@lru_cache(maxsize=1)
def payload_schema() -> dict:
    text = resources.files("fitness_assets.schemas").joinpath("weekly_payload.v1.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _reference_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(payload_schema())


@lru_cache(maxsize=1)
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    # jsonschema-rs (Rust) answers "valid?" on the same 2020-12 schema in ~0.04 ms for an 18 kB
    # payload of the benchmark's warehouse, where fastjsonschema on a draft-7 rewrite took 2.6 ms
    # and jsonschema ~8 ms: a backfill validates every payload before it writes any.
    return jsonschema_rs.Draft202012Validator(payload_schema())


def validate_payload(payload: dict) -> None:
    _reference_validator().validate(payload)


def contract_errors(payload: dict) -> list[str]:
    """Every way the payload breaks the JSON Schema, as 'path: message' (empty when valid).

    jsonschema-rs answers "valid?" quickly; only an invalid payload is taken through jsonschema
    itself, which lists every error (and stays the authority on the contract).
    """
    if _fast_validator().is_valid(payload):
        return []
    errors = _reference_validator().iter_errors(payload)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors)


def _number(value, integer: bool = False):
    """A figure as the payload writes it: None for NULL or NaN, else an int or a float.

    float() of a Decimal, a float or PostgreSQL's numeric text is correctly rounded, so it equals
    the float of the exact decimal the view computed. An infinite figure raises, as writing it
    would (JSON has no infinity)."""
    if value is None or value is pd.NA or value != value:
        return None
    if integer:
        return int(value)
    number = float(value) + 0.0  # + 0.0 folds -0.0 into 0.0
    if number - number != 0.0:
        raise ValueError(f"a figure is not finite: {value!r}")
    return number


@lru_cache(maxsize=None)
def _figure_columns(prefix: str, suffix: str) -> tuple[tuple[str, bool], ...]:
    """(column, integer?) of each of FIGURES, in order."""
    return tuple((f"{prefix}{name}{suffix}", name in INTEGER_FIGURES) for name in FIGURES)


def _numbers(values: list, integer: bool = False) -> list:
    """_number of each value. A backfill converts millions of figures, so the floats and ints the
    database gives are taken as they are (with -0.0 folded) in one comprehension per column."""
    if integer:
        return [v if type(v) is int else _number(v, True) for v in values]
    return [v + 0.0 if type(v) is float and v - v == 0.0 else _number(v) for v in values]


def _figure_table(rows: list[dict], prefix: str = "", suffix: str = "") -> list[dict]:
    """The FIGURES of each row (columns `{prefix}{figure}{suffix}`), converted a column at a time."""
    columns = [_numbers([row[column] for row in rows], integer) for column, integer in _figure_columns(prefix, suffix)]
    # Spelled out, as FIGURES orders them: a dict literal builds ~3× faster than dict(zip(FIGURES, ...)).
    return [{"total_sets": total_sets, "total_reps": total_reps, "avg_reps": avg_reps, "avg_weight_kg": avg_weight_kg,
             "max_weight_kg": max_weight_kg, "failure_sets": failure_sets}
            for total_sets, total_reps, avg_reps, avg_weight_kg, max_weight_kg, failure_sets in zip(*columns)]


def running_section(summary: dict) -> dict | None:
    """The week's runs and walks, or None for a week without any logged activity (the payload
    then has no `running` key at all, so its bytes stay those of contract 1.0)."""
    if not summary.get("logged_activities"):
        return None
    return {**{key: int(summary[column]) for column, key in RUNNING_COUNTS.items()},
            **{name: _number(summary[name]) for name in RUNNING_FIGURES}}


def _two_decimals(value) -> float | None:
    number = _number(value)
    return None if number is None else float(Decimal(str(number)).quantize(Decimal("0.01"), ROUND_HALF_UP)) + 0.0


def insights_section(consistency: dict | None, anomaly_rows: list[dict]) -> dict | None:
    """The week's consistency score and its flagged anomalies, or None for a week without a score
    (the payload then has no `insights` key, so its bytes stay those of 1.0 or 1.1). One anomaly
    per flagged value, with every method that flagged it; value and group median to 2 decimals."""
    if consistency is None:
        return None
    flagged: dict[tuple, dict] = {}
    for row in anomaly_rows:
        key = (str(row["record_date"]), row["dataset"], row["record_key"], row["metric"])
        item = flagged.setdefault(key, {
            "date": str(row["record_date"]), "dataset": row["dataset"], "subject": row["group_key"],
            "metric": row["metric"], "value": _two_decimals(row["value"]),
            "group_median": _two_decimals(row["group_median"]), "methods": []})
        item["methods"].append(row["method"])
    anomalies = []
    for key in sorted(flagged, key=lambda k: (k[0], k[1], _natural(k[2]), k[3])):
        item = flagged[key]
        item["methods"] = [m for m in ANOMALY_METHODS if m in item["methods"]]
        anomalies.append(item)
    return {"consistency": {key: _number(consistency[column], key in CONSISTENCY_INTEGERS)
                            for column, key in CONSISTENCY_FIGURES.items()},
            "anomalies": anomalies}


def _natural(record_key: str) -> tuple:
    """Numeric ids in numeric order, dates as text."""
    return (0, int(record_key), "") if record_key.isdigit() else (1, 0, record_key)


def build_payload(summary: dict, exercise_rows: list[dict], consistency: dict | None = None,
                  anomaly_rows: list[dict] | None = None) -> dict:
    rows = sorted(exercise_rows, key=lambda r: (r["exercise_name"], int(r["exercise_id"])))
    exercises = []
    for row, current, vs_last_week, vs_last_trained in zip(
            rows, _figure_table(rows), _figure_table(rows, "delta_"), _figure_table(rows, "delta_", "_vs_last_trained")):
        current["sessions_count"] = int(row["sessions_count"])
        last_trained = None
        if row["last_trained_week_start"] is not None:
            last_trained = {"last_trained_week_start": str(row["last_trained_week_start"]), **vs_last_trained}
        exercises.append({
            "exercise_id": int(row["exercise_id"]),
            "exercise_name": row["exercise_name"],
            "muscle_group": row["muscle_group"],
            "current_week": current,
            "delta_vs_last_week": vs_last_week if row["trained_last_week"] else None,
            "delta_vs_last_trained_week": last_trained,
        })
    running = running_section(summary)
    from_hevy = int(summary.get("bodyweight_days_from_hevy") or 0)
    insights = insights_section(consistency, anomaly_rows or [])
    version = (INSIGHTS_SCHEMA_VERSION if insights is not None or from_hevy else
               RUNNING_SCHEMA_VERSION if running is not None else SCHEMA_VERSION)
    payload = {
        "schema_version": version,
        "athlete_id": summary["athlete_id"],
        "week_start": str(summary["week_start"]),
        "cycle": {
            "cycle_id": _number(summary["cycle_id"], integer=True),
            "cycle_name": summary["cycle_name"],
            "cycle_type": summary["cycle_type"],
        },
        "diet": {
            "avg_calories_kcal": _number(summary["avg_calories_kcal"], integer=True),
            "avg_carbs_g": _number(summary["avg_carbs_g"], integer=True),
            "avg_protein_g": _number(summary["avg_protein_g"], integer=True),
            "avg_fat_g": _number(summary["avg_fat_g"], integer=True),
            "cardio_weekly_min": _number(summary["cardio_weekly_min"]),
            "avg_bodyweight_kg": _number(summary["avg_bodyweight_kg"]),
            "logged_days": int(summary["logged_days"]),
        },
        "training_overview": {
            "training_sessions": int(summary["training_sessions"]),
            "total_sets": int(summary["total_sets"]),
            "failure_sets": int(summary["failure_sets"]),
            "avg_reps_per_set": _number(summary["avg_reps_per_set"]),
        },
    }
    if from_hevy:
        payload["diet"]["bodyweight_days_from_hevy"] = from_hevy
    if running is not None:
        payload["running"] = running
    if insights is not None:
        payload["insights"] = insights
    payload["exercises"] = exercises
    return payload


# orjson writes the same bytes as json.dumps(ensure_ascii=False, indent=2) + "\n", ~20× faster
# (json's C encoder does not indent), except for floats below 1e-4, which json writes as "1e-05"
# and orjson as "0.00001" or "1e-7": a body with a number of either shape (or a string that looks
# like one) is written by json instead. NaN never reaches it: every figure passes through _number.
_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
_TINY_NUMBER = re.compile(rb"\s-?(?:\d(?:\.\d+)?e-|0\.0000)")


def canonical_bytes(payload: dict) -> bytes:
    body = orjson.dumps(payload, option=_ORJSON_OPTIONS)
    if (b"e-" in body or b"0.0000" in body) and _TINY_NUMBER.search(body):  # substring tests first: far faster
        return (json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")
    return body


def payload_path(payload_dir: Path, athlete_id: str, week_start: str) -> Path:
    folder = payload_dir if athlete_id == DEFAULT_ATHLETE else payload_dir / athlete_id
    return folder / f"weekly_fitness_context_{week_start}.json"


def query_weeks(conn: sa.Connection, first_week: date, last_week: date,
                athletes: list[str] | None = None) -> dict[tuple[str, str], dict]:
    """Every athlete-week with data in [first_week, last_week], as payload dicts (not yet written).

    `athletes` narrows the query, one athlete at a time: PostgreSQL carries an equality on
    athlete_id through the views' joins (it cannot carry `= ANY(...)`), so each query reads
    that athlete's rows only.
    """
    if athletes is not None:
        return dict(sorted(item for athlete in athletes
                           for item in _query_weeks(conn, first_week, last_week, athlete).items()))
    return _query_weeks(conn, first_week, last_week, None)


# numeric columns arrive as floats, parsed from PostgreSQL's text by float(): the same value as
# float(Decimal(text)), without building a Decimal for each of a backfill's millions of figures.
_NUMERIC_AS_FLOAT = psycopg2.extensions.new_type(
    psycopg2.extensions.DECIMAL.values, "NUMERIC_AS_FLOAT", lambda text, cursor: None if text is None else float(text))


def _rows(conn: sa.Connection, sql: str, params: dict) -> list[dict]:
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        psycopg2.extensions.register_type(_NUMERIC_AS_FLOAT, cursor)
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _query_weeks(conn: sa.Connection, first_week: date, last_week: date,
                 athlete: str | None) -> dict[tuple[str, str], dict]:
    params = {"first": first_week, "last": last_week, "athlete": athlete}
    only = " AND athlete_id = %(athlete)s" if athlete is not None else ""
    in_range = " WHERE week_start BETWEEN %(first)s AND %(last)s" + only
    summaries = _rows(conn, "SELECT * FROM fitness.weekly_fitness_summary" + in_range, params)
    progression = _rows(conn, "SELECT * FROM fitness.weekly_exercise_progression" + in_range, params)
    consistency = _rows(conn, "SELECT * FROM fitness.consistency_weekly" + in_range, params)
    anomalies = _rows(conn, (
        "SELECT athlete_id, date_trunc('week', record_date)::date AS week_start, record_date, dataset, record_key, "
        "group_key, metric, method, value, group_median FROM fitness.anomalies "
        "WHERE record_date BETWEEN %(first)s AND CAST(%(last)s AS date) + 6" + only), params)
    by_week: dict[tuple[str, str], list[dict]] = {}
    for row in progression:
        by_week.setdefault((row["athlete_id"], str(row["week_start"])), []).append(row)
    scores = {(row["athlete_id"], str(row["week_start"])): row for row in consistency}
    flagged: dict[tuple[str, str], list[dict]] = {}
    for row in anomalies:
        flagged.setdefault((row["athlete_id"], str(row["week_start"])), []).append(row)
    payloads = {}
    for summary in summaries:
        key = (summary["athlete_id"], str(summary["week_start"]))
        payloads[key] = build_payload(summary, by_week.get(key, []), scores.get(key), flagged.get(key, []))
    return dict(sorted(payloads.items()))


def write_if_changed(path: Path, body: bytes) -> bool:
    """Write only when the bytes differ, so an unchanged week keeps its file untouched."""
    try:
        if path.read_bytes() == body:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_bytes(body)
    tmp.replace(path)
    return True
