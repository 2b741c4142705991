"""How a rule of lib/quality/catalog.py becomes a Dagster asset check.

Each layer's checks live beside its assets (defs/<layer>/checks.py): one multi-asset check per
group of frames loads them once and evaluates all of their rules; each rule is still its own
check in the UI, with counts, a table of offending rows (file, line, values) and a fingerprint
the alert sensor uses to avoid repeating itself.

Every multi-asset check is subsettable and evaluates only the rules selected, so one check can be
executed alone from the UI (or `dagster asset check`) against the stored frames and tables,
without re-materializing its asset: after fixing corrections.yaml, re-check, not re-load.
"""

from collections.abc import Callable, Iterator

import dagster as dg

from fitness_assets.lib.quality.catalog import rule, rules_for
from fitness_assets.lib.quality.core import Finding

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


def check_result(asset: str, name: str, found: Finding, message: str = "") -> dg.AssetCheckResult:
    """`message`: one sentence a person can act on, shown by `fitness run` when the check fails."""
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
        },
    )


# A rule's evaluation: its Finding, or its Finding and the sentence `fitness run` shows on failure.
Evaluation = Callable[[], "Finding | tuple[Finding, str]"]


def selected_results(context: dg.AssetCheckExecutionContext,
                     rules: dict[tuple[str, str], Evaluation]) -> Iterator[dg.AssetCheckResult]:
    """Evaluate the rules {(asset, name): evaluation} this execution selected, and only those."""
    selected = context.selected_asset_check_keys
    for (asset, name), evaluate in rules.items():
        if dg.AssetCheckKey(dg.AssetKey(asset), name) in selected:
            outcome = evaluate()
            found, message = outcome if isinstance(outcome, tuple) else (outcome, "")
            yield check_result(asset, name, found, message)
