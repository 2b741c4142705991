"""Pandera models: the single source of truth for what a silver row may contain.

A row that fails a model is quarantined with the failed check as its reason (see
`quarantine_failures` in lib/silver/quarantine.py); data-quality findings about
plausible-but-suspicious rows are asset checks, not schema failures. Declarations only:
nothing here imports fitness_assets.lib.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

CYCLE_TYPES = ("cutting", "bulking", "reverse", "maintenance")
SET_TYPES = ("normal", "warmup", "failure", "dropset")
TRAINING_DATE_DTYPE = pd.ArrowDtype(pyarrow.date32())  # each value reads back as a datetime.date


class HevySetRow(pa.DataFrameModel):
    """One parsed set, before workout structure is derived."""
    athlete_id: Series[str]
    source_line: Series[int] = pa.Field(ge=1)
    title: Series[str] = pa.Field(nullable=False)
    started_at: Series[pd.Timestamp]
    ended_at: Series[pd.Timestamp]
    exercise_title: Series[str] = pa.Field(nullable=False)
    superset_id: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    set_index: Series[pd.Int64Dtype] = pa.Field(ge=0)
    set_type: Series[str] = pa.Field(isin=list(SET_TYPES))
    weight_kg: Series[float] = pa.Field(nullable=True, ge=0)
    reps: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    distance_km: Series[float] = pa.Field(nullable=True, ge=0)
    duration_seconds: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    rpe: Series[float] = pa.Field(nullable=True, ge=0, le=10)

    @pa.dataframe_check(error="end_time is before start_time")
    def ends_after_start(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["ended_at"] >= frame["started_at"]

    class Config:
        strict = False
        coerce = False


class SilverWorkoutSet(HevySetRow):
    """A set with its workout structure: the silver_workout_sets asset."""
    training_date: Series[Annotated[pd.ArrowDtype, pyarrow.date32()]]
    duration_minutes: Series[float] = pa.Field(ge=0)
    block_index: Series[int] = pa.Field(ge=0)
    set_order: Series[int] = pa.Field(ge=0)
    workout_hash: Series[str] = pa.Field(str_length={"min_value": 64, "max_value": 64})
    # The Hevy API's ids: missing in rows from a CSV export.
    hevy_workout_id: Series[str] = pa.Field(nullable=True)
    hevy_exercise_id: Series[str] = pa.Field(nullable=True)
    hevy_set_id: Series[str] = pa.Field(nullable=True)
    exercise_template_id: Series[str] = pa.Field(nullable=True)


class SilverApiWorkoutSet(SilverWorkoutSet):
    """A set from the Hevy API: every id present, each set once."""
    hevy_workout_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    hevy_exercise_id: Series[str] = pa.Field(nullable=False)
    hevy_set_id: Series[str] = pa.Field(nullable=False, unique=True)
    exercise_template_id: Series[str] = pa.Field(nullable=True)  # the document does not promise one


class SilverDietDay(pa.DataFrameModel):
    athlete_id: Series[str]
    source_line: Series[int] = pa.Field(ge=1)
    diet_date: Series[pd.Timestamp]
    carbs_g: Series[float] = pa.Field(nullable=True, ge=0)
    protein_g: Series[float] = pa.Field(nullable=True, ge=0)
    fat_g: Series[float] = pa.Field(nullable=True, ge=0)
    calories_kcal: Series[float] = pa.Field(nullable=True, ge=0)
    cardio_weekly_min: Series[float] = pa.Field(nullable=True, ge=0)
    cycle_id: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    bodyweight_kg: Series[float] = pa.Field(nullable=True, gt=0)
    notes: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


class SilverCycle(pa.DataFrameModel):
    athlete_id: Series[str]
    cycle_id: Series[int] = pa.Field(ge=0)
    cycle_name: Series[str]
    cycle_type: Series[str] = pa.Field(isin=list(CYCLE_TYPES))
    start_date: Series[pd.Timestamp]
    end_date: Series[pd.Timestamp] = pa.Field(nullable=True)

    @pa.dataframe_check(error="cycle ends before it starts")
    def ends_after_start(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["end_date"].isna() | (frame["end_date"] >= frame["start_date"])

    @pa.dataframe_check(error="cycle_id is described in two different ways")
    def one_description_per_id(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame.duplicated(["athlete_id", "cycle_id"], keep=False)

    class Config:
        strict = False
        coerce = False


class SilverActivity(pa.DataFrameModel):
    """One MapMyRun / MapMyFitness activity in km, seconds and min/km: the silver_activities asset.

    Max pace and max speed are kept as logged (often 0 or physically impossible); plausibility of
    speeds and heart rates is judged by asset checks, not here.
    """
    athlete_id: Series[str]
    source_sha256: Series[str]
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=1)
    source: Series[str] = pa.Field(isin=["mapmyrun"])
    source_workout_id: Series[str] = pa.Field(str_matches=r"^\w+$")
    activity_date: Series[pd.Timestamp]
    submitted_date: Series[pd.Timestamp]
    activity_type: Series[str] = pa.Field(str_length={"min_value": 1})
    distance_km: Series[float] = pa.Field(nullable=True, ge=0)
    duration_s: Series[float] = pa.Field(nullable=True, ge=0)
    avg_pace_min_per_km: Series[float] = pa.Field(nullable=True, ge=0)
    max_pace_min_per_km: Series[float] = pa.Field(nullable=True, ge=0)
    avg_speed_kmh: Series[float] = pa.Field(nullable=True, ge=0)
    max_speed_kmh: Series[float] = pa.Field(nullable=True, ge=0)
    calories_kcal: Series[float] = pa.Field(nullable=True, ge=0)
    avg_heart_rate: Series[float] = pa.Field(nullable=True, gt=0)
    steps: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    notes: Series[str] = pa.Field(nullable=True)
    source_device: Series[str] = pa.Field(nullable=True)
    link: Series[str]
    activity_hash: Series[str] = pa.Field(str_length={"min_value": 64, "max_value": 64})

    @pa.dataframe_check(error="a workout id appears twice in one export")
    def one_row_per_workout_id(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame.duplicated(["athlete_id", "source", "source_workout_id"], keep=False)

    class Config:
        strict = False
        coerce = False
