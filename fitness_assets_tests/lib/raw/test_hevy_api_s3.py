"""The Hevy API's landed pages copied to S3 in the reference layout, on moto's S3 server: Parquet
per table written by dlt from the raw zone, the pages byte for byte, the record last."""

from __future__ import annotations

import io

import pyarrow.parquet as pq

from fitness_assets.lib.raw.hevy_api import HevyApiSettings, landed_records, sync_hevy_api
from fitness_assets.lib.raw.hevy_api_s3 import export_to_s3
from fitness_assets_tests.hevy_api.data import API_KEY, exercise_template, routine, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)

BUCKET = "fitness-raw"


def keys(s3_client) -> list[str]:
    return sorted(o["Key"] for o in s3_client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def rows_of(s3_client, table: str) -> int:
    tables = [pq.read_table(io.BytesIO(s3_client.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
              for key in keys(s3_client) if key.startswith(f"raw/hevy/{table}/")]
    return sum(t.num_rows for t in tables)


def test_landed_pages_reach_s3_as_parquet_per_table_once(hevy_api, tmp_path, s3_client):
    s3_client.create_bucket(Bucket=BUCKET)
    state = hevy_api.state
    state.workouts = [workout(n, exercises=2, sets=3) for n in range(3)]
    state.exercise_templates = [exercise_template(i) for i in range(4)]
    state.routines = [routine(0)]
    settings = HevyApiSettings(base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    full = sync_hevy_api(settings, tmp_path, None)

    assert export_to_s3(tmp_path, s3_client, BUCKET) == {"records": 1, "parquet_files": 8, "pages": 4}
    folders = {key.split("/")[2] for key in keys(s3_client)}
    assert folders == {"workouts", "workouts__exercises", "workouts__exercises__sets", "exercise_templates",
                       "exercise_templates__secondary_muscle_groups", "routines", "routines__exercises",
                       "routines__exercises__sets", "pages", "sync_records"}
    assert (rows_of(s3_client, "workouts"), rows_of(s3_client, "workouts__exercises"),
            rows_of(s3_client, "workouts__exercises__sets"), rows_of(s3_client, "exercise_templates")) == (3, 6, 18, 4)
    sets = pq.read_table(io.BytesIO(s3_client.get_object(Bucket=BUCKET, Key=next(
        k for k in keys(s3_client) if k.startswith("raw/hevy/workouts__exercises__sets/")))["Body"].read()))
    # Every column of the document's set, even one null on every set of the page (rpe of warmups
    # is null here, custom_metric always).
    assert {"weight_kg", "reps", "rpe", "custom_metric", "distance_meters", "type"} <= set(sets.column_names)
    page = full.record.pages[0]
    assert s3_client.get_object(Bucket=BUCKET, Key=f"raw/hevy/pages/{page.sha256[:2]}/{page.sha256}.json")[
        "Body"].read() == (tmp_path / "hevy_api" / page.raw_path).read_bytes()
    [(entry, _)] = landed_records(tmp_path)
    assert f"raw/hevy/sync_records/{entry.sha256}.json" in keys(s3_client)

    # Exported once: nothing pending, nothing written; the next sync's record alone.
    before = keys(s3_client)
    assert export_to_s3(tmp_path, s3_client, BUCKET)["records"] == 0 and keys(s3_client) == before
    state.record_update(workout(1, sets=4) | {"updated_at": "2026-03-02T08:00:00Z"})
    sync_hevy_api(settings, tmp_path, full.record.cursor_after)
    assert export_to_s3(tmp_path, s3_client, BUCKET) == {"records": 1, "parquet_files": 3, "pages": 1}
    assert rows_of(s3_client, "workouts") == 4 and rows_of(s3_client, "workouts__exercises__sets") == 18 + 8
