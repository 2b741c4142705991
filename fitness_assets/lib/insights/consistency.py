"""Consistency: one score from 0 to 100 per athlete-week, from four dimensions, each kept with its inputs.

A *session* is a lifting workout or a logged activity (a run, a walk, a ride …) that the
classifier did not mark as an outlier. Weeks start on Monday; the *window* is the week and the
`window_weeks − 1` weeks before it (fewer at the start of a history). Each dimension is 0–100:

1. **Frequency** = 100 · min(1, sessions this week / max(norm, 1)), with norm the median of the
   weekly session counts of the previous `window_weeks` weeks (not this one). Meeting your own
   recent habit scores 100; the floor of one session keeps a week after a break from dividing
   by zero (and a week without sessions scores 0).
2. **Timing regularity** = the mean of the available parts, × 100:
   - *weekdays*: the usual pattern is the set of weekdays trained in more than half the window's
     weeks. Over the window's (week, weekday) cells that were trained or belong to the pattern,
     the share that agree with the pattern (trained on a usual day, or a usual day not missed):
     1 − mismatches / cells. The same days every week give 1; one random day a week gives 0.
   - *clock time* (lifting sessions only: activities carry a date, not a time): the mean
     resultant length R of the start times on a 24-hour circle, 1 when every session starts at
     the same minute, 0 when they are spread evenly round the clock (σ = 1 h gives ≈ 0.97, 3 h ≈ 0.73).
   No session in the window: no timing score.
3. **Performance stability** = 100 · max(0, 1 − mean CV), the mean over the available
   coefficients of variation (sample standard deviation / mean) of the window's run paces, run
   distances and weekly lifting volumes (Σ weight × reps of the working sets, weeks with lifting
   only). Each CV needs at least MIN_CV_VALUES values; with none available, no stability score.
4. **Streaks**: days and weeks in a row with a session, as of the week's Sunday. The *current*
   streak of days ends on that Sunday (0 when Sunday had no session); the current streak of
   weeks ends with this week (0 when this week had no session); *longest* is the longest up to
   that Sunday. Score = 100 · min(1, current streak of weeks / `streak_target_weeks`).

**Consistency score** = the mean of the available dimension scores (frequency and streaks are
always available), rounded to 1 decimal. Every athlete has one row per week from the week of
their first session to their last week with data of any kind (`through`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import pandas as pd

from fitness_assets.lib.insights.change_point import week_numbers, week_start

MIN_CV_VALUES = 3
_DAY = np.timedelta64(1, "D")

SESSION_COLUMNS = ("athlete_id", "session_date", "started_at", "kind")   # kind: 'lifting' or 'activity'
RUN_COLUMNS = ("athlete_id", "activity_date", "distance_km", "pace_min_per_km")
VOLUME_COLUMNS = ("athlete_id", "week_start", "volume_kg")
CONSISTENCY_COLUMNS = [
    "athlete_id", "week_start", "consistency_score", "window_weeks",
    "frequency_score", "sessions", "lifting_sessions", "activity_sessions", "norm_sessions", "norm_weeks",
    "timing_score", "weekday_regularity", "time_of_day_regularity", "training_days_in_window",
    "timed_sessions_in_window",
    "stability_score", "run_pace_cv", "run_distance_cv", "lifting_volume_cv", "runs_in_window",
    "lifting_weeks_in_window",
    "streak_score", "current_streak_days", "longest_streak_days", "current_streak_weeks", "longest_streak_weeks",
]
INTEGER_COLUMNS = ("window_weeks", "sessions", "lifting_sessions", "activity_sessions", "norm_weeks",
                   "training_days_in_window", "timed_sessions_in_window", "runs_in_window",
                   "lifting_weeks_in_window", "current_streak_days", "longest_streak_days",
                   "current_streak_weeks", "longest_streak_weeks")
SCORE_COLUMNS = ("consistency_score", "frequency_score", "timing_score", "weekday_regularity",
                 "time_of_day_regularity", "stability_score", "streak_score")


class ConsistencyParameters(Protocol):
    """What the score reads; the Dagster InsightsResource is one and owns the defaults."""
    consistency_window_weeks: int
    streak_target_weeks: int


def streaks(units: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(current, longest) runs of consecutive integers in `units` (sorted, unique: day or week
    numbers with a session), as of each value of `at`: current ends exactly at `at` (0 when `at`
    is not in `units`), longest is the longest run up to and including `at`."""
    at = np.asarray(at, dtype=np.int64)
    if len(units) == 0:
        return np.zeros(len(at), dtype=np.int64), np.zeros(len(at), dtype=np.int64)
    units = np.asarray(units, dtype=np.int64)
    breaks = np.flatnonzero(np.diff(units) != 1)
    starts = units[np.r_[0, breaks + 1]]
    ends = units[np.r_[breaks, len(units) - 1]]
    best_so_far = np.maximum.accumulate(ends - starts + 1)
    finished = np.searchsorted(ends, at, side="right")            # runs ended on or before `at`
    longest_finished = np.where(finished > 0, best_so_far[np.maximum(finished - 1, 0)], 0)
    containing = np.searchsorted(starts, at, side="right") - 1    # the run that may hold `at`
    inside = (containing >= 0) & (ends[np.maximum(containing, 0)] >= at)
    current = np.where(inside, at - starts[np.maximum(containing, 0)] + 1, 0)
    return current, np.maximum(longest_finished, current)


def _window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over the trailing `window` rows (the row itself included), along axis 0."""
    cumulative = np.cumsum(np.concatenate([np.zeros((1, *values.shape[1:])), values]), axis=0)
    lagged = np.concatenate([np.zeros((window, *values.shape[1:])), cumulative], axis=0)[: len(cumulative)]
    return (cumulative - lagged)[1:]


def _previous_medians(counts: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(median of the previous `window` values, how many there were) for each position."""
    n = len(counts)
    medians = np.full(n, np.nan)
    used = np.minimum(np.arange(n), window)
    if n > 1:
        padded = np.concatenate([np.full(window, np.nan), counts.astype(float)])
        windows = np.lib.stride_tricks.sliding_window_view(padded, window)[:n]   # previous `window` values
        medians[1:] = np.nanmedian(windows[1:], axis=1)
    return medians, used


def _cv(sums: np.ndarray, squares: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Coefficient of variation (sample standard deviation / mean) from windowed sums."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums / counts
        variance = np.maximum(squares - sums * mean, 0.0) / (counts - 1)
        cv = np.sqrt(variance) / mean
    return np.where((counts >= MIN_CV_VALUES) & (mean > 0), cv, np.nan)


def _row_mean(values: np.ndarray) -> np.ndarray:
    """Mean of each row's available (non-NaN) values; NaN when a row has none."""
    known = ~np.isnan(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(known.any(axis=1), np.where(known, values, 0.0).sum(axis=1) / known.sum(axis=1), np.nan)


def _weekly_sums(week_index: np.ndarray, values: np.ndarray, span: int) -> tuple[np.ndarray, ...]:
    ok = ~np.isnan(values)
    index, kept = week_index[ok], values[ok]
    return (np.bincount(index, kept, minlength=span), np.bincount(index, kept * kept, minlength=span),
            np.bincount(index, minlength=span).astype(float))


def _athlete_scores(athlete: str, sessions: pd.DataFrame, runs: pd.DataFrame, volume: pd.DataFrame,
                    last_week: int | None, params: ConsistencyParameters) -> pd.DataFrame:
    window = int(params.consistency_window_weeks)
    days = sessions["session_date"].to_numpy(dtype="datetime64[D]")
    weeks = week_numbers(sessions["session_date"])
    first = int(weeks.min())
    last = max(int(weeks.max()), last_week if last_week is not None else first)
    span = last - first + 1
    index = weeks - first
    lifting = (sessions["kind"] == "lifting").to_numpy()
    count = np.bincount(index, minlength=span)
    lifting_count = np.bincount(index[lifting], minlength=span)

    # 1. frequency
    norm, norm_weeks = _previous_medians(count, window)
    frequency = 100 * np.minimum(1.0, count / np.maximum(np.nan_to_num(norm, nan=0.0), 1.0))

    # 2. timing: weekday pattern over distinct training days, clock time of lifting starts
    unique_days = np.unique(days)
    day_weeks = week_numbers(pd.Series(unique_days)) - first
    weekday = (unique_days.astype(np.int64) - 4) % 7                 # 1970-01-05 was a Monday
    trained = np.zeros((span, 7))
    trained[day_weeks, weekday] = 1.0
    cells = _window_sums(trained, window)
    weeks_in_window = np.minimum(np.arange(span) + 1, window)[:, None].astype(float)
    usual = cells > weeks_in_window / 2
    mismatches = np.where(usual, weeks_in_window - cells, cells).sum(axis=1)
    considered = np.where(usual, weeks_in_window, cells).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weekday_regularity = np.where(considered > 0, 1 - mismatches / considered, np.nan)
    started = pd.to_datetime(sessions["started_at"])
    timed = lifting & started.notna().to_numpy()
    minutes = (started.dt.hour * 60 + started.dt.minute + started.dt.second / 60).to_numpy(dtype=float)[timed]
    angle = 2 * np.pi * minutes / 1440.0
    circle = np.column_stack([np.bincount(index[timed], np.cos(angle), minlength=span),
                              np.bincount(index[timed], np.sin(angle), minlength=span),
                              np.bincount(index[timed], minlength=span)])
    circle = _window_sums(circle, window)
    with np.errstate(divide="ignore", invalid="ignore"):
        clock_regularity = np.where(circle[:, 2] > 0, np.hypot(circle[:, 0], circle[:, 1]) / circle[:, 2], np.nan)
    timing_parts = np.column_stack([weekday_regularity, clock_regularity])
    timing = 100 * _row_mean(timing_parts)

    # 3. stability
    run_index = week_numbers(runs["activity_date"]) - first if len(runs) else np.array([], dtype=np.int64)
    in_range = (run_index >= 0) & (run_index < span)
    run_index = run_index[in_range]
    pace_sums = [_window_sums(a, window) for a in
                 _weekly_sums(run_index, runs["pace_min_per_km"].to_numpy(dtype=float)[in_range], span)]
    distance_sums = [_window_sums(a, window) for a in
                     _weekly_sums(run_index, runs["distance_km"].to_numpy(dtype=float)[in_range], span)]
    pace_cv, distance_cv = _cv(*pace_sums), _cv(*distance_sums)
    runs_in_window = _window_sums(np.bincount(run_index, minlength=span).astype(float), window)
    volume = volume[volume["volume_kg"] > 0]
    volume_index = week_numbers(volume["week_start"]) - first if len(volume) else np.array([], dtype=np.int64)
    keep = (volume_index >= 0) & (volume_index < span)
    volume_sums = [_window_sums(a, window) for a in
                   _weekly_sums(volume_index[keep], volume["volume_kg"].to_numpy(dtype=float)[keep], span)]
    volume_cv = _cv(*volume_sums)
    cvs = np.column_stack([pace_cv, distance_cv, volume_cv])
    stability = 100 * np.maximum(0.0, 1 - _row_mean(cvs))

    # 4. streaks, as of each week's Sunday
    sundays = (np.arange(span) + first) * 7 + 4 + 6
    day_numbers = unique_days.astype(np.int64)
    current_days, longest_days = streaks(day_numbers, sundays)
    active_weeks = np.flatnonzero(count > 0) + first
    current_weeks, longest_weeks = streaks(active_weeks, np.arange(span) + first)
    streak = 100 * np.minimum(1.0, current_weeks / max(int(params.streak_target_weeks), 1))

    dimensions = np.column_stack([frequency, timing, stability, streak])
    score = _row_mean(dimensions)
    return pd.DataFrame({
        "athlete_id": athlete,
        "week_start": [week_start(first + i) for i in range(span)],
        "consistency_score": score, "window_weeks": window,
        "frequency_score": frequency, "sessions": count, "lifting_sessions": lifting_count,
        "activity_sessions": count - lifting_count, "norm_sessions": norm, "norm_weeks": norm_weeks,
        "timing_score": timing, "weekday_regularity": 100 * weekday_regularity,
        "time_of_day_regularity": 100 * clock_regularity,
        "training_days_in_window": cells.sum(axis=1).round().astype(np.int64),
        "timed_sessions_in_window": circle[:, 2].round().astype(np.int64),
        "stability_score": stability, "run_pace_cv": pace_cv, "run_distance_cv": distance_cv,
        "lifting_volume_cv": volume_cv, "runs_in_window": runs_in_window.round().astype(np.int64),
        "lifting_weeks_in_window": volume_sums[2].round().astype(np.int64),
        "streak_score": streak, "current_streak_days": current_days, "longest_streak_days": longest_days,
        "current_streak_weeks": current_weeks, "longest_streak_weeks": longest_weeks,
    })


def consistency_scores(sessions: pd.DataFrame, runs: pd.DataFrame, volume: pd.DataFrame,
                       params: ConsistencyParameters, through: Mapping[str, object] | None = None) -> pd.DataFrame:
    """CONSISTENCY_COLUMNS, one row per athlete-week from the athlete's first session week to
    `through[athlete]` (a date in their last week with data; default: the last session week).

    sessions: SESSION_COLUMNS (started_at may be NaT); runs: RUN_COLUMNS (the classifier's
    runs); volume: VOLUME_COLUMNS (weekly lifting volume). Scores round to 1 decimal, CVs to 4.
    """
    through = through or {}
    frames = []
    for athlete, own in sessions.groupby("athlete_id", sort=True):
        if own.empty:
            continue
        last = through.get(athlete)
        last_week = int(week_numbers(pd.Series([pd.Timestamp(last)]))[0]) if last is not None else None
        frames.append(_athlete_scores(str(athlete), own, runs[runs["athlete_id"] == athlete],
                                      volume[volume["athlete_id"] == athlete], last_week, params))
    if not frames:
        return empty_consistency()
    result = pd.concat(frames, ignore_index=True)
    for column in SCORE_COLUMNS:
        result[column] = result[column].round(1) + 0.0
    for column in ("run_pace_cv", "run_distance_cv", "lifting_volume_cv"):
        result[column] = result[column].round(4)
    result["norm_sessions"] = result["norm_sessions"].round(2)
    for column in INTEGER_COLUMNS:
        result[column] = result[column].astype("int64")
    return result[CONSISTENCY_COLUMNS]


def empty_consistency() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in INTEGER_COLUMNS else "string" if c == "athlete_id"
                                      else "object" if c == "week_start" else "float64")
                         for c in CONSISTENCY_COLUMNS})
