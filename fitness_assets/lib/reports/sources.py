"""What a week's report is built from: the stored payloads, and nothing else.

The report text of a week comes from that week's payload; its charts plot it and the weeks
before it (HISTORY_WEEKS in all). The payload layer rewrites a payload file only when its bytes
change, so a payload file newer than its report.md is one that changed since the report was
written: that report is due (make's rule). A due report whose text comes out the same is marked
current by its modification time, so the writer is not asked again for an unchanged payload.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
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

    def history(self, athlete_id: str, week: str) -> list[dict]:
        since = (date.fromisoformat(week) - timedelta(weeks=HISTORY_WEEKS - 1)).isoformat()
        return [self.payloads[(a, w)] for a, w in sorted(self.payloads) if a == athlete_id and since <= w <= week]

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
