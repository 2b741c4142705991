"""The source registry: one entry per detected export format (lib/raw/formats.py).

An entry says which silver dataset the format feeds, how to parse it, which Pandera model its
rows satisfy, and how the snapshot rules treat it. lib/silver/build.py dispatches on these tables
alone, so adding a format is one parser module here plus one line in SOURCES; a new dataset is one
more line in DATASETS and its SilverLayer field (see "Adding a source" in docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pandera.pandas as pa

from fitness_assets.lib.raw.formats import DIET_CSV, DIET_SQLITE, HEVY, HEVY_API, MAPMYRUN, DetectedExport
from fitness_assets.lib.silver import corrections
from fitness_assets.lib.silver.corrections import Correction
from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets.lib.silver.sources.hevy_api import parse_hevy_api
from fitness_assets.lib.silver.sources.diet import SILVER_CYCLE_COLUMNS, SILVER_DIET_COLUMNS, parse_diet
from fitness_assets.lib.silver.sources.hevy_csv import SILVER_SET_COLUMNS, parse_hevy
from fitness_assets.lib.silver.sources.mapmyrun import ACTIVITY_DTYPES, SILVER_ACTIVITY_COLUMNS, parse_mapmyrun
from fitness_assets.schemas.silver import (
    SilverActivity,
    SilverApiWorkoutSet,
    SilverCycle,
    SilverDietDay,
    SilverWorkoutSet,
)

WORKOUTS = "workouts"
DIET = "diet"
ACTIVITIES = "activities"


@dataclass(frozen=True)
class Dataset:
    """A silver dataset: one current snapshot per athlete, one frame for all athletes."""
    frame: str  # its SilverLayer attribute; the Dagster asset is silver_<frame>
    columns: list[str]
    dtypes: dict[str, str]  # of the frame when no export holds the dataset (other columns: object)
    corrections: str  # its section in the corrections file


_DATETIMES = ("started_at", "ended_at", "diet_date", "start_date", "end_date")
_NUMBERS = ("weight_kg", "distance_km", "rpe", "duration_minutes", "carbs_g", "protein_g", "fat_g",
            "calories_kcal", "cardio_weekly_min", "bodyweight_kg")


def _dtypes(columns: list[str]) -> dict[str, str]:
    return {c: "datetime64[us]" if c in _DATETIMES else "float64" for c in columns if c in _DATETIMES + _NUMBERS}


DATASETS: dict[str, Dataset] = {
    WORKOUTS: Dataset("workout_sets", SILVER_SET_COLUMNS, _dtypes(SILVER_SET_COLUMNS), corrections.WORKOUT_SETS),
    DIET: Dataset("diet_days", SILVER_DIET_COLUMNS, _dtypes(SILVER_DIET_COLUMNS), corrections.DIET_DAYS),
    ACTIVITIES: Dataset("activities", SILVER_ACTIVITY_COLUMNS, ACTIVITY_DTYPES, corrections.ACTIVITIES),
}
CYCLE_DTYPES = _dtypes(SILVER_CYCLE_COLUMNS)  # diet exports also yield the cycles

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


def _parse_hevy_api(data, detected, source, path, corrections):
    return parse_hevy_api(data, detected, source, path, corrections), None


def _parse_mapmyrun(data, detected, source, path, corrections):
    return parse_mapmyrun(data, detected, source, corrections), None


_DIET = dict(dataset=DIET, parse=parse_diet, model=SilverDietDay, date_column="diet_date", date_label="diet day",
             cycles_model=SilverCycle)

SOURCES: dict[str, Source] = {
    HEVY: Source(WORKOUTS, _parse_hevy, SilverWorkoutSet, "started_at", "workout start", text=True,
                 cut_unit=("started_at", "title")),
    # A sync record replays to the account's whole history, like an export: it joins the same
    # snapshot rules (the one landed last is the athlete's current workouts).
    HEVY_API: Source(WORKOUTS, _parse_hevy_api, SilverApiWorkoutSet, "started_at", "workout start", text=False),
    DIET_CSV: Source(**_DIET, text=True),
    DIET_SQLITE: Source(**_DIET, text=False),
    MAPMYRUN: Source(ACTIVITIES, _parse_mapmyrun, SilverActivity, "activity_date", "activity date", text=True),
}
