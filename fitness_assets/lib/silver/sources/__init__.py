"""The source registry: one entry per detected export format (lib/raw/formats.py).

An entry says which silver dataset the format feeds, how to parse it, which Pandera model its
rows satisfy, and how the snapshot rules treat it. lib/silver/build.py dispatches on this table
alone, so adding a format is one parser module here plus one line below (see "Adding a source"
in docs/ARCHITECTURE.md for what else a new dataset needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pandera.pandas as pa

from fitness_assets.lib.raw.formats import DIET_CSV, DIET_SQLITE, HEVY, DetectedExport
from fitness_assets.lib.silver.corrections import Correction
from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets.lib.silver.sources.diet import parse_diet
from fitness_assets.lib.silver.sources.hevy_csv import parse_hevy
from fitness_assets.schemas.silver import SilverCycle, SilverDietDay, SilverWorkoutSet

WORKOUTS = "workouts"
DIET = "diet"

# (bytes, detection, source file, path on disk, that athlete's corrections) → (rows, cycles or None)
Parser = Callable[[bytes, DetectedExport, SourceFile, Path, list[Correction]], tuple[ParsedRows, pd.DataFrame | None]]


@dataclass(frozen=True)
class Source:
    dataset: str  # the silver dataset its rows join (one current snapshot per athlete and dataset)
    parse: Parser
    model: type[pa.DataFrameModel]  # every fresh parse's rows are re-validated: catches a parser regression
    date_column: str  # rows dated outside the bounds are quarantined (lib/silver/snapshots.py)
    date_label: str
    text: bool  # CSV text: checked for a cut end (snapshots.mark_cut_export)
    cut_unit: tuple[str, ...] | None = None  # rows that belong together when cutting (None: each row)
    cycles_model: type[pa.DataFrameModel] | None = None  # diet exports also yield cycles


def _parse_hevy(data, detected, source, path, corrections):
    return parse_hevy(data, detected, source, corrections), None


_DIET = dict(dataset=DIET, parse=parse_diet, model=SilverDietDay, date_column="diet_date", date_label="diet day",
             cycles_model=SilverCycle)

SOURCES: dict[str, Source] = {
    HEVY: Source(WORKOUTS, _parse_hevy, SilverWorkoutSet, "started_at", "workout start", text=True,
                 cut_unit=("started_at", "title")),
    DIET_CSV: Source(**_DIET, text=True),
    DIET_SQLITE: Source(**_DIET, text=False),
}
