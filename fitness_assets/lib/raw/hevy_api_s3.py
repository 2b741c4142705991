"""The Hevy API's landed pages, copied to S3 in the reference layout when a bucket is configured.

    s3://<bucket>/raw/hevy/<table>/<dlt load id>.<file id>.parquet   one folder per table, as dlt's
        filesystem destination lays them out: workouts, workouts__exercises,
        workouts__exercises__sets, exercise_templates (+ __secondary_muscle_groups), routines,
        routines__exercises, routines__exercises__sets, body_measurements
    s3://<bucket>/raw/hevy/pages/<sha256[:2]>/<sha256>.json          every page, byte for byte
    s3://<bucket>/raw/hevy/sync_records/<sha256>.json                the sync record, written last

dlt reads the pages already landed in the raw zone (never the API again) and writes Parquet with
its filesystem destination to a temporary folder; boto3 uploads the files. (dlt's S3 filesystem
needs s3fs, whose aiobotocore pins botocore to a narrower range than dagster-aws's boto3: not worth
a second S3 client.) A record is exported once: one whose `sync_records/` object is missing (a
failed upload, a bucket configured later) is exported by the next sync, so an interrupted upload
may repeat a record's Parquet files but never loses one. The raw zone on disk stays the source
silver reads.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fitness_assets.lib.raw.hevy_api import (
    BODY_MEASUREMENTS,
    EXERCISE_TEMPLATES,
    ROUTINES,
    WORKOUT_EVENTS,
    WORKOUTS,
    SyncRecord,
    landed_records,
    read_page,
    sync_folder,
)

S3_PREFIX = "raw/hevy/"
DATASET = "hevy"
# Fields the API may send as null on every item of a page: typed here so each Parquet file has
# every column of the OpenAPI document's schema (dlt leaves out a column it saw no value for).
_SET_COLUMNS = {"type": "text", "weight_kg": "double", "reps": "bigint", "distance_meters": "double",
                "duration_seconds": "double", "rpe": "double", "custom_metric": "double"}
_EXERCISE_COLUMNS = {"notes": "text", "supersets_id": "bigint", "exercise_template_id": "text"}


def _hints(columns: dict[str, str]) -> dict:
    return {name: {"data_type": kind, "nullable": True} for name, kind in columns.items()}


def pending_records(raw_zone: Path, exported: set[str]) -> list[tuple[str, SyncRecord]]:
    """Landed sync records (sha256, record) not yet in S3, in landing order."""
    return [(entry.sha256, record) for entry, record in landed_records(raw_zone) if entry.sha256 not in exported]


def write_parquet_tables(raw_zone: Path, records: list[SyncRecord], out_dir: Path) -> dict[str, list[Path]]:
    """The records' pages as Parquet, one folder per table (dlt's filesystem destination)."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # no usage reports from a data pipeline
    import dlt

    def items(endpoint: str, key: str) -> Iterator[dict]:
        for record in records:
            for page in record.pages:
                if page.endpoint == endpoint:
                    yield from read_page(raw_zone, page)[key]

    def workout_items() -> Iterator[dict]:
        yield from items(WORKOUTS, "workouts")
        for event in items(WORKOUT_EVENTS, "events"):
            if event.get("type") == "updated":
                yield event["workout"]

    mark = dlt.mark.make_nested_hints
    workouts = dlt.resource(workout_items, name="workouts", write_disposition="append",
                            columns=_hints({"description": "text", "routine_id": "text"}),
                            nested_hints={("exercises",): mark(columns=_hints(_EXERCISE_COLUMNS)),
                                          ("exercises", "sets"): mark(columns=_hints(_SET_COLUMNS))})
    templates = dlt.resource(items(EXERCISE_TEMPLATES, "exercise_templates"), name="exercise_templates",
                             write_disposition="append", columns=_hints({"equipment_category": "text"}))
    routines = dlt.resource(items(ROUTINES, "routines"), name="routines", write_disposition="append",
                            columns=_hints({"folder_id": "bigint", "notes": "text"}),
                            nested_hints={("exercises",): mark(columns=_hints(_EXERCISE_COLUMNS | {"rest_seconds": "text"})),
                                          ("exercises", "sets"): mark(columns=_hints(_SET_COLUMNS))})
    measurements = dlt.resource(items(BODY_MEASUREMENTS, "body_measurements"), name="body_measurements",
                                write_disposition="append", columns=_hints({"weight_kg": "double"}))
    pipeline = dlt.pipeline(pipeline_name="hevy_raw", pipelines_dir=str(out_dir / "pipelines"),
                            destination=dlt.destinations.filesystem(bucket_url=str(out_dir / "tables")),
                            dataset_name=DATASET)
    pipeline.run([workouts, templates, routines, measurements], loader_file_format="parquet")
    tables: dict[str, list[Path]] = {}
    for path in sorted((out_dir / "tables" / DATASET).glob("*/*.parquet")):
        if not path.parent.name.startswith("_dlt"):
            tables.setdefault(path.parent.name, []).append(path)
    return tables


def export_to_s3(raw_zone: Path, s3_client, bucket: str) -> dict[str, int]:
    """Copy every landed record not yet in the bucket; returns what was written."""
    marker = f"{S3_PREFIX}sync_records/"
    exported = {obj["Key"].rsplit("/", 1)[-1].removesuffix(".json")
                for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=marker)
                for obj in page.get("Contents", [])}
    pending = pending_records(raw_zone, exported)
    if not pending:
        return {"records": 0, "parquet_files": 0, "pages": 0}
    with tempfile.TemporaryDirectory(prefix="hevy-raw-") as scratch:
        tables = write_parquet_tables(raw_zone, [record for _, record in pending], Path(scratch))
        files = 0
        for table, paths in tables.items():
            for path in paths:
                s3_client.upload_file(str(path), bucket, f"{S3_PREFIX}{table}/{path.name}")
                files += 1
    pages = {page.sha256: page for _, record in pending for page in record.pages}
    for sha256, page in sorted(pages.items()):
        s3_client.upload_file(str(sync_folder(raw_zone) / page.raw_path), bucket,
                              f"{S3_PREFIX}pages/{sha256[:2]}/{sha256}.json")
    for sha256, record in pending:
        s3_client.put_object(Bucket=bucket, Key=f"{marker}{sha256}.json", Body=record.to_bytes())
    return {"records": len(pending), "parquet_files": files, "pages": len(pages)}
