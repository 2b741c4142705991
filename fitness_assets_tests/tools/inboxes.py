"""What the generator tests share: an inbox's CSV digests, and the silver built from an inbox."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fitness_assets.lib.raw.zone import land_inbox
from fitness_assets.lib.silver.build import build_silver


def csv_digests(inbox: Path) -> dict[str, str]:
    return {str(p.relative_to(inbox)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(inbox.rglob("*.csv"))}


def silver_of(inbox: Path, raw_zone: Path):
    """Land `inbox` into `raw_zone` and build silver from it, as the ingest does."""
    manifest, _ = land_inbox(inbox, raw_zone)
    return build_silver(raw_zone, manifest)
