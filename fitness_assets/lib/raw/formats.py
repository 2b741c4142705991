"""Recognise an export by its content (header or SQLite magic), never by its file name."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fitness_assets.lib.core.errors import ExportFileError

HEVY = "hevy_workouts_csv"
DIET_CSV = "diet_log_csv"
DIET_SQLITE = "diet_log_sqlite"
MAPMYRUN = "mapmyrun_workouts_csv"
# One Hevy API sync as landed by lib/raw/hevy_api.py: a JSON record naming its pages by sha256.
HEVY_API = "hevy_api_sync"
# The source each format belongs to, as the ingest notification names it: both diet formats are
# the one diet source (an export in either form replaces the athlete's earlier diet export). A Hevy
# API sync record is counted with the Hevy CSV exports: both are snapshots of the one workouts
# dataset (the newest of either kind is the athlete's current workouts), so they are one source.
SOURCE_NAMES = {HEVY: "hevy_csv", HEVY_API: "hevy_csv", DIET_CSV: "diet", DIET_SQLITE: "diet", MAPMYRUN: "mapmyrun"}

# Hevy's header with the two unit-dependent columns left out; each has a kg/km or lbs/miles form.
HEVY_FIXED_COLUMNS = (
    "title", "start_time", "end_time", "description", "exercise_title", "superset_id",
    "exercise_notes", "set_index", "set_type", "reps", "duration_seconds", "rpe",
)
HEVY_WEIGHT_COLUMNS = {"weight_kg": "kg", "weight_lbs": "lbs"}
HEVY_DISTANCE_COLUMNS = {"distance_km": "km", "distance_miles": "miles"}
HEVY_EXAMPLE_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe"
)

# Portuguese (the original SQLite export) and English diet headers → canonical silver names.
DIET_HEADERS = {
    "pt": ("data", "carboidratos_g", "proteinas_g", "gorduras_g", "kcal", "cardio_semanal_min",
           "cicle", "peso_kg", "observacoes"),
    "en": ("diet_date", "carbs_g", "protein_g", "fat_g", "calories_kcal", "cardio_weekly_min",
           "cycle", "bodyweight_kg", "notes"),
}
DIET_CANONICAL = DIET_HEADERS["en"]

# MapMyRun / MapMyFitness workout history (mapmyfitness.com/workout/export/csv), by canonical
# column → its header spelling with `{d}` (mi or km), `{p}` (min/mi or min/km) and `{s}` (mi/h or
# km/h) standing for the unit system. Matched case-insensitively (`kcal` or `kCal`). The oldest
# exports (2013–2015) write `Max Pace` and `Max Speed` without a unit: it follows the distance's.
MAPMYRUN_COLUMNS = {
    "date_submitted": "Date Submitted", "workout_date": "Workout Date", "activity_type": "Activity Type",
    "calories": "Calories Burned (kcal)", "distance": "Distance ({d})", "duration": "Workout Time (seconds)",
    "avg_pace": "Avg Pace ({p})", "max_pace": "Max Pace ({p})", "avg_speed": "Avg Speed ({s})",
    "max_speed": "Max Speed ({s})", "avg_heart_rate": "Avg Heart Rate", "steps": "Steps", "notes": "Notes",
    "source": "Source", "link": "Link",
}
MAPMYRUN_UNITLESS = {"max_pace": "Max Pace", "max_speed": "Max Speed"}
MAPMYRUN_UNITS = {"mi": {"d": "mi", "p": "min/mi", "s": "mi/h"}, "km": {"d": "km", "p": "min/km", "s": "km/h"}}
MAPMYRUN_EXAMPLE_HEADER = ",".join(name.format(**MAPMYRUN_UNITS["mi"]) for name in MAPMYRUN_COLUMNS.values())

SQLITE_MAGIC = b"SQLite format 3\x00"
# Spreadsheets saved under a .csv name: xlsx/ods are zip archives, xls is an OLE2 compound file.
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-32's little-endian BOM starts like UTF-16's
EXPECTED_UTF8 = "a UTF-8 text file (as Hevy, MapMyRun and the diet log export)"
EXPECTED_CSV = "a CSV: export it as CSV (UTF-8) from the spreadsheet"
EXPECTED_ANY = (
    "a Hevy workout CSV (header " + HEVY_EXAMPLE_HEADER + "), a diet log CSV (header "
    + ",".join(DIET_HEADERS["pt"]) + " or " + ",".join(DIET_HEADERS["en"])
    + "), a MapMyRun/MapMyFitness workout history CSV (header " + MAPMYRUN_EXAMPLE_HEADER
    + ", or its km form) or a SQLite database holding the diet log"
)


@dataclass(frozen=True)
class DetectedExport:
    kind: str
    header: tuple[str, ...]
    # kind-specific details: units for Hevy, language for diet CSV, table for SQLite
    details: dict[str, str] = field(default_factory=dict)


def line_at(content: str | bytes, position: int) -> int:
    """The physical line holding `position`, counting a line break as csv_reader does:
    CRLF, a lone LF and a lone CR each end a line."""
    prefix = content[:position]
    lf, cr, crlf = ("\n", "\r", "\r\n") if isinstance(prefix, str) else (b"\n", b"\r", b"\r\n")
    return prefix.count(lf) + prefix.count(cr) - prefix.count(crlf) + 1


def reject_non_text(data: bytes, file_name: str) -> None:
    """Refuse content that is not text at all (a spreadsheet, UTF-16) in words a user acts on."""
    if data.startswith(ZIP_MAGICS) or data.startswith(OLE2_MAGIC):
        raise ExportFileError(file_name, 1, "the file is an Excel workbook (or another zip/OLE file), not a CSV",
                              EXPECTED_CSV)
    if data.startswith(UTF16_BOMS) or _looks_like_utf16(data):
        raise ExportFileError(file_name, 1, "the file is UTF-16 text", EXPECTED_UTF8 + ": export (or save) it as CSV UTF-8")


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: ASCII text with a zero byte beside every character."""
    head = data[:64]
    if len(head) < 4:
        return False
    return (head[1::2].count(0) == len(head) // 2 and 0 not in head[::2]) or (
        head[::2].count(0) == (len(head) + 1) // 2 and 0 not in head[1::2])


def decode_export(data: bytes, file_name: str) -> str:
    reject_non_text(data, file_name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = line_at(err.object, err.start)  # err.object excludes a BOM, as err.start does
        if err.reason == "unexpected end of data":  # a multi-byte character cut off by the end of the file
            raise ExportFileError(file_name, line, "the file ends inside a character: the export looks cut",
                                  "a complete UTF-8 text file: export it again") from None
        raise ExportFileError(file_name, line, f"byte {err.object[err.start]:#x} is not valid UTF-8 "
                              "(Latin-1 or Windows-1252 text?)", EXPECTED_UTF8) from None
    nul = text.find("\x00")
    if nul >= 0:
        # PostgreSQL text cannot hold U+0000, and no export writes one: the file is damaged.
        raise ExportFileError(file_name, line_at(text, nul), "a NUL character (byte 0x0) is in the text",
                              EXPECTED_UTF8 + " without NUL bytes")
    return text


_FIELD_LIMIT_LOCK = threading.Lock()


def csv_reader(text: str):
    """csv.reader over a whole decoded export, able to read any field the text can hold.

    newline="" is csv's documented mode: CRLF, LF and a lone CR each end a line outside quotes
    (so a stray CR splits its row, which is then quarantined for its field count), and a CR or
    CRLF inside a quoted note is kept as written. csv's field limit (128 KiB by default) is
    raised to the text's length: a 1 MB note is legal, and a field can never be longer than the
    text already in memory. The limit is process-wide, so it only ever grows (under a lock).
    """
    needed = len(text) + 1
    with _FIELD_LIMIT_LOCK:
        if csv.field_size_limit() < needed:
            csv.field_size_limit(needed)
    return csv.reader(io.StringIO(text, newline=""))


def unreadable_csv(file_name: str, line: int, err: csv.Error) -> ExportFileError:
    return ExportFileError(file_name, max(line, 1), f"the CSV cannot be read ({err})",
                           "comma-separated values with double quotes around any value holding a comma, "
                           "quote or line break")


def detect_export(data: bytes, file_name: str, sqlite_path: Path | None = None,
                  sqlite_table: str = "") -> DetectedExport:
    if data[:1] == b"{":
        detected = _detect_json_record(data)
        if detected is not None:
            return detected
    if data.startswith(SQLITE_MAGIC):
        if sqlite_path is None:
            raise ExportFileError(file_name, None, "SQLite content given without a file path", "a file on disk")
        return _detect_sqlite(sqlite_path, file_name, sqlite_table)
    if not data.strip():
        raise ExportFileError(file_name, 1, "the file is empty", EXPECTED_ANY)
    text = decode_export(data, file_name)
    reader = csv_reader(text)
    try:
        header_row = next(reader, [])
    except csv.Error as err:
        raise unreadable_csv(file_name, reader.line_num, err) from None
    return detect_header(tuple(h.strip() for h in header_row), file_name)


def _detect_json_record(data: bytes) -> DetectedExport | None:
    """A Hevy API sync record (its "format" says so); any other JSON is left to the CSV checks,
    which reject it with the usual explanation."""
    try:
        record = json.loads(data)
    except ValueError:
        return None
    if isinstance(record, dict) and record.get("format") == HEVY_API:
        return DetectedExport(HEVY_API, (), {})
    return None


def detect_header(header: tuple[str, ...], file_name: str) -> DetectedExport:
    names = set(header)
    for language, columns in DIET_HEADERS.items():
        if set(columns) <= names:
            return DetectedExport(DIET_CSV, header, {"language": language})
    weight = [c for c in HEVY_WEIGHT_COLUMNS if c in names]
    distance = [c for c in HEVY_DISTANCE_COLUMNS if c in names]
    if set(HEVY_FIXED_COLUMNS) <= names and len(weight) == 1 and len(distance) == 1:
        return DetectedExport(HEVY, header, {
            "weight_column": weight[0], "weight_unit": HEVY_WEIGHT_COLUMNS[weight[0]],
            "distance_column": distance[0], "distance_unit": HEVY_DISTANCE_COLUMNS[distance[0]],
        })
    mapmyrun = detect_mapmyrun(header)
    if mapmyrun is not None:
        return mapmyrun
    raise ExportFileError(file_name, 1, _explain_header(header), EXPECTED_ANY)


def _header_key(name: str) -> str:
    return " ".join(name.casefold().split())


def detect_mapmyrun(header: tuple[str, ...]) -> DetectedExport | None:
    """A MapMyRun header in one unit system, in any column order; details map each canonical
    column to the header's own spelling, plus `unit` (mi or km)."""
    present = {_header_key(h): h for h in header}
    for unit, spelled in MAPMYRUN_UNITS.items():
        columns = {}
        for canonical, name in MAPMYRUN_COLUMNS.items():
            found = present.get(_header_key(name.format(**spelled)))
            if found is None and canonical in MAPMYRUN_UNITLESS:
                found = present.get(_header_key(MAPMYRUN_UNITLESS[canonical]))
            if found is None:
                break
            columns[canonical] = found
        else:
            return DetectedExport(MAPMYRUN, header, {"unit": unit, **columns})
    return None


def _mapmyrun_missing(names: set[str]) -> tuple[int, str]:
    """(columns matched, what is wrong) for a header that may be a damaged MapMyRun export."""
    keys = {_header_key(n) for n in names}

    def has(canonical: str, spelled: dict) -> bool:
        return (_header_key(MAPMYRUN_COLUMNS[canonical].format(**spelled)) in keys
                or _header_key(MAPMYRUN_UNITLESS.get(canonical, "\x00")) in keys)

    systems = {unit for unit, spelled in MAPMYRUN_UNITS.items()
               if any(_header_key(n.format(**spelled)) in keys for n in MAPMYRUN_COLUMNS.values() if "{" in n)}
    spelled = max(MAPMYRUN_UNITS.values(), key=lambda units: sum(has(c, units) for c in MAPMYRUN_COLUMNS))
    missing = [MAPMYRUN_COLUMNS[c].format(**spelled) for c in MAPMYRUN_COLUMNS if not has(c, spelled)]
    if len(systems) > 1:
        return len(MAPMYRUN_COLUMNS) - len(missing), "mixes mile and kilometre columns (one unit system per export)"
    return len(MAPMYRUN_COLUMNS) - len(missing), f"is missing column(s) {', '.join(missing)}"


def _explain_header(header: tuple[str, ...]) -> str:
    """Name the nearest known format and what is wrong with the header, in one sentence."""
    if len(header) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                return f"the header is separated by {label}, not commas"
    names = set(header)
    matched, problem = _mapmyrun_missing(names)
    if matched * 2 >= len(MAPMYRUN_COLUMNS):
        return "looks like a MapMyRun workout history CSV but " + problem
    hevy_expected = set(HEVY_FIXED_COLUMNS) | {"weight_kg", "distance_km"}
    candidates = {"Hevy workout CSV": hevy_expected, **{
        f"diet log CSV ({lang})": set(cols) for lang, cols in DIET_HEADERS.items()}}
    label, expected = max(candidates.items(), key=lambda kv: len(kv[1] & names))
    if len(expected & names) * 2 >= len(expected):
        if label == "Hevy workout CSV":
            if {"weight_kg", "weight_lbs"} <= names or {"distance_km", "distance_miles"} <= names:
                return "the header has both the metric and the imperial column for the same value"
            missing = sorted((set(HEVY_FIXED_COLUMNS) - names)
                             | ({"weight_kg or weight_lbs"} if not names & set(HEVY_WEIGHT_COLUMNS) else set())
                             | ({"distance_km or distance_miles"} if not names & set(HEVY_DISTANCE_COLUMNS) else set()))
        else:
            missing = sorted(expected - names)
        return f"looks like a {label} but is missing column(s) {', '.join(missing)}"
    return f"the header {','.join(header)[:120]!r} matches no known export"


def _detect_sqlite(path: Path, file_name: str, configured_table: str) -> DetectedExport:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        matching = []
        for table in tables:
            columns = tuple(r[1] for r in conn.execute(f'PRAGMA table_info("{table}")'))
            for language, expected in DIET_HEADERS.items():
                if set(expected) <= set(columns):
                    matching.append((table, columns, language))
    if configured_table:
        chosen = [m for m in matching if m[0] == configured_table]
        if not chosen:
            raise ExportFileError(file_name, None, f"table {configured_table!r} (FITNESS_DIET_SQLITE_TABLE) "
                                  f"is missing or lacks the diet columns; tables found: {', '.join(tables) or 'none'}",
                                  "a table with columns " + ",".join(DIET_HEADERS["pt"]))
    elif len(matching) == 1:
        chosen = matching
    else:
        problem = ("no table has the diet log columns" if not matching else
                   "several tables have the diet log columns: " + ", ".join(m[0] for m in matching))
        raise ExportFileError(file_name, None, problem + f" (tables: {', '.join(tables) or 'none'})",
                              "exactly one diet table, or FITNESS_DIET_SQLITE_TABLE naming it")
    table, columns, language = chosen[0]
    return DetectedExport(DIET_SQLITE, columns, {"table": table, "language": language})
