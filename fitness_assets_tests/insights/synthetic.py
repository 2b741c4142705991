"""Synthetic activity histories with planted labels: a runner whose outings change at a life event.

Before `event`: ~4 runs a month at ~5.6 min/km over ~6 km. From it on: ~16 a month, mostly walks
at 11–17 min/km over ~3 km, plus some runs. Nearly everything is logged as "Run"; a few bike
rides (not classified) and a few outliers (no distance, no duration, GPS glitches, a recording
left running) are mixed in. `planted` is the truth the classifier is scored against.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

EVENT = date(2019, 6, 3)


def history(athlete: str = "default", start: date = date(2012, 1, 2), end: date = date(2025, 12, 29),
            event: date | None = EVENT, seed: int = 7, first_id: int = 1, outlier_share: float = 0.01) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(start, end, freq="7D")
    after = (weeks >= pd.Timestamp(event)) if event else np.zeros(len(weeks), dtype=bool)
    per_week = rng.poisson(np.where(after, 16 * 12 / 52, 4 * 12 / 52))
    week_of = np.repeat(weeks.to_numpy(), per_week)
    is_after = np.repeat(after, per_week)
    n = len(week_of)
    days = pd.to_datetime(week_of) + pd.to_timedelta(rng.integers(0, 7, n), unit="D")
    walk = is_after & (rng.random(n) < 0.85)
    pace = np.where(walk, rng.uniform(11.0, 17.0, n), rng.normal(5.6, 0.35, n))
    distance = np.where(walk, rng.lognormal(np.log(3.0), 0.3, n), rng.lognormal(np.log(6.0), 0.25, n))
    duration = pace * distance * 60
    planted = np.where(walk, "walk", "run").astype(object)
    logged = np.where(rng.random(n) < 0.9, "Run", np.where(walk, "Walk", "Run / Jog")).astype(object)
    # a few glitches: each is an outlier by construction
    glitch = rng.random(n) < outlier_share
    kinds = rng.integers(0, 4, n)
    distance = np.where(glitch & (kinds == 0), 0.0, distance)
    duration = np.where(glitch & (kinds == 1), 0.0, duration)
    pace = np.where(glitch & (kinds == 2), 0.9, pace)       # GPS jump
    pace = np.where(glitch & (kinds == 3), 95.0, pace)      # recording left running
    duration = np.where(glitch & (kinds >= 2), pace * distance * 60, duration)
    planted[glitch] = "outlier"
    frame = pd.DataFrame({
        "activity_id": np.arange(first_id, first_id + n, dtype="int64"), "athlete_id": athlete,
        "source": "mapmyrun", "source_workout_id": [str(10_000_000 + first_id + i) for i in range(n)],
        "activity_date": days.date, "activity_type": logged, "distance_km": distance.round(3),
        "duration_s": duration.round(0), "avg_pace_min_per_km": np.where(distance > 0, pace, 0.0).round(4),
        "planted": planted,
    })
    # a few bike rides: never classified
    bikes = frame.sample(n=max(1, n // 100), random_state=seed).index
    frame.loc[bikes, "activity_type"] = "Bike Ride"
    frame.loc[bikes, "planted"] = None
    return frame


def accuracy(labels: pd.DataFrame, truth: pd.DataFrame) -> float:
    scored = truth.dropna(subset=["planted"]).merge(labels, on="activity_id", how="left")
    return float((scored["label"] == scored["planted"]).mean())
