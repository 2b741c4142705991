"""The Hevy API v1 (Hevy Pro): pages fetched with dlt's REST client and landed byte-for-byte.

dlt does the paging (page numbers from 1 until `page_count`) and the retries: 429 waits for
`Retry-After`, 5xx, timeouts and dropped connections back off exponentially, all bounded. Every
200 page lands in the raw zone before anything reads it, so silver can be rebuilt from the raw
zone alone, like the CSV path:

    FITNESS_HOME/raw/hevy_api/pages/<sha256[:2]>/<sha256>.json   a page exactly as served
    FITNESS_HOME/raw/objects/…  + manifest.json                  the sync record (SyncRecord), landed
                                                                 like an export (format HEVY_API)

A sync that received only pages already landed (nothing changed since the last one) writes no
record. The events cursor is the `cursor_after` of the newest record the warehouse has loaded
(fitness.raw_manifest is written in the load's transaction), so it advances only after a
successful load.

The API key travels only in the `api-key` header set by dlt's APIKeyAuth when a request is
prepared; it is never part of a URL, a log line, a record or an error message.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from requests import HTTPError, Response
from requests.exceptions import ChunkedEncodingError, ConnectionError, Timeout

from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.raw.formats import HEVY_API
from fitness_assets.lib.raw.zone import ManifestEntry, land_record, load_manifest, sha256_of

DEFAULT_BASE_URL = "https://api.hevyapp.com"
WORKOUTS = "/v1/workouts"
WORKOUT_EVENTS = "/v1/workouts/events"
EXERCISE_TEMPLATES = "/v1/exercise_templates"
ROUTINES = "/v1/routines"
BODY_MEASUREMENTS = "/v1/body_measurements"
# The list inside each endpoint's page, and the largest page the API accepts (a larger one is a 400).
ITEMS_KEY = {WORKOUTS: "workouts", WORKOUT_EVENTS: "events", EXERCISE_TEMPLATES: "exercise_templates",
             ROUTINES: "routines", BODY_MEASUREMENTS: "body_measurements"}
MAX_PAGE_SIZE = {WORKOUTS: 10, WORKOUT_EVENTS: 10, EXERCISE_TEMPLATES: 100, ROUTINES: 10, BODY_MEASUREMENTS: 10}
# A full sync pages these; an events sync asks the events endpoint alone (one request when nothing
# changed), so templates, routines and body measurements are refreshed by a full sync.
FULL_SYNC_ENDPOINTS = (WORKOUTS, EXERCISE_TEMPLATES, ROUTINES, BODY_MEASUREMENTS)
# An event at the cursor's second may have been written after the last sync read that second:
# each events sync asks again from one second before the cursor and applies idempotently.
CURSOR_OVERLAP = timedelta(seconds=1)
RAW_FOLDER = "hevy_api"
_TRANSIENT = (ConnectionError, Timeout, ChunkedEncodingError)
KEY_REFUSED = "the key was refused; the Hevy API needs a Hevy Pro account (HEVY_API_KEY)"


class HevyApiError(RuntimeError):
    """A Hevy API failure, worded without the key."""


class HevyApiBusy(HTTPError):
    """A 429 or 5xx: raised inside the retrying session so dlt's retry waits and tries again
    (it reads Retry-After from this error's response)."""


@dataclass(frozen=True)
class HevyApiSettings:
    """How to talk to the API (the Dagster resource builds this; lib never reads the environment)."""
    base_url: str
    api_key: str = field(repr=False)
    workouts_page_size: int = MAX_PAGE_SIZE[WORKOUTS]
    exercise_templates_page_size: int = MAX_PAGE_SIZE[EXERCISE_TEMPLATES]
    routines_page_size: int = MAX_PAGE_SIZE[ROUTINES]
    body_measurements_page_size: int = MAX_PAGE_SIZE[BODY_MEASUREMENTS]
    timeout_seconds: float = 30.0
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_retry_delay_seconds: float = 60.0

    def __post_init__(self) -> None:
        for endpoint, size in ((WORKOUTS, self.workouts_page_size), (EXERCISE_TEMPLATES, self.exercise_templates_page_size),
                               (ROUTINES, self.routines_page_size),
                               (BODY_MEASUREMENTS, self.body_measurements_page_size)):
            if not 1 <= size <= MAX_PAGE_SIZE[endpoint]:
                raise ValueError(f"the page size of {endpoint} must be 1 to {MAX_PAGE_SIZE[endpoint]} "
                                 f"(the API answers 400 above it), not {size}")
        if not self.api_key:
            raise HevyApiError("HEVY_API_KEY is not set: the Hevy API needs a Hevy Pro account's API key")

    def page_size(self, endpoint: str) -> int:
        return {WORKOUTS: self.workouts_page_size, WORKOUT_EVENTS: self.workouts_page_size,
                EXERCISE_TEMPLATES: self.exercise_templates_page_size, ROUTINES: self.routines_page_size,
                BODY_MEASUREMENTS: self.body_measurements_page_size}[endpoint]


@dataclass(frozen=True)
class LandedPage:
    endpoint: str
    page: int
    page_count: int
    items: int
    sha256: str
    raw_path: str        # relative to FITNESS_HOME/raw/hevy_api


@dataclass(frozen=True)
class SyncRecord:
    """One sync, as landed in the raw zone (format HEVY_API): what was asked and its pages in order.

    `kind` is "full" (every workout, template, routine and body measurement) or "events" (changes since `since`).
    Records form a chain through `previous_sha256`, so one record's bytes identify the whole
    history silver replays from it (and its parse can be cached by those bytes). `timezone` is
    the athlete's zone when it landed: API times are UTC, and silver reads them as local times,
    as a CSV export writes them. No wall-clock time: the same answers land the same bytes."""
    athlete_id: str
    sequence: int
    kind: str
    since: str                  # the events endpoint's `since`; "" for a full sync
    cursor_after: str           # the newest workout update or deletion seen (UTC, ISO 8601)
    previous_sha256: str        # the athlete's record landed before this one ("" for the first)
    timezone: str
    items: int                  # workouts, events, templates, routines and body measurements on the pages
    data_until: str             # the latest workout start on the pages, local time ("" if none)
    pages: list[LandedPage]
    format: str = HEVY_API

    def to_bytes(self) -> bytes:
        return (json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "SyncRecord":
        record = json.loads(data)
        return cls(**{**record, "pages": [LandedPage(**p) for p in record["pages"]]})


@dataclass(frozen=True)
class SyncResult:
    record: SyncRecord
    entry: ManifestEntry | None  # None: every page was already landed, so nothing was written
    requests: int                # HTTP requests made, retries included
    new_pages: int


def sync_folder(raw_zone: Path) -> Path:
    return raw_zone / RAW_FOLDER


def sync_hevy_api(settings: HevyApiSettings, raw_zone: Path, cursor: str | None, *,
                  athlete_id: str = DEFAULT_ATHLETE, timezone_name: str = "UTC",
                  now: datetime | None = None) -> SyncResult:
    """Fetch what changed since `cursor` (everything when None), land every page, then the record.

    `cursor` is the `cursor_after` of the last sync the warehouse loaded: a sync that landed but
    never loaded is asked again, and replaying it twice changes nothing. When every page was
    already in the raw zone, or no event came back (no change: one events request), nothing is
    written."""
    fetcher = _PageFetcher(settings, sync_folder(raw_zone))
    if cursor is None:
        kind, since = "full", ""
        pages = [page for endpoint in FULL_SYNC_ENDPOINTS for page in fetcher.fetch(endpoint)]
    else:
        kind = "events"
        since = _iso(utc_time(cursor) - CURSOR_OVERLAP)
        pages = fetcher.fetch(WORKOUT_EVENTS, since=since)
    previous = [e for e in load_manifest(raw_zone) if e.athlete_id == athlete_id and e.detected_format == HEVY_API]
    previous.sort(key=lambda e: e.landed_at)
    zone = ZoneInfo(timezone_name)
    starts = [utc_time(w["start_time"]) for _, body, _ in pages for w in _workouts_on(body) if w.get("start_time")]
    record = SyncRecord(
        athlete_id=athlete_id, sequence=len(previous) + 1, kind=kind, since=since,
        cursor_after=max([cursor or ""] + [_newest_change(body) for _, body, _ in pages]),
        previous_sha256=previous[-1].sha256 if previous else "", timezone=timezone_name,
        items=sum(page.items for page, _, _ in pages),
        data_until=max(starts).astimezone(zone).replace(tzinfo=None).isoformat() if starts else "",
        pages=[page for page, _, _ in pages])
    new_pages = sum(new for _, _, new in pages)
    # Nothing to land: no page is new, or an events sync found no event (its empty page is new
    # bytes the first time, but says nothing).
    if not new_pages or (kind == "events" and record.items == 0):
        return SyncResult(record, None, fetcher.requests, 0)
    entry = land_record(raw_zone, athlete_id, f"{RAW_FOLDER}/sync-{record.sequence:06d}.json", record.to_bytes(), now)
    return SyncResult(record, entry, fetcher.requests, new_pages)


def read_page(raw_zone: Path, page: LandedPage) -> dict:
    return json.loads((sync_folder(raw_zone) / page.raw_path).read_bytes())


class _PageFetcher:
    def __init__(self, settings: HevyApiSettings, folder: Path):
        # dlt is imported by the sync alone: every process loading the code location would pay ~1.5 s.
        from dlt.sources.helpers.requests import Client
        from dlt.sources.helpers.rest_client import RESTClient
        from dlt.sources.helpers.rest_client.auth import APIKeyAuth

        self.folder = folder
        self.settings = settings
        self.requests = 0
        session = Client(request_timeout=settings.timeout_seconds, raise_for_status=False,
                         request_max_attempts=settings.max_attempts,
                         request_backoff_factor=settings.backoff_seconds,
                         request_max_retry_delay=settings.max_retry_delay_seconds,
                         exceptions=(HevyApiBusy, *_TRANSIENT)).session
        self.client = RESTClient(base_url=settings.base_url, session=session,
                                 auth=APIKeyAuth(name="api-key", api_key=settings.api_key, location="header"))

    def fetch(self, endpoint: str, **params: str) -> list[tuple[LandedPage, dict, bool]]:
        from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

        landed: list[tuple[LandedPage, dict, bool]] = []
        paginator = PageNumberPaginator(base_page=1, page_param="page", total_path="page_count")
        try:
            for page in self.client.paginate(endpoint, params={**params, "pageSize": self.settings.page_size(endpoint)},
                                             paginator=paginator, data_selector=ITEMS_KEY[endpoint],
                                             hooks={"response": [self._check]}):
                landed.append(self._land(endpoint, page.response))
        except HevyApiBusy as err:
            raise HevyApiError(f"{endpoint}: the Hevy API kept answering {err.response.status_code} after "
                               f"{self.settings.max_attempts} attempts; try again later") from None
        except _TRANSIENT as err:
            raise HevyApiError(f"{endpoint}: the Hevy API could not be reached after "
                               f"{self.settings.max_attempts} attempts ({type(err).__name__})") from None
        return landed

    def _check(self, response: Response, *args, **kwargs) -> None:
        """Runs on every response, retries included (inside the retrying send)."""
        self.requests += 1
        status = response.status_code
        if status in (401, 403):
            raise HevyApiError(KEY_REFUSED)
        if status == 429 or status >= 500:
            raise HevyApiBusy(f"{status}", response=response)
        if status >= 400:
            raise HevyApiError(f"{response.request.path_url.split('?')[0]}: the Hevy API answered {status} "
                               f"({_error_text(response)})")

    def _land(self, endpoint: str, response: Response) -> tuple[LandedPage, dict, bool]:
        data = response.content
        body = json.loads(data)
        digest = sha256_of(data)
        relative = f"pages/{digest[:2]}/{digest}.json"
        target = self.folder / relative
        new = not target.exists()
        if new:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return LandedPage(endpoint=endpoint, page=int(body["page"]), page_count=int(body["page_count"]),
                          items=len(body.get(ITEMS_KEY[endpoint], [])), sha256=digest,
                          raw_path=relative), body, new


def _workouts_on(body: dict) -> list[dict]:
    return body.get("workouts", []) + [e["workout"] for e in body.get("events", []) if e.get("type") == "updated"]


def utc_time(text: str) -> datetime:
    """An API time (ISO 8601, "Z" or an offset) as an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _newest_change(body: dict) -> str:
    """The newest workout update or deletion on a page, as a normalised UTC ISO time ("" if none)."""
    times = [w.get("updated_at") for w in body.get("workouts", [])]
    for event in body.get("events", []):
        times.append(event["workout"].get("updated_at") if event.get("type") == "updated" else event.get("deleted_at"))
    return max((_iso(utc_time(t)) for t in times if t), default="")


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_text(response: Response) -> str:
    try:
        return str(response.json().get("error", ""))[:200]
    except ValueError:
        return response.text[:200]


def read_record(raw_zone: Path, entry: ManifestEntry) -> SyncRecord:
    return SyncRecord.from_bytes((raw_zone / entry.raw_path).read_bytes())


def landed_records(raw_zone: Path, athlete_id: str = DEFAULT_ATHLETE) -> list[tuple[ManifestEntry, SyncRecord]]:
    """The athlete's sync records, in the order they landed."""
    entries = sorted((e for e in load_manifest(raw_zone) if e.athlete_id == athlete_id and e.detected_format == HEVY_API),
                     key=lambda e: e.landed_at)
    return [(entry, read_record(raw_zone, entry)) for entry in entries]


def loaded_cursor(raw_zone: Path, loaded_sha256s: set[str], athlete_id: str = DEFAULT_ATHLETE) -> str | None:
    """The events cursor: `cursor_after` of the newest sync record the warehouse has loaded
    (`loaded_sha256s`: the hevy_api_sync entries of fitness.raw_manifest, written in the load's
    transaction). None (page everything) when no sync was loaded yet."""
    loaded = [record for entry, record in landed_records(raw_zone, athlete_id) if entry.sha256 in loaded_sha256s]
    return loaded[-1].cursor_after or None if loaded else None
