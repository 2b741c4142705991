"""The anomaly flagging as first written (row-wise reasons for every value), kept as the reference
the vectorised lib/insights/anomalies.py must match byte for byte on generated frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fitness_assets.lib.insights.anomalies import (
    ANOMALY_COLUMNS,
    DECIMALS,
    GROUP,
    MAD_SCALE,
    MEAN_AD_SCALE,
    METHODS,
    AnomalyParameters,
)


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
