"""The publishing gate: weekly outputs are not written from data whose blocking checks failed.

Dagster's `blocking=True` only skips downstream steps *within one run*. Weekly payloads run
in their own runs (the CLI, sensors, schedules, UI backfills), so they look up the latest
evaluation of every upstream blocking check in the instance and refuse when one failed.
"""

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from fitness_assets.lib.quality.catalog import BLOCKING_RULES


def failed_blocking_checks(instance: dg.DagsterInstance, downstream_of: str) -> list[dict]:
    keys = [dg.AssetCheckKey(dg.AssetKey(r.asset), r.name) for r in BLOCKING_RULES if r.asset != downstream_of]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    failed = []
    for key, record in sorted(latest.items(), key=lambda item: item[0].to_user_string()):
        if record.status == AssetCheckExecutionRecordStatus.FAILED:
            evaluation = record.event.dagster_event.event_specific_data
            failed.append({"check": key.to_user_string(), "run_id": record.run_id,
                           "offending_rows": evaluation.metadata["offending_rows"].value
                           if "offending_rows" in evaluation.metadata else None})
    return failed


def refuse_if_blocked(context: dg.AssetExecutionContext, asset: str) -> None:
    failed = failed_blocking_checks(context.instance, asset)
    if failed:
        listing = "; ".join(f"{f['check']} (run {f['run_id'][:8]})" for f in failed)
        raise dg.Failure(
            description=f"Not publishing {asset}: the latest evaluation of blocking check(s) failed: {listing}. "
                        "Fix the data (or the corrections file) and ingest again.",
            metadata={"failed_blocking_checks": dg.MetadataValue.json(failed)},
        )
