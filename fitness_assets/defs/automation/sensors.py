"""Sensors: new exports start an ingest; an ingest is followed by a refresh of every week with data,
in which the payload step finds the weeks whose bytes changed and only those get new reports.

Export sensors keep a modification-time cursor (lib/raw/export_watch.py) and key runs by content, so
the same bytes never run twice and a changed file always does. Exports already in the raw zone
are skipped: copying an old file back into the inbox is not news.
"""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from dagster_aws.s3 import S3Resource
from dagster_aws.s3.sensor import get_objects

from fitness_assets.defs.jobs import hevy_api_sync_job, ingest_job, weekly_refresh_job
from fitness_assets.defs.partitions import range_tags, weekly_partitions
from fitness_assets.defs.resources import FitnessFilesResource, WarehouseResource
from fitness_assets.lib.raw.export_watch import (
    WatchCursor,
    WatchedFile,
    local_listing,
    run_key,
    s3_relative_name,
    unseen,
    with_local_hash,
)
from fitness_assets.lib.payloads.store import stored_files
from fitness_assets.lib.raw.zone import load_manifest
from fitness_assets.lib.core.constants import DEFAULT_ATHLETE


def _not_landed(files: FitnessFilesResource, candidates: list[WatchedFile]) -> list[WatchedFile]:
    landed = {(e.athlete_id, e.sha256) for e in load_manifest(files.raw_zone)}
    return [f for f in candidates if (f.athlete_id, f.content_hash) not in landed]


@dg.sensor(job=ingest_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts an ingest when a new or changed export appears in FITNESS_INBOX.")
def inbox_exports(context: dg.SensorEvaluationContext, files: FitnessFilesResource):
    inbox = Path(files.inbox)
    fresh, cursor = unseen(local_listing(inbox), WatchCursor.from_json(context.cursor))
    new = _not_landed(files, [with_local_hash(inbox, f) for f in fresh])
    if not new:
        return dg.SensorResult(skip_reason=f"no new export in {inbox}", cursor=cursor.to_json())
    names = ", ".join(f.name for f in new)
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key("inbox", new),
                                                       tags={"fitness/trigger": "inbox", "fitness/files": names[:200]})],
                           cursor=cursor.to_json())


def s3_listing(client, bucket: str, prefix: str) -> list[WatchedFile]:
    listing = []
    for obj in get_objects(bucket, prefix, client=client):
        relative = s3_relative_name(obj["Key"], prefix)
        if relative is not None:
            athlete = relative.split("/")[0] if "/" in relative else DEFAULT_ATHLETE
            # ETag: the MD5 of the bytes for single-part uploads, a digest of part digests otherwise.
            listing.append(WatchedFile(obj["Key"], obj["LastModified"].timestamp(), athlete, obj["ETag"].strip('"')))
    return listing


@dg.sensor(job=ingest_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts an ingest when an export appears under s3://FITNESS_S3_BUCKET/FITNESS_S3_INBOX_PREFIX.")
def s3_exports(context: dg.SensorEvaluationContext, files: FitnessFilesResource, s3: S3Resource):
    if not files.s3_bucket:
        return dg.SkipReason("FITNESS_S3_BUCKET is not set")
    fresh, cursor = unseen(s3_listing(s3.get_client(), files.s3_bucket, files.s3_inbox_prefix),
                           WatchCursor.from_json(context.cursor))
    if not fresh:
        return dg.SensorResult(skip_reason="no new export on S3", cursor=cursor.to_json())
    config = {"ops": {"raw_exports": {"config": {"s3_keys": [f.name for f in fresh]}}}}
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key("s3", fresh), run_config=config,
                                                       tags={"fitness/trigger": "s3"})],
                           cursor=cursor.to_json())


def contiguous_ranges(weeks: list[str]) -> list[tuple[str, str]]:
    """Week keys → (first, last) of each run of consecutive partitions; weeks without a partition
    (the week in progress) are left out."""
    keys = weekly_partitions.get_partition_keys()
    position = {key: i for i, key in enumerate(keys)}
    ranges: list[tuple[str, str]] = []
    for week in sorted(w for w in set(weeks) if w in position):
        if ranges and position[week] == position[ranges[-1][1]] + 1:
            ranges[-1] = (ranges[-1][0], week)
        else:
            ranges.append((week, week))
    return ranges


def weeks_to_refresh(warehouse: WarehouseResource, files: FitnessFilesResource) -> list[str]:
    """From the first to the last week with gold data or a stored payload: the payload step then
    compares every week with its file, and removes the files of weeks left without data."""
    with warehouse.query_engine().connect() as conn:
        bounds = conn.execute(sa.text(
            "SELECT min(week_start)::text, max(week_start)::text FROM fitness.weekly_fitness_summary")).one()
    weeks = [w for w in bounds if w] + [week for _, week in stored_files(files.payload_dir)]
    if not weeks:
        return []
    return [key for key in weekly_partitions.get_partition_keys() if min(weeks) <= key <= max(weeks)]


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[ingest_job, hevy_api_sync_job],
                      request_job=weekly_refresh_job, name="refresh_changed_weeks",
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      description="After each successful ingest, refreshes every week with data: payloads are "
                                  "rewritten where their bytes changed, reports only for those weeks.")
def refresh_changed_weeks(context: dg.RunStatusSensorContext, warehouse: WarehouseResource,
                          files: FitnessFilesResource):
    """The load no longer knows which payloads it changed (the payload layer does), so the
    refresh covers every week; weeks still in progress have no partition yet: the Monday
    schedule publishes them."""
    run_id = context.dagster_run.run_id
    if context.dagster_run.job_name == hevy_api_sync_job.name and not _hevy_sync_loaded_something(context, run_id):
        # Nothing landed and nothing was left to load: the warehouse wrote nothing, no week changed.
        return dg.SkipReason(f"hevy api sync {run_id[:8]} changed nothing")
    ranges = contiguous_ranges(weeks_to_refresh(warehouse, files))
    context.log.info(f"ingest {run_id[:8]}: {len(ranges)} range(s) of weeks to refresh")
    return [dg.RunRequest(run_key=f"{run_id}:{first}:{last}", tags=range_tags(first, last) | {"fitness/trigger": "ingest"})
            for first, last in ranges]


def _hevy_sync_loaded_something(context: dg.RunStatusSensorContext, run_id: str) -> bool:
    records = context.instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    for record in records:
        materialization = record.event_log_entry.asset_materialization
        if materialization is not None and materialization.asset_key == dg.AssetKey("hevy_api_sync"):
            metadata = materialization.metadata
            return any(metadata[key].value for key in ("landed", "unloaded_record") if key in metadata)
    return True  # no record of the sync itself: refresh, as after any ingest


EXPORT_SENSORS = [inbox_exports, s3_exports, refresh_changed_weeks]
