"""raw: every export landed byte-for-byte in the content-addressed raw zone."""


from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_aws.s3 import S3Resource

from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.resources import FitnessFilesResource
from fitness_assets.lib.core.constants import INGEST_COUNTS_KEY
from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.export_watch import fetch_s3_exports
from fitness_assets.lib.raw.zone import land_inbox, landed_counts, load_manifest


class RawExportsConfig(dg.Config):
    # S3 keys under FITNESS_S3_INBOX_PREFIX to fetch into the inbox first (set by the S3 sensor).
    s3_keys: list[str] = []


@dg.asset(group_name="raw", kinds={"file"})
def raw_exports(context: dg.AssetExecutionContext, config: RawExportsConfig, files: FitnessFilesResource,
                s3: S3Resource) -> dg.MaterializeResult:
    """Lands every inbox export (files in `inbox/<athlete>/` belong to that athlete) by sha256.

    A rejected file fails this step with a message naming the file, and nothing lands.
    """
    if config.s3_keys:
        fetched = fetch_s3_exports(s3.get_client(), files.s3_bucket, files.s3_inbox_prefix, config.s3_keys,
                                   Path(files.inbox))
        report(context, f"raw: fetched {len(fetched)} export(s) from s3://{files.s3_bucket}/{files.s3_inbox_prefix}")
    before = load_manifest(files.raw_zone)
    try:
        manifest, new = land_inbox(Path(files.inbox), files.raw_zone, files.diet_sqlite_table)
    except ExportFileError as err:
        raise dg.Failure(description=str(err), metadata={"file": err.file_name, "line": err.line or 0}) from None
    table = pd.DataFrame([vars(e) for e in manifest])
    report(context, f"raw: {len(new)} new export(s) landed, {len(manifest)} in the raw zone")
    return dg.MaterializeResult(metadata={
        "new_files": len(new),
        "files_in_raw_zone": len(manifest),
        "rows_in_new_files": sum(e.row_count for e in new),
        INGEST_COUNTS_KEY: dg.MetadataValue.json({"layer": "raw", "counts": landed_counts(before, manifest, new)}),
        "raw_zone": dg.MetadataValue.path(str(files.raw_zone)),
        "manifest": preview(table.drop(columns=["raw_path"], errors="ignore"), rows=20),
    })
