"""The curated exercise → muscle group map shipped with the package (data/exercise_muscle_map.csv)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd


@cache
def _load() -> pd.DataFrame:
    with resources.files("fitness_assets.data").joinpath("exercise_muscle_map.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def curated_muscle_map() -> pd.DataFrame:
    return _load().copy()  # callers may modify their copy
