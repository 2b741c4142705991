"""Running and walking in gold, the payload and the reports (issue 11, items 2 and 4).

The view is checked on activities and labels written with SQL (every label chosen, figures
computed by hand below); the whole chain then runs on a MapMyRun export next to the Hevy and
diet exports of test_weekly_pipeline, where the weeks without activities must keep their bytes.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal

import jsonschema_rs
import pytest
import sqlalchemy as sa

from fitness_assets.defs.gold.assets import FIRST_WEEK_SQL, gold_views_asset
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.payloads.payload import (
    canonical_bytes,
    contract_errors,
    payload_schema,
    query_weeks,
    validate_payload,
)
from fitness_assets.lib.reports.grounding import ungrounded_numbers
from fitness_assets.lib.reports.template import write_report
from fitness_assets.lib.warehouse.database import apply_migrations, run_sql_file
from fitness_assets_tests.harness import query, run_ingest, run_payloads, run_reports
from fitness_assets_tests.lib.silver.test_mapmyrun import activity, mapmyrun_csv
from fitness_assets_tests.pipeline.test_weekly_pipeline import DIET, workout_rows
from fitness_assets_tests.conftest import hevy_csv

# (athlete, workout id, date, logged type, km, seconds, label or None for "not classified")
ACTIVITIES = [
    # week of 2024-03-04, default athlete
    ("default", "A", "2024-03-04", "Run", 10.0, 3000, "run"),          # 5.0 min/km, the longest
    ("default", "B", "2024-03-06", "Run", 5.0, 1650, "run"),           # 5.5 min/km
    ("default", "C", "2024-03-07", "Run", 1.0, 240, "run"),            # 4.0 min/km, but only 1 km
    ("default", "D", "2024-03-08", "Run", 2.994, 600, "run"),          # 3.34 min/km, 2.99 km as shown
    ("default", "E", "2024-03-08", "Run", None, 600, "run"),           # user-labelled, no distance
    ("default", "F", "2024-03-05", "Walk", 4.0, 2880, "walk"),
    ("default", "G", "2024-03-09", "Walk", 3.0, 2100, "walk"),
    ("default", "H", "2024-03-10", "Run", 6.0, 2700, "mixed"),         # Sunday: still this week
    ("default", "I", "2024-03-10", "Run", 50.0, 600, "outlier"),
    ("default", "J", "2024-03-05", "Bike Ride", 20.0, 3600, None),
    # week of 2024-03-11: walks only
    ("default", "K", "2024-03-12", "Walk", 5.0, 3600, "walk"),
    # another athlete, same week: a run of exactly 3 km counts for the fastest pace
    ("coach_client", "L", "2024-03-05", "Run", 3.0, 1080, "run"),
    # … and so does one of 2.996 km, which a report shows as 3 km (its next week)
    ("coach_client", "M", "2024-03-12", "Run", 2.996, 900, "run"),
]


def load_activities(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")
    rows = [{"athlete": a, "id": i, "day": date.fromisoformat(d), "type": t, "km": km, "s": s, "line": n + 2}
            for n, (a, i, d, t, km, s, _) in enumerate(ACTIVITIES)]
    labels = [{"athlete": a, "id": i, "label": label} for a, i, _, _, _, _, label in ACTIVITIES if label]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO fitness.athletes (athlete_id) VALUES ('coach_client')"))
        conn.execute(sa.text(
            "INSERT INTO fitness.activities (athlete_id, source, source_workout_id, activity_date, activity_type, "
            "distance_km, duration_s, activity_hash, source_sha256, source_file, source_line) "
            "VALUES (:athlete, 'mapmyrun', :id, :day, :type, :km, :s, 'h', 'sha', 'user1_workout_history.csv', :line)"),
            rows)
        conn.execute(sa.text(
            "INSERT INTO fitness.activity_classification (activity_id, label, confidence, method, model_version) "
            "SELECT activity_id, :label, 1, 'user', 'test' FROM fitness.activities "
            "WHERE athlete_id = :athlete AND source_workout_id = :id"), labels)
        for path in sorted((DEFAULT_SQL_DIR / "gold").glob("*.sql")):
            run_sql_file(conn, path)
    return engine


@pytest.fixture
def warehouse(database_url):
    engine = load_activities(database_url)
    yield engine
    engine.dispose()


def rows(engine, sql: str) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        return {(r["athlete_id"], str(r["week_start"])): dict(r) for r in conn.execute(sa.text(sql)).mappings()}


def figures(row: dict) -> dict:
    """A view row without its key, numeric figures as floats (they are rounded in SQL already)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items() if k not in ("athlete_id", "week_start")}


def test_the_weekly_running_summary_is_computed_by_hand(warehouse):
    weeks = rows(warehouse, "SELECT * FROM fitness.weekly_running_summary")
    assert sorted(weeks) == [("coach_client", "2024-03-04"), ("coach_client", "2024-03-11"), ("default", "2024-03-04"),
                           ("default", "2024-03-11")]
    assert figures(weeks[("default", "2024-03-04")]) == {
        "logged_activities": 10, "runs": 5, "walks": 2, "mixed_activities": 1, "outlier_activities": 1,
        "other_activities": 1,
        # 10 + 5 + 1 + 2.994 (E has no distance) = 18.994; (3000+1650+240+600+600) s = 101.5 min
        "run_distance_km": 18.99, "run_duration_min": 101.5,
        # weighted by time over the runs with both figures: 91.5 min / 18.994 km = 4.817…
        # (the mean of the four paces would be 4.46)
        "avg_run_pace_min_per_km": 4.82,
        "longest_run_km": 10.0,
        # C (1 km) and D (2.994 km, shown as 2.99) are faster but shorter than 3 km: A wins
        "fastest_run_pace_min_per_km": 5.0, "fastest_run_min_distance_km": 3.0,
        # the mixed outing, the outlier and the ride are only counted
        "walk_distance_km": 7.0, "walk_duration_min": 83.0}
    walks_only = figures(weeks[("default", "2024-03-11")])
    assert walks_only["runs"] == 0 and walks_only["run_distance_km"] == 0 and walks_only["run_duration_min"] == 0
    assert walks_only["avg_run_pace_min_per_km"] is walks_only["longest_run_km"] is None
    assert walks_only["fastest_run_pace_min_per_km"] is None
    assert (walks_only["walks"], walks_only["walk_distance_km"], walks_only["walk_duration_min"]) == (1, 5.0, 60.0)
    # exactly 3 km is "at least 3 km"
    assert figures(weeks[("coach_client", "2024-03-04")])["fastest_run_pace_min_per_km"] == 6.0
    # 15 min / 2.996 km = 5.007
    assert figures(weeks[("coach_client", "2024-03-11")])["fastest_run_pace_min_per_km"] == 5.01


def test_weeks_with_only_activities_appear_in_the_fitness_summary(warehouse):
    weeks = rows(warehouse, "SELECT * FROM fitness.weekly_fitness_summary")
    assert sorted(weeks) == [("coach_client", "2024-03-04"), ("coach_client", "2024-03-11"), ("default", "2024-03-04"),
                           ("default", "2024-03-11")]
    week = weeks[("default", "2024-03-04")]
    assert (week["training_sessions"], week["total_sets"], week["logged_days"], week["cycle_id"]) == (0, 0, 0, None)
    assert (week["logged_activities"], week["runs"], float(week["avg_run_pace_min_per_km"])) == (10, 5, 4.82)
    assert rows(warehouse, "SELECT * FROM fitness.llm_weekly_exercise_context") == {}


EXPECTED_RUNNING = {
    "logged_activities": 10, "runs": 5, "walks": 2, "mixed": 1, "outliers": 1, "other_activities": 1,
    "run_distance_km": 18.99, "run_duration_min": 101.5, "avg_run_pace_min_per_km": 4.82, "longest_run_km": 10.0,
    "fastest_run_pace_min_per_km": 5.0, "fastest_run_min_distance_km": 3.0, "walk_distance_km": 7.0,
    "walk_duration_min": 83.0}


def test_the_payload_carries_running_as_version_1_1(warehouse):
    with warehouse.connect() as conn:
        payloads = query_weeks(conn, date(2024, 3, 4), date(2024, 3, 11))
    week = payloads[("default", "2024-03-04")]
    assert list(week) == ["schema_version", "athlete_id", "week_start", "cycle", "diet", "training_overview",
                          "running", "exercises"]
    assert week["schema_version"] == "1.1" and week["running"] == EXPECTED_RUNNING
    assert list(week["running"]) == list(EXPECTED_RUNNING)
    body = canonical_bytes(week).decode()
    assert '"run_distance_km": 18.99,' in body and '"fastest_run_min_distance_km": 3.0,' in body
    for payload in payloads.values():
        validate_payload(payload)
        assert contract_errors(payload) == []
    assert payloads[("default", "2024-03-11")]["running"]["avg_run_pace_min_per_km"] is None


def test_the_contract_ties_running_to_version_1_1_in_both_validators(warehouse):
    with warehouse.connect() as conn:
        week = query_weeks(conn, date(2024, 3, 4), date(2024, 3, 4), ["default"])[("default", "2024-03-04")]
    fast = jsonschema_rs.Draft202012Validator(payload_schema())
    assert fast.is_valid(week)
    without = {k: v for k, v in week.items() if k != "running"}
    broken = {
        "running under 1.0": week | {"schema_version": "1.0"},
        "1.1 without running": without,
        "an unknown running key": week | {"running": week["running"] | {"vo2max": 50}},
        "a missing running key": week | {"running": {k: v for k, v in week["running"].items() if k != "walks"}},
        "a negative distance": week | {"running": week["running"] | {"run_distance_km": -1.0}},
        "an unknown version": week | {"schema_version": "1.2"},
    }
    for why, payload in broken.items():
        assert contract_errors(payload) != [], why
        assert not fast.is_valid(payload), why
    assert fast.is_valid(without | {"schema_version": "1.0"})
    assert contract_errors(without | {"schema_version": "1.0"}) == []


def test_the_template_reports_running_grounded_and_grounding_rejects_an_invented_run(warehouse):
    with warehouse.connect() as conn:
        payloads = query_weeks(conn, date(2024, 3, 4), date(2024, 3, 11), ["default"])
    week = payloads[("default", "2024-03-04")]
    text = write_report(week)
    section = text.split("## Running and walking\n\n")[1].split("\n\n")[0]
    assert section == (
        "- 5 runs: 18.99 km in 101.5 min, 4.82 min/km on average (total time over total distance); "
        "longest run 10 km.\n"
        "- Fastest run of 3 km or more: 5 min/km.\n"
        "- 2 walks: 7 km in 83 min.\n"
        "- Also logged: 1 mixed outing (run and walk), 1 outlier (incomplete or implausible recording, left out of "
        "the figures), 1 other activity (not a run or walk).")
    assert ungrounded_numbers(text, week) == []
    assert write_report(copy.deepcopy(week)) == text
    walks_only = write_report(payloads[("default", "2024-03-11")])
    assert "- No runs logged.\n- 1 walk: 5 km in 60 min." in walks_only
    assert ungrounded_numbers(walks_only, payloads[("default", "2024-03-11")]) == []
    # a running figure that is not in the payload is a claim like any other
    assert ungrounded_numbers(text.replace("18.99 km", "19.4 km").replace("longest run 10 km", "longest run 12 km"),
                              week) == ["19.4", "12"]
    assert ungrounded_numbers("Fastest 3 km at 4.9 min/km.", week) == ["4.9"]
    # the same numbers are claims in a week whose payload has no running section
    assert ungrounded_numbers("- 5 runs: 18.99 km.", week | {"running": None}) == ["5", "18.99"]


EXPORT = "user1_workout_history.csv"
RUNNING_EXPORT = [  # newest first, as the export writes them; miles and min/mi
    activity(2003, workout_date="Jan. 27, 2026", date_submitted="Jan. 27, 2026", activity_type="Run",
             distance="3.1", duration="1500", avg_pace="8.06"),
    activity(2002, workout_date="Jan. 22, 2026", date_submitted="Jan. 22, 2026", activity_type="Walk",
             distance="2.0", duration="2400", avg_pace="20.0"),
    activity(2001, workout_date="Jan. 20, 2026", date_submitted="Jan. 20, 2026", activity_type="Run",
             distance="4.0", duration="1980", avg_pace="8.25"),
    activity(2000, workout_date="Jan. 20, 2026", date_submitted="Jan. 20, 2026", activity_type="Bike Ride",
             distance="12.0", duration="2700", avg_pace="3.75"),
]
FIRST, LAST = "2025-12-29", "2026-01-26"


def payload_files(settings) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(settings.payload_dir.iterdir())}


def test_a_running_export_changes_only_the_weeks_with_activities(settings):
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(workout_rows()))
    (settings.inbox / "diet.csv").write_bytes(DIET)
    run_ingest(settings)
    run_payloads(settings, FIRST, LAST)
    before = payload_files(settings)
    assert sorted(before) == [f"weekly_fitness_context_{w}.json"
                              for w in ("2025-12-29", "2026-01-05", "2026-01-12", "2026-01-19")]

    (settings.inbox / EXPORT).write_bytes(mapmyrun_csv(RUNNING_EXPORT))
    run_ingest(settings)
    run_payloads(settings, FIRST, LAST)
    after = payload_files(settings)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {"weekly_fitness_context_2026-01-19.json", "weekly_fitness_context_2026-01-26.json"}

    labels = {r["source_workout_id"]: r["label"] for r in query(
        settings, "SELECT a.source_workout_id, c.label FROM fitness.activities a "
                  "LEFT JOIN fitness.activity_classification c USING (activity_id)")}
    assert labels == {"2000": None, "2001": "run", "2002": "walk", "2003": "run"}
    diet_week = json.loads(after["weekly_fitness_context_2026-01-19.json"][0])
    validate_payload(diet_week)
    # every week from the first session on carries a consistency score: contract 1.2 (running as in 1.1)
    assert diet_week["schema_version"] == "1.2" and diet_week["diet"]["logged_days"] == 1
    assert diet_week["insights"]["consistency"]["sessions"] == 3  # the run, the walk and the bike ride; no workout
    # 4.0 mi = 6.437376 km in 33 min; 3.1 mi is the next week's
    assert diet_week["running"] == {
        "logged_activities": 3, "runs": 1, "walks": 1, "mixed": 0, "outliers": 0, "other_activities": 1,
        "run_distance_km": 6.44, "run_duration_min": 33.0, "avg_run_pace_min_per_km": 5.13, "longest_run_km": 6.44,
        "fastest_run_pace_min_per_km": 5.13, "fastest_run_min_distance_km": 3.0, "walk_distance_km": 3.22,
        "walk_duration_min": 40.0}
    only_running = json.loads(after["weekly_fitness_context_2026-01-26.json"][0])
    validate_payload(only_running)
    assert only_running["training_overview"]["training_sessions"] == 0 and only_running["exercises"] == []
    assert only_running["cycle"]["cycle_name"] == "Cutting III" and only_running["running"]["runs"] == 1

    run_reports(settings, "2026-01-19", LAST)
    for week in ("2026-01-19", "2026-01-26"):
        text = (settings.report_dir / week / "report.md").read_text("utf-8")
        assert "## Running and walking\n\n- 1 run: " in text
        assert ungrounded_numbers(text, json.loads(after[f"weekly_fitness_context_{week}.json"][0])) == []


def test_views_reading_activities_wait_for_the_labels():
    deps = {key.to_user_string(): {d.to_user_string() for d in keys}
            for key, keys in gold_views_asset(DEFAULT_SQL_DIR).asset_deps.items()}
    # directly; the views reading it through an earlier view wait through that view's edge
    assert {view for view, keys in deps.items() if "activity_classification" in keys} == {"weekly_running_summary"}
    assert "weekly_running_summary" in deps["weekly_fitness_summary"]
    assert "weekly_fitness_summary" in deps["llm_weekly_exercise_context"]


def test_first_week_is_the_summarys_first_week(database_url):
    """gold_views records the first week with data from the base tables (FIRST_WEEK_SQL), not by
    computing weekly_fitness_summary: the two agree whichever source holds the earliest day, and on
    an empty warehouse."""
    engine = sa.create_engine(database_url)
    apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")

    def both() -> tuple[str | None, str | None]:
        with engine.begin() as conn:
            for path in sorted((DEFAULT_SQL_DIR / "gold").glob("*.sql")):
                run_sql_file(conn, path)
            return (conn.execute(sa.text(FIRST_WEEK_SQL)).scalar_one(),
                    conn.execute(sa.text("SELECT min(week_start)::text FROM fitness.weekly_fitness_summary")).scalar_one())

    assert both() == (None, None)
    engine.dispose()
    engine = load_activities(database_url)          # activities only, from Monday 2024-03-04
    assert both() == ("2024-03-04", "2024-03-04")
    with engine.begin() as conn:                     # a diet day of an earlier week (a Sunday)
        conn.execute(sa.text("INSERT INTO fitness.diet_daily (athlete_id, diet_date, source_sha256, source_line) "
                             "VALUES ('coach_client', '2024-02-25', 'sha', 2)"))
    assert both() == ("2024-02-19", "2024-02-19")
    with engine.begin() as conn:                     # a workout earlier still (a Wednesday)
        conn.execute(sa.text(
            "INSERT INTO fitness.workouts (athlete_id, started_at, ended_at, title, training_date, duration_minutes, "
            "content_hash, source_sha256) VALUES ('default', '2023-12-27 18:00', '2023-12-27 19:00', 'Legs', "
            "'2023-12-27', 60, 'h', 'sha')"))
    assert both() == ("2023-12-25", "2023-12-25")
    engine.dispose()
