"""MapMyRun / MapMyFitness workout history CSV (one row per activity) → km, seconds and min/km.

The export (mapmyfitness.com/workout/export/csv) holds the whole history, newest first, in miles
or kilometres (lib/raw/formats.py reads which from the header). Dates are AP style
("Sept. 14, 2019"), the workout id is the tail of the Link column, `b''` in Notes is a server
artefact meaning no note, and an average heart rate of 0 means none was recorded. Max pace and
max speed are kept as logged (converted), however implausible: checks judge them, not the parser.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from fitness_assets.lib.raw.formats import MAPMYRUN, DetectedExport
from fitness_assets.lib.raw.timeparse import EXPECTED_AP_DATE, parse_ap_dates
from fitness_assets.lib.silver.corrections import (
    ACTIVITIES,
    Correction,
    apply_corrections,
)
from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import (
    SourceFile,
    collect_rejections,
    empty_quarantine,
    quarantine_failures,
    text_records,
)
from fitness_assets.schemas.silver import SilverActivity

SOURCE = "mapmyrun"
KM_PER_MILE = 1.609344  # exact, by definition of the international mile
# A value logged with up to 6 decimals times the 6-decimal factor has at most 12 decimals:
# rounding there removes only binary floating-point noise (miles and mi/h → the exact product).
UNIT_DECIMALS = 12

SILVER_ACTIVITY_COLUMNS = [
    "athlete_id", "source_sha256", "source_file", "source_line", "source", "source_workout_id", "activity_date", "submitted_date",
    "activity_type", "distance_km", "duration_s", "avg_pace_min_per_km", "max_pace_min_per_km",
    "avg_speed_kmh", "max_speed_kmh", "calories_kcal", "avg_heart_rate", "steps", "notes",
    "source_device", "link", "activity_hash",
]
# dtypes of an empty silver_activities frame (everything else is text, held as object)
ACTIVITY_DTYPES = {
    "source_line": "int64", "activity_date": "datetime64[us]", "submitted_date": "datetime64[us]",
    **dict.fromkeys(("distance_km", "duration_s", "avg_pace_min_per_km", "max_pace_min_per_km", "avg_speed_kmh",
                     "max_speed_kmh", "calories_kcal", "avg_heart_rate"), "float64"),
    "steps": "Int64",
}
# canonical column (formats.MAPMYRUN_COLUMNS) → (silver column, how a mile value converts)
_NUMBERS = {
    "distance": ("distance_km", "multiply"), "duration": ("duration_s", None),
    "avg_pace": ("avg_pace_min_per_km", "divide"), "max_pace": ("max_pace_min_per_km", "divide"),
    "avg_speed": ("avg_speed_kmh", "multiply"), "max_speed": ("max_speed_kmh", "multiply"),
    "calories": ("calories_kcal", None), "avg_heart_rate": ("avg_heart_rate", None), "steps": ("steps", None),
}
_LINK = r"^https?://(?:www\.)?(?:mapmyfitness|mapmyrun)\.com/workout/(\d+)/?$"
EXPECTED_LINK = "a link like http://www.mapmyfitness.com/workout/1234567890 (or …mapmyrun.com/workout/…)"
NOTE_ARTEFACTS = ("b''", 'b""')  # the server's repr of empty bytes: no note
# What an activity is, for change detection between exports (every value but where it sits).
_HASHED_FIELDS = [c for c in SILVER_ACTIVITY_COLUMNS
                  if c not in ("athlete_id", "source_sha256", "source_file", "source_line", "activity_hash")]


def parse_mapmyrun(data: bytes, detected: DetectedExport, source: SourceFile,
                   corrections: list[Correction] = ()) -> ParsedRows:
    assert detected.kind == MAPMYRUN
    raw, rejected, rows_read = text_records(data, detected, source)
    rows = _typed(raw, detected.details, rejected, source)
    rows, applied, stale = apply_corrections(rows, list(corrections), ACTIVITIES, source.athlete_id)
    rows["activity_hash"] = activity_hashes(rows)
    rows = _reject_duplicate_ids(rows, raw, rejected, source)
    rows, invalid = quarantine_failures(SilverActivity, rows, source, raw)
    rejected.append(invalid)
    quarantine = pd.concat(rejected, ignore_index=True) if rejected else empty_quarantine()
    rows = rows[SILVER_ACTIVITY_COLUMNS].astype(ACTIVITY_DTYPES).reset_index(drop=True)
    return ParsedRows(rows, quarantine, rows_read=rows_read,
                      corrections_applied=applied, stale_corrections=stale)


def _typed(raw: pd.DataFrame, columns: dict[str, str], rejected: list[pd.DataFrame],
           source: SourceFile) -> pd.DataFrame:
    frame = raw.copy()
    for canonical, target in (("workout_date", "activity_date"), ("date_submitted", "submitted_date")):
        values = frame[columns[canonical]].str.strip()
        parsed = parse_ap_dates(values)
        frame = collect_rejections(frame, parsed.isna(), f"invalid_{target}",
                                   "'" + values + f"' in {columns[canonical]} is not {EXPECTED_AP_DATE}",
                                   raw, rejected, source)
        frame[target] = parsed[frame.index]

    link = frame[columns["link"]].str.strip()
    workout_id = link.str.extract(_LINK, expand=False)
    frame = collect_rejections(frame, workout_id.isna(), "invalid_link",
                               "'" + link + f"' in {columns['link']} holds no workout id: expected {EXPECTED_LINK}",
                               raw, rejected, source)
    frame["source_workout_id"] = workout_id[frame.index].astype(object)
    frame["link"] = link[frame.index]

    unit = columns["unit"]
    for canonical, (target, conversion) in _NUMBERS.items():
        label = columns[canonical]
        text = frame[label].str.strip()
        present = text != ""
        number = pd.to_numeric(text.where(present), errors="coerce")
        bad = present & ~np.isfinite(number.astype("float64"))
        kind = "a number"
        if target == "steps":
            bad |= present & ~bad & (number != number.round())
            kind = "a whole number"
        frame = collect_rejections(frame, bad, f"invalid_{target}", "'" + text + f"' in {label} is not {kind}",
                                   raw, rejected, source)
        negative = number[frame.index] < 0
        frame = collect_rejections(frame, negative, f"negative_{target}",
                                   "'" + text + f"' in {label} is negative", raw, rejected, source)
        number = number[frame.index].astype("float64")
        if unit == "mi" and conversion == "multiply":
            number = (number * KM_PER_MILE).round(UNIT_DECIMALS)
        elif unit == "mi" and conversion == "divide":
            number = number / KM_PER_MILE  # min/mi → min/km: the nearest double to the exact quotient
        frame[target] = number.astype("Int64") if target == "steps" else number
    frame["avg_heart_rate"] = frame["avg_heart_rate"].where(frame["avg_heart_rate"] != 0)  # 0 = not recorded

    activity_type = frame[columns["activity_type"]].str.strip()
    frame = collect_rejections(frame, activity_type == "", "missing_activity_type",
                               pd.Series(f"the activity type ({columns['activity_type']}) is empty",
                                         index=frame.index, dtype=object), raw, rejected, source)
    frame["activity_type"] = activity_type[frame.index]
    notes = frame[columns["notes"]]
    frame["notes"] = notes.where((notes.str.strip() != "") & ~notes.str.strip().isin(NOTE_ARTEFACTS), None)
    device = frame[columns["source"]].str.strip()
    frame["source_device"] = device.where(device != "", None)
    frame["athlete_id"] = source.athlete_id
    frame["source_sha256"] = source.sha256
    frame["source_file"] = source.file_name
    frame["source"] = SOURCE
    return frame


def activity_hashes(rows: pd.DataFrame) -> pd.Series:
    """sha256 of each activity's normalized values (missing written as a control character)."""
    if rows.empty:
        return pd.Series(dtype=object, index=rows.index)
    text = pd.Series("", index=rows.index, dtype=object)
    for column in _HASHED_FIELDS:
        values = rows[column]
        if column in ("activity_date", "submitted_date"):
            values = values.dt.strftime("%Y-%m-%d")
        text = text + values.astype("string").fillna("\x00").astype(object) + "\x1f"
    return pd.Series([hashlib.sha256(t.encode()).hexdigest() for t in text], index=rows.index, dtype=object)


def _reject_duplicate_ids(frame: pd.DataFrame, raw: pd.DataFrame, rejected: list, source: SourceFile) -> pd.DataFrame:
    """A workout id is the activity's identity, so one export must hold it once.

    A row repeating an earlier row exactly (same id, same values) is a glitch of the export: the
    first copy loads and the repeats are quarantined. The same id with different values is
    ambiguous: every copy is quarantined rather than guessing which one the app holds.
    """
    duplicated = frame.duplicated("source_workout_id", keep=False)
    if not duplicated.any():
        return frame
    copies = frame[duplicated]
    lines = copies.groupby("source_workout_id")["source_line"].agg(lambda s: ", ".join(map(str, sorted(s))))
    first_line = copies.groupby("source_workout_id")["source_line"].min()
    variants = copies.groupby("source_workout_id")["activity_hash"].nunique()
    ids = frame["source_workout_id"]
    exact = duplicated & ids.map(variants).eq(1)
    repeat = exact & frame.duplicated("source_workout_id", keep="first")
    reasons = pd.Series("", index=frame.index, dtype=object)
    reasons[repeat] = ("workout " + ids[repeat] + " repeats line " + ids[repeat].map(first_line).astype(str)
                       + " exactly: loaded once, from that line")
    ambiguous = duplicated & ~exact
    reasons[ambiguous] = ("workout " + ids[ambiguous] + " appears on lines " + ids[ambiguous].map(lines)
                          + " with different values: none is loaded (which one is right is unknown)")
    return collect_rejections(frame, repeat | ambiguous, "duplicate_workout_id", reasons, raw, rejected, source)
