"""Anomalies: values far from their group, by three methods, each flagged row with its reason.

Values are compared within a group of like values (`group_key`): runs with runs and walks with
walks (per the classifier's label); sets of one exercise with each other (warm-ups and drop
sets apart from working sets); diet days of one diet cycle (a cut's calories are not a bulk's).
Groups smaller than `anomaly_min_group` are not judged. Methods (x a value of the group):

- **iqr** (Tukey's fences): Q1 − k·IQR ≤ x ≤ Q3 + k·IQR with k = `iqr_k` (1.5); quartiles
  by linear interpolation (numpy's default). score = (x − median) / IQR.
- **zscore**: |x − mean| / σ ≤ `zscore_threshold` (3), σ the population standard deviation.
  The outlier itself inflates σ, so in a group of n values no z can exceed (n − 1)/√n: with
  fewer than 11 values a threshold of 3 can never be crossed.
- **mad** (modified z-score, Iglewicz and Hoaglin): M = 0.6745 · (x − median) / MAD with MAD the
  median absolute deviation; flagged when |M| > `modified_zscore_threshold` (3.5). When more
  than half the group shares one value the MAD is 0; then the mean absolute deviation stands in,
  M = (x − median) / (1.253314 · MeanAD), as IBM SPSS and Iglewicz–Hoaglin's follow-ups do.

A group without spread for a method (IQR, σ or both deviations 0) gets no flags from it: every
value equals the centre or the method cannot say how far is far. Bounds are the values a flagged
x lies beyond; `reason` says it in words with the numbers used.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

METHODS = ("iqr", "zscore", "mad")
MAD_SCALE = 0.6745
MEAN_AD_SCALE = 1.253314
DECIMALS = 6
INPUT_COLUMNS = ["athlete_id", "dataset", "record_key", "record_date", "group_key", "metric", "value"]
ANOMALY_COLUMNS = ["athlete_id", "dataset", "record_key", "record_date", "group_key", "metric", "method", "value",
                   "score", "threshold", "lower_bound", "upper_bound", "centre", "group_median", "group_size", "reason"]
GROUP = ["athlete_id", "dataset", "group_key", "metric"]


class AnomalyParameters(Protocol):
    iqr_k: float
    zscore_threshold: float
    modified_zscore_threshold: float
    anomaly_min_group: int


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"


def flag_method(values: pd.DataFrame, method: str, params: AnomalyParameters) -> pd.DataFrame:
    """ANOMALY_COLUMNS for the rows of `values` (INPUT_COLUMNS, judged within GROUP) that
    `method` flags. Vectorised: one groupby per statistic."""
    if method not in METHODS:
        raise ValueError(f"unknown anomaly method {method!r}; expected one of {', '.join(METHODS)}")
    frame = values.dropna(subset=["value"]).reset_index(drop=True)
    groups = frame.groupby(GROUP, sort=False, dropna=False)["value"]
    size = groups.transform("size")
    median = groups.transform("median").to_numpy(dtype=float)
    x = frame["value"].to_numpy(dtype=float)
    if method == "iqr":
        k = float(params.iqr_k)
        q1, q3 = groups.transform("quantile", 0.25), groups.transform("quantile", 0.75)
        centre = groups.transform("median").to_numpy(dtype=float)
        spread = (q3 - q1).to_numpy(dtype=float)
        lower, upper = q1.to_numpy(dtype=float) - k * spread, q3.to_numpy(dtype=float) + k * spread
        threshold = np.full(len(frame), k)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (x - centre) / spread
        flagged = (x < lower) | (x > upper)
        words = [f"outside Tukey's fences {_fmt(lo)}–{_fmt(hi)} (Q1 − {k:g}·IQR, Q3 + {k:g}·IQR; IQR {_fmt(s)}, "
                 f"median {_fmt(c)})" for lo, hi, s, c in zip(lower, upper, spread, centre)]
    elif method == "zscore":
        limit = float(params.zscore_threshold)
        centre = groups.transform("mean").to_numpy(dtype=float)
        spread = groups.transform("std", ddof=0).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (x - centre) / spread
        lower, upper = centre - limit * spread, centre + limit * spread
        threshold = np.full(len(frame), limit)
        flagged = np.abs(score) > limit
        words = [f"z = {z:.2f}, beyond ±{limit:g} (mean {_fmt(c)}, standard deviation {_fmt(s)})"
                 for z, c, s in zip(score, centre, spread)]
    else:
        limit = float(params.modified_zscore_threshold)
        centre = groups.transform("median").to_numpy(dtype=float)
        deviation = pd.Series(np.abs(x - centre), index=frame.index)
        by_group = deviation.groupby([frame[c] for c in GROUP], sort=False, dropna=False)
        mad = by_group.transform("median").to_numpy(dtype=float)
        mean_ad = by_group.transform("mean").to_numpy(dtype=float)
        # the spread M divides by: MAD / 0.6745, or 1.253314 · MeanAD when the MAD is 0
        spread = np.where(mad > 0, mad / MAD_SCALE, MEAN_AD_SCALE * mean_ad)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (x - centre) / spread
        lower, upper = centre - limit * spread, centre + limit * spread
        threshold = np.full(len(frame), limit)
        flagged = np.abs(score) > limit
        words = [f"modified z = {z:.2f}, beyond ±{limit:g} (median {_fmt(c)}, "
                 + (f"MAD {_fmt(m)})" if m > 0 else f"MAD 0, mean absolute deviation {_fmt(a)})")
                 for z, c, m, a in zip(score, centre, mad, mean_ad)]
    judged = (size.to_numpy() >= int(params.anomaly_min_group)) & (spread > 0) & np.isfinite(spread)
    chosen = np.flatnonzero(flagged & judged)
    out = frame.iloc[chosen].copy()
    out["method"] = method
    out["score"], out["threshold"] = score[chosen], threshold[chosen]
    out["lower_bound"], out["upper_bound"], out["centre"] = lower[chosen], upper[chosen], centre[chosen]
    out["group_median"] = median[chosen]
    out["group_size"] = size.to_numpy()[chosen].astype("int64")
    out["reason"] = [f"{m} {_fmt(v)} " + ("above" if v > c else "below") + f" its group: {words[i]}"
                     for i, m, v, c in zip(chosen, out["metric"], out["value"], out["centre"])]
    return out[ANOMALY_COLUMNS]


def find_anomalies(values: pd.DataFrame, params: AnomalyParameters, methods: tuple[str, ...] = METHODS
                   ) -> pd.DataFrame:
    """Every method's flagged rows, ordered by athlete, date, dataset, record, metric, method."""
    found = [flag_method(values, method, params) for method in methods]
    result = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ANOMALY_COLUMNS)
    for column in ("value", "score", "threshold", "lower_bound", "upper_bound", "centre", "group_median"):
        result[column] = result[column].astype(float).round(DECIMALS) + 0.0
    result["group_size"] = result["group_size"].astype("int64")
    return result.sort_values(["athlete_id", "record_date", "dataset", "record_key", "metric", "method"],
                              kind="stable").reset_index(drop=True)


def activity_values(activities: pd.DataFrame) -> pd.DataFrame:
    """INPUT_COLUMNS of runs and walks: activity_id, athlete_id, activity_date, label,
    distance_km, duration_s, pace_min_per_km → distance_km, duration_min, pace_min_per_km."""
    frame = activities[activities["label"].isin(["run", "walk"])]
    base = pd.DataFrame({"athlete_id": frame["athlete_id"], "dataset": "activities",
                         "record_key": frame["activity_id"].astype("int64").astype(str),
                         "record_date": frame["activity_date"], "group_key": frame["label"]})
    metrics = {"distance_km": frame["distance_km"], "duration_min": frame["duration_s"] / 60.0,
               "pace_min_per_km": frame["pace_min_per_km"]}
    return _long(base, metrics)


def set_values(sets: pd.DataFrame) -> pd.DataFrame:
    """INPUT_COLUMNS of sets: set_id, athlete_id, training_date, exercise_name, set_type, weight_kg,
    reps → weight_kg, reps, grouped by exercise (working sets; warm-ups and drop sets apart)."""
    kind = np.where(sets["set_type"].isin(["warmup", "dropset"]), " [" + sets["set_type"].astype(str) + "]", "")
    base = pd.DataFrame({"athlete_id": sets["athlete_id"], "dataset": "sets",
                         "record_key": sets["set_id"].astype("int64").astype(str),
                         "record_date": sets["training_date"], "group_key": sets["exercise_name"].astype(str) + kind})
    return _long(base, {"weight_kg": sets["weight_kg"], "reps": sets["reps"]})


DIET_METRICS = ("calories_kcal", "protein_g", "carbs_g", "fat_g", "bodyweight_kg")


def diet_values(diet: pd.DataFrame) -> pd.DataFrame:
    """INPUT_COLUMNS of diet days: athlete_id, diet_date, cycle_name (None: no cycle) and DIET_METRICS."""
    base = pd.DataFrame({"athlete_id": diet["athlete_id"], "dataset": "diet_days",
                         "record_key": pd.to_datetime(diet["diet_date"]).dt.strftime("%Y-%m-%d"),
                         "record_date": diet["diet_date"],
                         "group_key": diet["cycle_name"].astype("object").where(diet["cycle_name"].notna(),
                                                                                 "(no cycle)")})
    return _long(base, {metric: diet[metric] for metric in DIET_METRICS})


def _long(base: pd.DataFrame, metrics: dict[str, pd.Series]) -> pd.DataFrame:
    parts = [base.assign(metric=name, value=pd.to_numeric(values, errors="coerce").astype(float))
             for name, values in metrics.items()]
    if not parts or base.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object") for c in INPUT_COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    frame["record_date"] = pd.to_datetime(frame["record_date"]).dt.date
    return frame[INPUT_COLUMNS]
