"""payloads: the canonical weekly JSON (contract v1), one file per athlete-week with data.

The stored files are the hand-off: this asset decides which weeks changed by comparing the bytes
it builds with the files on disk (lib/payloads/store.py), and everything downstream reads the
files. Each week's partition records whether its payload changed (`payload_changed`).
"""


from datetime import date

import dagster as dg
import pandas as pd

from fitness_assets.defs.gold.assets import GOLD_VIEWS
from fitness_assets.defs.partitions import weekly_partitions
from fitness_assets.defs.progress import report
from fitness_assets.defs.quality.checks import check_result, check_specs
from fitness_assets.defs.quality.gate import refuse_if_blocked
from fitness_assets.defs.resources import FitnessFilesResource, WarehouseResource
from fitness_assets.lib.payloads.payload import contract_errors, query_weeks
from fitness_assets.lib.payloads.store import StoredPayloads, store_payloads
from fitness_assets.lib.quality.core import Finding

PAYLOAD = dg.AssetKey("weekly_payload")


@dg.asset(
    group_name="payloads",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[*GOLD_VIEWS, "consistency_weekly", "anomalies"],  # the insights section (contract 1.2) reads both
    kinds={"json"},
    check_specs=check_specs("weekly_payload"),
)
def weekly_payload(context: dg.AssetExecutionContext, warehouse: WarehouseResource, files: FitnessFilesResource):
    """Range-aware: one run builds every week in its partition range once, with two queries, and
    writes only the weeks whose bytes differ from the stored files.

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
    stored = store_payloads(files.payload_dir, payloads, context.partition_keys)
    report(context, f"payloads: {len(payloads)} week(s) with data in {first_week}..{last_week}; "
                    f"{len(stored.written)} written, {len(stored.unchanged)} unchanged, "
                    f"{len(stored.removed)} stale removed")
    record_each_week(context, stored)
    newest = newest_week_payloads(payloads)
    if newest:
        # The newest week's own payload, on its own partition only: Dagster copies a range run's
        # MaterializeResult metadata onto every week, and a 10 kB payload there made each of a
        # 521-week backfill's events 14 kB (7 MB stored per run, ~1 s of the sample's run).
        week, by_athlete = newest
        context.add_asset_metadata({"payload": dg.MetadataValue.json(
            by_athlete if len(by_athlete) > 1 else next(iter(by_athlete.values())))}, partition_key=week)
    # On every week of the range, under each week's own facts: named range_* so no week's page
    # passes them off as its own (as weekly_report's).
    yield dg.MaterializeResult(metadata={
        "range_weeks": len(context.partition_keys),
        "range_weeks_with_data": len(payloads),
        "range_files_written": len(stored.written),
        "range_files_unchanged": len(stored.unchanged),
        "range_stale_files_removed": len(stored.removed),
        "range_changed_weeks": len(stored.changed_weeks),
        "payload_dir": dg.MetadataValue.path(str(files.payload_dir)),
    })


def newest_week_payloads(payloads: dict) -> tuple[str, dict[str, dict]] | None:
    """The range's newest week with data and its payload per athlete."""
    if not payloads:
        return None
    week = max(week for _, week in payloads)
    return week, {athlete: payloads[(athlete, w)] for athlete, w in sorted(payloads) if w == week}


def record_each_week(context: dg.AssetExecutionContext, stored: StoredPayloads) -> None:
    """Each week's own outcome on its own partition: a range run records one materialization per
    week, and without this every week would carry only the range's totals."""
    digests: dict[str, dict[str, str | None]] = {week: {} for week in context.partition_keys}
    for (athlete, week), digest in stored.sha256.items():
        digests[week][athlete] = digest
    for athlete, week in stored.removed:
        digests[week][athlete] = None  # the file was deleted: the week has no data any more
    changed = set(stored.changed)
    for week, by_athlete in digests.items():
        athletes_changed = [a for a in sorted(by_athlete) if (a, week) in changed]
        context.add_asset_metadata({"payload_changed": bool(athletes_changed),
                                    "athletes_changed": ", ".join(athletes_changed),
                                    "payload_sha256": dg.MetadataValue.json(by_athlete)}, partition_key=week)


def changed_weeks_of_run(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The weeks whose stored payload a run wrote or removed, from its per-week materializations."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    materializations = [r.event_log_entry.asset_materialization for r in records]
    return sorted(m.partition for m in materializations
                  if m.asset_key == PAYLOAD and m.metadata.get("payload_changed", dg.BoolMetadataValue(False)).value)


def contract_violations(payloads: dict) -> pd.DataFrame:
    rows = []
    for (athlete_id, week), payload in sorted(payloads.items()):
        rows.extend({"athlete": athlete_id, "week": str(week), "problem": error} for error in contract_errors(payload))
    return pd.DataFrame(rows, columns=["athlete", "week", "problem"])
