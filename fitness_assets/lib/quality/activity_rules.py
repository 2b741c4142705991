"""Rules over silver_activities (one row per MapMyRun activity) and the quarantine of the current exports.

The frame holds no file name (its columns are the contract shared with the warehouse): an
activity's file is its athlete's current activities export, named from silver_file_accounts.
"""

from __future__ import annotations

import pandas as pd

from fitness_assets.lib.quality.core import (
    Finding,
    finding,
    quarantined,
    quarantined_dates,
)

ACTIVITIES = "activities"  # the dataset in silver_file_accounts (lib/silver/sources: ACTIVITIES)
# Logged types on foot: Run, Walk, Hike, "Run / Jog", "Indoor Run / Jog", "Dog Walk", …
FOOT_TYPES = r"(?i)\b(?:run|jog|walk|hike|trail)"
# Types that cover a distance, so a duration without one is a lost GPS track or a typo.
DISTANCE_TYPES = r"(?i)\b(?:run|jog|walk|hike|trail|bike|ride|cycl|swim)"
# No one on foot averages 30 km/h over a whole activity (2:00 min/km; the 100 m world record
# averages 37.6 km/h for under ten seconds, the marathon record ~21 km/h): above it, the distance
# or the time is wrong, or the activity was logged on foot but done on a bike or in a car.
FOOT_MAX_SPEED_KMH = 30.0
# An average heart rate outside 30–230 bpm is a sensor or entry error (a resting athlete's rate
# rarely falls below 30; 220 − age is the usual maximum).
HEART_RATE_BPM = (30.0, 230.0)
SHOWN = ["activity_type", "distance_km", "duration_s", "avg_speed_kmh", "avg_heart_rate"]


def _formatted(values: pd.Series, template: str) -> pd.Series:
    """Numbers as text (object dtype even when empty, so it can be joined to other text)."""
    return pd.Series([template.format(v) for v in values], index=values.index, dtype=object)


def _files(activities: pd.DataFrame, file_accounts: pd.DataFrame | None) -> pd.Series:
    """The current activities export of each row's athlete (empty without the accounts)."""
    if file_accounts is None or file_accounts.empty:
        return pd.Series("", index=activities.index, dtype=object)
    current = file_accounts[(file_accounts["status"] == "current") & (file_accounts["dataset"] == ACTIVITIES)]
    return activities["athlete_id"].map(current.set_index("athlete_id")["file_name"]).fillna("").astype(object)


def _rows(activities: pd.DataFrame, problem, file_accounts: pd.DataFrame | None) -> pd.DataFrame:
    """The common offending-row layout: where the activity is, what it holds, what is wrong."""
    shown = activities[SHOWN].astype("string").fillna("")
    return pd.DataFrame({
        "file": _files(activities, file_accounts), "line": activities["source_line"],
        "athlete": activities["athlete_id"], "workout_id": activities["source_workout_id"],
        "date": activities["activity_date"].dt.strftime("%Y-%m-%d"),
        "values": shown.apply(lambda r: ", ".join(f"{c}={v}" for c, v in r.items() if v != ""), axis=1)
        if len(activities) else pd.Series(dtype="string"),
        "problem": problem,
    })


def duplicate_workout_ids(activities: pd.DataFrame, quarantine: pd.DataFrame,
                          file_accounts: pd.DataFrame | None = None) -> Finding:
    """One row per (athlete, source, workout id) across the snapshot. The parser quarantines an
    id repeated inside one export (an exact repeat loads once; differing copies load none): those
    are listed, and so is any duplicate left in the frame (it would be a parser regression)."""
    repeated = activities[activities.duplicated(["athlete_id", "source", "source_workout_id"], keep=False)]
    rows = pd.concat([_rows(repeated, "workout id " + repeated["source_workout_id"] + " appears more than once",
                            file_accounts),
                      quarantined(quarantine, r"^workout \d+ (?:repeats line|appears on lines)")], ignore_index=True)
    return finding(rows, len(activities) + len(rows), key_columns=("file", "line", "athlete", "workout_id"))


def non_negative(activities: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    # Negative numbers never reach silver (the parser quarantines them); this lists them.
    negative = quarantined(quarantine, r"' in [^']+ is negative$")
    return finding(negative, len(activities) + len(negative))


def distance_with_duration(activities: pd.DataFrame, file_accounts: pd.DataFrame | None = None) -> Finding:
    """A run, walk, hike, ride or swim with a duration but no distance (0 or empty) has no pace:
    a lost GPS track or a typo. Weight and video workouts are not expected to have a distance."""
    moving = activities["activity_type"].str.contains(DISTANCE_TYPES, regex=True, na=False)
    bad = activities[moving & (activities["duration_s"].fillna(0) > 0) & (activities["distance_km"].fillna(0) == 0)]
    return finding(_rows(bad, "a duration of " + _formatted(bad["duration_s"], "{:,.0f} s") + " but no distance",
                         file_accounts), int(moving.sum()))


def plausible_foot_speed(activities: pd.DataFrame, file_accounts: pd.DataFrame | None = None) -> Finding:
    """On foot, an average speed above FOOT_MAX_SPEED_KMH is impossible. The speed is the logged
    average, and the one distance ÷ time gives; either above the limit is reported. Max speed
    and max pace are not judged: the app often logs them as 0 or absurd values."""
    on_foot = activities["activity_type"].str.contains(FOOT_TYPES, regex=True, na=False)
    hours = activities["duration_s"].where(activities["duration_s"] > 0) / 3600
    derived = activities["distance_km"] / hours
    speed = pd.concat([derived, activities["avg_speed_kmh"]], axis=1).max(axis=1)
    bad = on_foot & (speed > FOOT_MAX_SPEED_KMH)
    problem = ("an average of " + _formatted(speed[bad], "{:.1f}") + f" km/h on foot (above {FOOT_MAX_SPEED_KMH:g})")
    return finding(_rows(activities[bad], problem, file_accounts), int(on_foot.sum()))


def heart_rate_in_range(activities: pd.DataFrame, file_accounts: pd.DataFrame | None = None) -> Finding:
    """An average heart rate (0 already means none) between 30 and 230 bpm."""
    low, high = HEART_RATE_BPM
    rate = activities["avg_heart_rate"]
    bad = rate.notna() & ((rate < low) | (rate > high))
    problem = "average heart rate " + _formatted(rate[bad], "{:g}") + f" bpm is outside {low:g}–{high:g}"
    return finding(_rows(activities[bad], problem, file_accounts), int(rate.notna().sum()))


def no_future_dates(activities: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    return quarantined_dates(quarantine, "activity date", "future", len(activities))


def no_dates_before_earliest_year(activities: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    return quarantined_dates(quarantine, "activity date", "early", len(activities))
