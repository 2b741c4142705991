"""Row-level rejections: a row that cannot be used is kept here with the reason, never dropped."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS}).astype({"line": "int64"})


def raw_values(raw: pd.DataFrame, index) -> list[dict]:
    """The untouched text of rows, as read from the file (source_line excluded: it is stored apart)."""
    return raw.drop(columns=["source_line"], errors="ignore").loc[index].to_dict("records")


def collect_rejections(frame: pd.DataFrame, rejected: pd.Series, rule: str, reasons: pd.Series,
                       raw: pd.DataFrame, out: list[pd.DataFrame], source: SourceFile) -> pd.DataFrame:
    """Move rows flagged in `rejected` to `out` as quarantine rows; return the remaining rows.

    `raw` is the untouched frame of strings with the same index, so quarantine keeps what the
    user actually wrote, not our typed reading of it.
    """
    if rejected.any():
        bad = frame[rejected]
        out.append(quarantine_frame(source, bad["source_line"], [rule] * len(bad), reasons[rejected],
                                    raw_values(raw, bad.index)))
    return frame[~rejected]
