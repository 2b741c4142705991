"""A local Hevy API v1 for tests: a real HTTP server (werkzeug, in a thread) that serves workouts,
workout events, exercise templates and routines as the official OpenAPI document describes.

Every request it receives and every response it serves is checked against the shared, unedited
OpenAPI document (openapi-core), and each disagreement is recorded in `contract_violations`: the
`hevy_api` fixture fails the test when any is left, so neither this fake nor the client can drift
from the contract.

The document does not describe every status a client meets in the wild: it has no 401 (wrong key),
no 429 (rate limited) and no 400 for the events endpoint's too-large page. Those are served from
`UNDOCUMENTED_STATUSES` only, with a JSON `{"error": ...}` body, and everything else must be a
response the document declares.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

OPENAPI_DOCUMENT = Path("/work/shared/reference/hevy-api/openapi.json")

# Page-size maxima, from the document's parameter descriptions ("Max 10", "Max 100").
MAX_PAGE_SIZE = {"/v1/workouts": 10, "/v1/workouts/events": 10, "/v1/routines": 10, "/v1/body_measurements": 10,
                 "/v1/exercise_templates": 100}
# Key of the list in each endpoint's page object.
ITEMS_KEY = {"/v1/workouts": "workouts", "/v1/workouts/events": "events", "/v1/routines": "routines",
             "/v1/body_measurements": "body_measurements",
             "/v1/exercise_templates": "exercise_templates"}
UNDOCUMENTED_STATUSES = {401, 429, 400, 500}


# The published document declares three string enumerations with `"type": "enum"`, which is no
# JSON Schema type (a validator rejects every value). They are read as the strings they list;
# the file itself stays unedited. Any other schema is used exactly as published.
ENUM_SCHEMAS_READ_AS_STRINGS = ("CustomExerciseType", "MuscleGroup", "EquipmentCategory")


def load_document() -> dict:
    document = json.loads(OPENAPI_DOCUMENT.read_text(encoding="utf-8"))
    for name in ENUM_SCHEMAS_READ_AS_STRINGS:
        schema = document["components"]["schemas"][name]
        assert schema["type"] == "enum" and all(isinstance(v, str) for v in schema["enum"]), name
        schema["type"] = "string"
    return document


def load_contract(document: dict) -> OpenAPI:
    """The shared document as openapi-core reads it. Its own structure is not validated: the
    published document omits `schema` on some path parameters (single-item endpoints we never
    call), which openapi-spec-validator rejects; the operations we serve are fully described."""
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


@dataclass
class Fault:
    """A scripted failure: the next request to `path` (at `page`, if given) gets `status`."""
    path: str
    status: int
    page: int | None = None
    retry_after: str | None = None


@dataclass
class ServedRequest:
    method: str
    path: str
    query: dict[str, str]
    status: int
    received_at: float      # time.monotonic(): the gaps show the client's waits


@dataclass
class HevyApiState:
    """What the fake account holds. Workouts and events are kept in the order the API serves
    them: workouts as inserted, events newest first."""
    api_key: str
    workouts: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    exercise_templates: list[dict] = field(default_factory=list)
    routines: list[dict] = field(default_factory=list)
    body_measurements: list[dict] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    served: list[ServedRequest] = field(default_factory=list)
    contract_violations: list[str] = field(default_factory=list)

    def record_update(self, workout: dict) -> None:
        """An edit or a new workout in the app: the workout list changes and an `updated` event
        goes to the front of the events."""
        self.workouts = [w for w in self.workouts if w["id"] != workout["id"]] + [workout]
        self.events.insert(0, {"type": "updated", "workout": workout})

    def record_delete(self, workout_id: str, deleted_at: str) -> None:
        self.workouts = [w for w in self.workouts if w["id"] != workout_id]
        self.events.insert(0, {"type": "deleted", "id": workout_id, "deleted_at": deleted_at})

    def requests_to(self, path: str) -> list[ServedRequest]:
        return [r for r in self.served if r.path == path]


class HevyApiServer:
    """Serves `state` on 127.0.0.1 at a free port until `stop()`."""

    def __init__(self, state: HevyApiState):
        self.state = state
        self.document = load_document()
        self.contract = load_contract(self.document)
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="hevy-api", daemon=True)

    def start(self) -> "HevyApiServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        received_at = time.monotonic()
        with self._lock:  # one request at a time: the state and the logs stay consistent
            response = self._respond(request)
            self._check_response(request, response)
            self.state.served.append(ServedRequest(request.method, request.path, dict(request.args),
                                                   response.status_code, received_at))
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        state = self.state
        try:
            self.contract.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as err:  # noqa: BLE001 - every kind of contract error is recorded
            state.contract_violations.append(f"request {request.method} {request.full_path}: {err}")
            return _error(400, "the request does not match the API's contract")
        if request.headers.get("api-key") != state.api_key:
            return _error(401, "Unauthorized")
        path = request.path
        if path not in ITEMS_KEY or request.method != "GET":
            return _error(404, "not served by the local Hevy API")
        page = int(request.args.get("page", 1))
        page_size = int(request.args.get("pageSize", 5))
        for fault in list(state.faults):
            if fault.path == path and fault.page in (None, page):
                state.faults.remove(fault)
                response = _error(fault.status, "scripted fault")
                if fault.retry_after is not None:
                    response.headers["Retry-After"] = fault.retry_after
                return response
        if page < 1 or page_size < 1 or page_size > MAX_PAGE_SIZE[path]:
            return _error(400, f"pageSize must be between 1 and {MAX_PAGE_SIZE[path]}")
        items = self._items(path, request.args.get("since"))
        page_count = max(1, -(-len(items) // page_size))
        if page > page_count and items:
            return _error(404, "page out of range") if path == "/v1/workouts/events" else _json(
                {"page": page, "page_count": page_count, ITEMS_KEY[path]: []})
        body = {"page": page, "page_count": page_count,
                ITEMS_KEY[path]: items[(page - 1) * page_size:page * page_size]}
        return _json(body)

    def _items(self, path: str, since: str | None) -> list[dict]:
        state = self.state
        if path == "/v1/workouts":
            return state.workouts
        if path == "/v1/exercise_templates":
            return state.exercise_templates
        if path == "/v1/routines":
            return state.routines
        if path == "/v1/body_measurements":
            return state.body_measurements
        since = since or "1970-01-01T00:00:00Z"
        # The real API's comparison is undocumented; this one is inclusive (at or after `since`),
        # the behaviour that cannot lose a same-second event.
        return [e for e in state.events if _event_time(e) >= since]

    def _check_response(self, request: Request, response: Response) -> None:
        if response.status_code in UNDOCUMENTED_STATUSES and not self._documented(request, response.status_code):
            body = json.loads(response.get_data())
            if set(body) != {"error"}:
                self.state.contract_violations.append(f"undocumented {response.status_code} without an error body")
            return
        try:
            self.contract.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
        except Exception as err:  # noqa: BLE001
            self.state.contract_violations.append(
                f"response {response.status_code} to {request.method} {request.full_path}: {err}")

    def _documented(self, request: Request, status: int) -> bool:
        operation = self.document["paths"].get(request.path, {}).get(request.method.lower(), {})
        return str(status) in operation.get("responses", {})


def _event_time(event: dict) -> str:
    return event["workout"]["updated_at"] if event["type"] == "updated" else event["deleted_at"]


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": message}, status)
