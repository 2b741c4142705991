"""One digest of some source or data files: a carried result (parse cache, carried checks, carried
insight tables) is trusted only while the code and data that made it are byte for byte the same."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def files_digest(paths: Iterable[Path]) -> str:
    """sha256 over each file's name and bytes, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
