"""The insight assets on real PostgreSQL: activities (with a planted life event), workouts and
diet days written with SQL, the classifier and the four insight assets materialized in-process
with their checks; a re-run writes 0 rows; the payload of a week carries the same numbers, and
the template report states them grounded."""

from __future__ import annotations

import copy
from datetime import date

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from fitness_assets.defs.insights.assets import activity_classification
from fitness_assets.defs.insights.tables import INSIGHT_TABLE_ASSETS
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.insights.tables import sync_table
from fitness_assets.lib.payloads.payload import (
    build_payload,
    contract_errors,
    insights_section,
)
from fitness_assets.lib.reports.grounding import ungrounded_numbers
from fitness_assets.lib.reports.template import number, write_report
from fitness_assets_tests.harness import QUIET, query
from fitness_assets_tests.insights.synthetic import EVENT, history
from fitness_assets_tests.insights.test_activity_classification_asset import (
    insert_activities,
)

ASSETS = [activity_classification, *INSIGHT_TABLE_ASSETS]


def insert_lifting_and_diet(url: str) -> None:
    """Squats every Monday and Thursday of 2025 at 18:00, +2.5 kg a week, one typo'd 1000 kg set;
    a diet day every day of 2025 with one 9,000 kcal day."""
    engine = sa.create_engine(url)
    mondays = pd.date_range("2025-01-06", "2025-12-29", freq="7D")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO fitness.exercises VALUES (fitness.exercise_id_for('Squat (Barbell)'), "
                             "'Squat (Barbell)', false)"))
        conn.execute(sa.text("INSERT INTO fitness.cycles VALUES ('default', 1, 'Bulking I', 'bulking', '2025-01-01', NULL)"))
        for week, monday in enumerate(mondays):
            for day in (monday, monday + pd.Timedelta(days=3)):
                insert_squats(conn, "default", day, 1000 if (week, day.weekday()) == (10, 3) else 100 + 2.5 * week)
        conn.execute(sa.text(
            "INSERT INTO fitness.diet_daily (athlete_id, diet_date, calories_kcal, protein_g, carbs_g, fat_g, cycle_id, "
            "bodyweight_kg, source_sha256, source_line) "
            "SELECT 'default', d, CASE WHEN d = '2025-07-10' THEN 9000 ELSE 2500 + (extract(doy FROM d)::int % 7) * 10 END, "
            "180, 300, 70, 1, 80 + extract(doy FROM d)::numeric / 100, 'sha', 2 "
            "FROM generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d"))
    engine.dispose()


def insert_squats(conn: sa.Connection, athlete: str, day: pd.Timestamp, kg: float) -> None:
    """A 'Legs' workout at 18:00 on `day`: three squat sets of 5 at `kg` (the exercise exists)."""
    workout = conn.execute(sa.text(
        "INSERT INTO fitness.workouts (athlete_id, started_at, ended_at, title, training_date, "
        "duration_minutes, content_hash, source_sha256) VALUES (:athlete, :start, :end, 'Legs', :day, 60, "
        "'h', 'sha') RETURNING workout_id"),
        {"athlete": athlete, "start": day + pd.Timedelta(hours=18), "end": day + pd.Timedelta(hours=19),
         "day": day.date()}).scalar_one()
    block = conn.execute(sa.text(
        "INSERT INTO fitness.workout_exercises (workout_id, block_index, exercise_id) "
        "VALUES (:w, 0, fitness.exercise_id_for('Squat (Barbell)')) RETURNING workout_exercise_id"),
        {"w": workout}).scalar_one()
    conn.execute(sa.text(
        "INSERT INTO fitness.sets (workout_exercise_id, set_order, set_index, set_type, weight_kg, reps, "
        "source_line) SELECT :b, n, n, 'normal', :kg, 5, n + 2 FROM generate_series(0, 2) n"),
        {"b": block, "kg": kg})


def materialize(settings, instance) -> tuple[dict, dict, str]:
    result = dg.materialize(ASSETS, resources=settings.resources(), instance=instance, run_config=QUIET)
    metadata = {asset.key.to_user_string(): {k: v.value for k, v in
                                             result.asset_materializations_for_node(asset.key.to_user_string())[0]
                                             .metadata.items()}
                for asset in INSIGHT_TABLE_ASSETS}
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    return metadata, checks, result.run_id


def test_insight_tables_from_the_warehouse_and_a_rerun_writes_nothing(settings):
    insert_activities(settings.database_url, history(start=date(2017, 1, 2), seed=5))
    insert_lifting_and_diet(settings.database_url)
    instance = dg.DagsterInstance.ephemeral()

    metadata, checks, first_run = materialize(settings, instance)
    assert all(check.passed for check in checks.values()) and set(checks) >= {
        "scores_in_range", "intervals_contain_estimates", "flags_outside_bounds", "shares_sum_to_one"}
    assert all(m["rows_written_this_run"] > 0 for m in metadata.values())

    # the classifier's life event is stored, and before/after splits on it
    event = query(settings, "SELECT event_week, method FROM fitness.life_events WHERE athlete_id = 'default'")[0]
    assert event["method"] == "detected" and abs((event["event_week"] - EVENT).days) <= 14
    periods = {r["period"]: r for r in query(settings, "SELECT * FROM fitness.before_after")}
    assert periods["before"]["event_week"] == periods["after"]["event_week"] == event["event_week"]
    assert periods["after"]["walk_share"] > 0.7 and periods["before"]["walk_share"] < 0.1
    assert periods["after"]["activities_per_month"] > 3 * periods["before"]["activities_per_month"]
    assert periods["after"]["avg_pace_min_per_km"] > periods["before"]["avg_pace_min_per_km"]

    # the squat's top weight rises 2.5 kg a week: recovered over the last 26 weeks (the typo is in week 10)
    squat = query(settings, "SELECT * FROM fitness.trends WHERE metric = 'top_weight_kg' AND window_weeks = 26")[0]
    assert squat["exercise_name"] == "Squat (Barbell)" and squat["points"] == 26 and squat["significant"]
    assert squat["slope_ci_low"] <= squat["slope_per_week"] == 2.5 <= squat["slope_ci_high"]
    series = query(settings, "SELECT DISTINCT metric FROM fitness.trend_series ORDER BY 1")
    assert [r["metric"] for r in series] == ["bodyweight_kg", "calories_kcal", "run_distance_km", "run_pace_min_per_km",
                                             "top_weight_kg"]
    assert query(settings, "SELECT count(*) AS n FROM fitness.trend_forecasts WHERE metric = 'bodyweight_kg' "
                           "AND window_weeks = 12")[0]["n"] == 8

    # the typo and the feast day are flagged by all three methods
    flagged = query(settings, "SELECT dataset, metric, value, method FROM fitness.anomalies "
                              "WHERE (dataset = 'sets' AND value = 1000) OR (dataset = 'diet_days' AND value = 9000)")
    assert {(r["dataset"], r["method"]) for r in flagged} == {(d, m) for d in ("sets", "diet_days")
                                                             for m in ("iqr", "zscore", "mad")}

    # Monday and Thursday at 18:00: regular; the runs and walks are on random days
    week = query(settings, "SELECT * FROM fitness.consistency_weekly WHERE week_start = '2025-08-04'")[0]
    assert week["time_of_day_regularity"] == 100.0 and week["lifting_sessions"] == 2
    assert 0 <= week["consistency_score"] <= 100 and week["current_streak_weeks"] >= 30

    again, again_checks, _ = materialize(settings, instance)
    assert {name: m["rows_written_this_run"] for name, m in again.items()} == {name: 0 for name in again}
    # Nothing they read changed: computed not again but carried forward, with the first run's check
    # results said to be carried and from which run (the publishing gate still sees each evaluated).
    assert all(m.get("carried_forward") is True and m["computed_in_run"] == first_run for m in again.values())
    assert {name: (c.passed, c.metadata["carried_forward"].value, c.metadata["offending_rows"].value)
            for name, c in again_checks.items() if name in checks} == {
        name: (c.passed, True, c.metadata["offending_rows"].value) for name, c in checks.items()
        if name in {"scores_in_range", "intervals_contain_estimates", "flags_outside_bounds", "shares_sum_to_one"}}

    # one changed value changes exactly its rows
    engine = sa.create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE fitness.diet_daily SET calories_kcal = 2500 WHERE diet_date = '2025-07-10'"))
    engine.dispose()
    changed, _, _ = materialize(settings, instance)
    assert changed["anomalies"]["anomalies_deleted"] >= 3 and changed["consistency_weekly"]["rows_written_this_run"] == 0
    # diet_daily is read by all but before/after: they compute again, before/after carries forward
    assert {name: bool(m.get("carried_forward")) for name, m in changed.items()} == {
        "consistency_weekly": False, "trends": False, "anomalies": False, "before_after": True}

    # the payload and the report of that week read the same rows
    score = query(settings, "SELECT * FROM fitness.consistency_weekly WHERE week_start = '2025-09-08'")[0]
    rows = query(settings, "SELECT * FROM fitness.anomalies WHERE record_date BETWEEN '2025-09-08' AND '2025-09-14'")
    summary = {"athlete_id": "default", "week_start": "2025-09-08", "cycle_id": 1, "cycle_name": "Bulking I",
               "cycle_type": "bulking", "avg_calories_kcal": 2530, "avg_carbs_g": 300, "avg_protein_g": 180,
               "avg_fat_g": 70, "cardio_weekly_min": None, "avg_bodyweight_kg": 82.5, "logged_days": 7,
               "training_sessions": 2, "total_sets": 6, "failure_sets": 0, "avg_reps_per_set": 5}
    payload = build_payload(summary, [], score, rows)
    assert payload["schema_version"] == "1.2" and contract_errors(payload) == []
    assert payload["insights"]["consistency"]["score"] == score["consistency_score"]
    text = write_report(payload)
    assert f"- Consistency score {number(score['consistency_score'])}: frequency " in text
    assert ungrounded_numbers(text, payload) == []


ATHLETE_SCOPED = ("consistency_weekly", "trends", "anomalies")
KIM = "kim o'neil: 100%"  # quoted as a literal where COPY takes no parameters
OUTPUTS = ("consistency_weekly", "trend_series", "trends", "trend_forecasts", "anomalies")


def test_a_change_to_one_athlete_computes_that_athlete_again_and_keeps_the_others_rows(settings):
    insert_activities(settings.database_url, history(start=date(2017, 1, 2), seed=5))
    insert_lifting_and_diet(settings.database_url)
    engine = sa.create_engine(settings.database_url)
    with engine.begin() as conn:  # a second athlete squats every Tuesday of 2025, +5 kg a week
        conn.execute(sa.text("INSERT INTO fitness.athletes (athlete_id) VALUES (:kim)"), {"kim": KIM})
        for week, tuesday in enumerate(pd.date_range("2025-01-07", "2025-12-30", freq="7D")):
            insert_squats(conn, KIM, tuesday, 60 + 5 * week)
    instance = dg.DagsterInstance.ephemeral()

    first, _, _ = materialize(settings, instance)
    assert {name: first[name]["computed_for"] for name in ATHLETE_SCOPED} == dict.fromkeys(ATHLETE_SCOPED,
                                                                                           "every athlete")
    tables = {t: query(settings, f"SELECT * FROM fitness.{t}") for t in OUTPUTS}
    assert {r["athlete_id"] for r in tables["trends"]} == {"default", KIM}

    with engine.begin() as conn:  # Kim trains once more, with a typo: 6,000 kg
        insert_squats(conn, KIM, pd.Timestamp("2026-01-06"), 6000)
    partial, partial_checks, _ = materialize(settings, instance)
    assert {name: partial[name]["computed_for"] for name in ATHLETE_SCOPED} == dict.fromkeys(
        ATHLETE_SCOPED, "1 athlete(s) whose rows changed")
    after = {t: query(settings, f"SELECT * FROM fitness.{t}") for t in OUTPUTS}
    for table in OUTPUTS:  # the other athlete's rows are untouched, Kim's are new
        assert sorted(str(r) for r in after[table] if r["athlete_id"] == "default") == sorted(
            str(r) for r in tables[table] if r["athlete_id"] == "default"), table
    assert any(r["athlete_id"] == KIM and r["value"] == 6000 for r in after["anomalies"])
    assert len([r for r in after["trend_series"] if r["athlete_id"] == KIM]) == len(
        [r for r in tables["trend_series"] if r["athlete_id"] == KIM]) + 1

    # Computing every athlete again gives the same tables, and the same checks over all of them.
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM fitness.computation_runs WHERE computation IN :names").bindparams(
            sa.bindparam("names", expanding=True)), {"names": list(ATHLETE_SCOPED)})
    engine.dispose()
    full, full_checks, _ = materialize(settings, instance)
    assert {name: (full[name]["computed_for"], full[name]["rows_written_this_run"]) for name in ATHLETE_SCOPED} == \
        dict.fromkeys(ATHLETE_SCOPED, ("every athlete", 0))
    for name in ("scores_in_range", "intervals_contain_estimates", "flags_outside_bounds"):
        assert ({k: partial_checks[name].metadata[k].value for k in ("offending_rows", "checked_rows", "fingerprint")}
                == {k: full_checks[name].metadata[k].value for k in ("offending_rows", "checked_rows", "fingerprint")}
                and partial_checks[name].passed == full_checks[name].passed), name
    assert full["anomalies"]["values_judged"] > partial["anomalies"]["values_judged"]


def test_sync_table_writes_only_differences(settings, database_url):
    engine = sa.create_engine(settings.database_url)
    from fitness_assets.lib.warehouse.database import apply_migrations
    apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")
    frame = pd.DataFrame({"athlete_id": "default", "metric": ["bodyweight_kg", "top_weight_kg"],
                          "exercise_name": ["", "Squat (Barbell)"], "exercise_id": pd.array([None, 7], dtype="Int64"),
                          "week_start": [date(2025, 1, 6)] * 2, "value": [80.1, 102.5]})
    key = ["athlete_id", "metric", "exercise_name", "week_start"]
    with engine.begin() as conn:
        first = sync_table(conn, "fitness.trend_series", frame, key)
    with engine.begin() as conn:
        same = sync_table(conn, "fitness.trend_series", frame, key)
    edited = frame.assign(value=[80.1, 105.0]).iloc[1:]
    with engine.begin() as conn:
        changed = sync_table(conn, "fitness.trend_series", edited, key)
        stored = conn.execute(sa.text("SELECT exercise_name, value FROM fitness.trend_series")).all()
    engine.dispose()
    assert (first.inserted, first.written) == (2, 2) and same.written == 0
    assert (changed.inserted, changed.updated, changed.deleted, changed.total) == (0, 1, 1, 1)
    assert stored == [("Squat (Barbell)", 105.0)]


def test_the_insights_section_groups_methods_and_is_absent_without_a_score():
    rows = [{"record_date": date(2025, 3, 4), "dataset": "sets", "record_key": "12", "group_key": "Squat (Barbell)",
             "metric": "weight_kg", "method": m, "value": 1000.0, "group_median": 140.0} for m in ("zscore", "iqr")]
    score = {"consistency_score": 87.5, "frequency_score": 100.0, "timing_score": None, "stability_score": 75.0,
             "streak_score": 62.5, "sessions": 3, "norm_sessions": 3.0, "current_streak_weeks": 5,
             "longest_streak_weeks": 9, "current_streak_days": 0, "longest_streak_days": 2}
    section = insights_section(score, copy.deepcopy(rows))
    assert section["anomalies"] == [{"date": "2025-03-04", "dataset": "sets", "subject": "Squat (Barbell)",
                                     "metric": "weight_kg", "value": 1000.0, "group_median": 140.0,
                                     "methods": ["iqr", "zscore"]}]
    assert section["consistency"]["timing_regularity"] is None and insights_section(None, rows) is None


def test_the_contract_ties_insights_to_version_1_2_in_both_validators():
    import jsonschema_rs

    from fitness_assets.lib.payloads.payload import payload_schema

    score = {"consistency_score": 50.0, "frequency_score": 100.0, "timing_score": 25.0, "stability_score": None,
             "streak_score": 25.0, "sessions": 1, "norm_sessions": None, "current_streak_weeks": 2,
             "longest_streak_weeks": 2, "current_streak_days": 1, "longest_streak_days": 1}
    summary = {"athlete_id": "default", "week_start": "2025-09-08", "cycle_id": None, "cycle_name": None,
               "cycle_type": None, "avg_calories_kcal": None, "avg_carbs_g": None, "avg_protein_g": None,
               "avg_fat_g": None, "cardio_weekly_min": None, "avg_bodyweight_kg": None, "logged_days": 0,
               "training_sessions": 1, "total_sets": 3, "failure_sets": 0, "avg_reps_per_set": 5}
    week = build_payload(summary, [], score, [])
    fast = jsonschema_rs.Draft202012Validator(payload_schema())
    assert fast.is_valid(week)
    assert week["schema_version"] == "1.2" and contract_errors(week) == []
    without = {k: v for k, v in week.items() if k != "insights"}
    insights = week["insights"]
    broken = {
        "insights under 1.1": week | {"schema_version": "1.1"},
        "1.2 without insights": without,
        "a score above 100": week | {"insights": insights | {"consistency": insights["consistency"] | {"score": 101}}},
        "an unknown method": week | {"insights": insights | {"anomalies": [
            {"date": "2025-09-09", "dataset": "sets", "subject": "x", "metric": "reps", "value": 1, "group_median": 1,
             "methods": ["grubbs"]}]}},
    }
    for why, payload in broken.items():
        assert contract_errors(payload) != [], why
        assert not fast.is_valid(payload), why
    assert contract_errors(without | {"schema_version": "1.0"}) == []
    assert build_payload(summary, [])["schema_version"] == "1.0"   # no score: the 1.0 document
