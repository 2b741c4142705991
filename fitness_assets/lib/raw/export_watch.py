"""What an export sensor has not seen yet: a cursor over modification times, no Dagster here.

The cursor holds the newest modification time actually seen and the names seen at exactly that
time (file systems and S3 can give several files the same timestamp), never the clock. A file
is unseen when it is newer than the cursor, or as new but not among those names. Run keys are
built from content hashes, so the same bytes never run twice and changed bytes always do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from fitness_assets.lib.raw.zone import inbox_files


@dataclass(frozen=True)
class WatchedFile:
    name: str            # path relative to the inbox, or the S3 key
    modified: float      # POSIX seconds
    athlete_id: str = ""
    content_hash: str = ""  # sha256 (local files, filled in once unseen) or ETag (S3, from the listing)

    @property
    def identity(self) -> str:
        """Name plus content when the listing knows it: S3 times have one-second resolution, so an
        object rewritten within the cursor's second is still recognised by its new ETag."""
        return f"{self.name}@{self.content_hash}" if self.content_hash else self.name


@dataclass
class WatchCursor:
    modified: float = 0.0
    names: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, text: str | None) -> WatchCursor:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(float(data["modified"]), sorted(data["names"]))

    def to_json(self) -> str:
        return json.dumps({"modified": self.modified, "names": sorted(self.names)}, sort_keys=True)


def unseen(files: list[WatchedFile], cursor: WatchCursor) -> tuple[list[WatchedFile], WatchCursor]:
    """Files the cursor has not seen, oldest first, and the cursor after seeing them."""
    seen_at_cursor = set(cursor.names)
    fresh = sorted((f for f in files if f.modified > cursor.modified
                    or (f.modified == cursor.modified and f.identity not in seen_at_cursor)),
                   key=lambda f: (f.modified, f.name))
    if not fresh:
        return [], cursor
    newest = fresh[-1].modified
    names = [f.identity for f in fresh if f.modified == newest]
    if newest == cursor.modified:
        names += cursor.names
    return fresh, WatchCursor(newest, sorted(set(names)))


def local_listing(inbox: Path) -> list[WatchedFile]:
    return [WatchedFile(str(path.relative_to(inbox)), path.stat().st_mtime, athlete)
            for athlete, path in inbox_files(inbox)]


def with_local_hash(inbox: Path, file: WatchedFile) -> WatchedFile:
    digest = hashlib.sha256((inbox / file.name).read_bytes()).hexdigest()
    return WatchedFile(file.name, file.modified, file.athlete_id, digest)


def run_key(source: str, files: list[WatchedFile]) -> str:
    """One key per set of contents: the same bytes never trigger a second ingest."""
    contents = sorted(f"{f.athlete_id}/{f.content_hash}" for f in files)
    return f"{source}:" + hashlib.sha256("\n".join(contents).encode()).hexdigest()[:32]


def s3_relative_name(key: str, prefix: str) -> str | None:
    """The inbox path an S3 export lands at (athlete folders kept), or None for folder markers."""
    relative = key[len(prefix):].lstrip("/") if key.startswith(prefix) else None
    if not relative or relative.endswith("/") or any(p.startswith(".") or p == ".." for p in relative.split("/")):
        return None
    return relative


def fetch_s3_exports(client, bucket: str, prefix: str, keys: list[str], inbox: Path) -> list[Path]:
    """Download exports into the inbox at their path below the prefix (athlete folders kept)."""
    fetched = []
    for key in keys:
        relative = s3_relative_name(key, prefix)
        if relative is None:
            raise ValueError(f"s3://{bucket}/{key} is not an export under the inbox prefix {prefix!r}")
        target = inbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")  # hidden: the inbox scan skips dot files
        client.download_file(bucket, key, str(tmp))
        tmp.replace(target)
        fetched.append(target)
    return fetched
