"""Hevy API sync records → silver workout sets: the replay of full and events syncs, from the
raw zone alone (the pages landed by a real sync against the local Hevy API)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.formats import HEVY_API, detect_export
from fitness_assets.lib.raw.hevy_api import HevyApiSettings, landed_records, sync_hevy_api
from fitness_assets.lib.raw.zone import land_inbox, load_manifest
from fitness_assets.lib.silver.build import build_silver
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets.schemas.silver import SilverApiWorkoutSet
from fitness_assets_tests.conftest import hevy_csv, workout_set
from fitness_assets_tests.hevy_api.data import API_KEY, exercise_template, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)

BOUNDS = DateBounds(today=date(2026, 6, 1), timezone="Europe/Madrid")


def sync(server, raw_zone, cursor=None):
    settings = HevyApiSettings(base_url=server.base_url, api_key=API_KEY, backoff_seconds=0.01)
    return sync_hevy_api(settings, raw_zone, cursor, timezone_name="Europe/Madrid")


def silver_sets(raw_zone) -> pd.DataFrame:
    return build_silver(raw_zone, load_manifest(raw_zone), bounds=BOUNDS).workout_sets


def test_a_full_sync_gives_one_row_per_set_with_the_api_ids(hevy_api, tmp_path):
    hevy_api.state.workouts = [workout(n, exercises=2, sets=3) for n in range(12)]
    hevy_api.state.exercise_templates = [exercise_template(i) for i in range(4)]
    sync(hevy_api, tmp_path)
    sets = silver_sets(tmp_path)
    assert len(sets) == 12 * 2 * 3
    SilverApiWorkoutSet.validate(sets)
    first = sets.iloc[0]
    served = hevy_api.state.workouts[0]
    assert first["hevy_workout_id"] == served["id"] and first["title"] == "Workout 0"
    assert first["exercise_template_id"] == served["exercises"][0]["exercise_template_id"]
    assert first["hevy_set_id"] == f"{served['id']}/0/0" and first["set_type"] == "warmup"
    # 09:00 UTC on 5 January is 10:00 in Madrid, as a CSV export would write it.
    assert first["started_at"] == pd.Timestamp("2026-01-05 10:00") and first["training_date"] == date(2026, 1, 5)
    assert first["weight_kg"] == served["exercises"][0]["sets"][0]["weight_kg"] and first["reps"] == 10
    assert sets["block_index"].max() == 1 and sets["set_order"].max() == 2


def test_events_update_and_delete_and_a_replay_in_any_order_agrees(hevy_api, tmp_path):
    state = hevy_api.state
    state.workouts = [workout(n) for n in range(3)]
    full = sync(hevy_api, tmp_path).record
    edited = workout(1, sets=5) | {"title": "Edited", "updated_at": "2026-03-01T10:00:00Z"}
    state.record_update(edited)
    state.record_delete(workout(2)["id"], "2026-03-01T10:00:00Z")
    # A stale copy of workout 2, older than its deletion, must not bring it back.
    state.events.append({"type": "updated", "workout": workout(2) | {"updated_at": "2026-02-28T00:00:00Z"}})
    sync(hevy_api, tmp_path, cursor=full.cursor_after)
    sets = silver_sets(tmp_path)
    per_workout = sets.groupby("hevy_workout_id")["title"].agg(["first", "size"])
    assert per_workout.to_dict("index") == {workout(0)["id"]: {"first": "Workout 0", "size": 6},
                                            workout(1)["id"]: {"first": "Edited", "size": 10}}
    assert [r.kind for _, r in landed_records(tmp_path)] == ["full", "events"]


def test_a_record_without_its_full_sync_is_refused(hevy_api, tmp_path):
    hevy_api.state.workouts = [workout(0)]
    full = sync(hevy_api, tmp_path).record
    hevy_api.state.record_update(workout(0) | {"updated_at": "2026-03-01T10:00:00Z"})
    sync(hevy_api, tmp_path, cursor=full.cursor_after)
    first = landed_records(tmp_path)[0][0]
    (tmp_path / first.raw_path).unlink()
    with pytest.raises(ExportFileError, match="no full sync before it"):
        silver_sets(tmp_path)


def test_a_sync_record_is_detected_by_content_and_other_json_is_not():
    assert detect_export(b'{"format": "hevy_api_sync", "pages": []}', "x.json").kind == HEVY_API
    with pytest.raises(ExportFileError):
        detect_export(b'{"format": "something else"}', "x.json")


def test_two_api_workouts_with_one_start_and_title_load_one_and_quarantine_the_other(hevy_api, tmp_path):
    """The workout key is (start to the minute, title): the second workout would merge into the
    first. The smaller id loads; every set of the other is quarantined, naming the loaded one."""
    twin = workout(1) | {
        "id": "ffffffff-0000-4000-8000-000000000000", "title": "Workout 0",
        "start_time": "2026-01-05T09:00:41Z", "end_time": "2026-01-05T09:50:00Z"}
    hevy_api.state.workouts = [workout(0), twin, workout(2)]
    sync(hevy_api, tmp_path)
    silver = build_silver(tmp_path, load_manifest(tmp_path), bounds=BOUNDS)
    kept, other = sorted([workout(0)["id"], twin["id"]])
    assert set(silver.workout_sets["hevy_workout_id"]) == {kept, workout(2)["id"]}
    quarantined = silver.quarantine
    assert len(quarantined) == 6 and set(quarantined["rule"]) == {"duplicate_api_workout"}
    assert quarantined["reason"].str.contains(f"{other} has the same start").all()
    assert quarantined["reason"].str.contains(kept).all()
    [account] = silver.files
    assert account.rows_read == account.rows_accepted + account.rows_quarantined == 18


def test_a_csv_export_landed_after_the_api_sync_supplies_only_the_history_before_the_api(hevy_api, tmp_path):
    """The API stays the workouts snapshot whatever lands after it (it has the ids and exact kg);
    the newest CSV export is history: its workouts before the API's earliest one are current too."""
    hevy_api.state.workouts = [workout(n) for n in range(2)]
    sync(hevy_api, tmp_path / "raw")
    madrid = {"start": "02 Jun 2025, 20:00", "end": "02 Jun 2025, 21:00"}   # before the API's first workout
    rows = [workout_set("Old", madrid["start"], madrid["end"], "Squat (Barbell)", 0, 100, 5),
            workout_set("Workout 0", "05 Jan 2026, 10:00", "05 Jan 2026, 10:55", "Squat (Barbell)", 0, 100, 5)]
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "workouts.csv").write_bytes(hevy_csv(rows))
    land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", load_manifest(tmp_path / "raw"), bounds=BOUNDS)
    workouts = silver.workout_sets.drop_duplicates(["started_at", "title"])
    assert list(workouts["title"]) == ["Workout 0", "Workout 1", "Old"]
    assert workouts["hevy_workout_id"].isna().tolist() == [False, False, True]
    statuses = {a.file_name.split("/")[-1]: (a.status, a.rows_accepted, a.rows_in_api_reach) for a in silver.files}
    assert statuses == {"sync-000001.json": ("current", 12, 0), "workouts.csv": ("history", 1, 1)}
