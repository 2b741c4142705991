"""The import graph of fitness_assets/lib follows the data flow, read statically with `ast`.

core < raw < silver < warehouse < insights < quality < payloads < reports < dashboard: a module may
import its own layer and earlier ones, never a later one. schemas/ declares the silver models and imports
nothing from lib. lib/ never imports dagster (the Dagster wiring lives in defs/) nor the
packages built on top of it (defs, cli, definitions, the Streamlit app in dashboard/), nor streamlit. Nothing in fitness_assets imports the
dev-only tools/ (the generator and the benchmark), which is not installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fitness_assets"
LAYERS = ("core", "raw", "silver", "warehouse", "insights", "quality", "payloads", "reports", "dashboard")
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}
ABOVE_LIB = ("fitness_assets.defs", "fitness_assets.cli", "fitness_assets.definitions", "fitness_assets.dashboard")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (also inside functions), as absolute names."""
    package = module_name(path).split(".") if path.name == "__init__.py" else module_name(path).split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names  # `from package import module`
                         if _is_module(f"{base}.{alias.name}"))
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["fitness_assets", "schemas"]:
        return "silver"
    if parts[:2] == ["fitness_assets", "lib"] and len(parts) > 2 and parts[2] in RANK:
        return parts[2]
    return None


def violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, imported in sorted(graph.items()):
        in_schemas = module.startswith("fitness_assets.schemas")
        for target in sorted(imported):
            if target.split(".")[0] in ("dagster", "streamlit"):
                found.append(f"{module} imports {target.split('.')[0]}")
            elif target.startswith(ABOVE_LIB):
                found.append(f"{module} imports {target}, which is built on lib")
            elif in_schemas and target.startswith("fitness_assets.lib"):
                found.append(f"{module} (declarations) imports {target}")
            elif layer_of(module) and layer_of(target) and RANK[layer_of(target)] > RANK[layer_of(module)]:
                found.append(f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})")
    return found


def package_graph() -> dict[str, set[str]]:
    paths = [*(PACKAGE / "lib").rglob("*.py"), *(PACKAGE / "schemas").rglob("*.py")]
    return {module_name(path): imports_of(path) for path in paths}


def test_every_lib_module_belongs_to_a_layer():
    unplaced = [m for m in package_graph() if m.startswith("fitness_assets.lib.") and layer_of(m) is None]
    assert unplaced == []


def test_lib_imports_follow_the_data_flow():
    """No allowlist: every edge runs with the data flow."""
    assert violations(package_graph()) == []


# defs/<layer>/ mirrors lib's layers (gold: the SQL views between warehouse and payloads). The
# shared wiring (resources, partitions, jobs, check helpers, alerts, automation) sits above them.
# insights (run/walk labels) come before gold: the weekly running summary counts runs by label.
DEFS_RANK = {"raw": 1, "silver": 2, "warehouse": 3, "insights": 4, "gold": 4.5, "payloads": 6, "reports": 7}


def defs_layer_rank(module: str) -> float | None:
    parts = module.split(".")
    if parts[:2] == ["fitness_assets", "defs"] and len(parts) > 2 and parts[2] in DEFS_RANK:
        return DEFS_RANK[parts[2]]
    if layer_of(module) and layer_of(module) != "quality":  # every layer's checks use the rule catalog
        return RANK[layer_of(module)]
    return None


def defs_violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, imported in sorted(graph.items()):
        own = defs_layer_rank(module)
        for target in sorted(imported):
            rank = defs_layer_rank(target)
            if own is not None and rank is not None and rank > own:
                found.append(f"{module} imports {target}, a later layer")
    return found


def test_defs_layers_import_no_later_layer():
    paths = [p for p in (PACKAGE / "defs").rglob("*.py") if p.parent.name in DEFS_RANK]
    assert {p.parent.name for p in paths} == set(DEFS_RANK)
    assert defs_violations({module_name(path): imports_of(path) for path in paths}) == []
    assert defs_violations({"fitness_assets.defs.silver.checks": {"fitness_assets.lib.warehouse.load",
                                                                   "fitness_assets.lib.quality.core"}}) == [
        "fitness_assets.defs.silver.checks imports fitness_assets.lib.warehouse.load, a later layer"]


def test_the_runtime_package_never_imports_the_dev_tools():
    graph = {module_name(path): imports_of(path) for path in PACKAGE.rglob("*.py")}
    assert [(module, target) for module, imported in sorted(graph.items()) for target in sorted(imported)
            if target.split(".")[0] == "tools"] == []


def test_the_warehouse_does_not_reach_the_payloads():
    """The stored payload is the hand-off: the warehouse never builds payloads (issue 10 item 4)."""
    graph = package_graph()
    warehouse = {m: imported for m, imported in graph.items() if layer_of(m) == "warehouse"}
    assert warehouse and not {t for imported in warehouse.values() for t in imported
                              if layer_of(t) in ("payloads", "reports")}


def test_the_checker_reports_each_kind_of_violation():
    graph = {
        "fitness_assets.lib.raw.zone": {"fitness_assets.lib.silver.sources.hevy_csv"},  # later layer
        "fitness_assets.lib.silver.build": {"fitness_assets.lib.raw.zone", "fitness_assets.lib.core.constants"},
        "fitness_assets.lib.core.constants": {"dagster"},
        "fitness_assets.lib.quality.core": {"fitness_assets.defs.resources"},
        "fitness_assets.schemas.silver": {"fitness_assets.lib.silver.quarantine"},
        "fitness_assets.lib.warehouse.load": {"fitness_assets.lib.payloads.changed_weeks"},
    }
    assert violations(graph) == [
        "fitness_assets.lib.core.constants imports dagster",
        "fitness_assets.lib.quality.core imports fitness_assets.defs.resources, which is built on lib",
        "fitness_assets.lib.raw.zone (raw) imports fitness_assets.lib.silver.sources.hevy_csv (silver)",
        "fitness_assets.lib.warehouse.load (warehouse) imports fitness_assets.lib.payloads.changed_weeks (payloads)",
        "fitness_assets.schemas.silver (declarations) imports fitness_assets.lib.silver.quarantine",
    ]


def test_from_package_import_module_is_read_as_the_module():
    assert "fitness_assets.lib.silver.sources.hevy_csv" in imports_of(PACKAGE / "lib/silver/sources/__init__.py")
    assert imports_of(PACKAGE / "lib/reports/charts.py") >= {"fitness_assets.lib.reports.quoting"}
