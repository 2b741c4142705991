"""The catalog's standard metadata, applied to every asset in one place (definitions.py) with
Dagster's own mechanisms: owners, descriptions that survive Markdown, the PostgreSQL relation a
warehouse table or gold view is (`dagster/table_name`), and code references to the Python
function (dg.with_source_code_references) and to the SQL files that create and fill it.

Column schemas and row counts are facts of a run, not of the code: the warehouse and gold assets
attach them to each materialization (`table_metadata`, from one information_schema query).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

SCHEMA = "fitness"
# Dagster's standard keys (its TableMetadataSet, not exported by dagster 1.13).
CODE_REFERENCES = "dagster/code_references"
TABLE_NAME = "dagster/table_name"
COLUMN_SCHEMA = "dagster/column_schema"
ROW_COUNT = "dagster/row_count"
# Groups whose assets are PostgreSQL relations named like the asset.
RELATION_GROUPS = ("warehouse", "gold")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# Characters Markdown would swallow in prose: `<x>` becomes an HTML tag (and vanishes), `*`
# and a word-edge `_` start emphasis. Not ones already escaped.
_MARKDOWN_SPECIAL = re.compile(r"(?<!\\)([<>*]|(?<!\w)_|_(?!\w))")


def markdown_safe(text: str | None) -> str | None:
    """`text` with Markdown's special characters escaped outside code spans, so the UI shows
    what was written (e.g. inbox/<athlete>/ keeps its <athlete>)."""
    if not text:
        return text
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        parts += [_MARKDOWN_SPECIAL.sub(r"\\\1", text[last:span.start()]), span.group(0)]
        last = span.end()
    return "".join([*parts, _MARKDOWN_SPECIAL.sub(r"\\\1", text[last:])])


def column_schemas(conn: sa.Connection, relations: Iterable[str]) -> dict[str, dg.TableSchema]:
    """Each relation's columns as PostgreSQL has them (type, nullability), in one query."""
    rows = conn.execute(sa.text(
        "SELECT table_name, column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_schema = :schema AND table_name = ANY(:relations) ORDER BY table_name, ordinal_position"),
        {"schema": SCHEMA, "relations": list(relations)}).all()
    columns: dict[str, list[dg.TableColumn]] = {name: [] for name in relations}
    for relation, column, data_type, nullable in rows:
        columns[relation].append(dg.TableColumn(column, data_type,
                                                constraints=dg.TableColumnConstraints(nullable=nullable)))
    return {relation: dg.TableSchema(columns=cols) for relation, cols in columns.items()}


def table_name(relation: str) -> str:
    return f"{SCHEMA}.{relation}"


def table_metadata(relation: str, schema: dg.TableSchema, row_count: int | None = None) -> dict[str, object]:
    """dagster/table_name, dagster/column_schema and (for tables) dagster/row_count: the keys the
    catalog shows as the table's name, its columns and its row count."""
    metadata: dict[str, object] = {TABLE_NAME: table_name(relation),
                                   COLUMN_SCHEMA: dg.MetadataValue.table_schema(schema)}
    return metadata | ({ROW_COUNT: dg.MetadataValue.int(row_count)} if row_count is not None else {})


def _line_of(path: Path, pattern: re.Pattern[str]) -> int | None:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def sql_references(sql_dir: Path, relations: Iterable[str]) -> dict[str, list[dg.LocalFileCodeReference]]:
    """Each relation → where its SQL is: the CREATE TABLE of the schema migrations, the load
    statement named after it, the gold file creating the view (absolute paths: sql/ sits outside
    the package, wherever FITNESS_SQL_DIR points)."""
    sql_dir = sql_dir.resolve()
    files = [*sorted((sql_dir / "warehouse" / "schema").glob("*.sql")),
             *sorted((sql_dir / "warehouse" / "load").glob("*.sql")), *sorted((sql_dir / "gold").glob("*.sql"))]
    references: dict[str, list[dg.LocalFileCodeReference]] = {}
    for relation in relations:
        found = []
        for label, pattern in (
                ("schema", re.compile(rf"^CREATE TABLE {SCHEMA}\.{relation} \(")),
                ("load statement", re.compile(rf"^-- name: {relation}\s*$")),
                ("view", re.compile(rf"^CREATE (OR REPLACE )?VIEW {SCHEMA}\.{relation} AS"))):
            for path in files:
                line = _line_of(path, pattern)
                if line:
                    found.append(dg.LocalFileCodeReference(
                        file_path=str(path), line_number=line,
                        label=f"SQL {label}: {path.relative_to(sql_dir.parent)}"))
        references[relation] = found
    return references


def python_labelled(reference):
    """dg.with_source_code_references leaves the label empty: name the module."""
    if reference.label or not isinstance(reference, dg.LocalFileCodeReference):
        return reference
    path = Path(reference.file_path)
    package = next((parent for parent in path.parents if parent.name == "fitness_assets"), path.parent)
    return dg.LocalFileCodeReference(file_path=reference.file_path, line_number=reference.line_number,
                                     label=f"Python: {path.relative_to(package.parent)}")


def standard_spec(owners: list[str], sql_dir: Path, relations: Iterable[str]) -> Callable[[dg.AssetSpec], dg.AssetSpec]:
    """The function definitions.py maps over every asset spec."""
    references = sql_references(sql_dir, relations)

    def standardise(spec: dg.AssetSpec) -> dg.AssetSpec:
        name = spec.key.to_user_string()
        metadata = dict(spec.metadata)
        python = metadata.get(CODE_REFERENCES)
        code = [*(python_labelled(ref) for ref in (python.code_references if python else [])),
                *references.get(name, [])]
        if code:
            metadata[CODE_REFERENCES] = dg.CodeReferencesMetadataValue(code_references=code)
        if spec.group_name in RELATION_GROUPS:
            metadata[TABLE_NAME] = table_name(name)
        return spec.replace_attributes(description=markdown_safe(spec.description),
                                       owners=list(spec.owners) or owners, metadata=metadata)

    return standardise
