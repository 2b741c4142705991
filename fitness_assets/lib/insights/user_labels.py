"""A person's own run/walk labels, from the `activity_labels:` section of the corrections file.

    activity_labels:
      - workout_id: "8156632271"     # the id in the export's Link (…/workout/<id>): survives a rebuild
        label: walk
        reason: "dog walk, logged as Run"
      - activity_id: 1234              # or the warehouse's id (fitness.activities.activity_id)
        label: run
        reason: "interval session, GPS lost half of it"

`athlete` (default: default) and `source` (default: mapmyrun) may be given with `workout_id`.
A label beats the model (method `user`, confidence 1). One that matches no activity changes
nothing and is listed as stale in the classification's metadata. Other sections of the file
belong to silver (lib/silver/corrections.py) and are ignored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.silver.corrections import CorrectionsFileError

SECTION = "activity_labels"
LABELS = ("run", "walk", "mixed", "outlier")
DEFAULT_SOURCE = "mapmyrun"
STALE_COLUMNS = ["entry", "key", "label", "reason"]


@dataclass(frozen=True)
class UserLabel:
    label: str
    reason: str
    entry: int                      # position in the section, for messages
    activity_id: int | None = None
    athlete_id: str = DEFAULT_ATHLETE
    source: str = DEFAULT_SOURCE
    workout_id: str | None = None

    @property
    def key(self) -> str:
        if self.activity_id is not None:
            return f"activity_id={self.activity_id}"
        return f"athlete={self.athlete_id};source={self.source};workout_id={self.workout_id}"


def load_user_labels(path: Path) -> list[UserLabel]:
    """The labels in `path` (none when the file or the section is missing)."""
    if not path.exists():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict):
        raise CorrectionsFileError(f"{path}: expected sections (workout_sets:, diet_days:, {SECTION}:)")
    entries = document.get(SECTION) or []
    if not isinstance(entries, list):
        raise CorrectionsFileError(f"{path}: {SECTION} must be a list of entries")
    labels = []
    for position, entry in enumerate(entries, start=1):
        where = f"{path}: {SECTION} entry {position}"
        if not isinstance(entry, dict):
            raise CorrectionsFileError(f"{where} must be a mapping with label, reason and an id")
        if not entry.get("reason"):
            raise CorrectionsFileError(f"{where} has no reason; every label must say why")
        label = str(entry.get("label", "")).strip().lower()
        if label not in LABELS:
            raise CorrectionsFileError(f"{where}: label {entry.get('label')!r} must be one of {', '.join(LABELS)}")
        has_activity, has_workout = "activity_id" in entry, "workout_id" in entry
        if has_activity == has_workout:
            raise CorrectionsFileError(f"{where} needs exactly one of activity_id (the warehouse's id) or "
                                       "workout_id (the id in the export's Link)")
        unknown = set(entry) - {"activity_id", "workout_id", "athlete", "source", "label", "reason"}
        if unknown:
            raise CorrectionsFileError(f"{where} has unknown field(s) {sorted(unknown)}")
        if has_activity:
            try:
                activity_id = int(entry["activity_id"])
            except (TypeError, ValueError):
                raise CorrectionsFileError(f"{where}: activity_id {entry['activity_id']!r} is not a whole number") \
                    from None
            labels.append(UserLabel(label, str(entry["reason"]), position, activity_id=activity_id))
        else:
            labels.append(UserLabel(label, str(entry["reason"]), position,
                                    athlete_id=str(entry.get("athlete", DEFAULT_ATHLETE)),
                                    source=str(entry.get("source", DEFAULT_SOURCE)),
                                    workout_id=str(entry["workout_id"])))
    return labels


def resolve_user_labels(labels: list[UserLabel], activities: pd.DataFrame
                        ) -> tuple[dict[int, UserLabel], pd.DataFrame]:
    """{activity_id: label} for the labels that match an activity, and the stale ones.

    `activities` needs activity_id, and athlete_id, source, source_workout_id for workout_id keys.
    A later entry for the same activity wins (the file reads top to bottom).
    """
    resolved: dict[int, UserLabel] = {}
    stale = []
    ids = set(activities["activity_id"].astype("int64")) if len(activities) else set()
    by_workout: dict[tuple[str, str, str], int] = {}
    if any(label.workout_id is not None for label in labels) and len(activities):
        keys = activities[["athlete_id", "source", "source_workout_id", "activity_id"]]
        by_workout = {(a, s, str(w)): int(i) for a, s, w, i in keys.itertuples(index=False)}
    for label in labels:
        activity_id = (label.activity_id if label.activity_id in ids else None) if label.activity_id is not None \
            else by_workout.get((label.athlete_id, label.source, str(label.workout_id)))
        if activity_id is None:
            stale.append({"entry": label.entry, "key": label.key, "label": label.label, "reason": label.reason})
        else:
            resolved[activity_id] = label
    return resolved, pd.DataFrame(stale, columns=STALE_COLUMNS)
