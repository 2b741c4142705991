"""raw: every export landed byte-for-byte in the content-addressed raw zone."""


from pathlib import Path

import dagster as dg
import pandas as pd

from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.resources import FitnessFilesResource
from fitness_assets.lib.errors import ExportFileError
from fitness_assets.lib.raw_zone import land_inbox


@dg.asset(group_name="raw", kinds={"file"})
def raw_exports(context: dg.AssetExecutionContext, files: FitnessFilesResource) -> dg.MaterializeResult:
    """Lands every inbox export (files in inbox/<athlete>/ belong to that athlete) by sha256.

    A rejected file fails this step with a message naming the file, and nothing lands.
    """
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
        "raw_zone": dg.MetadataValue.path(str(files.raw_zone)),
        "manifest": preview(table.drop(columns=["raw_path"], errors="ignore"), rows=20),
    })
