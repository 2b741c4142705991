"""The publishing gate: weekly outputs are not written from data whose blocking checks failed.

Dagster's `blocking=True` only skips downstream steps *within one run*. Weekly payloads run
in their own runs (the CLI, sensors, schedules, UI backfills), so they look up the latest
evaluation of every upstream blocking check in the instance and refuse when one failed.
"""

import dagster as dg
# Private: Dagster 1.13 exports no name for the status of a stored check execution (the records
# the instance's event log storage returns carry this enum), nor a public batched lookup.
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from fitness_assets.lib.quality.catalog import BLOCKING_RULES


def failed_blocking_checks(instance: dg.DagsterInstance, downstream_of: str) -> list[dict]:
    """Blocking checks whose latest execution failed, or was planned and never evaluated (the
    check step crashed or was skipped, or is still running): neither vouches for the data."""
    own = {downstream_of, "weekly_report"}  # outputs' own checks judge outputs, not the data
    keys = [dg.AssetCheckKey(dg.AssetKey(r.asset), r.name) for r in BLOCKING_RULES if r.asset not in own]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    failed = []
    for key, record in sorted(latest.items(), key=lambda item: item[0].to_user_string()):
        if record.status == AssetCheckExecutionRecordStatus.FAILED:
            failed.append({"check": key.to_user_string(), "run_id": record.run_id, "status": "failed"})
        elif record.status == AssetCheckExecutionRecordStatus.PLANNED:
            failed.append({"check": key.to_user_string(), "run_id": record.run_id, "status": "not evaluated"})
    return failed


def refuse_if_blocked(context: dg.AssetExecutionContext, asset: str) -> None:
    failed = failed_blocking_checks(context.instance, asset)
    if failed:
        listing = "; ".join(f"{f['check']} {f['status']} (run {f['run_id'][:8]})" for f in failed)
        raise dg.Failure(
            description=f"Not publishing {asset}: blocking check(s) do not vouch for the data: {listing}. "
                        "Fix the data (or the corrections file) and ingest again.",
            metadata={"failed_blocking_checks": dg.MetadataValue.json(failed)},
        )
