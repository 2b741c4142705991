"""How a rule of lib/quality/catalog.py becomes a Dagster asset check.

Each layer's checks live beside its assets (defs/<layer>/checks.py): one multi-asset check per
group of frames loads them once and evaluates all of their rules; each rule is still its own
check in the UI, with counts, a table of offending rows (file, line, values) and a fingerprint
the alert sensor uses to avoid repeating itself.

Every multi-asset check is subsettable and evaluates only the rules selected, so one check can be
executed alone from the UI (or `dagster asset check`) against the stored frames and tables,
without re-materializing its asset: after fixing corrections.yaml, re-check, not re-load.

A check whose inputs carry a fingerprint (the silver frames do: lib/silver/build.py) is not
evaluated again while nothing it judges has changed: its latest evaluation with the same inputs
fingerprint is recorded again in this run, marked `carried_forward_from_run` (and
`evaluated_in_run`, the run that evaluated it). The publishing gate and the alerts see a real
evaluation, passed or failed as it was; nothing is skipped.
"""

import hashlib
from collections.abc import Callable, Iterator

import dagster as dg
# Private: Dagster 1.13 exports no name for the status of a stored check execution (the gate
# imports it for the same reason).
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from fitness_assets.lib.core.constants import INPUTS_FINGERPRINT_KEY
from fitness_assets.lib.quality.catalog import rule, rules_for
from fitness_assets.lib.quality.core import Finding, rules_fingerprint

CARRIED_FROM_KEY, EVALUATED_IN_KEY = "carried_forward_from_run", "evaluated_in_run"
EVALUATED = {AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED}

# Rules evaluated by their own check function (they read the warehouse), not by their asset's.
SEPARATE_RULES = ("removals_confirmed",)


def check_specs(*assets: str, reads: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> list[dg.AssetCheckSpec]:
    """Specs for the rules on `assets` (those named in `only`, else all but SEPARATE_RULES);
    `reads` are the assets the check function loads."""
    return [dg.AssetCheckSpec(r.name, asset=r.asset, blocking=r.blocking, description=r.description,
                              additional_deps=[a for a in reads if a != r.asset])
            for asset in assets for r in rules_for(asset)
            if ((r.name in only) if only else (r.name not in SEPARATE_RULES))]


def check_ins(*assets: str) -> dict[str, dg.AssetIn]:
    return {name: dg.AssetIn(name) for name in assets}


def check_result(asset: str, name: str, found: Finding, message: str = "",
                 inputs: str | None = None) -> dg.AssetCheckResult:
    """`message`: one sentence a person can act on, shown by `fitness run` when the check fails;
    `inputs`: the fingerprint of what was judged (see inputs_fingerprint)."""
    checked_rule = rule(asset, name)
    return dg.AssetCheckResult(
        asset_key=asset, check_name=name, passed=found.passed,
        severity=dg.AssetCheckSeverity(checked_rule.severity),
        description=checked_rule.description,
        metadata={
            "offending_rows": len(found.offending),
            "checked_rows": found.checked,
            **found.counts,
            "offending": dg.MetadataValue.md(found.markdown()),
            "fingerprint": found.fingerprint(),
            **({"message": dg.MetadataValue.text(message)} if message else {}),
            **({INPUTS_FINGERPRINT_KEY: inputs} if inputs else {}),
        },
    )


# A rule's evaluation: its Finding, or its Finding and the sentence `fitness run` shows on failure.
Evaluation = Callable[[], "Finding | tuple[Finding, str]"]


def stored_fingerprints(instance: dg.DagsterInstance, assets: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """(asset, inputs fingerprint) of the latest materialization of each of `assets`; None when one
    records none (it cannot be told unchanged)."""
    made_of = []
    for asset in assets:
        event = instance.get_latest_materialization_event(dg.AssetKey(asset))
        value = event.asset_materialization.metadata.get(INPUTS_FINGERPRINT_KEY) if event else None
        if value is None:
            return None
        made_of.append((asset, value.value))
    return made_of


def inputs_fingerprint(context: dg.AssetCheckExecutionContext, assets: tuple[str, ...],
                       tolerances: dg.ConfigurableResource | None = None) -> str | None:
    """What a check judges: the stored materializations of `assets` it loads (each must record an
    inputs fingerprint, else None: always evaluate), the tolerances, and the rules' code."""
    made_of = stored_fingerprints(context.instance, assets)
    if made_of is None:
        return None
    settings = sorted(tolerances.model_dump().items()) if tolerances is not None else []
    return hashlib.sha256(repr((made_of, settings, rules_fingerprint())).encode()).hexdigest()[:32]


def _carried(evaluation, run_id: str) -> dg.AssetCheckResult:
    metadata = dict(evaluation.metadata)
    metadata[EVALUATED_IN_KEY] = metadata.get(EVALUATED_IN_KEY, dg.MetadataValue.text(run_id))
    metadata[CARRIED_FROM_KEY] = dg.MetadataValue.text(run_id)
    return dg.AssetCheckResult(asset_key=evaluation.asset_key, check_name=evaluation.check_name,
                               passed=evaluation.passed, severity=evaluation.severity,
                               description=evaluation.description, metadata=metadata)


def _latest_evaluation(instance: dg.DagsterInstance, key: dg.AssetCheckKey):
    """The newest evaluated execution of `key` (this run's own is only planned so far)."""
    [record] = instance.event_log_storage.get_asset_check_execution_history(key, limit=1, status=EVALUATED) or [None]
    return (record.run_id, record.event.dagster_event.event_specific_data) if record and record.event else (None, None)


def selected_results(context: dg.AssetCheckExecutionContext, rules: dict[tuple[str, str], Evaluation],
                     inputs: str | None = None) -> Iterator[dg.AssetCheckResult]:
    """Evaluate the rules {(asset, name): evaluation} this execution selected, and only those.

    With `inputs` (inputs_fingerprint), a rule whose newest evaluation judged the same inputs is
    carried forward from it instead of evaluated."""
    selected = context.selected_asset_check_keys
    for (asset, name), evaluate in rules.items():
        key = dg.AssetCheckKey(dg.AssetKey(asset), name)
        if key not in selected:
            continue
        if inputs is not None:
            run_id, earlier = _latest_evaluation(context.instance, key)
            fingerprint = earlier.metadata.get(INPUTS_FINGERPRINT_KEY) if earlier is not None else None
            if fingerprint is not None and fingerprint.value == inputs:
                yield _carried(earlier, run_id)
                continue
        outcome = evaluate()
        found, message = outcome if isinstance(outcome, tuple) else (outcome, "")
        yield check_result(asset, name, found, message, inputs)
