"""The Hevy API sync at scale, against the local Hevy API of the tests (not yet part of `make bench`).

    python -m tools.bench.hevy_api [--workouts 10000] [--validate]

A first sync of N workouts (6 exercises × 5 sets each: 30 sets per workout) from the local server,
then a sync with no change, then silver's replay and parse of the landed records. Prints requests,
pages landed, rows and wall times. `--validate` keeps the server's OpenAPI check of every request
and response on (as in the tests; it dominates the server's time). The warehouse load is not
measured here yet (see the TODO in docs/ARCHITECTURE.md, "Hevy API sync").
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from fitness_assets.lib.raw.hevy_api import HevyApiSettings, sync_hevy_api
from fitness_assets.lib.raw.zone import load_manifest
from fitness_assets.lib.silver.build import build_silver
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets_tests.hevy_api.data import API_KEY, workout
from fitness_assets_tests.hevy_api.server import HevyApiServer, HevyApiState


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workouts", type=int, default=10_000)
    parser.add_argument("--validate", action="store_true", help="check every request and response against openapi.json")
    args = parser.parse_args()
    state = HevyApiState(api_key=API_KEY)
    first_start = datetime(2015, 1, 5, 9, tzinfo=timezone.utc)
    state.workouts = [workout(n, exercises=6, sets=5, start=first_start + timedelta(hours=9 * n))
                      for n in range(args.workouts)]
    server = HevyApiServer(state)
    if not args.validate:  # the bench measures the client, not the contract check
        server._check_response = lambda request, response: None
        server.contract.validate_request = lambda request: None
    server.start()
    try:
        raw_zone = Path(tempfile.mkdtemp(prefix="hevy-api-bench-"))
        settings = HevyApiSettings(base_url=server.base_url, api_key=API_KEY)
        started = time.monotonic()
        first = sync_hevy_api(settings, raw_zone, None)
        first_seconds = time.monotonic() - started
        started = time.monotonic()
        quiet = sync_hevy_api(settings, raw_zone, first.record.cursor_after)
        quiet_seconds = time.monotonic() - started
        started = time.monotonic()
        silver = build_silver(raw_zone, load_manifest(raw_zone), bounds=DateBounds(today=date(2100, 1, 1)))
        silver_seconds = time.monotonic() - started
    finally:
        server.stop()
    print(f"first sync: {args.workouts:,} workouts, {first.requests:,} requests, {len(first.record.pages):,} pages, "
          f"{first_seconds:.1f} s")
    print(f"no-change sync: {quiet.requests} request(s), landed: {quiet.entry is not None}, {quiet_seconds:.2f} s")
    print(f"silver replay + parse: {len(silver.workout_sets):,} set rows, {silver_seconds:.1f} s")
    print(f"contract violations: {len(state.contract_violations)} (checked: {args.validate})")


if __name__ == "__main__":
    main()
