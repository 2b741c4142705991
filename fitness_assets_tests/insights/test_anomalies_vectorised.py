"""The vectorised anomaly flagging against the row-wise reference it replaced (anomalies_reference.py):
the same rows, numbers and reasons, byte for byte, on a generated frame with every awkward case —
missing values, ties (MAD 0, the mean absolute deviation standing in), groups without spread,
groups too small to judge, a missing group key, values past 10⁴ (formatted without decimals)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from fitness_assets.defs.resources import InsightsResource
from fitness_assets.lib.insights import anomalies
from fitness_assets_tests.insights import anomalies_reference

PARAMS = InsightsResource()


def generated(rows: int = 12_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    groups = np.array([f"Exercise {i}" for i in range(30)] + ["run", "walk", "(no cycle)", "flat", "tiny", None],
                      dtype=object)
    group = groups[np.minimum(rng.integers(0, len(groups) + 6, rows), len(groups) - 1)]  # many without a key
    value = rng.normal(50.0, 10.0, rows)
    planted = rng.random(rows) < 0.02
    value[planted] = value[planted] * rng.choice([-3.0, 4.0, 900.0], planted.sum())
    rounded = rng.random(rows) < 0.4
    value[rounded] = np.round(value[rounded] / 10.0) * 10.0          # ties: MAD 0 in some groups
    value[rng.random(rows) < 0.05] = np.nan
    frame = pd.DataFrame({
        "athlete_id": np.array(["a", "b", "c"])[rng.integers(0, 3, rows)],
        "dataset": np.where(np.isin(group, ["run", "walk"]), "activities", "sets"),
        "record_key": np.arange(rows).astype(str),
        "record_date": [date(2021, 1, 4) + timedelta(days=int(d)) for d in rng.integers(0, 900, rows)],
        "group_key": group, "metric": np.array(["weight_kg", "reps"])[rng.integers(0, 2, rows)], "value": value})
    frame.loc[frame["group_key"] == "flat", "value"] = 7.5           # no spread for any method
    tiny = frame.index[frame["group_key"] == "tiny"]
    frame = frame.drop(tiny[5:])                                     # a few values: below anomaly_min_group
    mostly_equal = frame.index[(frame["group_key"] == "Exercise 0") & (frame["athlete_id"] == "a")
                               & (frame["metric"] == "reps")]
    frame.loc[mostly_equal[: len(mostly_equal) * 9 // 10], "value"] = 8.0   # more than half equal: MAD 0
    return frame.reset_index(drop=True)


@pytest.mark.parametrize("method", anomalies.METHODS)
def test_each_method_matches_the_reference(method):
    frame = generated()
    expected = anomalies_reference.flag_method(frame, method, PARAMS)
    assert len(expected) > 20  # the frame does exercise the method
    pd.testing.assert_frame_equal(anomalies.flag_method(frame, method, PARAMS), expected)


def test_find_anomalies_matches_the_reference_and_covers_the_fallbacks():
    frame = generated()
    expected = anomalies_reference.find_anomalies(frame, PARAMS)
    found = anomalies.find_anomalies(frame, PARAMS)
    pd.testing.assert_frame_equal(found, expected)
    assert found["reason"].str.contains("mean absolute deviation").any()
    assert found["group_key"].isna().any() and not found["group_key"].isin(["flat", "tiny"]).any()
    assert found["reason"].str.contains(r"\d{5,}").any()              # a value past 10⁴, no decimals
    pd.testing.assert_frame_equal(anomalies.find_anomalies(frame.iloc[:0], PARAMS),
                                  anomalies_reference.find_anomalies(frame.iloc[:0], PARAMS))


def test_judged_values_keep_text_as_strings_and_flag_the_same_rows():
    """The parts come with pandas' "string" for some text columns, "str" for others, and objects
    when a part is empty (no activities: activity_values' empty frame); concatenated as they are,
    every text value became a Python object (1.5 GB on the benchmark's million sets).
    judged_values makes them one string dtype, and the flags stay the same."""
    frame = generated()
    half = len(frame) // 2
    no_activities = pd.DataFrame({column: pd.Series(dtype="float64" if column == "value" else object)
                                  for column in anomalies.INPUT_COLUMNS})
    parts = [no_activities, frame.iloc[:half].astype({"athlete_id": "string"}), frame.iloc[half:]]
    assert pd.concat(parts)["athlete_id"].dtype == object  # what concatenating them as they are gives
    judged = anomalies.judged_values(*parts)
    assert [str(judged[column].dtype) for column in anomalies.TEXT_COLUMNS] == ["str"] * 5

    def plain(found: pd.DataFrame) -> pd.DataFrame:
        found = found.astype(object)
        return found.where(found.notna(), None)

    expected = anomalies.find_anomalies(frame, PARAMS)
    assert len(expected) > 100
    pd.testing.assert_frame_equal(plain(anomalies.find_anomalies(judged, PARAMS)), plain(expected))
