"""The local Hevy API itself: paging, faults and the contract check that keeps it honest."""

from __future__ import annotations

import requests

from fitness_assets_tests.hevy_api.data import API_KEY, WRONG_KEY, exercise_template, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)
from fitness_assets_tests.hevy_api.server import Fault, HevyApiServer, HevyApiState


def get(server, path, key=API_KEY, **params):
    return requests.get(server.base_url + path, params=params, headers={"api-key": key}, timeout=10)


def test_pages_until_page_count(hevy_api):
    hevy_api.state.workouts = [workout(n) for n in range(23)]
    first = get(hevy_api, "/v1/workouts", page=1, pageSize=10).json()
    last = get(hevy_api, "/v1/workouts", page=3, pageSize=10).json()
    assert (first["page"], first["page_count"], len(first["workouts"])) == (1, 3, 10)
    assert (last["page"], len(last["workouts"])) == (3, 3)


def test_page_size_maxima_and_wrong_key(hevy_api):
    hevy_api.state.exercise_templates = [exercise_template(i) for i in range(120)]
    assert get(hevy_api, "/v1/workouts", pageSize=11).status_code == 400
    assert get(hevy_api, "/v1/workouts/events", pageSize=11).status_code == 400
    assert get(hevy_api, "/v1/exercise_templates", pageSize=100).json()["page_count"] == 2
    assert get(hevy_api, "/v1/exercise_templates", pageSize=101).status_code == 400
    assert get(hevy_api, "/v1/workouts", key=WRONG_KEY).status_code == 401


def test_events_newest_first_since(hevy_api):
    state = hevy_api.state
    state.record_update(workout(1, updated_at=None))
    state.record_delete(workout(0)["id"], "2026-02-01T10:00:00Z")
    events = get(hevy_api, "/v1/workouts/events", since="2026-01-01T00:00:00Z").json()["events"]
    assert [e["type"] for e in events] == ["deleted", "updated"]
    assert get(hevy_api, "/v1/workouts/events", since="2026-02-01T10:00:00Z").json()["events"][0]["type"] == "deleted"
    assert get(hevy_api, "/v1/workouts/events", since="2026-02-01T10:00:01Z").json()["events"] == []


def test_scripted_faults(hevy_api):
    hevy_api.state.faults.extend([Fault("/v1/workouts", 429, retry_after="1"), Fault("/v1/workouts", 500)])
    busy = get(hevy_api, "/v1/workouts")
    assert (busy.status_code, busy.headers["Retry-After"]) == (429, "1")
    assert get(hevy_api, "/v1/workouts").status_code == 500
    assert get(hevy_api, "/v1/workouts").status_code == 200


def test_a_request_outside_the_contract_is_recorded():
    """The check can fail: a key that is not a UUID breaks the documented header format, and a
    page served with a wrongly typed field breaks the response schema."""
    server = HevyApiServer(HevyApiState(api_key=API_KEY)).start()
    try:
        assert get(server, "/v1/workouts", key="not-a-uuid").status_code == 400
        broken = workout(1)
        broken["exercises"][0]["sets"][0]["weight_kg"] = "heavy"
        server.state.workouts = [broken]
        get(server, "/v1/workouts")
    finally:
        server.stop()
    violations = server.state.contract_violations
    assert len(violations) == 2, violations
    assert violations[0].startswith("request GET /v1/workouts")
    assert violations[1].startswith("response 200 to GET /v1/workouts")
