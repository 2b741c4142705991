"""The stored payloads: the hand-off from the payload layer to reports and publishing.

A week's payload changed when the canonical bytes built now differ from the bytes of the file
stored for it; comparing with the file itself (not a digest table beside it) means a file edited
or deleted by hand is repaired on the next run, and there is no second record that could
disagree with what reports read. A file is written only when its bytes change, so its
modification time is when its content last changed (lib/reports/sources.py relies on that).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.payloads.payload import (
    canonical_bytes,
    payload_path,
    write_if_changed,
)

FILE_PREFIX = "weekly_fitness_context_"

AthleteWeek = tuple[str, str]  # (athlete_id, Monday as YYYY-MM-DD)


@dataclass
class StoredPayloads:
    """What storing one range of weeks did, per athlete-week."""
    written: list[AthleteWeek] = field(default_factory=list)    # new, or bytes differed from the file
    unchanged: list[AthleteWeek] = field(default_factory=list)  # same bytes: the file was not touched
    removed: list[AthleteWeek] = field(default_factory=list)    # the week has no data any more
    sha256: dict[AthleteWeek, str] = field(default_factory=dict)  # of every file now stored

    @property
    def changed(self) -> list[AthleteWeek]:
        return sorted(self.written + self.removed)

    @property
    def changed_weeks(self) -> list[str]:
        return sorted({week for _, week in self.changed})


def athlete_week_of(payload_dir: Path, path: Path) -> AthleteWeek:
    """The inverse of payload_path: the default athlete's files sit at the top of payload_dir."""
    athlete = DEFAULT_ATHLETE if path.parent == payload_dir else path.parent.name
    return athlete, path.stem.removeprefix(FILE_PREFIX)


def stored_files(payload_dir: Path, weeks: list[str] | None = None) -> dict[AthleteWeek, Path]:
    """Every stored payload file (of `weeks` only, when given), by athlete-week. One walk of the
    folder, whatever the number of weeks (a glob per week walked it once per week)."""
    files = ((athlete_week_of(payload_dir, path), path) for path in payload_dir.glob(f"**/{FILE_PREFIX}*.json"))
    wanted = set(weeks) if weeks is not None else None
    return dict(sorted((key, path) for key, path in files if wanted is None or key[1] in wanted))


def store_payloads(payload_dir: Path, payloads: dict[AthleteWeek, dict], weeks: list[str]) -> StoredPayloads:
    """Write the payloads of `weeks` whose bytes differ from the stored files, and delete the files
    of those weeks that no longer have data, so the folder mirrors the gold views."""
    stored = StoredPayloads()
    for key, payload in sorted(payloads.items()):
        body = canonical_bytes(payload)
        (stored.written if write_if_changed(payload_path(payload_dir, *key), body) else stored.unchanged).append(key)
        stored.sha256[key] = hashlib.sha256(body).hexdigest()
    for key, path in stored_files(payload_dir, weeks).items():
        if key not in payloads:
            path.unlink()
            stored.removed.append(key)
    return stored


def read_stored(payload_dir: Path, first_week: str, last_week: str) -> dict[AthleteWeek, dict]:
    """The stored payloads of every athlete for the weeks in [first_week, last_week]."""
    return {key: json.loads(path.read_bytes()) for key, path in stored_files(payload_dir).items()
            if first_week <= key[1] <= last_week}
