"""What makes an export trustworthy enough to be the athlete's whole history.

Exports are full snapshots, so the current one decides what is removed. Three rules keep a
damaged or odd file from deleting history:
- a file with structural damage (a row with the wrong number of fields, a quoted field still
  open at the end of the file) is *incomplete*: its intact rows load, but it removes nothing;
- a date after today or before the earliest year is a typo: its rows are quarantined, so it
  can neither load nor make a file look newer than it is;
- the export landed last is the current one (a date inside a file is not evidence of when it
  was exported); the removal guard in warehouse/load.py stops a large accidental removal.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import SourceFile, quarantine_frame

CUT_SHORT = "cut_short"
FIELD_COUNT = "field_count"
DATE_IN_FUTURE = "date_in_future"
DATE_BEFORE_EARLIEST_YEAR = "date_before_earliest_year"


@dataclass(frozen=True)
class DateBounds:
    """Dates outside [1 January of earliest_year, today] cannot be real entries."""
    today: date
    earliest_year: int = 1990
    timezone: str = "UTC"

    def contains(self, day: date) -> bool:
        return date(self.earliest_year, 1, 1) <= day <= self.today


def _last_record_is_cut(text: str, last_record_line: int) -> bool:
    """True when the file ends inside its last row: the download stopped mid-value.

    A quoted field is still open: the last record is re-read in csv's strict mode, which reports
    exactly this as 'unexpected end of data' (the lenient reader used for parsing closes the
    quote silently). A cut inside an unquoted last value cannot be told from a file without a
    final line break; it is not flagged (see the session note).
    """
    if last_record_line < 1 or text.count('"') % 2 == 0:
        return False
    # Lines split as the parser's reader splits them (newline="": CR, LF and CRLF all end a line).
    tail = "".join(io.StringIO(text, newline="").readlines()[last_record_line - 1:])
    try:
        for _ in csv.reader(io.StringIO(tail), strict=True):
            pass
    except csv.Error as err:
        return "unexpected end of data" in str(err)
    return False


def mark_cut_export(parsed: ParsedRows, text: str, source: SourceFile,
                    unit_columns: list[str] | None = None) -> ParsedRows:
    """Record where a CSV export looks cut (0 = intact) and keep damaged units out of silver.

    Rows with the wrong number of fields are already quarantined by the parser (`field_count`);
    a last row whose final quoted field never closes may still have the right width, so it is
    quarantined here (`cut_short`): its last value is only the part that arrived. With
    `unit_columns` (a workout: start and title), every row of a unit beside a damaged line is
    quarantined too (`beside_damage`): the unit may have lost rows to the damage, and loading
    it would replace the complete copy in the warehouse with a partial one.
    """
    rows, quarantine = parsed.rows, parsed.quarantine
    last_line = max(int(rows["source_line"].max()) if len(rows) else 0,
                    int(quarantine["line"].max()) if len(quarantine) else 0)
    cut_lines = sorted(quarantine.loc[quarantine["rule"] == FIELD_COUNT, "line"].astype(int))
    moved = []
    if _last_record_is_cut(text, last_line):
        cut_lines.append(last_line)
        last_rows = rows[rows["source_line"] == last_line]
        if len(last_rows):
            moved.append(quarantine_frame(source, [last_line], [CUT_SHORT],
                                          ["the file ends inside this row (a quoted field left open, or no line break after its last "
                                            "value): the export looks cut here"],
                                          _as_text(last_rows.head(1))))
            rows = rows[rows["source_line"] != last_line]
    if cut_lines and unit_columns and len(rows):
        lines = rows["source_line"].to_numpy()
        neighbours = set()
        for cut in cut_lines:
            before, after = lines[lines < cut], lines[lines > cut]
            neighbours.update(int(x) for x in (before.max() if len(before) else None,
                                               after.min() if len(after) else None) if x is not None)
        units = rows.loc[rows["source_line"].isin(neighbours), unit_columns].drop_duplicates()
        beside = pd.MultiIndex.from_frame(rows[unit_columns]).isin(pd.MultiIndex.from_frame(units))
        if beside.any():
            damaged = rows[beside]
            first_cut = min(cut_lines)
            moved.append(quarantine_frame(
                source, damaged["source_line"], ["beside_damage"] * len(damaged),
                [f"this workout lies beside the damaged line {first_cut} and may be missing rows; "
                 "it loads from the next intact export"] * len(damaged),
                _as_text(damaged)))
            rows = rows[~beside]
    if moved:
        quarantine = pd.concat([quarantine, *moved], ignore_index=True)
    return replace(parsed, rows=rows.reset_index(drop=True), quarantine=quarantine,
                   incomplete_line=min(cut_lines, default=0))


def quarantine_out_of_bounds(parsed: ParsedRows, bounds: DateBounds, date_column: str, what: str,
                             source: SourceFile) -> ParsedRows:
    """Move rows dated after today or before the earliest year to quarantine, with the reason.

    Applied after the parse cache (today moves on; a cached parse must not freeze it).
    """
    rows = parsed.rows
    if rows.empty:
        return parsed
    # Compared as timestamps: a day after today is a stamp from tomorrow's midnight on. Python
    # dates (one object per row, 0.55 s for a million sets on every build) only for the rows moved.
    stamps = pd.to_datetime(rows[date_column])
    future = stamps >= pd.Timestamp(bounds.today + timedelta(days=1))
    ancient = stamps < pd.Timestamp(date(bounds.earliest_year, 1, 1))
    if not (future.any() or ancient.any()):
        return parsed
    days = stamps.dt.date
    shown = days.astype(str)
    reasons = pd.Series("", index=rows.index, dtype=object)
    reasons[future] = (what + " " + shown[future] + " is after today (" + bounds.today.isoformat()
                       + f" in {bounds.timezone}): a typo in the date")
    reasons[ancient] = (what + " " + shown[ancient] + f" is before {bounds.earliest_year} "
                        "(FITNESS_EARLIEST_YEAR): a typo in the date")
    bad = future | ancient
    moved = rows[bad]
    quarantined = quarantine_frame(
        source, moved["source_line"], [DATE_IN_FUTURE if f else DATE_BEFORE_EARLIEST_YEAR for f in future[bad]],
        reasons[bad], _as_text(moved))
    return replace(parsed, rows=rows[~bad].reset_index(drop=True),
                   quarantine=pd.concat([parsed.quarantine, quarantined], ignore_index=True))


def _as_text(rows: pd.DataFrame) -> list[dict]:
    """Rows as the quarantine keeps them: every value as text, missing as empty (JSON-safe)."""
    return rows.drop(columns=["source_line"]).astype("string").fillna("").astype(object).to_dict("records")


def recency_key(landed_at: str, data_until: str, file_modified_at: str, sha256: str, today: date) -> tuple:
    """Order of exports of one athlete and dataset: the one landed last is the newest.

    Files landed together (one inbox scan) are ordered by the latest date they hold, ignoring a
    date after today (a typo), then by the file's own modification time.
    """
    plausible_until = data_until if data_until[:10] <= today.isoformat() else ""
    return landed_at, plausible_until, file_modified_at, sha256
