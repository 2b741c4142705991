"""payloads: the canonical weekly JSON (contract v1), one file per athlete-week with data."""


from datetime import date

import dagster as dg
import pandas as pd

from fitness_assets.defs.gold.assets import GOLD_VIEWS
from fitness_assets.defs.partitions import weekly_partitions
from fitness_assets.defs.progress import report
from fitness_assets.defs.quality.checks import check_result, check_specs
from fitness_assets.defs.quality.gate import refuse_if_blocked
from fitness_assets.defs.resources import FitnessFilesResource, WarehouseResource
from fitness_assets.lib.payloads.payload import canonical_bytes, contract_errors, payload_path, query_weeks, write_if_changed
from fitness_assets.lib.quality.core import Finding


@dg.asset(
    group_name="payloads",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=list(GOLD_VIEWS),
    kinds={"json"},
    check_specs=check_specs("weekly_payload"),
)
def weekly_payload(context: dg.AssetExecutionContext, warehouse: WarehouseResource, files: FitnessFilesResource):
    """Range-aware: one run writes every week in its partition range with two queries.

    Each payload is validated against the shipped JSON Schema before anything is written; a
    week that no longer has data loses its stale file, so the folder always mirrors the views.
    Nothing is written while an upstream blocking check failed or did not complete (quality/gate.py).
    """
    refuse_if_blocked(context, "weekly_payload")
    window = context.partition_time_window
    first_week = window.start.date()
    last_week = date.fromordinal(window.end.date().toordinal() - 7)
    with warehouse.engine.connect() as conn:
        payloads = query_weeks(conn, first_week, last_week)
    invalid = contract_violations(payloads)  # all before any write: an invalid week publishes nothing
    yield check_result("weekly_payload", "payload_matches_contract", Finding(invalid, len(payloads)))
    if len(invalid):
        raise dg.Failure(description=f"{len(invalid)} payload(s) break the contract; nothing was written",
                         metadata={"violations": dg.MetadataValue.md(invalid.head(20).to_markdown(index=False))})
    expected = {payload_path(files.payload_dir, athlete_id, week): payload
                for (athlete_id, week), payload in payloads.items()}
    written = sum(write_if_changed(path, canonical_bytes(payload)) for path, payload in expected.items())
    unchanged = len(expected) - written
    removed = _remove_stale(files, context.partition_keys, set(expected))
    report(context, f"payloads: {len(payloads)} week(s) with data in {first_week}..{last_week}; "
                    f"{written} written, {unchanged} unchanged, {removed} stale removed")
    latest = payloads[max(payloads)] if payloads else None
    yield dg.MaterializeResult(metadata={
        "weeks_in_range": len(context.partition_keys),
        "weeks_with_data": len(payloads),
        "files_written": written,
        "files_unchanged": unchanged,
        "stale_files_removed": removed,
        "payload_dir": dg.MetadataValue.path(str(files.payload_dir)),
        "latest_payload": dg.MetadataValue.json(latest) if latest else dg.MetadataValue.text("no data in range"),
    })


def contract_violations(payloads: dict) -> pd.DataFrame:
    rows = []
    for (athlete_id, week), payload in sorted(payloads.items()):
        rows.extend({"athlete": athlete_id, "week": str(week), "problem": error} for error in contract_errors(payload))
    return pd.DataFrame(rows, columns=["athlete", "week", "problem"])


def _remove_stale(files: FitnessFilesResource, partition_keys: list[str], expected: set) -> int:
    """Delete any athlete's file for a week in this range that no longer has data."""
    removed = 0
    for week in partition_keys:
        for path in files.payload_dir.glob(f"**/weekly_fitness_context_{week}.json"):
            if path not in expected:
                path.unlink()
                removed += 1
    return removed
