"""The curated exercise → muscle group map shipped with the package (data/exercise_muscle_map.csv),
and the exercise title aliases (data/exercise_title_aliases.csv): a CSV exercise title, renamed or
localised, → the title of the Hevy exercise template it is (the warehouse matches titles to
templates case-insensitively, directly or through an alias)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd


@cache
def _load(name: str) -> pd.DataFrame:
    with resources.files("fitness_assets.data").joinpath(name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def curated_muscle_map() -> pd.DataFrame:
    return _load("exercise_muscle_map.csv").copy()  # callers may modify their copy


def exercise_title_aliases() -> pd.DataFrame:
    """Columns alias, template_title."""
    return _load("exercise_title_aliases.csv").copy()
