"""The life event: the week an athlete's running changed (a dog, a child, an injury).

Detected as the single strongest break in two weekly series at once, the number of activities
and their median pace, standardised so neither dominates. `ruptures`' binary segmentation with
an l2 cost finds the split that lowers the within-segment squared error the most; the break is
kept only when that reduction (the *gain*, in units of the standardised variance: a series of
n weeks costs 2n before any split) is at least the configured penalty. Empty weeks count 0
activities and carry the pace of the last week that had one. Deterministic: no sampling.

A date in the configuration wins over detection (`configured_change_point`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import ruptures as rpt

# A segment shorter than this many weeks is not a new era.
MIN_SEGMENT_WEEKS = 4

DETECTED = "detected"
CONFIGURED = "configured"


@dataclass(frozen=True)
class ChangePoint:
    week: date                      # Monday of the first week of the new era
    method: str                     # "detected" or "configured"
    gain: float | None              # l2 cost reduction of the split (detected only)
    weeks_before: int
    weeks_after: int
    weekly_count_before: float      # mean activities per week
    weekly_count_after: float
    median_pace_before: float | None    # min/km over the era's activities
    median_pace_after: float | None

    def as_dict(self) -> dict:
        return {"week": self.week.isoformat(), "method": self.method,
                "gain": None if self.gain is None else round(self.gain, 3),
                "weeks_before": self.weeks_before, "weeks_after": self.weeks_after,
                "weekly_count_before": round(self.weekly_count_before, 3),
                "weekly_count_after": round(self.weekly_count_after, 3),
                "median_pace_before": _round(self.median_pace_before),
                "median_pace_after": _round(self.median_pace_after)}


def _round(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 3)


def monday(dates: pd.Series) -> pd.Series:
    """The Monday of each date's week (PostgreSQL's date_trunc('week'))."""
    days = pd.to_datetime(dates).dt.normalize()
    return days - pd.to_timedelta(days.dt.dayofweek, unit="D")


def weekly_series(dates: pd.Series, paces: pd.Series) -> pd.DataFrame:
    """One row per Monday from the first active week to the last: `count`, `median_pace`
    (NaN in empty weeks) and `pace` (the last known median carried forward, then back)."""
    frame = pd.DataFrame({"week": monday(dates).to_numpy(), "pace": paces.to_numpy(dtype=float)})
    grouped = frame.groupby("week")["pace"].agg(["size", "median"])
    weeks = pd.date_range(grouped.index.min(), grouped.index.max(), freq="7D")
    series = grouped.reindex(weeks).rename(columns={"size": "count", "median": "median_pace"})
    series["count"] = series["count"].fillna(0.0)
    series["pace"] = series["median_pace"].ffill().bfill()
    return series


def _era(series: pd.DataFrame, paces: pd.Series, weeks: pd.Series, start, end) -> tuple[int, float, float | None]:
    part = series[(series.index >= start) & (series.index < end)]
    chosen = paces[(weeks >= start) & (weeks < end)]
    return len(part), float(part["count"].mean()) if len(part) else 0.0, \
        float(chosen.median()) if len(chosen) else None


def _describe(series: pd.DataFrame, dates: pd.Series, paces: pd.Series, week: pd.Timestamp, method: str,
              gain: float | None) -> ChangePoint:
    if len(dates) == 0:
        return ChangePoint(week.date(), method, gain, 0, 0, 0.0, 0.0, None, None)
    weeks = monday(dates).reset_index(drop=True)
    paces = paces.reset_index(drop=True).astype(float)
    before = _era(series, paces, weeks, pd.Timestamp.min, week)
    after = _era(series, paces, weeks, week, pd.Timestamp.max)
    return ChangePoint(week.date(), method, gain, before[0], after[0], before[1], after[1], before[2], after[2])


def detect_change_point(dates: pd.Series, paces: pd.Series, penalty: float) -> ChangePoint | None:
    """The strongest break in weekly (count, median pace), or None when there is too little
    history (fewer than 2 × MIN_SEGMENT_WEEKS weeks) or the best split gains less than `penalty`."""
    if len(dates) == 0:
        return None
    series = weekly_series(dates, paces)
    if len(series) < 2 * MIN_SEGMENT_WEEKS:
        return None
    signal = series[["count", "pace"]].to_numpy(dtype=float)
    spread = signal.std(axis=0)
    signal = (signal - signal.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    algo = rpt.Binseg(model="l2", min_size=MIN_SEGMENT_WEEKS, jump=1).fit(signal)
    breaks = algo.predict(n_bkps=1)
    if len(breaks) < 2:
        return None
    split, end = breaks[0], len(signal)
    gain = float(algo.cost.error(0, end) - algo.cost.error(0, split) - algo.cost.error(split, end))
    if gain < penalty:
        return None
    return _describe(series, dates, paces, series.index[split], DETECTED, gain)


def configured_change_point(dates: pd.Series, paces: pd.Series, when: date) -> ChangePoint:
    """The configured life event (its week's Monday), described like a detected one."""
    week = monday(pd.Series([pd.Timestamp(when)])).iloc[0]
    series = weekly_series(dates, paces) if len(dates) else None
    return _describe(series, dates, paces, week, CONFIGURED, None)
