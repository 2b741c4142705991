"""The raw zone: every export stored byte-for-byte under its sha256, plus a manifest.

Layout under FITNESS_HOME/raw:
    objects/<sha256[:2]>/<sha256>   the bytes exactly as received
    manifest.json                   one entry per (athlete, sha256), sorted, rewritten atomically
Silver is rebuilt from this zone alone; the inbox can be emptied once files have landed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.raw.csv_records import profile_csv_records
from fitness_assets.lib.raw.formats import (
    DIET_CSV,
    DIET_HEADERS,
    DIET_SQLITE,
    HEVY,
    HEVY_API,
    MAPMYRUN,
    SOURCE_NAMES,
    DetectedExport,
    decode_export,
    detect_export,
)
from fitness_assets.lib.raw.timeparse import parse_ap_dates, parse_diet_dates, parse_hevy_datetime


@dataclass(frozen=True)
class ManifestEntry:
    sha256: str
    athlete_id: str
    file_name: str
    size_bytes: int
    detected_format: str
    row_count: int
    landed_at: str
    raw_path: str
    # Latest workout start / diet date in the file, then landing time, then the file's own
    # modification time decide which export is the newest snapshot (silver/build.py).
    data_until: str
    file_modified_at: str
    # How data_until was read (DATING). 0: landed before 2026-12-02, when a diet log's dates were
    # read day first (2026-03-05 as 3 May); land_inbox dates such entries again from their bytes.
    dated_by: int = 0


DATING = 1  # data_until read as silver reads each dataset's dates (parse_diet_dates for diet logs)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inbox_files(inbox: Path) -> list[tuple[str, Path]]:
    """(athlete_id, path) for every export in the inbox.

    Files directly in the inbox belong to the default athlete; files in `inbox/<name>/`
    belong to athlete `<name>`, which is how a coach loads several people.
    """
    if not inbox.exists():
        return []
    found = []
    for path in sorted(inbox.rglob("*")):
        relative = path.relative_to(inbox)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        athlete = relative.parts[0] if len(relative.parts) > 1 else DEFAULT_ATHLETE
        found.append((athlete, path))
    return found


def profile_rows(data: bytes, detected: DetectedExport, path: Path) -> tuple[int, str]:
    """(data rows, latest date in them). Rows are records, not lines: notes may span lines."""
    if detected.kind == DIET_SQLITE:
        date_column = DIET_HEADERS[detected.details["language"]][0]
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute(f'SELECT count(*) FROM "{detected.details["table"]}"').fetchone()[0]
            values = [r[0] for r in conn.execute(f'SELECT DISTINCT "{date_column}" FROM "{detected.details["table"]}"')]
        return rows, _latest_diet_date(values)
    if detected.kind == HEVY_API:  # counted and dated when the sync landed it (lib/raw/hevy_api.py)
        record = json.loads(data)
        return int(record["items"]), record["data_until"]
    header = [h.strip() for h in detected.header]
    date_column = ("start_time" if detected.kind == HEVY else detected.details["workout_date"] if detected.kind == MAPMYRUN
                   else DIET_HEADERS[detected.details["language"]][0])
    rows, dates = profile_csv_records(decode_export(data, path.name), len(detected.header), header.index(date_column),
                                      path.name)
    if detected.kind == HEVY:
        times = (parse_hevy_datetime(t) for t in dates)
        latest = max((t for t in times if t is not None), default=None)
        return rows, latest.isoformat() if latest else ""
    if detected.kind == MAPMYRUN:
        latest = parse_ap_dates(pd.Series(list(dates), dtype=object)).max()
        return rows, "" if pd.isna(latest) else latest.date().isoformat()
    return rows, _latest_diet_date(dates)


def _latest_diet_date(values) -> str:
    """The latest date silver will load from the file. Read as silver reads it: pandas' "mixed"
    day-first parser, used before, read 2024-03-05 as 3 May (a later date than the file holds,
    which could make an older export look like the newest) and took 4.6 s for the 74,046 days of
    the benchmark's diet logs, value by value."""
    dates = parse_diet_dates(pd.Series([str(v).strip() for v in values if v], dtype=object)).dropna()
    return dates.max().date().isoformat() if len(dates) else ""


def _dated_again(raw_zone: Path, entry: ManifestEntry, sqlite_table: str) -> ManifestEntry:
    """An entry landed before DATING, with a diet log's latest date read again from its stored
    bytes (every other format was read the same way then). An unreadable object keeps its date."""
    if entry.dated_by >= DATING:
        return entry
    data_until = entry.data_until
    if entry.detected_format in (DIET_CSV, DIET_SQLITE):
        path = raw_zone / entry.raw_path
        try:
            data = path.read_bytes()
            _, data_until = profile_rows(data, detect_export(data, entry.file_name, sqlite_path=path,
                                                             sqlite_table=sqlite_table), path)
        except (OSError, ExportFileError, sqlite3.DatabaseError):
            pass
    return replace(entry, data_until=data_until, dated_by=DATING)


def load_manifest(raw_zone: Path) -> list[ManifestEntry]:
    path = raw_zone / "manifest.json"
    if not path.exists():
        return []
    return [ManifestEntry(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]


def _write_manifest(raw_zone: Path, entries: list[ManifestEntry]) -> None:
    ordered = sorted(entries, key=lambda e: (e.athlete_id, e.landed_at, e.sha256))
    tmp = raw_zone / "manifest.json.tmp"
    tmp.write_text(json.dumps([asdict(e) for e in ordered], indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, raw_zone / "manifest.json")


def land_record(raw_zone: Path, athlete_id: str, file_name: str, data: bytes,
                now: datetime | None = None) -> ManifestEntry:
    """Land bytes produced in-process (a Hevy API sync record) exactly as an inbox file lands:
    stored under their sha256 and added to the manifest, so silver's snapshot rules rank them
    with the athlete's other exports."""
    detected = detect_export(data, file_name)
    rows, data_until = profile_rows(data, detected, Path(file_name))
    digest = sha256_of(data)
    landed_at = (now or datetime.now(timezone.utc)).isoformat(timespec="microseconds")
    entry = ManifestEntry(sha256=digest, athlete_id=athlete_id, file_name=file_name, size_bytes=len(data),
                          detected_format=detected.kind, row_count=rows, landed_at=landed_at,
                          raw_path=f"objects/{digest[:2]}/{digest}", data_until=data_until,
                          file_modified_at=landed_at, dated_by=DATING)
    target = raw_zone / entry.raw_path
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    manifest = [e for e in load_manifest(raw_zone) if (e.athlete_id, e.sha256) != (athlete_id, digest)]
    _write_manifest(raw_zone, manifest + [entry])
    return entry


def land_inbox(inbox: Path, raw_zone: Path, sqlite_table: str = "",
               now: datetime | None = None) -> tuple[list[ManifestEntry], list[ManifestEntry]]:
    """Land every inbox export; return (all manifest entries, entries new in this call).

    Every file is checked before anything is written: one rejected file means nothing lands,
    and the error names each rejected file with what was expected. A file already landed that
    is put into the inbox again (its modification time moved on) lands again: the export landed
    last is the athlete's current one, whatever landed in between.
    """
    stored = load_manifest(raw_zone)
    manifest = [_dated_again(raw_zone, e, sqlite_table) for e in stored]
    known = {(e.athlete_id, e.sha256): e for e in manifest}
    landed_at = (now or datetime.now(timezone.utc)).isoformat(timespec="microseconds")
    pending, errors, relanded = [], [], {}
    for athlete, path in inbox_files(inbox):
        data = path.read_bytes()
        digest = sha256_of(data)
        if (athlete, digest) in known:
            entry = known[(athlete, digest)]
            modified_at = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat()
            if entry is not None and modified_at > entry.file_modified_at:
                relanded[(athlete, digest)] = replace(entry, landed_at=landed_at, file_modified_at=modified_at)
            continue
        try:
            detected = detect_export(data, path.name, sqlite_path=path, sqlite_table=sqlite_table)
            rows, data_until = profile_rows(data, detected, path)
        except ExportFileError as err:
            errors.append(err)
            continue
        except sqlite3.DatabaseError as err:  # a SQLite file cut or damaged on the way
            errors.append(ExportFileError(str(path.relative_to(inbox)), None, f"the SQLite database is damaged ({err})",
                                          "a complete diet database: copy or export it again"))
            continue
        known[(athlete, digest)] = None
        pending.append((path, ManifestEntry(
            sha256=digest, athlete_id=athlete, file_name=str(path.relative_to(inbox)), size_bytes=len(data),
            detected_format=detected.kind, row_count=rows, landed_at=landed_at,
            raw_path=f"objects/{digest[:2]}/{digest}", data_until=data_until,
            file_modified_at=datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(), dated_by=DATING)))
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise ExportFileError(f"{len(errors)} inbox files", None,
                              "were rejected:\n  " + "\n  ".join(str(e) for e in errors), "every file to be valid")
    for source, entry in pending:
        target = raw_zone / entry.raw_path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(source, target)
    manifest = [relanded.get((e.athlete_id, e.sha256), e) for e in manifest]
    if pending or relanded or manifest != stored:
        raw_zone.mkdir(parents=True, exist_ok=True)
        _write_manifest(raw_zone, manifest + [entry for _, entry in pending])
    return manifest + [entry for _, entry in pending], [entry for _, entry in pending]


def landed_counts(before: list[ManifestEntry], after: list[ManifestEntry], new: list[ManifestEntry]) -> dict:
    """Per source: export files new (the athlete had no export of the source before this run),
    changed (a further export, or an earlier one landed again) and in the raw zone (total)."""
    had_source = {(e.athlete_id, SOURCE_NAMES[e.detected_format]) for e in before}
    landed_before = {(e.athlete_id, e.sha256): e.landed_at for e in before}
    relanded = [e for e in after if landed_before.get((e.athlete_id, e.sha256), e.landed_at) != e.landed_at]
    counts = {source: dict.fromkeys(("new", "changed", "removed", "quarantined", "total"), 0)
              for source in sorted(set(SOURCE_NAMES.values()))}
    for entry in new:
        source = SOURCE_NAMES[entry.detected_format]
        counts[source]["changed" if (entry.athlete_id, source) in had_source else "new"] += 1
    for entry in relanded:
        counts[SOURCE_NAMES[entry.detected_format]]["changed"] += 1
    for entry in after:
        counts[SOURCE_NAMES[entry.detected_format]]["total"] += 1
    return counts
