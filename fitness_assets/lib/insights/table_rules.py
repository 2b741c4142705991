"""Rules the insight tables must obey (their asset checks): each returns the offending rows,
empty when the rule holds. They are arithmetic the tables promise, so a failure is a bug."""

from __future__ import annotations

import pandas as pd

from fitness_assets.lib.insights.consistency import SCORE_COLUMNS

# Rounding to the tables' decimals may move a bound by this much.
TOLERANCE = 1e-5


def scores_out_of_range(scores: pd.DataFrame) -> pd.DataFrame:
    """Athlete-weeks whose score or a dimension score is outside 0–100 (NULL dimensions are fine)."""
    bad = pd.Series(False, index=scores.index)
    for column in SCORE_COLUMNS:
        values = scores[column].astype(float)
        bad |= values.notna() & ((values < 0) | (values > 100))
    bad |= scores["consistency_score"].isna()
    return scores.loc[bad, ["athlete_id", "week_start", *SCORE_COLUMNS]]


def intervals_without_estimate(trends: pd.DataFrame, forecasts: pd.DataFrame) -> pd.DataFrame:
    """Trends whose slope is outside its confidence interval, and forecast weeks whose prediction
    is outside its intervals or whose prediction interval is narrower than the line's."""
    slope = trends[(trends["slope_ci_low"] > trends["slope_per_week"] + TOLERANCE)
                   | (trends["slope_per_week"] > trends["slope_ci_high"] + TOLERANCE)]
    ahead = forecasts[(forecasts["mean_ci_low"] > forecasts["predicted"] + TOLERANCE)
                      | (forecasts["predicted"] > forecasts["mean_ci_high"] + TOLERANCE)
                      | (forecasts["pi_low"] > forecasts["mean_ci_low"] + TOLERANCE)
                      | (forecasts["mean_ci_high"] > forecasts["pi_high"] + TOLERANCE)]
    columns = ["athlete_id", "metric", "exercise_name", "window_weeks"]
    return pd.concat([slope[columns].assign(problem="slope outside its confidence interval"),
                      ahead[[*columns, "week_start"]].assign(problem="forecast outside its intervals")],
                     ignore_index=True)


def flags_inside_bounds(anomalies: pd.DataFrame) -> pd.DataFrame:
    """Flagged values strictly inside their method's bounds (a value on a bound after rounding is
    still outside it)."""
    inside = (anomalies["value"] > anomalies["lower_bound"]) & (anomalies["value"] < anomalies["upper_bound"])
    return anomalies.loc[inside, ["athlete_id", "dataset", "record_key", "metric", "method", "value",
                                  "lower_bound", "upper_bound"]]


def shares_not_summing_to_one(periods: pd.DataFrame) -> pd.DataFrame:
    """Periods with labelled activities whose run, walk, mixed and outlier shares do not sum to 1."""
    shares = periods[["run_share", "walk_share", "mixed_share", "outlier_share"]].astype(float)
    labelled = periods[["runs", "walks", "mixed", "outliers"]].sum(axis=1) > 0
    total = shares.sum(axis=1, min_count=1)
    bad = labelled & ((total - 1).abs() > 1e-3)
    return periods.loc[bad, ["athlete_id", "period", "runs", "walks", "mixed", "outliers"]].assign(share_sum=total[bad])
