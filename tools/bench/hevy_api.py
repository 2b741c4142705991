"""The Hevy API sync at scale, against the local Hevy API of the tests (part of `make bench`).

    python -m tools.bench.hevy_api [--workouts 10000] [--validate]      silver only, no database
    python -m tools.bench.run --only hevy_api [--hevy-workouts 10000]   with the warehouse load

A first sync of N workouts (6 exercises × 5 sets each: 30 sets per workout) from the local server,
then a sync with no change. Each is measured as the hevy_api_sync job does it without Dagster:
the sync (requests, pages landed), silver's replay and parse of the landed records, and, given an
engine, the warehouse load (rows written). `--validate` keeps the server's OpenAPI check of every
request and response on (as in the tests; it dominates the server's time).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from fitness_assets.lib.raw.hevy_api import HevyApiSettings, sync_hevy_api
from fitness_assets.lib.raw.zone import load_manifest
from fitness_assets.lib.silver.build import build_silver, snapshots_that_may_remove
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets_tests.hevy_api.data import API_KEY, exercise_template, workout
from fitness_assets_tests.hevy_api.server import HevyApiServer, HevyApiState

EXERCISES, SETS = 6, 5
BOUNDS = DateBounds(today=date(2100, 1, 1))


def _load(engine, sql_dir: Path, raw_zone: Path) -> tuple[float, float, int, int]:
    """(silver seconds, load seconds, silver set rows, warehouse rows written)."""
    import pandas as pd

    from fitness_assets.lib.silver.muscle_map import curated_muscle_map, exercise_title_aliases
    from fitness_assets.lib.warehouse.load import load_warehouse

    started = time.perf_counter()
    manifest = load_manifest(raw_zone)
    # With the parse cache, as the silver asset runs: a sync that lands nothing re-parses nothing.
    silver = build_silver(raw_zone, manifest, bounds=BOUNDS, cache_dir=raw_zone.parent / f"{raw_zone.name}_silver_cache")
    silver_seconds = time.perf_counter() - started
    if engine is None:
        return silver_seconds, 0.0, len(silver.workout_sets), 0
    silver.snapshots = snapshots_that_may_remove(pd.DataFrame([vars(a) for a in silver.files]))
    started = time.perf_counter()
    loaded = load_warehouse(engine, sql_dir, silver, manifest, curated_muscle_map(),
                            title_aliases=exercise_title_aliases())
    load_seconds = time.perf_counter() - started
    from tools.bench.run import temp_statements

    skip = temp_statements(sql_dir)
    written = sum(count for name, count in loaded.rows_written.items() if name not in skip)
    return silver_seconds, load_seconds, len(silver.workout_sets), written


def measure(workouts: int, raw_zone: Path, engine=None, sql_dir: Path | None = None, validate: bool = False) -> dict:
    """The figures of a first sync of `workouts` and a no-change sync (stable names: benchmarks.json)."""
    state = HevyApiState(api_key=API_KEY)
    first_start = datetime(2015, 1, 5, 9, tzinfo=timezone.utc)
    state.workouts = [workout(n, exercises=EXERCISES, sets=SETS, start=first_start + timedelta(hours=9 * n))
                      for n in range(workouts)]
    state.exercise_templates = [exercise_template(i) for i in range(4)]
    server = HevyApiServer(state)
    if not validate:  # the bench measures the client, not the contract check
        server._check_response = lambda request, response: None
        server.contract.validate_request = lambda request: None
    server.start()
    try:
        settings = HevyApiSettings(base_url=server.base_url, api_key=API_KEY)
        started = time.perf_counter()
        first = sync_hevy_api(settings, raw_zone, None)
        first_sync = time.perf_counter() - started
        first_silver, first_load, silver_rows, first_written = _load(engine, sql_dir, raw_zone)
        started = time.perf_counter()
        quiet = sync_hevy_api(settings, raw_zone, first.record.cursor_after)
        quiet_sync = time.perf_counter() - started
        quiet_silver, quiet_load, _, quiet_written = _load(engine, sql_dir, raw_zone)
    finally:
        server.stop()
    return {
        "workouts": workouts, "sets": workouts * EXERCISES * SETS, "contract_checked": validate,
        "contract_violations": len(state.contract_violations),
        "first_sync": {"requests": first.requests, "pages": len(first.record.pages), "silver_set_rows": silver_rows,
                       "rows_written": first_written, "sync_s": first_sync, "silver_s": first_silver,
                       "load_s": first_load, "total_s": first_sync + first_silver + first_load},
        "no_change_sync": {"requests": quiet.requests, "landed": quiet.entry is not None, "rows_written": quiet_written,
                           "sync_s": quiet_sync, "silver_s": quiet_silver, "load_s": quiet_load,
                           "total_s": quiet_sync + quiet_silver + quiet_load},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workouts", type=int, default=10_000)
    parser.add_argument("--validate", action="store_true", help="check every request and response against openapi.json")
    args = parser.parse_args()
    figures = measure(args.workouts, Path(tempfile.mkdtemp(prefix="hevy-api-bench-")), validate=args.validate)
    first, quiet = figures["first_sync"], figures["no_change_sync"]
    print(f"first sync: {args.workouts:,} workouts, {first['requests']:,} requests, {first['pages']:,} pages, "
          f"{first['sync_s']:.1f} s; silver {first['silver_set_rows']:,} set rows, {first['silver_s']:.1f} s")
    print(f"no-change sync: {quiet['requests']} request(s), landed: {quiet['landed']}, {quiet['sync_s']:.2f} s")
    print(f"contract violations: {figures['contract_violations']} (checked: {args.validate})")


if __name__ == "__main__":
    main()
