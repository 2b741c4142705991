"""Trends: an ordinary-least-squares line through a weekly series, its 95 % intervals and a forecast.

For each series (weekly run distance, run pace, bodyweight, calories, each main lift's top
weight: sql/insights/trend_series.sql) and each window of W weeks, the points are the weeks with
a value among the last W weeks up to the series' last week (x = weeks since that last week, so
0 at the last week and negative before it; weeks without a value are simply absent). With n ≥
MIN_POINTS points:

    slope b = Sxy / Sxx,  intercept a = ȳ − b·x̄ (the fitted value at the last week),
    s² = Σ residual² / (n − 2),  SE(b) = s / √Sxx,  t = b / SE(b),
    p = 2 · P(T_{n−2} > |t|),  95 % CI of b = b ± t_{0.975, n−2} · SE(b);

for h = 1 … forecast_weeks weeks ahead (x = h): ŷ = a + b·h, the line's 95 % interval
ŷ ± t · s · √(1/n + (h − x̄)² / Sxx) and the 95 % prediction interval of one new week
ŷ ± t · s · √(1 + 1/n + (h − x̄)² / Sxx). The same numbers as scipy.stats.linregress and
statsmodels' OLS (the tests compare with linregress). An exact fit (s = 0) has p = 0 when the
slope is not 0 (p = 1 when it is) and zero-width intervals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from fitness_assets.lib.insights.change_point import week_numbers, week_start

MIN_POINTS = 4
CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
SERIES_KEY = ["athlete_id", "metric", "exercise_name"]
SERIES_COLUMNS = ["athlete_id", "metric", "exercise_name", "exercise_id", "week_start", "value"]
TREND_COLUMNS = ["athlete_id", "metric", "exercise_name", "exercise_id", "window_weeks", "first_week", "last_week",
                 "points", "slope_per_week", "slope_ci_low", "slope_ci_high", "slope_std_error", "t_statistic",
                 "p_value", "significant", "intercept", "r_squared", "residual_std"]
FORECAST_COLUMNS = ["athlete_id", "metric", "exercise_name", "window_weeks", "week_start", "weeks_ahead", "predicted",
                    "mean_ci_low", "mean_ci_high", "pi_low", "pi_high"]
DECIMALS = 6


class TrendParameters(Protocol):
    trend_windows_weeks: list[int]
    forecast_weeks: int


@dataclass(frozen=True)
class Trend:
    points: int
    slope: float
    slope_ci: tuple[float, float]
    slope_std_error: float
    t_statistic: float | None
    p_value: float
    intercept: float                  # fitted value at x = 0 (the last week)
    r_squared: float | None
    residual_std: float
    x_mean: float
    sxx: float
    t_critical: float

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE

    def forecast(self, weeks_ahead: Iterable[int]) -> pd.DataFrame:
        """predicted, the line's interval and the prediction interval at each x = h weeks ahead."""
        h = np.asarray(list(weeks_ahead), dtype=float)
        predicted = self.intercept + self.slope * h
        leverage = 1 / self.points + (h - self.x_mean) ** 2 / self.sxx
        mean_half = self.t_critical * self.residual_std * np.sqrt(leverage)
        new_half = self.t_critical * self.residual_std * np.sqrt(1 + leverage)
        return pd.DataFrame({"weeks_ahead": h.astype(int), "predicted": predicted,
                             "mean_ci_low": predicted - mean_half, "mean_ci_high": predicted + mean_half,
                             "pi_low": predicted - new_half, "pi_high": predicted + new_half})


def fit_trend(x: np.ndarray, y: np.ndarray, confidence: float = CONFIDENCE) -> Trend | None:
    """OLS of y on x (see the module docstring); None with fewer than MIN_POINTS points or no
    spread in x."""
    # Student's t from scipy.special, the functions scipy.stats.t's ppf and sf call (equal on
    # 200,000 random cases): importing scipy.stats costs ~1.4 s, which a re-run that fits one
    # athlete's series would spend on the import alone. Imported here: loading the code location
    # should not pay for SciPy.
    from scipy import special

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if n < MIN_POINTS:
        return None
    x_mean, y_mean = x.mean(), y.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return None
    syy = float(((y - y_mean) ** 2).sum())
    slope = float(((x - x_mean) * (y - y_mean)).sum() / sxx)
    intercept = float(y_mean - slope * x_mean)
    residuals = y - (intercept + slope * x)
    dof = n - 2
    residual_std = float(np.sqrt((residuals ** 2).sum() / dof))
    std_error = residual_std / np.sqrt(sxx)
    t_critical = float(special.stdtrit(dof, 0.5 + confidence / 2))
    if std_error > 0:
        t_statistic = slope / std_error
        p_value = float(2 * special.stdtr(dof, -abs(t_statistic)))
    else:  # an exact fit: the slope is known without error
        t_statistic, p_value = None, 0.0 if slope != 0 else 1.0
    r_squared = 1 - float((residuals ** 2).sum()) / syy if syy > 0 else None
    return Trend(n, slope, (slope - t_critical * std_error, slope + t_critical * std_error), float(std_error),
                 None if t_statistic is None else float(t_statistic), p_value, intercept,
                 r_squared, residual_std, float(x_mean), sxx, t_critical)


def trend_tables(series: pd.DataFrame, params: TrendParameters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(TREND_COLUMNS, FORECAST_COLUMNS) for every series of SERIES_COLUMNS and window."""
    trends, forecasts = [], []
    horizon = range(1, int(params.forecast_weeks) + 1)
    windows = sorted({int(w) for w in params.trend_windows_weeks if int(w) > 0})
    ordered = series.sort_values([*SERIES_KEY, "week_start"], kind="stable")
    for (athlete, metric, exercise), own in ordered.groupby(SERIES_KEY, sort=True):
        weeks = week_numbers(own["week_start"])
        values = own["value"].to_numpy(dtype=float)
        last = int(weeks.max())
        exercise_id = own["exercise_id"].iloc[0]
        for window in windows:
            inside = weeks > last - window
            trend = fit_trend(weeks[inside] - last, values[inside])
            if trend is None:
                continue
            key = {"athlete_id": athlete, "metric": metric, "exercise_name": exercise}
            trends.append({**key, "exercise_id": exercise_id, "window_weeks": window,
                           "first_week": week_start(int(weeks[inside].min())), "last_week": week_start(last),
                           "points": trend.points, "slope_per_week": trend.slope, "slope_ci_low": trend.slope_ci[0],
                           "slope_ci_high": trend.slope_ci[1], "slope_std_error": trend.slope_std_error,
                           "t_statistic": trend.t_statistic, "p_value": trend.p_value,
                           "significant": trend.significant, "intercept": trend.intercept,
                           "r_squared": trend.r_squared, "residual_std": trend.residual_std})
            ahead = trend.forecast(horizon)
            ahead.insert(0, "week_start", [week_start(last + h) for h in horizon])
            for name, value in (*key.items(), ("window_weeks", window)):
                ahead[name] = value
            forecasts.append(ahead)
    trend_frame = pd.DataFrame(trends, columns=TREND_COLUMNS)
    forecast_frame = (pd.concat(forecasts, ignore_index=True)[FORECAST_COLUMNS] if forecasts
                      else pd.DataFrame(columns=FORECAST_COLUMNS))
    # p-values to 6 significant digits (a tiny p stays readable), the rest to DECIMALS places
    trend_frame["p_value"] = [float(f"{p:.6g}") for p in trend_frame["p_value"]]
    for column in ("slope_per_week", "slope_ci_low", "slope_ci_high", "slope_std_error", "t_statistic",
                   "intercept", "r_squared", "residual_std"):
        trend_frame[column] = pd.to_numeric(trend_frame[column]).astype(float).round(DECIMALS) + 0.0
    trend_frame["significant"] = trend_frame["significant"].astype(bool)
    trend_frame["exercise_id"] = trend_frame["exercise_id"].astype("Int64")
    for column in ("points", "window_weeks"):
        trend_frame[column] = trend_frame[column].astype("int64")
    for column in ("predicted", "mean_ci_low", "mean_ci_high", "pi_low", "pi_high"):
        forecast_frame[column] = forecast_frame[column].astype(float).round(DECIMALS) + 0.0
    return trend_frame, forecast_frame
