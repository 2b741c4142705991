"""Row-level rejections: a row that cannot be used is kept here with the reason, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from fitness_assets.lib.raw.csv_records import read_csv_records
from fitness_assets.lib.raw.formats import DetectedExport, decode_export

QUARANTINE_COLUMNS = ["athlete_id", "source_sha256", "source_file", "line", "rule", "reason", "raw_values"]


@dataclass(frozen=True)
class SourceFile:
    """Where rows come from: enough to name the file and line in every message."""
    athlete_id: str
    sha256: str
    file_name: str


def quarantine_frame(source: SourceFile, lines, rules, reasons, raw_values) -> pd.DataFrame:
    frame = pd.DataFrame({"line": pd.Series(list(lines), dtype="int64"), "rule": list(rules),
                          "reason": list(reasons), "raw_values": list(raw_values)})
    frame.insert(0, "source_file", source.file_name)
    frame.insert(0, "source_sha256", source.sha256)
    frame.insert(0, "athlete_id", source.athlete_id)
    return frame[QUARANTINE_COLUMNS]


def field_count_rejections(source: SourceFile, malformed: list[tuple[int, list[str]]], expected: int) -> pd.DataFrame:
    """Quarantine rows for CSV records whose field count differs from the header's (line, fields)."""
    return quarantine_frame(source, [line for line, _ in malformed], ["field_count"] * len(malformed),
                            [f"has {len(fields)} fields, expected {expected} as in the header" for _, fields in malformed],
                            [{"fields": fields} for _, fields in malformed])


def text_records(data: bytes, detected: DetectedExport,
                 source: SourceFile) -> tuple[pd.DataFrame, list[pd.DataFrame], int]:
    """An export's records as untouched strings under its own header, each with its source_line;
    the quarantine of records whose field count differs from the header's; the records read."""
    header = [h.strip() for h in detected.header]
    records, lines, malformed = read_csv_records(decode_export(data, source.file_name), len(header), source.file_name)
    rejected = [field_count_rejections(source, malformed, len(header))] if malformed else []
    raw = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header, dtype=object)
    raw["source_line"] = np.asarray(lines, dtype="int64")
    return raw, rejected, len(records) + len(malformed)


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS}).astype({"line": "int64"})


def raw_values(raw: pd.DataFrame, index) -> list[dict]:
    """The untouched text of rows, as read from the file (source_line excluded: it is stored apart)."""
    return raw.drop(columns=["source_line"], errors="ignore").loc[index].to_dict("records")


def collect_rejections(frame: pd.DataFrame, rejected: pd.Series, rule: str,
                       reasons: pd.Series | Callable[[pd.Index], pd.Series],
                       raw: pd.DataFrame, out: list[pd.DataFrame], source: SourceFile) -> pd.DataFrame:
    """Move rows flagged in `rejected` to `out` as quarantine rows; return the remaining rows.

    `raw` is the untouched frame of strings with the same index, so quarantine keeps what the
    user actually wrote, not our typed reading of it. `reasons` holds a reason for (at least)
    every rejected row, or is a function giving the reasons of the rejected rows' index: most
    columns of most files reject nothing, and a reason built for each of 50,000 rows is then
    50,000 strings for nothing.
    """
    if not rejected.any():
        return frame
    bad = frame[rejected]
    why = reasons(bad.index) if callable(reasons) else reasons.loc[bad.index]
    out.append(quarantine_frame(source, bad["source_line"], [rule] * len(bad), why, raw_values(raw, bad.index)))
    return frame[~rejected]


def stripped(values: pd.Series) -> pd.Series:
    """values.str.strip(), worked out once per distinct text: an export repeats its titles, times,
    weights and rep counts on thousands of rows."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return pd.Series(pd.Series(distinct, dtype=object).str.strip().to_numpy()[codes], index=values.index,
                     name=values.name, dtype=object)


def quarantine_failures(model: type[pa.DataFrameModel], frame: pd.DataFrame, source: SourceFile,
                        raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate `frame`; return (valid rows, quarantine rows naming the failed check per row)."""
    if frame.empty:  # nothing to check, and empty text columns carry no dtype to validate
        return frame, quarantine_frame(source, [], [], [], [])
    try:
        model.validate(frame, lazy=True)
        return frame, quarantine_frame(source, [], [], [], [])
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    row_cases = cases[cases["index"].notna()]
    table_cases = cases[cases["index"].isna()]
    if not table_cases.empty:
        # A missing column or wrong dtype is a bug in our parser, not a data problem: fail loudly.
        raise TypeError(f"{model.__name__} schema mismatch: {table_cases[['column', 'check']].to_dict('records')}")
    # A row-wise check on the whole frame (e.g. end after start) reports one case per column of
    # the failing row: keep one, named by the check, not by whichever column came first.
    whole_row = row_cases["schema_context"].eq("DataFrameSchema")
    row_cases = pd.concat([
        row_cases[~whole_row].assign(
            reason=lambda c: c["column"].astype(str) + " failed " + c["check"].astype(str)
            + " (value " + c["failure_case"].map(str) + ")"),
        row_cases[whole_row].drop_duplicates(["index", "check"]).assign(column=None, reason=lambda c: c["check"].astype(str)),
    ]).sort_values(["index"], kind="stable")
    reasons = row_cases.groupby("index", sort=True)["reason"].agg("; ".join)
    first = row_cases.groupby("index", sort=True).first()
    # Whole-row checks are filed under their message as a slug: "end_time_is_before_start_time".
    rules = ("invalid_" + first["column"].fillna("row").astype(str)).where(
        first["column"].notna(), first["check"].astype(str).str.replace(r"\W+", "_", regex=True).str.strip("_"))
    bad_index = reasons.index
    bad = frame.loc[bad_index]
    quarantined = quarantine_frame(source, bad["source_line"], rules.to_list(), reasons.to_list(),
                                   raw_values(raw, bad_index))
    return frame.drop(index=bad_index), quarantined
