"""One truth when a Hevy CSV history and the Hevy API sync overlap (issue 12, point 4).

A workout is identified by its athlete, local start (FITNESS_TIMEZONE, to the minute: Hevy's CSV
export writes no seconds) and title, whichever source it came from. Once an athlete has an API
sync, the rule is:
- from the API's earliest workout on (its *reach*) the API sync is the truth: a CSV workout there
  with the same start and title is the same workout and the API's version wins (it has the ids
  and the exact kg; a CSV export rounds and has none); a CSV workout there that the API does not
  hold was deleted or edited in the app since that export;
- before the reach, the newest Hevy CSV export's workouts stay (history the API does not reach,
  e.g. another app's import), so a sync never removes them.
Every CSV row is accounted for: kept, quarantined, or counted as in the API's reach.

Two API workouts with the same start and title would be one workout key: the one with the
smallest id loads, the others are quarantined with the reason (nothing silently lost).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import SourceFile, quarantine_frame, raw_values

DUPLICATE_API_WORKOUT = "duplicate_api_workout"


def before_api_reach(history: ParsedRows, api_rows: pd.DataFrame) -> tuple[ParsedRows, int]:
    """The CSV history's rows that start before the API's earliest workout, and how many rows
    lie in the API's reach (held by the API sync, or deleted there)."""
    if api_rows.empty or history.rows.empty:
        return history, 0
    before = history.rows["started_at"] < api_rows["started_at"].min()
    return replace(history, rows=history.rows[before].reset_index(drop=True)), int((~before).sum())


def quarantine_duplicate_workouts(rows: pd.DataFrame, raw: pd.DataFrame,
                                  source: SourceFile) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of API workouts that share a start and title with another API workout of a smaller
    id go to quarantine; returns (rows kept, quarantined)."""
    workouts = rows[["started_at", "title", "hevy_workout_id"]].drop_duplicates()
    first = workouts.sort_values("hevy_workout_id", kind="stable").drop_duplicates(["started_at", "title"])
    if len(first) == len(workouts):
        return rows, quarantine_frame(source, [], [], [], [])
    kept_id = pd.MultiIndex.from_frame(first[["started_at", "title"]])
    loaded = pd.Series(first["hevy_workout_id"].to_numpy(), index=kept_id)
    held_by = loaded.reindex(pd.MultiIndex.from_frame(rows[["started_at", "title"]])).to_numpy()
    duplicate = rows["hevy_workout_id"].to_numpy() != held_by
    moved = rows[duplicate]
    reasons = ("the Hevy API workout " + moved["hevy_workout_id"] + " has the same start ("
               + moved["started_at"].astype(str) + ") and title as workout " + held_by[duplicate]
               + ", which is loaded: one start and title is one workout")
    quarantined = quarantine_frame(source, moved["source_line"], [DUPLICATE_API_WORKOUT] * len(moved), reasons,
                                   raw_values(raw, moved.index))
    return rows[~duplicate], quarantined
