"""Which inputs each warehouse table is loaded from, read from the load SQL itself.

The loader COPYs its inputs into staging tables (load.STAGING names the inputs of each), then the
statements of sql/warehouse/load/ write the fitness tables from the staging tables, from temp
tables built on the way (changed_days, deleted_workout_ids, …) and from other fitness tables. A
table's origins are the inputs of every staging table reachable backwards from it, so a statement
that starts reading another staging table changes the lineage the UI shows, with no list to edit.
"""

from __future__ import annotations

import re
from pathlib import Path

from fitness_assets.lib.warehouse.load import LOADER_INPUTS, STAGING

_COMMENT = re.compile(r"--[^\n]*")
# The relation a statement writes; `ON CONFLICT … DO UPDATE` is not one.
_WRITE = re.compile(r"\b(?:INSERT\s+INTO|(?<!DO\s)UPDATE|DELETE\s+FROM|CREATE\s+TEMP\s+TABLE)\s+(?:fitness\.)?(\w+)",
                    re.IGNORECASE)
_CREATE_TEMP = re.compile(r"\bCREATE\s+TEMP\s+TABLE\s+(\w+)", re.IGNORECASE)
# fitness.<name> not followed by "(": fitness.exercise_id_for(…) is a function, not a relation.
_FITNESS_RELATION = re.compile(r"\bfitness\.(\w+)\b(?!\s*\()")


def load_statements(sql_dir: Path) -> list[str]:
    """Every statement of the load files, comments stripped, in the order the loader runs them."""
    statements = []
    for path in sorted((sql_dir / "warehouse" / "load").glob("*.sql")):
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        statements += [s.strip() for s in text.split(";") if s.strip()]
    return statements


def relation_reads(statements: list[str]) -> dict[str, set[str]]:
    """Each relation a statement writes → the relations it reads (temp tables by name, fitness
    tables without their schema), over all statements writing it; itself excluded."""
    temp_tables = {name for s in statements for name in _CREATE_TEMP.findall(s)}
    temp_relation = re.compile(r"\b(" + "|".join(map(re.escape, sorted(temp_tables))) + r")\b") if temp_tables else None
    reads: dict[str, set[str]] = {}
    for statement in statements:
        writes = _WRITE.findall(statement)
        if not writes:
            continue
        rest = _WRITE.sub(" ", statement)
        read = set(_FITNESS_RELATION.findall(rest)) | (set(temp_relation.findall(rest)) if temp_relation else set())
        for table in writes:
            reads.setdefault(table, set()).update(read - {table})
    return reads


def staging_tables_of(sql_dir: Path) -> dict[str, set[str]]:
    """Each relation the load writes → the staging tables its rows come from, directly or through
    any chain of temp and fitness tables (cycles allowed: a fixpoint)."""
    reads = relation_reads(load_statements(sql_dir))
    staged = {table: {r for r in read if r in STAGING} for table, read in reads.items()}
    changed = True
    while changed:
        changed = False
        for table, read in reads.items():
            before = len(staged[table])
            for relation in read:
                staged[table] |= staged.get(relation, set())
            changed |= len(staged[table]) != before
    return staged


def table_origins(sql_dir: Path, tables: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each of `tables` → the loader inputs' origins it is built from (load.LOADER_INPUTS values:
    SilverLayer fields and "manifest"), sorted. Raises for a table the load SQL never writes."""
    staged = staging_tables_of(sql_dir)
    missing = [t for t in tables if t not in staged]
    if missing:
        raise ValueError(f"no statement in {sql_dir / 'warehouse' / 'load'} writes fitness.{', fitness.'.join(missing)}")
    return {table: tuple(sorted({origin for stage in staged[table] for name in STAGING[stage].reads
                                 for origin in LOADER_INPUTS[name]}))
            for table in tables}
