"""What every source parser returns: accepted rows, their quarantine and the file's bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fitness_assets.lib.silver.corrections import APPLIED_COLUMNS


@dataclass
class ParsedRows:
    rows: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    corrections_applied: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=APPLIED_COLUMNS))
    stale_corrections: list[dict] = field(default_factory=list)
    # First line where the file looks cut (a row of the wrong width, a quote left open); 0 = intact.
    incomplete_line: int = 0
    # The Pandera model the parser validated `rows` against (quarantine_failures), when no value of
    # its columns changed since: build.py then re-validates only the columns added after it.
    validated_with: type | None = None
