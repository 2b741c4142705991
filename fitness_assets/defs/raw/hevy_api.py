"""raw: the Hevy API sync (Hevy Pro), landing every page in the raw zone before silver reads it."""


import dagster as dg
import sqlalchemy as sa
from dagster_aws.s3 import S3Resource

from fitness_assets.defs.progress import report
from fitness_assets.defs.resources import FitnessFilesResource, HevyApiResource, QualityResource, WarehouseResource
from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.raw.formats import HEVY_API
from fitness_assets.lib.raw.hevy_api import HevyApiError, landed_records, loaded_cursor, sync_hevy_api
from fitness_assets.lib.raw.hevy_api_s3 import S3_PREFIX, export_to_s3


class HevyApiSyncConfig(dg.Config):
    # Page through every workout instead of asking for the events since the last loaded sync.
    full: bool = False


# Always materialized, even when nothing landed: skipping the steps after it would leave the
# blocking checks of that run unevaluated, and the payload gate (defs/quality/gate.py) reads the
# latest evaluation of each. A sync with no change still writes zero rows downstream, and
# refresh_changed_weeks skips it (its `landed` and `unloaded_record` are false).
@dg.asset(group_name="hevy_api", kinds={"api"})
def hevy_api_sync(context: dg.AssetExecutionContext, config: HevyApiSyncConfig, hevy_api: HevyApiResource,
                  files: FitnessFilesResource, warehouse: WarehouseResource,
                  quality: QualityResource, s3: S3Resource) -> dg.MaterializeResult:
    """Fetches what changed in the Hevy account since the last sync the warehouse loaded (the
    first sync, or `full`, pages through every workout, exercise template and routine) and lands
    each page unchanged, then the sync's record; with FITNESS_S3_BUCKET, also copies every record
    not yet there to `s3://<bucket>/raw/hevy/` (Parquet per table, the pages, the record). Without HEVY_API_KEY it fails before any request
    (the steps after it would otherwise rebuild silver for nothing)."""
    if not hevy_api.enabled:
        raise dg.Failure(description="hevy api: HEVY_API_KEY is not set; the sync needs a Hevy Pro account's API key")
    with warehouse.engine.connect() as conn:
        loaded = set(conn.execute(sa.text(
            "SELECT sha256 FROM fitness.raw_manifest WHERE athlete_id = :athlete AND detected_format = :format"),
            {"athlete": DEFAULT_ATHLETE, "format": HEVY_API}).scalars())
    cursor = None if config.full else loaded_cursor(files.raw_zone, loaded)
    try:
        result = sync_hevy_api(hevy_api.settings(), files.raw_zone, cursor, timezone_name=quality.timezone)
    except HevyApiError as err:
        raise dg.Failure(description=f"hevy api: {err}") from None
    record = result.record
    report(context, f"hevy api: {record.kind} sync, {result.requests} request(s), {len(record.pages)} page(s) "
                    f"({result.new_pages} new), {record.items} item(s)"
                    + ("" if result.entry else ": nothing changed, nothing written"))
    metadata = {"kind": record.kind, "since": record.since, "cursor_after": record.cursor_after,
                "requests": result.requests, "pages": len(record.pages), "new_pages": result.new_pages,
                "items": record.items, "landed": result.entry is not None,
                "record": result.entry.file_name if result.entry else ""}
    # A record landed by an earlier sync whose load failed (or was refused) is still to load.
    landed = landed_records(files.raw_zone)
    metadata["unloaded_record"] = bool(landed) and landed[-1][0].sha256 not in loaded
    if files.s3_bucket:
        exported = export_to_s3(files.raw_zone, s3.get_client(), files.s3_bucket)
        report(context, f"hevy api: s3://{files.s3_bucket}/{S3_PREFIX}: {exported['records']} record(s), "
                        f"{exported['parquet_files']} Parquet file(s), {exported['pages']} page(s) written")
        metadata |= {f"s3_{name}": count for name, count in exported.items()}
    return dg.MaterializeResult(metadata=metadata)
