"""Fetching and landing the Hevy API against the local server (fitness_assets_tests/hevy_api/)."""

from __future__ import annotations

import json
import logging

import pytest

from fitness_assets.lib.raw.hevy_api import (
    KEY_REFUSED,
    HevyApiError,
    HevyApiSettings,
    landed_records,
    read_page,
    sync_hevy_api,
)
from fitness_assets_tests.hevy_api.data import API_KEY, WRONG_KEY, exercise_template, routine, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)
from fitness_assets_tests.hevy_api.server import Fault


def settings_for(server, key=API_KEY, **fields) -> HevyApiSettings:
    return HevyApiSettings(base_url=server.base_url, api_key=key, backoff_seconds=0.01,
                           max_retry_delay_seconds=2, **fields)


def fill(state, workouts=23, templates=7, routines=3):
    state.workouts = [workout(n) for n in range(workouts)]
    state.exercise_templates = [exercise_template(i) for i in range(templates)]
    state.routines = [routine(i) for i in range(routines)]


def test_first_sync_pages_everything_and_lands_each_page_unchanged(hevy_api, tmp_path):
    fill(hevy_api.state)
    result = sync_hevy_api(settings_for(hevy_api, exercise_templates_page_size=5), tmp_path, cursor=None,
                           timezone_name="Europe/Madrid")
    record = result.record
    assert record.kind == "full" and record.sequence == 1 and record.items == 23 + 7 + 3
    assert [(p.endpoint, p.page, p.page_count, p.items) for p in record.pages] == [
        ("/v1/workouts", 1, 3, 10), ("/v1/workouts", 2, 3, 10), ("/v1/workouts", 3, 3, 3),
        ("/v1/exercise_templates", 1, 2, 5), ("/v1/exercise_templates", 2, 2, 2), ("/v1/routines", 1, 1, 3),
        ("/v1/body_measurements", 1, 1, 0)]
    assert result.requests == 7 and result.new_pages == 7
    assert [r.query["pageSize"] for r in hevy_api.state.served] == ["10"] * 3 + ["5"] * 2 + ["10"] * 2
    # The bytes are the server's: reading the landed pages gives back every workout as served.
    landed = [w for p in record.pages[:3] for w in read_page(tmp_path, p)["workouts"]]
    assert landed == hevy_api.state.workouts
    assert record.cursor_after == max(w["updated_at"] for w in hevy_api.state.workouts)
    # The latest start, 2026-02-18 09:00 UTC, in Madrid's winter time.
    assert record.data_until == "2026-02-18T10:00:00"
    [(entry, landed)] = landed_records(tmp_path)
    assert landed == record and entry.detected_format == "hevy_api_sync" and entry.row_count == 33
    assert entry.file_name == "hevy_api/sync-000001.json" and entry.data_until == record.data_until


def test_events_sync_asks_since_the_cursor_and_a_second_sync_writes_nothing(hevy_api, tmp_path):
    fill(hevy_api.state, workouts=3)
    full = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=None).record
    hevy_api.state.record_update(workout(1, title="Edited", updated_at=None) | {"updated_at": "2026-03-01T10:00:00Z"})
    hevy_api.state.record_delete(workout(2)["id"], "2026-03-01T10:00:00Z")   # same second as the edit
    hevy_api.state.served.clear()
    result = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=full.cursor_after)
    events = result.record
    assert events.kind == "events" and result.requests == 1
    assert events.previous_sha256 == landed_records(tmp_path)[0][0].sha256
    assert hevy_api.state.served[0].query["since"] < full.cursor_after     # one second of overlap
    assert [e["type"] for e in read_page(tmp_path, events.pages[0])["events"]] == ["deleted", "updated"]
    assert events.cursor_after == "2026-03-01T10:00:00Z"
    hevy_api.state.served.clear()
    unchanged = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=events.cursor_after)
    assert unchanged.entry is None and unchanged.requests == 1 and len(hevy_api.state.served) == 1
    assert [r.sequence for _, r in landed_records(tmp_path)] == [1, 2]


def test_an_events_sync_with_no_event_writes_nothing(hevy_api, tmp_path):
    fill(hevy_api.state, workouts=2)
    full = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=None).record
    quiet = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=full.cursor_after)
    assert quiet.entry is None and quiet.requests == 1 and quiet.record.items == 0
    assert [r.kind for _, r in landed_records(tmp_path)] == ["full"]


def test_429_waits_for_retry_after_and_500_is_retried(hevy_api, tmp_path):
    fill(hevy_api.state, workouts=12, templates=1, routines=1)
    hevy_api.state.faults.extend([Fault("/v1/workouts", 429, page=2, retry_after="1"),
                                  Fault("/v1/routines", 500)])
    result = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=None)
    statuses = [(r.path, r.query.get("page"), r.status) for r in hevy_api.state.served]
    assert statuses == [("/v1/workouts", "1", 200), ("/v1/workouts", "2", 429), ("/v1/workouts", "2", 200),
                        ("/v1/exercise_templates", "1", 200), ("/v1/routines", "1", 500),
                        ("/v1/routines", "1", 200), ("/v1/body_measurements", "1", 200)]
    assert result.requests == 7 and len(result.record.pages) == 5
    served = hevy_api.state.served
    assert served[2].received_at - served[1].received_at >= 0.95      # Retry-After: 1, not the 0.01 s backoff
    assert served[5].received_at - served[4].received_at < 0.9


def test_a_server_that_keeps_failing_gives_up_after_the_attempts(hevy_api, tmp_path):
    fill(hevy_api.state, workouts=1)
    hevy_api.state.faults.extend([Fault("/v1/workouts", 500)] * 3)
    with pytest.raises(HevyApiError, match="kept answering 500 after 3 attempts"):
        sync_hevy_api(settings_for(hevy_api, max_attempts=3), tmp_path, cursor=None)
    assert landed_records(tmp_path) == []


def test_a_refused_key_says_why_and_never_shows_the_key(hevy_api, tmp_path, caplog):
    fill(hevy_api.state, workouts=1)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(HevyApiError) as refused:
        sync_hevy_api(settings_for(hevy_api, key=WRONG_KEY), tmp_path, cursor=None)
    assert str(refused.value) == KEY_REFUSED
    assert hevy_api.state.served[0].status == 401 and len(hevy_api.state.served) == 1   # not retried
    assert WRONG_KEY not in caplog.text and WRONG_KEY not in repr(refused.value.__cause__)
    assert WRONG_KEY not in repr(settings_for(hevy_api, key=WRONG_KEY))


def test_the_key_is_not_in_logs_or_landed_files(hevy_api, tmp_path, caplog):
    fill(hevy_api.state, workouts=3)
    caplog.set_level(logging.DEBUG)
    sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=None)
    assert API_KEY not in caplog.text
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and API_KEY.encode() in p.read_bytes()]


def test_page_sizes_above_the_documented_maxima_are_refused_before_any_request():
    with pytest.raises(ValueError, match="1 to 10"):
        HevyApiSettings(base_url="http://unused", api_key=API_KEY, workouts_page_size=11)
    with pytest.raises(ValueError, match="1 to 100"):
        HevyApiSettings(base_url="http://unused", api_key=API_KEY, exercise_templates_page_size=101)


def test_an_event_arriving_while_paging_is_not_lost(hevy_api, tmp_path):
    """Events are newest first: one arriving between page 1 and page 2 pushes the list down, so
    page 2 repeats an event (harmless) and the newcomer, newer than the cursor, comes next sync."""
    state = hevy_api.state
    fill(state, workouts=12)
    for n in range(12):
        state.record_update(workout(n) | {"updated_at": f"2026-03-01T10:00:{n:02d}Z"})
    original_items = hevy_api._items

    def items_with_a_late_event(path, since):
        if path == "/v1/workouts/events" and len(state.served) == 1:
            state.record_update(workout(40) | {"updated_at": "2026-03-01T11:00:00Z"})
        return original_items(path, since)
    hevy_api._items = items_with_a_late_event
    record = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor="2026-02-01T00:00:00Z").record
    seen = [e["workout"]["updated_at"] for p in record.pages for e in read_page(tmp_path, p)["events"]]
    assert "2026-03-01T10:00:00Z" in seen and record.cursor_after == "2026-03-01T10:00:11Z"
    following = sync_hevy_api(settings_for(hevy_api), tmp_path, cursor=record.cursor_after).record
    assert workout(40)["id"] in json.dumps([read_page(tmp_path, p) for p in following.pages])
