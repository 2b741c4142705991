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
    `method` flags."""
    if method not in METHODS:
        raise ValueError(f"unknown anomaly method {method!r}; expected one of {', '.join(METHODS)}")
    return _flag(_Groups(values), method, params)


class _Groups:
    """The judged values (missing ones dropped) and their groups, numbered once: grouping by one
    integer code is several times faster than by GROUP's four text columns, and every method
    shares the groups, their sizes and their medians."""

    def __init__(self, values: pd.DataFrame):
        self.frame = values.dropna(subset=["value"]).reset_index(drop=True)
        self.codes = self.frame.groupby(GROUP, sort=False, dropna=False).ngroup().to_numpy()
        self.x = self.frame["value"].to_numpy(dtype=float)
        self.values = pd.Series(self.x).groupby(self.codes, sort=False)
        self.size = self.values.transform("size").to_numpy()
        self.median = self.values.transform("median").to_numpy(dtype=float)

    def of(self, numbers: np.ndarray):
        return pd.Series(numbers).groupby(self.codes, sort=False)


def _flag(groups: _Groups, method: str, params: AnomalyParameters) -> pd.DataFrame:
    """One groupby transform per statistic over every row; the reasons (the slow part, one string
    each) only for the rows flagged."""
    x, centre = groups.x, groups.median
    if method == "iqr":
        k = float(params.iqr_k)
        q1 = groups.values.transform("quantile", 0.25).to_numpy(dtype=float)
        q3 = groups.values.transform("quantile", 0.75).to_numpy(dtype=float)
        spread = q3 - q1
        lower, upper, limit = q1 - k * spread, q3 + k * spread, k
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (x - centre) / spread
        flagged = (x < lower) | (x > upper)
    else:
        limit = float(params.zscore_threshold if method == "zscore" else params.modified_zscore_threshold)
        if method == "zscore":
            centre = groups.values.transform("mean").to_numpy(dtype=float)
            spread = groups.values.transform("std", ddof=0).to_numpy(dtype=float)
        else:
            deviation = groups.of(np.abs(x - centre))
            mad = deviation.transform("median").to_numpy(dtype=float)
            mean_ad = deviation.transform("mean").to_numpy(dtype=float)
            # the spread M divides by: MAD / 0.6745, or 1.253314 · MeanAD when the MAD is 0
            spread = np.where(mad > 0, mad / MAD_SCALE, MEAN_AD_SCALE * mean_ad)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (x - centre) / spread
        lower, upper = centre - limit * spread, centre + limit * spread
        flagged = np.abs(score) > limit
    judged = (groups.size >= int(params.anomaly_min_group)) & (spread > 0) & np.isfinite(spread)
    chosen = np.flatnonzero(flagged & judged)
    out = groups.frame.iloc[chosen].copy()
    out["method"] = method
    out["score"], out["threshold"] = score[chosen], np.full(len(chosen), limit)
    out["lower_bound"], out["upper_bound"], out["centre"] = lower[chosen], upper[chosen], centre[chosen]
    out["group_median"] = groups.median[chosen]
    out["group_size"] = groups.size[chosen].astype("int64")
    # Python floats: formatting a NumPy float is several times slower
    lo, hi, s, c, z = (a[chosen].tolist() for a in (lower, upper, spread, centre, score))
    if method == "iqr":
        words = [f"outside Tukey's fences {_fmt(a)}–{_fmt(b)} (Q1 − {limit:g}·IQR, Q3 + {limit:g}·IQR; "
                 f"IQR {_fmt(d)}, median {_fmt(m)})" for a, b, d, m in zip(lo, hi, s, c)]
    elif method == "zscore":
        words = [f"z = {score_:.2f}, beyond ±{limit:g} (mean {_fmt(m)}, standard deviation {_fmt(d)})"
                 for score_, m, d in zip(z, c, s)]
    else:
        words = [f"modified z = {score_:.2f}, beyond ±{limit:g} (median {_fmt(m)}, "
                 + (f"MAD {_fmt(a)})" if a > 0 else f"MAD 0, mean absolute deviation {_fmt(b)})")
                 for score_, m, a, b in zip(z, c, mad[chosen].tolist(), mean_ad[chosen].tolist())]
    out["reason"] = [f"{m} {_fmt(v)} " + ("above" if v > middle else "below") + f" its group: {w}"
                     for m, v, middle, w in zip(out["metric"], out["value"].tolist(), c, words)]
    return out[ANOMALY_COLUMNS]


def find_anomalies(values: pd.DataFrame, params: AnomalyParameters, methods: tuple[str, ...] = METHODS
                   ) -> pd.DataFrame:
    """Every method's flagged rows, ordered by athlete, date, dataset, record, metric, method."""
    groups = _Groups(values) if methods else None
    found = [_flag(groups, method, params) for method in methods]
    result = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ANOMALY_COLUMNS)
    for column in ("value", "score", "threshold", "lower_bound", "upper_bound", "centre", "group_median"):
        result[column] = result[column].astype(float).round(DECIMALS) + 0.0
    result["group_size"] = result["group_size"].astype("int64")
    return result.sort_values(["athlete_id", "record_date", "dataset", "record_key", "metric", "method"],
                              kind="stable").reset_index(drop=True)


TEXT_COLUMNS = ("athlete_id", "dataset", "record_key", "group_key", "metric")


def judged_values(*parts: pd.DataFrame) -> pd.DataFrame:
    """activity_values, set_values and diet_values as one frame of INPUT_COLUMNS.

    Their text columns are made one string dtype first: the readers give pandas' "string" for
    some and "str" for others, and concatenating the two falls back to Python objects. On the
    benchmark's million sets that frame took 1.5 GB, and 0.7 GB as strings (the peak of the
    anomalies step 1.9 → 1.3 GB, find_anomalies 3.7 → 2.2 s, the same flags)."""
    text = {column: "str" for column in TEXT_COLUMNS}
    return pd.concat([part.astype(text) for part in parts], ignore_index=True)


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
    if not metrics or base.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object") for c in INPUT_COLUMNS})
    # dates converted once per record, not once per metric: a million Python dates cost seconds
    base = base.assign(record_date=pd.to_datetime(base["record_date"]).dt.date)
    parts = [base.assign(metric=name, value=pd.to_numeric(values, errors="coerce").astype(float))
             for name, values in metrics.items()]
    return pd.concat(parts, ignore_index=True)[INPUT_COLUMNS]
