"""The catalog's standard metadata (defs/catalog.py): every asset its own description that
survives Markdown, owners, code references to the Python function and the SQL files, the table
name of warehouse tables and gold views; the freshness checks of the weekly payloads and reports."""

from __future__ import annotations

import html
import re
from pathlib import Path

import dagster as dg
import pytest
from markdown_it import MarkdownIt

from fitness_assets.definitions import build_definitions
from fitness_assets.defs.automation.freshness import WEEKLY_FRESHNESS_CHECKS
from fitness_assets.defs.catalog import markdown_safe
from fitness_assets.defs.gold.assets import GOLD_VIEWS
from fitness_assets.defs.partitions import weekly_partitions
from fitness_assets.defs.resources import configuration_from
from fitness_assets.defs.warehouse.assets import WAREHOUSE_TABLES

RELATIONS = {*WAREHOUSE_TABLES, *GOLD_VIEWS}


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return build_definitions(configuration_from({}))


@pytest.fixture(scope="module")
def nodes(defs) -> dict[str, object]:
    graph = defs.resolve_asset_graph()
    return {key.to_user_string(): graph.get(key) for key in graph.get_all_asset_keys()}


def rendered_words(markdown: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "", MarkdownIt().render(markdown))
    return html.unescape(text).split()


def test_every_asset_has_its_own_description(nodes):
    descriptions = {name: node.description for name, node in nodes.items()}
    assert all(descriptions.values()), [name for name, d in descriptions.items() if not d]
    shared = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert not shared, {name for name, d in descriptions.items() if d in shared}


def test_descriptions_survive_markdown(nodes):
    """Rendered as the UI renders them, every word of each description is still there."""
    for name, node in nodes.items():
        written = re.sub(r"\\([<>*_])", r"\1", node.description).replace("`", "")
        written = re.sub(r"^- ", "", written, flags=re.MULTILINE)
        assert rendered_words(node.description) == written.split(), name
    assert "inbox/<athlete>/" in rendered_words(nodes["raw_exports"].description)
    assert "reports/<week>/" in " ".join(rendered_words(nodes["weekly_report"].description))


def test_markdown_safe_leaves_code_spans_and_words_alone():
    assert markdown_safe("reports/<week>/ and `inbox/<athlete>/`") == r"reports/\<week\>/ and `inbox/<athlete>/`"
    assert markdown_safe("*_vs_last_week and total_reps") == r"\*\_vs_last_week and total_reps"
    assert markdown_safe(markdown_safe("a <b>")) == markdown_safe("a <b>")


def test_every_asset_has_owners_kinds_and_code_references(nodes):
    for name, node in nodes.items():
        assert node.owners == ["team:fitness-data"], name
        assert node.kinds, name
        references = node.metadata["dagster/code_references"].code_references
        python = [r for r in references if r.file_path.endswith(".py")]
        assert len(python) == 1 and Path(python[0].file_path).is_file(), name
        lines = Path(python[0].file_path).read_text().splitlines()[python[0].line_number - 1:][:12]
        assert lines[0].strip().startswith(("@", "def ")), name  # the decorator, then the function
        assert any(line.strip().startswith("def ") for line in lines), name
        sql = [r for r in references if r.file_path.endswith(".sql")]
        if name in RELATIONS:
            assert node.metadata["dagster/table_name"] == f"fitness.{name}"
            assert sql, name
            for reference in sql:  # absolute paths, each at the line naming the relation
                path = Path(reference.file_path)
                assert path.is_absolute() and path.is_file()
                assert name in path.read_text().splitlines()[reference.line_number - 1], (name, reference)
        else:
            assert not sql and "dagster/table_name" not in node.metadata, name
    labels = {r.label for r in nodes["sets"].metadata["dagster/code_references"].code_references}
    assert labels == {"Python: fitness_assets/defs/warehouse/assets.py", "SQL schema: sql/warehouse/schema/001_core.sql",
                      "SQL load statement: sql/warehouse/load/10_load.sql"}


def test_owners_are_configurable():
    defs = build_definitions(configuration_from({"FITNESS_ASSET_OWNERS": "coach@example.com, team:lifting"}))
    assert defs.resolve_asset_graph().get(dg.AssetKey("sets")).owners == ["coach@example.com", "team:lifting"]


def test_a_week_not_published_by_its_deadline_fails_the_freshness_check(defs):
    defs = dg.Definitions.merge(defs, dg.Definitions(jobs=[
        dg.define_asset_job("freshness_only", selection=dg.AssetSelection.checks(*WEEKLY_FRESHNESS_CHECKS))]))
    job = defs.resolve_job_def("freshness_only")

    def evaluations(instance) -> dict[str, bool]:
        result = job.execute_in_process(instance=instance)
        return {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}

    keys = weekly_partitions.get_partition_keys()
    with dg.instance_for_test() as instance:
        assert evaluations(instance) == {"weekly_payload": False, "weekly_report": False}
        # an old week does not make the last one published (what a FreshnessPolicy would accept)
        for asset in ("weekly_payload", "weekly_report"):
            instance.report_runless_asset_event(dg.AssetMaterialization(asset, partition=keys[0]))
        assert evaluations(instance) == {"weekly_payload": False, "weekly_report": False}
        # the week due at the last deadline: the last one, or the one before it until Tuesday
        for key in keys[-2:]:
            instance.report_runless_asset_event(dg.AssetMaterialization("weekly_payload", partition=key))
        assert evaluations(instance) == {"weekly_payload": True, "weekly_report": False}
