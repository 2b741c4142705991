"""What a rule is, what it finds, and how a finding is shown to a person."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import pandas as pd

from fitness_assets.lib.core.constants import PACKAGE_DIR
from fitness_assets.lib.core.digest import files_digest

ERROR = "ERROR"
WARN = "WARN"
# Offending rows shown in check metadata; the count is always complete.
TABLE_ROWS = 50


@dataclass(frozen=True)
class Rule:
    name: str            # the asset check's name
    asset: str           # the asset it is attached to
    severity: str        # ERROR or WARN
    blocking: bool       # only meaningful with ERROR: downstream of a failed check does not run
    description: str     # one sentence, shown in the UI and in the README


class Tolerances(Protocol):
    """The thresholds the rules read. The Dagster QualityResource (defs/resources.py) is one, and
    owns the defaults; the rules stay free of Dagster."""
    calorie_tolerance: float
    bodyweight_jump_kg: float
    outlier_iqr_k: float
    outlier_min_sets: int
    outlier_recent_sets: int
    outlier_ratio: float
    workout_min_minutes: float
    workout_max_minutes: float


@cache
def rules_fingerprint() -> str:
    """The rules' own code and the data they read beside the frames (the curated muscle map and
    the title aliases): a change to any of them re-evaluates every carried check."""
    return files_digest(sorted([*(PACKAGE_DIR / "lib" / "quality").glob("*.py"), *(PACKAGE_DIR / "data").glob("*.csv"),
                                PACKAGE_DIR / "lib" / "silver" / "muscle_map.py"]))


# Columns that say *which* row or thing is at fault (not how it is described today).
IDENTITY_COLUMNS = ("file", "line", "athlete", "date", "workout", "exercise", "exercise_name", "from", "to",
                    "cycles", "table_name", "row_id", "week", "entry", "natural_key")
LOCATION_COLUMNS = ("file", "line")  # where a row was read, not what it is


@dataclass
class Finding:
    """Offending rows (empty = the rule passed) and how many rows were looked at."""
    offending: pd.DataFrame
    checked: int
    counts: dict[str, int] = field(default_factory=dict)
    # Columns the fingerprint hashes; None = the identity columns present in `offending`.
    key_columns: tuple[str, ...] | None = None

    @property
    def passed(self) -> bool:
        return self.offending.empty

    def fingerprint(self) -> str:
        """Identifies *what* failed, so an unchanged failure is not alerted on every run.

        Descriptive text (today's date, fences, counts of other sets) can change while the same
        rows are at fault; only the identifying columns are hashed. Where a row is identified by
        its content (athlete, date, workout, exercise …), its file and line are left out too: the
        next export of the same history has another name and other line numbers, and the same
        unchanged failure must not alert again. Rows are hashed in sorted order for the same reason.
        """
        present = [c for c in IDENTITY_COLUMNS if c in self.offending.columns]
        by_content = [c for c in present if c not in LOCATION_COLUMNS]
        columns = list(self.key_columns or by_content or present)
        keyed = (self.offending[columns] if columns else self.offending).astype("string").fillna("")
        text = keyed.sort_values(list(keyed.columns)).to_csv(index=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def markdown(self, rows: int = TABLE_ROWS) -> str:
        if self.offending.empty:
            return "_no offending rows_"
        shown = self.offending.head(rows).astype("string").fillna("")
        table = shown.to_markdown(index=False)
        more = len(self.offending) - len(shown)
        return table + (f"\n\n… and {more:,} more row(s)" if more > 0 else "")


def finding(offending: pd.DataFrame, checked: int, key_columns: tuple[str, ...] | None = None,
            **counts: int) -> Finding:
    return Finding(offending.reset_index(drop=True), int(checked), {k: int(v) for k, v in counts.items()},
                   key_columns)


def quarantined(quarantine: pd.DataFrame, reason_pattern: str) -> pd.DataFrame:
    """Quarantine rows whose reason matches a regex, in the common offending-row layout.

    Matched on the reason, not the rule: a row failing several checks is filed under the first
    one, while its reason lists them all ("weight_kg failed …; set_type failed …").
    """
    rows = quarantine[quarantine["reason"].astype(str).str.contains(reason_pattern, regex=True)]
    return pd.DataFrame({"file": rows["source_file"], "line": rows["line"], "problem": rows["reason"],
                         "values": rows["raw_values"].map(_compact), "outcome": "quarantined"})


# Reasons silver gives a row dated out of range (lib/snapshot_rules.py), by which bound it broke.
_OUT_OF_RANGE = {"future": r"is after today", "early": r"is before \d+ \(FITNESS_EARLIEST_YEAR\)"}


def quarantined_dates(quarantine: pd.DataFrame, subject: str, bound: str, checked: int) -> Finding:
    """Rows silver quarantined for a date after today (`bound` "future") or before the earliest
    year ("early"); `subject` is how their reason names the date ("workout start", "diet day").
    Such rows never reach silver: loaded, they would look like the newest data."""
    rows = quarantined(quarantine, rf"^{subject} \S+ {_OUT_OF_RANGE[bound]}")
    return finding(rows, checked + len(rows))


def _compact(values) -> str:
    if isinstance(values, dict):
        return ", ".join(f"{k}={v}" for k, v in values.items() if v not in ("", None))
    return str(values)
