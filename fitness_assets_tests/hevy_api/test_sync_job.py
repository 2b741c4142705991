"""The Hevy API sync end to end: hevy_api_sync_job against the local Hevy API and a real
PostgreSQL — first sync, an edit and a deletion, a sync with no change, and the key kept out of
the event log."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg
import sqlalchemy as sa

from fitness_assets_tests.conftest import hevy_csv, workout_set
from fitness_assets_tests.harness import QUIET, definitions_for, query, run_ingest, table_counts
from fitness_assets_tests.hevy_api.data import API_KEY, exercise_template, routine, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)


def run_sync(settings, instance, full: bool = False):
    result = definitions_for(settings).resolve_job_def("hevy_api_sync_job").execute_in_process(
        instance=instance, run_config=QUIET | {"ops": {"hevy_api_sync": {"config": {"full": full}}}})
    assert result.success
    return result


def materialized(result, asset: str) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def sync_facts(result) -> dict:
    facts = materialized(result, "hevy_api_sync")
    return {key: facts[key] for key in ("kind", "requests", "landed")}


def test_first_sync_edit_delete_and_a_sync_with_no_change(hevy_api, settings):
    state = hevy_api.state
    state.workouts = [workout(n) for n in range(12)]
    state.exercise_templates = [exercise_template(i) for i in range(4)]
    state.routines = [routine(i) for i in range(2)]
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    instance = dg.DagsterInstance.ephemeral()

    first = run_sync(settings, instance)
    assert sync_facts(first) == {"kind": "full", "requests": 5, "landed": True}
    counts = table_counts(settings)
    assert (counts["workouts"], counts["sets"], counts["raw_manifest"]) == (12, 12 * 2 * 3, 1)
    assert query(settings, "SELECT min(started_at)::text AS s FROM fitness.workouts") == [{"s": "2026-01-05 09:00:00"}]

    state.record_update(workout(3, sets=4) | {"title": "Heavy day", "updated_at": "2026-03-02T08:00:00Z"})
    state.record_delete(workout(5)["id"], "2026-03-02T08:00:00Z")
    state.served.clear()
    second = run_sync(settings, instance)
    assert sync_facts(second) == {"kind": "events", "requests": 1, "landed": True}
    assert [r.path for r in state.served] == ["/v1/workouts/events"]
    titles = [r["title"] for r in query(settings, "SELECT title FROM fitness.workouts ORDER BY started_at")]
    assert len(titles) == 11 and "Heavy day" in titles and "Workout 5" not in titles and "Workout 3" not in titles
    removed = query(settings, "SELECT title, set_count FROM fitness.removed_workouts ORDER BY title")
    assert {"title": "Workout 5", "set_count": 6} in removed
    assert table_counts(settings)["sets"] == 11 * 6 + 2   # the edited workout has 4 sets per exercise

    state.served.clear()
    third = run_sync(settings, instance)
    assert sync_facts(third) == {"kind": "events", "requests": 1, "landed": False}
    assert materialized(third, "hevy_api_sync")["unloaded_record"] is False
    assert len(state.served) == 1
    # Nothing landed: the rebuild writes nothing (and its checks are evaluated, for the payload gate).
    assert materialized(third, "sets")["rows_written_this_run"] == 0
    assert materialized(third, "workouts")["rows_written_this_run"] == 0

    # The key is in no event of any run: logs, metadata, config.
    for run in instance.get_runs():
        for record in instance.all_logs(run.run_id):
            assert API_KEY not in repr(record)


def test_without_a_key_the_sync_stops_before_asking_anything(hevy_api, settings):
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url)
    result = definitions_for(settings).resolve_job_def("hevy_api_sync_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), run_config=QUIET, raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "HEVY_API_KEY is not set" in failure.step_failure_data.user_failure_data.description
    assert hevy_api.state.served == [] and table_counts(settings)["workouts"] == 0


def test_the_cursor_advances_only_after_the_warehouse_loaded_the_sync(hevy_api, settings):
    """A sync whose load is refused (the removal guard: 5 of 12 workouts deleted) lands its pages
    but is not loaded; the next sync asks again from the last loaded cursor, and once confirmed
    the deletions load."""
    state = hevy_api.state
    state.workouts = [workout(n) for n in range(12)]
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    instance = dg.DagsterInstance.ephemeral()
    first = run_sync(settings, instance)
    cursor = materialized(first, "hevy_api_sync")["cursor_after"]
    for n in range(5):
        state.record_delete(workout(n)["id"], f"2026-03-02T08:00:0{n}Z")
    refused = definitions_for(settings).resolve_job_def("hevy_api_sync_job").execute_in_process(
        instance=instance, run_config=QUIET, raise_on_error=False)
    assert not refused.success and table_counts(settings)["workouts"] == 12
    assert materialized(refused, "hevy_api_sync")["cursor_after"] == "2026-03-02T08:00:04Z"
    state.served.clear()
    confirmed = settings.with_fields("quality", allow_removals=True)
    again = run_sync(confirmed, instance)
    # Asked from the cursor of the last *loaded* sync (minus the one-second overlap), not the refused one's.
    assert state.served[0].query["since"] < cursor
    assert materialized(again, "hevy_api_sync")["kind"] == "events"
    assert table_counts(settings)["workouts"] == 7 and table_counts(settings)["removed_workouts"] == 5


def test_the_api_ids_and_exercise_templates_reach_the_warehouse(hevy_api, settings):
    """Templates fill the exercises (template id, type, equipment) and the muscle weights (primary
    1.0, each secondary 0.5); a CSV title matches a template by title or through an alias
    (localised); a title no template covers keeps its curated group, or 'Unmapped'."""
    hevy_api.state.workouts = [workout(n) for n in range(2)]
    hevy_api.state.exercise_templates = [exercise_template(i) for i in range(4)]
    old = "02 Jun 2025, 18:00", "02 Jun 2025, 19:00"   # CSV history before the API's first workout
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv([
        workout_set("Old", *old, "Sentadilla (Barra)", 0, 100, 5), workout_set("Old", *old, "Ab Wheel", 0, "", 12),
        workout_set("Old", *old, "Mystery Move", 0, 20, 10)]))
    run_ingest(settings)
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    run_sync(settings, dg.DagsterInstance.ephemeral())
    rows = query(settings, """
        SELECT w.hevy_workout_id, we.exercise_template_id, s.hevy_set_id
        FROM fitness.sets s JOIN fitness.workout_exercises we USING (workout_exercise_id)
        JOIN fitness.workouts w USING (workout_id)
        WHERE w.started_at = '2026-01-05 09:00' AND we.block_index = 1 AND s.set_order = 2""")
    served = hevy_api.state.workouts[0]
    assert rows == [{"hevy_workout_id": served["id"],
                     "exercise_template_id": served["exercises"][1]["exercise_template_id"],
                     "hevy_set_id": f"{served['id']}/1/2"}]
    # daily_exercises carries the reference mart's columns, with the API's ids where the source has them.
    mart = query(settings, """
        SELECT workout_date::text, exercise_name, weight_kg::float, reps, set_number, set_type, rpe::float,
               workout_title, started_at::text, ended_at::text, workout_id IS NOT NULL AS has_workout_id,
               exercise_id = fitness.exercise_id_for(exercise_name) AS has_exercise_id, set_id IS NOT NULL AS has_set_id,
               hevy_workout_id, exercise_template_id, hevy_set_id
        FROM fitness.daily_exercises
        WHERE (started_at = '2026-01-05 09:00' AND block_index = 1 AND set_number = 3) OR exercise_name = 'Sentadilla (Barra)'
        ORDER BY started_at""")
    api_set = served["exercises"][1]["sets"][2]
    assert mart == [
        {"workout_date": "2025-06-02", "exercise_name": "Sentadilla (Barra)", "weight_kg": 100.0, "reps": 5,
         "set_number": 1, "set_type": "normal", "rpe": None, "workout_title": "Old", "started_at": "2025-06-02 18:00:00",
         "ended_at": "2025-06-02 19:00:00", "has_workout_id": True, "has_exercise_id": True, "has_set_id": True,
         "hevy_workout_id": None, "exercise_template_id": "D04AC939", "hevy_set_id": None},
        {"workout_date": "2026-01-05", "exercise_name": "Squat (Barbell)", "weight_kg": api_set["weight_kg"],
         "reps": api_set["reps"], "set_number": 3, "set_type": "normal", "rpe": api_set["rpe"], "workout_title": "Workout 0",
         "started_at": "2026-01-05 09:00:00", "ended_at": "2026-01-05 09:55:00", "has_workout_id": True,
         "has_exercise_id": True, "has_set_id": True, "hevy_workout_id": served["id"], "exercise_template_id": "D04AC939",
         "hevy_set_id": f"{served['id']}/1/2"}]
    exercises = query(settings, """
        SELECT e.exercise_name, e.exercise_template_id, e.exercise_type, e.equipment,
               string_agg(g.muscle_group_name || ' ' || w.weight || ' ' || w.mapped_by, ', '
                          ORDER BY w.weight DESC, g.muscle_group_name) AS muscles
        FROM fitness.exercises e JOIN fitness.exercise_muscle_weights w USING (exercise_id)
        JOIN fitness.muscle_groups g USING (muscle_group_id)
        GROUP BY 1, 2, 3, 4 ORDER BY 1""")
    squat = {"exercise_template_id": "D04AC939", "exercise_type": "weight_reps", "equipment": "barbell",
             "muscles": "Quadriceps 1.00 template, Glutes 0.50 template, Hamstrings 0.50 template"}
    assert exercises == [
        {"exercise_name": "Ab Wheel", "exercise_template_id": None, "exercise_type": None, "equipment": None,
         "muscles": "Abdominals 1.00 curated"},
        {"exercise_name": "Bench Press (Barbell)", "exercise_template_id": "79D0BB3A", "exercise_type": "weight_reps",
         "equipment": "barbell", "muscles": "Chest 1.00 template, Shoulders 0.50 template, Triceps 0.50 template"},
        {"exercise_name": "Deadlift (Barbell)", "exercise_template_id": "C6272009", "exercise_type": "weight_reps",
         "equipment": "barbell", "muscles": "Hamstrings 1.00 template, Glutes 0.50 template, Lower Back 0.50 template"},
        {"exercise_name": "Mystery Move", "exercise_template_id": None, "exercise_type": None, "equipment": None,
         "muscles": "Unmapped 1.00 unmapped"},
        {"exercise_name": "Sentadilla (Barra)", **squat},
        {"exercise_name": "Squat (Barbell)", **squat},
    ]
    # Weighted working sets per muscle (warmups out): the week of workouts 0 and 1 (bench + squat,
    # squat + deadlift, 2 working sets each) and the CSV week (one set each, the alias via its template).
    muscles = query(settings, """SELECT week_start::text AS week, muscle_group AS g, weighted_sets::float AS w, sets
                                 FROM fitness.weekly_muscle_sets ORDER BY week_start, muscle_group""")
    assert [(r["week"], r["g"], r["w"], r["sets"]) for r in muscles] == [
        ("2025-06-02", "Abdominals", 1.0, 1), ("2025-06-02", "Glutes", 0.5, 1), ("2025-06-02", "Hamstrings", 0.5, 1),
        ("2025-06-02", "Quadriceps", 1.0, 1), ("2025-06-02", "Unmapped", 1.0, 1),
        ("2026-01-05", "Chest", 2.0, 2), ("2026-01-05", "Glutes", 3.0, 6), ("2026-01-05", "Hamstrings", 4.0, 6),
        ("2026-01-05", "Lower Back", 1.0, 2), ("2026-01-05", "Quadriceps", 4.0, 4), ("2026-01-05", "Shoulders", 1.0, 2),
        ("2026-01-05", "Triceps", 1.0, 2)]
    # The one group per exercise of the weekly views: the template's primary wins over the curated
    # map (which says Lower Back for the deadlift).
    assert query(settings, """SELECT g.muscle_group_name AS g, m.is_curated FROM fitness.exercise_muscle_map m
                              JOIN fitness.muscle_groups g USING (muscle_group_id)
                              WHERE m.exercise_id = fitness.exercise_id_for('Deadlift (Barbell)')""") == [
        {"g": "Hamstrings", "is_curated": True}]


def csv_rows_of(api_workout: dict) -> list[dict]:
    """The sets of an API workout as Hevy's CSV export writes them (local time = UTC here)."""
    def local(text: str) -> str:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).strftime("%d %b %Y, %H:%M")
    return [workout_set(api_workout["title"], local(api_workout["start_time"]), local(api_workout["end_time"]),
                        exercise["title"], s["index"], s["weight_kg"], s["reps"], s["type"],
                        rpe="" if s["rpe"] is None else str(s["rpe"]))
            for exercise in api_workout["exercises"] for s in exercise["sets"]]


def test_csv_history_then_the_api_is_one_workout_each_and_older_csv_history_stays(hevy_api, settings):
    """CSV history, then the API: a workout both hold (same local start to the minute, same title)
    is one workout, rewritten once with its ids (the API wins); the CSV-only history before the
    API's earliest workout stays; a CSV workout inside the API's reach that the API does not hold
    was deleted in the app: removed and logged. Every CSV row is accounted for (nothing_lost)."""
    api_workouts = [workout(n) for n in range(4)]
    # The API has seconds; the CSV export writes 09:00 for this start.
    api_workouts[2] = workout(2, start=datetime(2026, 1, 9, 9, 0, 37, tzinfo=timezone.utc))
    hevy_api.state.workouts = api_workouts
    older = [workout(90, start=datetime(2025, 6, 2, 18, 0, tzinfo=timezone.utc), title="Another app's import"),
             workout(91, start=datetime(2025, 6, 4, 18, 0, tzinfo=timezone.utc), title="Another app's import")]
    deleted_in_app = workout(92, start=datetime(2026, 1, 6, 18, 0, tzinfo=timezone.utc), title="Deleted since")
    (settings.inbox / "workouts.csv").write_bytes(
        hevy_csv([row for w in [*older, *api_workouts, deleted_in_app] for row in csv_rows_of(w)]))
    run_ingest(settings)
    assert table_counts(settings)["workouts"] == 7
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    synced = run_sync(settings, dg.DagsterInstance.ephemeral())
    facts = materialized(synced, "workouts")
    assert (facts["workouts_new"], facts["workouts_changed"], facts["workouts_removed"]) == (0, 4, 1)
    assert query(settings, "SELECT title FROM fitness.removed_workouts") == [{"title": "Deleted since"}]
    rows = query(settings, """SELECT title, started_at::text AS started, hevy_workout_id IS NOT NULL AS from_api
                              FROM fitness.workouts ORDER BY started_at""")
    assert rows == [{"title": "Another app's import", "started": "2025-06-02 18:00:00", "from_api": False},
                    {"title": "Another app's import", "started": "2025-06-04 18:00:00", "from_api": False},
                    *[{"title": f"Workout {n}", "started": f"2026-01-{5 + 2 * n:02d} 09:00:00", "from_api": True}
                      for n in range(4)]]
    [lost] = [e for e in synced.get_asset_check_evaluations() if e.check_name == "nothing_lost"
              and e.asset_key.to_user_string() == "sets"]
    assert lost.passed, lost.metadata
    assert lost.metadata["rows_held_by_the_api_sync"].value == (4 + 1) * 6   # the CSV's rows in the API's reach


def test_with_a_bucket_the_sync_lands_the_reference_layout_in_s3(hevy_api, settings, s3_client):
    s3_client.create_bucket(Bucket="fitness-raw")
    hevy_api.state.workouts = [workout(n) for n in range(2)]
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    settings = settings.with_fields("files", s3_bucket="fitness-raw")
    synced = run_sync(settings, dg.DagsterInstance.ephemeral())
    facts = materialized(synced, "hevy_api_sync")
    assert (facts["s3_records"], facts["s3_pages"]) == (1, 4)
    listed = [o["Key"] for o in s3_client.list_objects_v2(Bucket="fitness-raw", Prefix="raw/hevy/")["Contents"]]
    assert {key.split("/")[2] for key in listed} >= {"workouts", "workouts__exercises", "workouts__exercises__sets",
                                                    "pages", "sync_records"}
    assert table_counts(settings)["workouts"] == 2


def test_hevy_body_weights_fill_the_days_the_diet_log_lacks_and_the_payload_says_so(hevy_api, settings):
    """Week of 2026-01-05: the diet log weighs Monday (80.0; Hevy's 90.0 that day loses) and logs
    Tuesday without a weight; Hevy weighs Tuesday (81.0) and Thursday (82.0, no diet row): the week's
    body weight is the mean of 80, 81 and 82, two days from Hevy, and the payload says 1.2. A
    measurement in a week with nothing else makes no week; a week without measurements is unchanged."""
    from datetime import date

    from fitness_assets.lib.payloads.payload import query_weeks, validate_payload
    from fitness_assets_tests.conftest import diet_csv

    (settings.inbox / "diet.csv").write_bytes(diet_csv([
        "2026-01-05,200,180,60,2060,90,5Cutting III (05/01/2026 - XX/XX/XXXX),80.0,",
        "2026-01-06,210,181,61,2113,90,5Cutting III (05/01/2026 - XX/XX/XXXX),,",
        "2026-01-12,210,181,61,2113,90,5Cutting III (05/01/2026 - XX/XX/XXXX),79.0,"]))
    run_ingest(settings)
    hevy_api.state.workouts = [workout(0)]
    hevy_api.state.body_measurements = [
        {"date": day, "weight_kg": kg, "fat_percent": None}
        for day, kg in (("2026-01-05", 90.0), ("2026-01-06", 81.0), ("2026-01-08", 82.0), ("2026-03-02", 77.0))
    ] + [{"date": "2026-01-07", "weight_kg": None, "fat_percent": 18.5}]  # no weight: fills nothing
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    run_sync(settings, dg.DagsterInstance.ephemeral())
    assert query(settings, "SELECT count(*) AS n FROM fitness.body_weights") == [{"n": 4}]
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as conn:
        payloads = query_weeks(conn, date(2026, 1, 5), date(2026, 3, 2))
    engine.dispose()
    assert sorted(week for _, week in payloads) == ["2026-01-05", "2026-01-12"]
    filled, plain = payloads["default", "2026-01-05"], payloads["default", "2026-01-12"]
    for payload in (filled, plain):
        validate_payload(payload)
    assert filled["schema_version"] == "1.2"
    assert (filled["diet"]["avg_bodyweight_kg"], filled["diet"]["bodyweight_days_from_hevy"]) == (81, 2)
    assert list(filled["diet"])[-1] == "bodyweight_days_from_hevy"
    # The other week: no Hevy body weight; its version follows only its insights section (issue 13).
    assert "bodyweight_days_from_hevy" not in plain["diet"]
    assert plain["schema_version"] == ("1.2" if "insights" in plain else "1.0")
    assert plain["diet"]["avg_bodyweight_kg"] == 79
