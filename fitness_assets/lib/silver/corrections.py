"""Known data-entry errors, fixed by data (a corrections file), never by code.

corrections.yaml (path: FITNESS_CORRECTIONS, default ./corrections.yaml):

    workout_sets:
      - start_time: "2024-03-05 18:30"        # the workout's start, as ISO or as Hevy writes it
        exercise_title: "Bicep Curl (Dumbbell)"
        set_index: 2
        set: {reps: 11}
        reason: "typed 111 instead of 11"
    diet_days:
      - date: "2024-05-03"
        set: {calories_kcal: 2150}
        reason: "kcal typed with a missing digit"
    activities:
      - workout_id: "1234567890"               # the id at the end of the MapMyRun Link
        set: {distance_km: 5.0}
        reason: "GPS lost in the tunnel"

`athlete` (default: default) may be given on any entry. A correction must match exactly one
row; one that matches none or several is reported as stale and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.raw.timeparse import parse_hevy_datetime

WORKOUT_SETS = "workout_sets"
DIET_DAYS = "diet_days"
ACTIVITIES = "activities"
CORRECTABLE = {
    WORKOUT_SETS: {"weight_kg", "reps", "distance_km", "duration_seconds", "rpe", "set_type", "exercise_title"},
    DIET_DAYS: {"carbs_g", "protein_g", "fat_g", "calories_kcal", "cardio_weekly_min", "bodyweight_kg", "notes"},
    ACTIVITIES: {"activity_type", "distance_km", "duration_s", "avg_pace_min_per_km", "avg_speed_kmh",
                 "calories_kcal", "avg_heart_rate", "steps", "notes"},
}
# The fields that identify the one row a correction changes, per section.
KEY_FIELDS = {WORKOUT_SETS: {"start_time", "exercise_title", "set_index"}, DIET_DAYS: {"date"},
              ACTIVITIES: {"workout_id"}}
# Sections of the same file read elsewhere: a person's run/walk labels are not field corrections
# (lib/insights/user_labels.py reads them, after classification).
READ_ELSEWHERE = {"activity_labels"}
APPLIED_COLUMNS = ["athlete_id", "dataset", "natural_key", "field", "old_value", "new_value", "reason",
                   "source_sha256", "source_line"]


class CorrectionsFileError(ValueError):
    pass


@dataclass(frozen=True)
class Correction:
    dataset: str
    athlete_id: str
    key: dict
    changes: dict
    reason: str
    entry: int = field(default=0)  # position in the file, for messages

    @property
    def natural_key(self) -> str:
        return ";".join(f"{k}={self.key[k]}" for k in sorted(self.key))


def load_corrections(path: Path) -> list[Correction]:
    if not path.exists():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(document) - set(CORRECTABLE) - READ_ELSEWHERE
    if unknown:
        raise CorrectionsFileError(f"{path}: unknown section(s) {sorted(unknown)}; "
                                   f"expected {sorted(set(CORRECTABLE) | READ_ELSEWHERE)}")
    corrections = []
    for dataset, entries in document.items():
        if dataset in READ_ELSEWHERE:
            continue
        for position, entry in enumerate(entries or [], start=1):
            where = f"{path}: {dataset} entry {position}"
            if not entry.get("reason"):
                raise CorrectionsFileError(f"{where} has no reason; every correction must say why")
            changes = entry.get("set") or {}
            bad_fields = set(changes) - CORRECTABLE[dataset]
            if not changes or bad_fields:
                raise CorrectionsFileError(f"{where}: 'set' must change some of {sorted(CORRECTABLE[dataset])}")
            key = {k: v for k, v in entry.items() if k not in ("set", "reason", "athlete")}
            required = KEY_FIELDS[dataset]
            if not required <= set(key):
                raise CorrectionsFileError(f"{where} is missing key field(s) {sorted(required - set(key))}")
            corrections.append(Correction(dataset, str(entry.get("athlete", DEFAULT_ATHLETE)), key, changes,
                                          str(entry["reason"]), position))
    return corrections


def _match_set(frame: pd.DataFrame, key: dict) -> pd.Series:
    start = parse_hevy_datetime(str(key["start_time"]))
    mask = frame["started_at"] == pd.Timestamp(start) if start else False
    return mask & (frame["exercise_title"] == key["exercise_title"]) & (frame["set_index"] == int(key["set_index"]))


_MATCHERS = {
    WORKOUT_SETS: _match_set,
    DIET_DAYS: lambda frame, key: frame["diet_date"] == pd.Timestamp(str(key["date"])),
    ACTIVITIES: lambda frame, key: frame["source_workout_id"] == str(key["workout_id"]),
}


def _match(frame: pd.DataFrame, correction: Correction) -> pd.Series:
    return (frame["athlete_id"] == correction.athlete_id) & _MATCHERS[correction.dataset](frame, correction.key)


# A correction that matched no row or several: it changed nothing, and a check reports it.
STALE_COLUMNS = ["athlete_id", "dataset", "entry", "natural_key", "matches", "reason"]


def apply_corrections(frame: pd.DataFrame, corrections: list[Correction], dataset: str,
                      athlete_id: str) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Return (corrected frame, one row per changed value, stale corrections with match counts)."""
    applied, stale = [], []
    frame = frame.copy()
    for correction in corrections:
        if correction.dataset != dataset or correction.athlete_id != athlete_id:
            continue
        mask = _match(frame, correction)
        matches = int(mask.sum())
        if matches != 1:
            stale.append(dict(zip(STALE_COLUMNS, (athlete_id, dataset, correction.entry, correction.natural_key,
                                                 matches, correction.reason))))
            continue
        index = frame.index[mask][0]
        for column, new_value in correction.changes.items():
            old_value = frame.at[index, column]
            frame.at[index, column] = new_value
            applied.append({"athlete_id": athlete_id, "dataset": dataset, "natural_key": correction.natural_key,
                            "field": column, "old_value": None if pd.isna(old_value) else str(old_value),
                            "new_value": None if new_value is None else str(new_value), "reason": correction.reason,
                            "source_sha256": frame.at[index, "source_sha256"] if "source_sha256" in frame else "",
                            "source_line": int(frame.at[index, "source_line"])})
    return frame, pd.DataFrame(applied, columns=APPLIED_COLUMNS), stale
