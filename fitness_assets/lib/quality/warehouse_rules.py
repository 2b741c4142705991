"""Rules over the loaded warehouse. Queries live in sql/warehouse/checks/, one file each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from fitness_assets.lib.quality.core import Finding, finding


def _query(conn: sa.Connection, sql_dir: Path, name: str, **params) -> pd.DataFrame:
    result = conn.execute(sa.text((sql_dir / "warehouse" / "checks" / f"{name}.sql").read_text()), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def loaded_rows(conn: sa.Connection, sql_dir: Path) -> pd.DataFrame:
    """Rows held per athlete and dataset (athlete_id, dataset, rows_loaded): every dataset in one
    query, which joins every set to its workout (0.45 s at a million sets): read it once per
    check step and hand it to each dataset's nothing_lost."""
    return _query(conn, sql_dir, "loaded_rows_per_athlete")


def nothing_lost(conn: sa.Connection, sql_dir: Path, file_accounts: pd.DataFrame, silver_quarantine: pd.DataFrame,
                 dataset: str, held_rows: pd.DataFrame | None = None) -> Finding:
    """For each current export: rows read = rows in the warehouse + rows quarantined.

    The warehouse holds exactly the current snapshot of each athlete, so its row count per
    athlete is compared with the current file's accepted rows. Quarantined rows count when this
    parse quarantined them *and* the warehouse stored them: a line quarantined once and since
    rescued by a correction stays in the quarantine table as history, but is loaded now. A
    superseded export is not compared: the newer snapshot replaced its rows. An incomplete
    export (cut or damaged) removes nothing, so the warehouse may hold more rows than it: its
    accepted rows must all be there, and the rest are counted as kept from earlier exports.
    A Hevy CSV export beside an API sync (status "history", lib/silver/reconcile.py) loads its
    rows before the API's reach; its rows in the reach are accounted as held by the API sync.
    `held_rows`: loaded_rows(conn, sql_dir), when the caller has read it already.
    """
    loaded = held_rows if held_rows is not None else loaded_rows(conn, sql_dir)
    loaded = loaded[loaded["dataset"] == dataset].set_index("athlete_id")["rows_loaded"]
    files = file_accounts[(file_accounts["dataset"] == dataset)
                          & file_accounts["status"].isin(["current", "history"])]
    stored = _query(conn, sql_dir, "stored_quarantine_lines", shas=list(files["sha256"]))
    stored_lines = set(zip(stored["source_sha256"], stored["line"].astype(int)))
    current = silver_quarantine[["source_sha256", "line"]].drop_duplicates()
    kept = pd.Series([(sha, int(line)) in stored_lines for sha, line in current.itertuples(index=False)],
                     index=current.index, dtype=bool)
    quarantined = current[kept].groupby("source_sha256").size()
    history = files["status"] == "history"
    history_rows = files["rows_accepted"].where(history, 0).groupby(files["athlete_id"]).transform("sum")
    held = (files["athlete_id"].map(loaded).fillna(0).astype("int64") - history_rows).where(
        ~history, files["rows_accepted"]).astype("int64")
    in_api_reach = files.get("rows_in_api_reach", pd.Series(0, index=files.index)).fillna(0).astype("int64")
    incomplete = files.get("incomplete_line", pd.Series(0, index=files.index)) > 0
    accounts = files.assign(
        # An export whose every row was quarantined is not a snapshot: the warehouse keeps the
        # previous one, and none of its rows come from this file.
        rows_loaded=held.where(~incomplete, held.clip(upper=files["rows_accepted"])).where(files["rows_accepted"] > 0, 0),
        rows_quarantined_in_warehouse=files["sha256"].map(quarantined).fillna(0).astype("int64"),
    )
    accounts["rows_kept_from_earlier_exports"] = (held - accounts["rows_loaded"]).where(incomplete, 0)
    accounts["difference"] = (accounts["rows_read"] - accounts["rows_loaded"] - accounts["rows_quarantined_in_warehouse"]
                              - in_api_reach)
    bad = accounts[accounts["difference"] != 0]
    offending = pd.DataFrame({
        "file": bad["file_name"], "athlete": bad["athlete_id"], "rows_read": bad["rows_read"],
        "rows_loaded": bad["rows_loaded"], "rows_quarantined": bad["rows_quarantined_in_warehouse"],
        "problem": bad["difference"].map(lambda d: f"{d} row(s) unaccounted for" if d > 0 else f"{-d} row(s) too many"),
    })
    return finding(offending, int(accounts["rows_read"].sum()), files=len(accounts),
                   rows_read=int(accounts["rows_read"].sum()), rows_loaded=int(accounts["rows_loaded"].sum()),
                   rows_quarantined=int(accounts["rows_quarantined_in_warehouse"].sum()),
                   rows_kept_from_earlier_exports=int(accounts["rows_kept_from_earlier_exports"].sum()),
                   rows_held_by_the_api_sync=int(in_api_reach.sum()))


def no_orphans(conn: sa.Connection, sql_dir: Path, query_name: str) -> Finding:
    orphans = _query(conn, sql_dir, query_name)
    return finding(orphans, len(orphans))


def unmapped_exercises(conn: sa.Connection, sql_dir: Path) -> Finding:
    unmapped = _query(conn, sql_dir, "unmapped_exercises")
    exercises = conn.execute(sa.text("SELECT count(*) FROM fitness.exercises")).scalar_one()
    offending = unmapped.assign(problem="not in the curated muscle map: counted as 'Unmapped'")
    return finding(offending, exercises)
