"""Where the weekly partitions start: FITNESS_WEEKS_START when set, else the first week with data
as the ingest recorded it in FITNESS_HOME/partitions_start, else DEFAULT_WEEKS_START.

The recorded week only ever moves earlier: a partition history exists for the weeks already
materialized, and a later start would orphan them; an earlier one orphans nothing. The code
location reads it when it loads (defs/partitions.py), so a start that moved takes effect at the
next load: `fitness run` reloads at once, a running webserver or daemon at its next reload.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

DEFAULT_WEEKS_START = "2015-01-05"
START_FILE = "partitions_start"
DEFAULT_HOME = ".fitness"  # FITNESS_HOME's default (defs/resources.py), relative to the working folder


def recorded_start(home: Path) -> str | None:
    """The Monday recorded under `home`, or None (no file yet, or not a Monday: never trusted)."""
    try:
        text = (Path(home) / START_FILE).read_text("utf-8").strip()
        return text if date.fromisoformat(text).weekday() == 0 else None
    except (OSError, ValueError):
        return None


def record_first_week(home: Path, first_week: str) -> str:
    """Record `first_week` (a Monday) unless an earlier week is recorded; returns the recorded week."""
    current = recorded_start(home)
    if current is not None and current <= first_week:
        return current
    path = Path(home) / START_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{START_FILE}.{os.getpid()}")
    partial.write_text(first_week + "\n", "utf-8")
    os.replace(partial, path)  # never half a date, even if the process dies while writing
    return first_week


def weeks_start(environ: Mapping[str, str], home: Path | None = None) -> str:
    """The first Monday of the weekly partitions, as the next code load will use it."""
    if environ.get("FITNESS_WEEKS_START"):
        return environ["FITNESS_WEEKS_START"]
    home = Path(home) if home is not None else Path(environ.get("FITNESS_HOME") or DEFAULT_HOME).resolve()
    return recorded_start(home) or DEFAULT_WEEKS_START
