"""Diet daily log (CSV in Portuguese or English, or the SQLite database itself) and its cycles.

The cycle dimension is parsed from the log's own cycle strings, e.g.
`1Cutting I (01/05/2023 - 17/09/2023)` or `10Cutting V (06/10/2025 - XX/XX/XXXX)` (still open).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from fitness_assets.lib.raw.csv_records import read_csv_records
from fitness_assets.lib.raw.formats import (
    DIET_CANONICAL,
    DIET_CSV,
    DIET_HEADERS,
    DIET_SQLITE,
    DetectedExport,
    decode_export,
)
from fitness_assets.lib.raw.timeparse import EXPECTED_DIET_DATE, parse_diet_dates
from fitness_assets.lib.silver.corrections import DIET_DAYS, Correction, apply_corrections
from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import (
    SourceFile,
    collect_rejections,
    empty_quarantine,
    field_count_rejections,
    quarantine_failures,
)
from fitness_assets.schemas.silver import SilverDietDay

NUMERIC_COLUMNS = ("carbs_g", "protein_g", "fat_g", "calories_kcal", "cardio_weekly_min", "bodyweight_kg")
SILVER_DIET_COLUMNS = ["athlete_id", "source_sha256", "source_file", "source_line", "diet_date",
                       *NUMERIC_COLUMNS, "cycle_id", "cycle_raw", "notes"]
SILVER_CYCLE_COLUMNS = ["athlete_id", "cycle_id", "cycle_name", "cycle_type", "start_date", "end_date"]

# Accent-free, lower-case cycle words → canonical cycle type. Portuguese first, English too.
CYCLE_TYPE_WORDS = {
    "cutting": "cutting", "cut": "cutting", "bulking": "bulking", "bulk": "bulking",
    "reversa": "reverse", "reverse": "reverse", "manutencao": "maintenance", "maintenance": "maintenance",
}
_CYCLE = re.compile(
    r"^\s*(?P<id>\d+)\s*(?P<name>(?P<kind>[^\W\d_]+)(?:\s+[IVXLCDM]+|\s+\d+)?)\s*"
    r"\(\s*(?P<start>\d{2}/\d{2}/\d{4})\s*-\s*(?P<end>\d{2}/\d{2}/\d{4}|XX/XX/XXXX)\s*\)\s*$",
    re.IGNORECASE)
EXPECTED_CYCLE = "a cycle like '1Cutting I (01/05/2023 - 17/09/2023)' or '10Cutting V (06/10/2025 - XX/XX/XXXX)'"


def _ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def parse_cycle(text: str) -> dict | None:
    """One cycle string → {cycle_id, cycle_name, cycle_type, start_date, end_date}, or None."""
    match = _CYCLE.match(text or "")
    if not match:
        return None
    cycle_type = CYCLE_TYPE_WORDS.get(_ascii_fold(match["kind"]))
    if cycle_type is None:
        return None
    try:
        start = pd.to_datetime(match["start"], format="%d/%m/%Y")
        end = None if match["end"].upper() == "XX/XX/XXXX" else pd.to_datetime(match["end"], format="%d/%m/%Y")
    except ValueError:
        return None
    return {"cycle_id": int(match["id"]), "cycle_name": match["name"].strip(), "cycle_type": cycle_type,
            "start_date": start, "end_date": end}


def read_diet_frame(data: bytes, detected: DetectedExport, source: SourceFile,
                    path: Path | None = None) -> tuple[pd.DataFrame, list]:
    """The diet rows as strings under canonical column names, plus records of the wrong width."""
    rename = dict(zip(DIET_HEADERS[detected.details["language"]], DIET_CANONICAL))
    if detected.kind == DIET_SQLITE:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            columns = ", ".join(f'"{c}"' for c in DIET_HEADERS[detected.details["language"]])
            # rowid is the SQLite row's identity: the closest thing a database has to a line number
            frame = pd.read_sql_query(f'SELECT rowid AS source_line, {columns} FROM "{detected.details["table"]}" '
                                      "ORDER BY rowid", conn, dtype=object)
        frame = frame.rename(columns=rename)
        for column in DIET_CANONICAL:
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else str(v)).astype(object)
        frame["source_line"] = frame["source_line"].astype("int64")
        return frame, []
    assert detected.kind == DIET_CSV
    text = decode_export(data, source.file_name)
    header = [h.strip() for h in detected.header]
    records, lines, malformed = read_csv_records(text, len(header), source.file_name)
    frame = pd.DataFrame(records, columns=header, dtype=object).rename(columns=rename)
    frame["source_line"] = np.asarray(lines, dtype="int64")
    return frame[["source_line", *DIET_CANONICAL]], malformed


def parse_diet(data: bytes, detected: DetectedExport, source: SourceFile, path: Path | None = None,
               corrections: list[Correction] = ()) -> tuple[ParsedRows, pd.DataFrame]:
    """Return (diet day rows + quarantine, cycles parsed from the rows' cycle strings)."""
    raw, malformed = read_diet_frame(data, detected, source, path)
    rejected: list[pd.DataFrame] = []
    if malformed:
        rejected.append(field_count_rejections(source, malformed, len(DIET_CANONICAL)))
    frame = raw.copy()
    dates = frame["diet_date"].str.strip()
    parsed_dates = parse_diet_dates(dates)
    frame = collect_rejections(frame, parsed_dates.isna(), "invalid_diet_date",
                               "'" + dates + f"' is not a date (expected {EXPECTED_DIET_DATE})", raw, rejected, source)
    frame["diet_date"] = parsed_dates[frame.index].astype("datetime64[us]")
    for column in NUMERIC_COLUMNS:
        # The log was typed by hand in a Portuguese locale: accept a decimal comma.
        text = frame[column].str.strip().str.replace(",", ".", regex=False)
        present = text != ""
        number = pd.to_numeric(text.where(present), errors="coerce")
        bad = present & number.isna()
        frame = collect_rejections(frame, bad, f"invalid_{column}", "'" + text + f"' in {column} is not a number",
                                   raw, rejected, source)
        frame[column] = number[frame.index].astype("float64")
    frame = _reject_duplicate_dates(frame, raw, rejected, source)
    frame["notes"] = frame["notes"].where(frame["notes"].str.strip() != "", None)
    frame["cycle_raw"] = frame["cycle"].str.strip().where(frame["cycle"].str.strip() != "", None)
    cycles = _cycles_from(raw["cycle"].str.strip())
    id_by_text = {text: c["cycle_id"] for text, c in cycles.items() if c is not None}
    frame["cycle_id"] = frame["cycle_raw"].map(id_by_text).astype("Int64")
    frame["athlete_id"] = source.athlete_id
    frame["source_sha256"] = source.sha256
    frame["source_file"] = source.file_name
    frame, applied, stale = apply_corrections(frame, list(corrections), DIET_DAYS, source.athlete_id)
    frame, invalid = quarantine_failures(SilverDietDay, frame, source, raw)
    rejected.append(invalid)
    unique_cycles = {c["cycle_id"]: c for c in cycles.values() if c is not None}  # same cycle, differently spaced
    cycle_frame = pd.DataFrame(list(unique_cycles.values()), columns=SILVER_CYCLE_COLUMNS[1:])
    cycle_frame.insert(0, "athlete_id", source.athlete_id)
    cycle_frame = cycle_frame.astype({"start_date": "datetime64[us]", "end_date": "datetime64[us]",
                                      "cycle_id": "int64"}).sort_values("cycle_id", ignore_index=True)
    quarantine = pd.concat(rejected, ignore_index=True) if rejected else empty_quarantine()
    return ParsedRows(frame[SILVER_DIET_COLUMNS].reset_index(drop=True), quarantine,
                      rows_read=len(raw) + len(malformed), corrections_applied=applied,
                      stale_corrections=stale, validated_with=SilverDietDay), cycle_frame


def _cycles_from(cycle_texts: pd.Series) -> dict[str, dict | None]:
    """Parse each distinct cycle string once. Unparseable strings map to None: the day still
    loads (its numbers are fine) with no cycle, and the cycle-mapping check reports it. So do
    strings whose cycle id is described in two different ways: neither can be trusted."""
    parsed = {text: parse_cycle(text) for text in cycle_texts.dropna().unique() if text}
    descriptions: dict[int, set] = {}
    for cycle in filter(None, parsed.values()):
        descriptions.setdefault(cycle["cycle_id"], set()).add(
            (cycle["cycle_name"], cycle["cycle_type"], cycle["start_date"], cycle["end_date"]))
    return {text: None if cycle is None or len(descriptions[cycle["cycle_id"]]) > 1 else cycle
            for text, cycle in parsed.items()}


def _reject_duplicate_dates(frame: pd.DataFrame, raw: pd.DataFrame, rejected: list, source: SourceFile) -> pd.DataFrame:
    """A date logged twice is ambiguous: quarantine every copy rather than guess which is right."""
    duplicated = frame.duplicated("diet_date", keep=False)
    if not duplicated.any():
        return frame
    lines_by_date = frame[duplicated].groupby("diet_date")["source_line"].agg(lambda s: ", ".join(map(str, s)))
    reasons = "date " + frame["diet_date"].dt.strftime("%Y-%m-%d") + " appears on lines " + frame["diet_date"].map(lines_by_date).fillna("")
    return collect_rejections(frame, duplicated, "duplicate_diet_date", reasons, raw, rejected, source)
