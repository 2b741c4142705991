"""The README's rule table and the catalog the checks are built from must agree."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from fitness_assets.definitions import defs
from fitness_assets.defs.automation.freshness import WEEKLY_FRESHNESS_CHECKS
from fitness_assets.lib.quality.catalog import RULES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_rule_is_documented_with_its_severity_and_blocking():
    text = README.read_text(encoding="utf-8")
    for rule in RULES:
        row = f"| `{rule.asset}` | `{rule.name}` | {rule.severity} | {'yes' if rule.blocking else 'no'} |"
        assert row in text, f"README lacks {row}"
    documented = [line for line in text.splitlines() if line.startswith("| `") and line.count("|") == 6]
    assert len(documented) == len(RULES)


def test_every_rule_is_a_check_in_the_code_location():
    freshness = {(k.asset_key.to_user_string(), k.name) for c in WEEKLY_FRESHNESS_CHECKS for k in c.check_keys}
    check_keys = {(k.asset_key.to_user_string(), k.name) for k in defs.resolve_asset_graph().asset_check_keys}
    assert check_keys - freshness == {(r.asset, r.name) for r in RULES}
    blocking = {(s.asset_key.to_user_string(), s.name) for c in defs.asset_checks for s in c.check_specs if s.blocking}
    for asset in ("weekly_payload", "weekly_report"):  # checks declared on the asset itself
        blocking |= {(s.asset_key.to_user_string(), s.name) for s in defs.resolve_assets_def(asset).check_specs
                     if s.blocking}
    assert blocking == {(r.asset, r.name) for r in RULES if r.blocking}


def test_alert_sensors_run_by_default():
    sensors = {s.name: s for s in defs.sensors}
    assert set(sensors) >= {"failed_check_alerts", "run_failure_alerts"}
    for name in ("failed_check_alerts", "run_failure_alerts"):
        assert sensors[name].default_status == dg.DefaultSensorStatus.RUNNING
