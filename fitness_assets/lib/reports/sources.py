"""What a week's report is built from: the stored payloads, and nothing else.

The report text of a week comes from that week's payload; its charts plot it and the weeks
before it (HISTORY_WEEKS in all). The payload layer rewrites a payload file only when its bytes
change, so a payload file newer than its report.md is one that changed since the report was
written: that report is due (make's rule). A due report whose text comes out the same is marked
current by its modification time, so the writer is not asked again for an unchanged payload.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.payloads.payload import payload_path, write_if_changed
from fitness_assets.lib.payloads.store import AthleteWeek, read_stored

HISTORY_WEEKS = 12  # charts look back this far (this week included)
REPORT_FILE = "report.md"


def report_folder(report_dir: Path, athlete_id: str, week: str) -> Path:
    base = report_dir if athlete_id == DEFAULT_ATHLETE else report_dir / athlete_id
    return base / week


@dataclass
class ReportSources:
    """The stored payloads a range of reports reads: the range itself and the weeks its charts look back on."""
    payload_dir: Path
    report_dir: Path
    payloads: dict[AthleteWeek, dict]
    targets: list[AthleteWeek]  # every athlete-week of the range with a stored payload
    # Each athlete's weeks in order, and each payload as history_digest serialises it: a range
    # run asks for 12 weeks of history per week, so both are built once per payload.
    _weeks: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)
    _sorted_json: dict[AthleteWeek, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for athlete_id, week in sorted(self.payloads):
            self._weeks.setdefault(athlete_id, []).append(week)

    def history_keys(self, athlete_id: str, week: str) -> list[AthleteWeek]:
        since = (date.fromisoformat(week) - timedelta(weeks=HISTORY_WEEKS - 1)).isoformat()
        weeks = self._weeks.get(athlete_id, [])
        return [(athlete_id, w) for w in weeks[bisect.bisect_left(weeks, since):bisect.bisect_right(weeks, week)]]

    def history(self, athlete_id: str, week: str) -> list[dict]:
        return [self.payloads[key] for key in self.history_keys(athlete_id, week)]

    def history_digest(self, athlete_id: str, week: str) -> str:
        """`history_digest(self.history(athlete_id, week))`, from each payload's JSON made once:
        json.dumps of a list is its items' dumps joined by ", " in brackets."""
        keys = self.history_keys(athlete_id, week)
        for key in keys:
            if key not in self._sorted_json:
                self._sorted_json[key] = json.dumps(self.payloads[key], sort_keys=True)
        items = ", ".join(self._sorted_json[key] for key in keys)
        return hashlib.sha256(f"[{items}]".encode()).hexdigest() + "\n"

    def folder(self, key: AthleteWeek) -> Path:
        return report_folder(self.report_dir, *key)

    def payload_file(self, key: AthleteWeek) -> Path:
        return payload_path(self.payload_dir, *key)

    def report_is_current(self, key: AthleteWeek) -> bool:
        """report.md exists and is not older than the payload it reports on."""
        report = self.folder(key) / REPORT_FILE
        return report.exists() and report.stat().st_mtime_ns >= self.payload_file(key).stat().st_mtime_ns


def report_sources(payload_dir: Path, report_dir: Path, first_week: str, last_week: str) -> ReportSources:
    since = (date.fromisoformat(first_week) - timedelta(weeks=HISTORY_WEEKS - 1)).isoformat()
    payloads = read_stored(payload_dir, since, last_week)
    targets = sorted(key for key in payloads if first_week <= key[1] <= last_week)
    return ReportSources(payload_dir, report_dir, payloads, targets)


def store_report(path: Path, text: str) -> bool:
    """Write the report if its bytes changed (True); otherwise only mark it current."""
    if write_if_changed(path, text.encode("utf-8")):
        return True
    os.utime(path)
    return False


def history_digest(history: list[dict]) -> str:
    """What the charts of a week were drawn from (kept beside them in charts.sha256)."""
    return hashlib.sha256(json.dumps(history, sort_keys=True).encode()).hexdigest() + "\n"
