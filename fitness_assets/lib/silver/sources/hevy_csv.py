"""Hevy workout CSV (one row per set) → typed, unit-normalised rows in kg and km."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from fitness_assets.lib.raw.formats import HEVY, DetectedExport
from fitness_assets.lib.raw.timeparse import EXPECTED_TIME, parse_hevy_datetime
from fitness_assets.lib.silver.corrections import WORKOUT_SETS, Correction, apply_corrections
from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import (
    SourceFile,
    collect_rejections,
    empty_quarantine,
    quarantine_failures,
    stripped,
    text_records,
)
from fitness_assets.schemas.silver import TRAINING_DATE_DTYPE, HevySetRow

KG_PER_LB = 0.45359237  # exact, by definition of the international pound
KM_PER_MILE = 1.609344  # exact, by definition of the international mile
# lbs with up to 2 decimals times an 8-decimal factor has at most 10 decimals: rounding there
# removes only binary floating-point noise, so the stored kg value is the exact product.
UNIT_DECIMALS = 10

SILVER_SET_COLUMNS = [
    "athlete_id", "source_sha256", "source_file", "source_line",
    "title", "started_at", "ended_at", "description", "training_date", "duration_minutes",
    "block_index", "exercise_title", "superset_id", "exercise_notes",
    "set_order", "set_index", "set_type", "weight_kg", "reps", "distance_km", "duration_seconds", "rpe",
    "workout_hash",
    # The Hevy API's ids (lib/silver/sources/hevy_api.py); a CSV export has none of them.
    "hevy_workout_id", "hevy_exercise_id", "hevy_set_id", "exercise_template_id",
]
API_ID_COLUMNS = SILVER_SET_COLUMNS[-4:]
_INTEGER_FIELDS = ("set_index", "reps", "duration_seconds", "superset_id")
_TEXT_FIELDS = ("title", "description", "exercise_title", "exercise_notes", "set_type")
# A workout title or exercise name is a key in the warehouse, and PostgreSQL cannot index a key
# much longer than 2 kB: 500 characters (at most 2,000 bytes of UTF-8) is far above any real name.
MAX_NAME_CHARS = 500
# The columns whose values define a workout's content (for change detection between exports).
_HASHED_FIELDS = ("title", "ended_at", "description", "exercise_title", "superset_id", "exercise_notes",
                  "set_index", "set_type", "weight_kg", "reps", "distance_km", "duration_seconds", "rpe")


def parse_hevy(data: bytes, detected: DetectedExport, source: SourceFile,
               corrections: list[Correction] = ()) -> ParsedRows:
    assert detected.kind == HEVY
    raw, rejected, rows_read = text_records(data, detected, source)
    rows = _typed(raw, detected, rejected, source)
    rows, applied, stale = apply_corrections(rows, list(corrections), WORKOUT_SETS, source.athlete_id)
    rows, invalid = quarantine_failures(HevySetRow, rows, source, raw)
    rejected.append(invalid)
    rows = assign_workout_structure(rows)
    for column in API_ID_COLUMNS:
        rows[column] = None
    quarantine = pd.concat(rejected, ignore_index=True) if rejected else empty_quarantine()
    return ParsedRows(rows[SILVER_SET_COLUMNS].reset_index(drop=True), quarantine,
                      rows_read=rows_read, corrections_applied=applied, stale_corrections=stale,
                      validated_with=HevySetRow)


def _typed(raw: pd.DataFrame, detected: DetectedExport,
           rejected: list[pd.DataFrame], source: SourceFile) -> pd.DataFrame:
    frame = raw.rename(columns={detected.details["weight_column"]: "weight_raw",
                                detected.details["distance_column"]: "distance_raw"})
    # Times: parse each distinct string once (a workout's sets share them).
    for column, target in (("start_time", "started_at"), ("end_time", "ended_at")):
        values = stripped(frame[column])
        lookup = {text: parse_hevy_datetime(text) for text in values.unique()}
        parsed = pd.to_datetime(values.map(lookup), errors="coerce")
        bad = parsed.isna()
        frame = collect_rejections(frame, bad, f"unparseable_{column}",
                                   lambda rows: "'" + values.loc[rows] + f"' in {column} is not {EXPECTED_TIME}",
                                   raw, rejected, source)
        frame[target] = parsed[~bad]

    numeric_sources = {"set_index": "set_index", "reps": "reps", "duration_seconds": "duration_seconds",
                       "superset_id": "superset_id", "rpe": "rpe", "weight_kg": "weight_raw",
                       "distance_km": "distance_raw"}
    for target, column in numeric_sources.items():
        text = stripped(frame[column])
        present = text != ""
        number = pd.to_numeric(text.where(present), errors="coerce")
        # "inf" and "NaN" read as floats, but are no count or weight anyone logged.
        bad = present & ~np.isfinite(number.astype("float64"))
        if target in _INTEGER_FIELDS:
            bad |= present & number.notna() & (number != number.round())
        if target == "set_index":
            bad |= ~present
        label = {"weight_kg": detected.details["weight_column"],
                 "distance_km": detected.details["distance_column"]}.get(target, target)
        kind = "a whole number" if target in _INTEGER_FIELDS else "a number"
        frame = collect_rejections(frame, bad, f"invalid_{label}",
                                   lambda rows: "'" + text.loc[rows] + f"' in {label} is not {kind}", raw, rejected, source)
        number = number[~bad]
        if target in _INTEGER_FIELDS:
            frame[target] = number.astype("Int64")
        else:
            frame[target] = number.astype("float64")
    if detected.details["weight_unit"] == "lbs":
        frame["weight_kg"] = (frame["weight_kg"] * KG_PER_LB).round(UNIT_DECIMALS)
    if detected.details["distance_unit"] == "miles":
        frame["distance_km"] = (frame["distance_km"] * KM_PER_MILE).round(UNIT_DECIMALS)

    for column in _TEXT_FIELDS:
        trimmed = stripped(frame[column])
        kept = frame[column] if column == "exercise_notes" else trimmed  # notes keep their spacing
        frame[column] = kept.where(trimmed != "", None)
    frame = _reject_unusable_names(frame, raw, rejected, source)
    frame["set_type"] = frame["set_type"].str.lower()
    frame["athlete_id"] = source.athlete_id
    frame["source_sha256"] = source.sha256
    frame["source_file"] = source.file_name
    return frame


def _reject_unusable_names(frame: pd.DataFrame, raw: pd.DataFrame,
                           rejected: list[pd.DataFrame], source: SourceFile) -> pd.DataFrame:
    """Quarantine rows whose workout title or exercise name cannot identify anything.

    Both are keys in the warehouse (a workout is athlete + start + title; an exercise is its
    name): an empty one names nothing, and PostgreSQL cannot index one much longer than 2 kB.
    Any other text is kept as written: line breaks, tabs, control characters, quotes.
    """
    for column, label in (("title", "workout title"), ("exercise_title", "exercise name")):
        empty = frame[column].isna()
        frame = collect_rejections(frame, empty, f"missing_{column}",
                                   pd.Series(f"the {label} is empty", index=frame.index, dtype=object),
                                   raw, rejected, source)
        length = frame[column].str.len()
        too_long = length > MAX_NAME_CHARS
        frame = collect_rejections(
            frame, too_long, f"long_{column}",
            lambda rows, label=label, length=length: length.loc[rows].map(
                lambda n: f"the {label} is {int(n):,} characters long; at most {MAX_NAME_CHARS} are kept as a name"),
            raw, rejected, source)
    return frame


def assign_workout_structure(frame: pd.DataFrame) -> pd.DataFrame:
    """Derive training date, duration, exercise blocks, set order and a per-workout content hash.

    A block is a run of rows of one exercise; the same exercise later in the workout, or a
    set_index that does not increase, starts a new block, so an exercise entry is identified
    by its position in the workout and never by its title.
    """
    if frame.empty:
        for column in ("duration_minutes", "block_index", "set_order", "workout_hash"):
            frame[column] = pd.Series(dtype="object")
        frame["training_date"] = pd.Series(dtype=TRAINING_DATE_DTYPE)
        return frame
    frame = frame.sort_values("source_line", kind="stable")
    workout_key = ["started_at", "title"]
    previous_title = frame.groupby(workout_key, sort=False, dropna=False)["exercise_title"].shift()
    previous_index = frame.groupby(workout_key, sort=False, dropna=False)["set_index"].shift()
    new_block = (frame["exercise_title"] != previous_title) | (frame["set_index"] <= previous_index).fillna(False)
    new_block |= previous_title.isna() & previous_index.isna()
    frame["block_index"] = new_block.astype("int64").groupby(
        [frame["started_at"], frame["title"]], sort=False, dropna=False).cumsum() - 1
    frame["set_order"] = frame.groupby(workout_key + ["block_index"], sort=False, dropna=False).cumcount()
    # Arrow dates, not a Python date object per set: pickling a million of those (the parse cache,
    # Dagster's IO manager) took 2.1 of 2.5 s; the values read back as datetime.date all the same.
    frame["training_date"] = frame["started_at"].dt.floor("D").astype(TRAINING_DATE_DTYPE)
    frame["duration_minutes"] = ((frame["ended_at"] - frame["started_at"]).dt.total_seconds() / 60).round(2)
    frame["workout_hash"] = _workout_hashes(frame, workout_key)
    return frame


def _workout_hashes(frame: pd.DataFrame, workout_key: list[str]) -> pd.Series:
    # pandas' "string" dtype keeps missing as <NA>; a control character stands in for it. Each
    # field is followed by \x1f; one join per row (adding column after column built 26 strings per row).
    fields = [frame[column].astype("string").fillna("\x00").tolist() for column in _HASHED_FIELDS]
    row_text = pd.Series(["\x1f".join(values) + "\x1f" for values in zip(*fields)], index=frame.index, dtype=object)
    per_workout = row_text.groupby([frame[k] for k in workout_key], sort=False, dropna=False).agg("\x1e".join)
    digests = per_workout.map(lambda text: hashlib.sha256(text.encode()).hexdigest())
    keys = pd.MultiIndex.from_frame(frame[workout_key])
    return pd.Series(digests.reindex(keys).to_numpy(), index=frame.index)
