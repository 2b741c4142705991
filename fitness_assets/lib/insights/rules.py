"""Plausibility of the labels, judged over the classified activities (the asset checks' rules).

Each rule returns the offending rows (empty = passed); defs/insights/checks.py shows them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fitness_assets.lib.insights.change_point import week_numbers, week_start
from fitness_assets.lib.insights.classify import MIXED, RUN, WALK, ClassifierParameters, logged_kinds

# logged_type_agrees: a week is judged when it has this many runs and walks, and flagged when
# more than this share of them were logged as the other kind.
MIN_WEEK_ACTIVITIES = 3
MAX_DISAGREEING_SHARE = 0.5


def _pace(frame: pd.DataFrame) -> pd.Series:
    given = frame["avg_pace_min_per_km"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = frame["duration_s"].astype(float) / 60.0 / frame["distance_km"].astype(float)
    return given.where(given > 0, derived)


def implausible_paces(frame: pd.DataFrame, params: ClassifierParameters) -> pd.DataFrame:
    """Labels the pace contradicts: a run at walking pace (≥ the walk threshold), a walk at running
    pace (≤ the run threshold), or any run, walk or mixed outing outside the physical bounds.
    Outliers are not judged (that is what they are)."""
    pace = _pace(frame)
    low, high = params.min_pace_min_per_km, params.max_pace_min_per_km
    expected = {RUN: (low, params.walk_min_pace_min_per_km), WALK: (params.run_max_pace_min_per_km, high),
                MIXED: (low, high)}
    lower = frame["label"].map({k: v[0] for k, v in expected.items()})
    upper = frame["label"].map({k: v[1] for k, v in expected.items()})
    judged = lower.notna()
    bad = judged & ~((pace >= lower) & (pace <= upper) if len(frame) else judged)
    shown = frame[bad]
    return pd.DataFrame({
        "row_id": shown["activity_id"], "athlete": shown["athlete_id"],
        "date": pd.to_datetime(shown["activity_date"]).dt.date.astype(str),
        "activity_type": shown["activity_type"], "label": shown["label"], "method": shown["method"],
        "pace_min_per_km": pace[bad].round(2),
        "expected": [f"{lo:g}–{hi:g} min/km" for lo, hi in zip(lower[bad], upper[bad])],
    })


def disagreeing_weeks(frame: pd.DataFrame) -> pd.DataFrame:
    """Weeks in which more than half of at least 3 runs and walks carry a label other than their
    logged type (e.g. dog walks logged as Run): the log, or the model, needs a look."""
    kinds = logged_kinds(frame["activity_type"])
    judged = frame["label"].isin([RUN, WALK]) & kinds.notna()
    data = pd.DataFrame({"athlete": frame["athlete_id"][judged], "week": week_numbers(frame["activity_date"][judged]),
                         "disagrees": (kinds[judged] != frame["label"][judged]).astype(int)})
    weeks = data.groupby(["athlete", "week"])["disagrees"].agg(["size", "sum"]).reset_index()
    weeks = weeks[(weeks["size"] >= MIN_WEEK_ACTIVITIES) & (weeks["sum"] > MAX_DISAGREEING_SHARE * weeks["size"])]
    return pd.DataFrame({
        "athlete": weeks["athlete"], "week": [week_start(w).isoformat() for w in weeks["week"]],
        "activities": weeks["size"], "disagreeing": weeks["sum"],
        "share": (weeks["sum"] / weeks["size"]).round(2) if len(weeks) else pd.Series(dtype=float),
    }).reset_index(drop=True)
