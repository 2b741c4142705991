"""The sample athlete's MapMyRun workout history: ten years of runs, then a dog.

From 2016-01-04 to 2025-12-28 (the Hevy sample's last week) the athlete logs ~4 runs a month at
~9 min/mi over ~4 mi, a walk now and then, hikes and bike rides in summer and, until Hevy takes
over, a monthly "Weight Workout". On DOG_ARRIVES (2021-04-10) a dog joins the household: from
then on ~12 dog walks a month (18–28 min/mi, ~2 mi, shorter while the puppy is small) which the
app still logs as "Run" three times in four, plus ~3 genuine runs a month, some of them with the
dog (slower, shorter). ~16 activities a month in all.

What a real export holds, imitated here (see export_format.mapmyrun_row for the bytes): newest
first, AP-style dates quoted ("Sept. 14, 2019"), six significant digits (4.0, 8.48333), CRLF; a
Date Submitted a day or two after the Workout Date for manual entries; Max Pace and Max Speed of
0 from the app version of 2016–mid 2017 that did not record them; an average heart rate of 0
(none recorded) from the phone years and real ones once a watch is worn; `b''` in Notes in
2019–2020 (a server artefact); Links on mapmyrun.com before 2018, mapmyfitness.com after.

Deliberate entry errors (ERRORS; each is the first matching activity on or after its date):

* **No distance**: a run on or after 2017-05-01 has a duration but distance 0 (GPS never locked).
* **GPS jump**: a run on or after 2019-08-01 covers 3× its distance (~3 min/mi, ~20 mi/h).
* **Left running**: a dog walk on or after 2022-11-01 recorded for 9 h (the watch was not stopped).
* **Distance typo**: a manual run entry on or after 2024-02-01 typed as 40 mi instead of 4.0.
* **Max speed spike**: a dog walk on or after 2023-06-01 has a Max Speed of 212.7 mi/h (its
  average is right: the activity itself is a normal walk).

The planted truth (`planted_running_truth`) labels every activity: run, walk, outlier (the first
four errors: no pace can be trusted) or None (not on foot: bike rides, weights, yoga). Every draw
comes from one ``random.Random`` seeded with ``mapmyrun-<seed>``, so this file never shifts the
Hevy or diet bytes, and nothing reads the clock or the locale.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

KM_PER_MILE = 1.609344  # exact, by definition of the international mile

START, END = date(2016, 1, 4), date(2025, 12, 29)  # END exclusive, as the Hevy sample's
DOG_ARRIVES = date(2021, 4, 10)  # a Saturday: the life event the classifier should find
PUPPY_WEEKS = 10  # the first walks are short
HEVY_STARTS = date(2023, 1, 2)  # weights move to Hevy: no more "Weight Workout" here
WATCH_FROM = date(2022, 9, 1)  # a GPS watch with a heart-rate sensor
PHONE_HR_FROM = date(2018, 1, 1)  # the app writes 0 (none recorded) instead of leaving it empty
NO_MAX_VALUES_UNTIL = date(2017, 7, 1)  # an old app version logged Max Pace/Max Speed as 0
NOTE_ARTEFACT_YEARS = (2019, 2020)  # Notes hold b'' when there is none
MAPMYFITNESS_LINKS_FROM = date(2018, 1, 1)
FIRST_WORKOUT_ID = 1_250_000_000

# Chance of an activity per day (× SEASON for runs, rides and hikes).
RUN_PER_DAY_BEFORE = 4 * 12 / 365
RUN_PER_DAY_AFTER = 3 * 12 / 365
WALK_PER_DAY_BEFORE = 0.5 * 12 / 365
DOG_WALK_PER_DAY = 12 * 12 / 365
SECOND_DOG_WALK = 0.04  # the same day, logged again
BIKE_PER_DAY = 1.5 * 12 / 365  # May to September only
HIKE_PER_DAY = 0.6 * 12 / 365  # April to October only
WEIGHTS_PER_DAY = 1 * 12 / 365
YOGA_PER_DAY = 0.2 * 12 / 365
SEASON = (0.7, 0.75, 0.9, 1.0, 1.1, 1.15, 1.1, 1.1, 1.1, 1.0, 0.9, 0.75)  # by month: fewer runs in winter
RIDE_MONTHS, HIKE_MONTHS = range(5, 10), range(4, 11)

RUN_TYPES = (("Run", 0.84), ("Run / Jog", 0.05), ("Indoor Run / Jog", 0.07), ("Trail Run", 0.04))
DOG_WALK_TYPES = (("Run", 0.75), ("Walk", 0.15), ("Dog Walk", 0.10))
WITH_DOG_RUN_SHARE = 0.2  # of the runs after the dog arrives
MANUAL_SUBMISSION_SHARE = 0.06  # submitted a day or two after the workout
WEIGHT_KG = 84.0

NOTE_SHARE = 0.06
RUN_NOTES = ("Shoes: Brooks Ghost 11", "easy, legs heavy", "park loop", "hot and humid", "tempo, 3x1 mi",
             "rain the whole way", "Shoes: Karhu Fusion 3.5")
DOG_NOTES = ("with Bolt", "Bolt pulled the whole way", "vet, then the long loop", "Bolt met a cat", "rain, short one")
NOTE_ARTEFACT = "b''"

# name → (first date, which activity: a logged run or a dog walk)
ERRORS = {
    "no_distance": (date(2017, 5, 1), "run"),
    "gps_jump": (date(2019, 8, 1), "run"),
    "max_speed_spike": (date(2023, 6, 1), "dog_walk"),
    "left_running": (date(2022, 11, 1), "dog_walk"),
    "distance_typo": (date(2024, 2, 1), "run"),
}
OUTLIER_ERRORS = ("no_distance", "gps_jump", "left_running", "distance_typo")
MAX_SPEED_SPIKE_MPH = 212.7
LEFT_RUNNING_SECONDS = 9 * 3600 + 14 * 60


@dataclass(frozen=True)
class Activity:
    """One activity in true (metric) values; export_format writes it in either unit system."""
    workout_id: int
    workout_date: date
    submitted_date: date
    activity_type: str
    label: str | None           # planted truth: run, walk, outlier; None = not on foot
    distance_km: float          # 0 for weights and yoga (and the no-distance error)
    duration_s: int
    max_speed_kmh: float        # 0 = the app logged none
    calories: int
    heart_rate: int | None      # None = empty; 0 = the app's "none recorded"
    steps: int | None
    notes: str
    source: str
    error: str | None = None    # the planted entry error, if any
    kind: str = ""              # how it was drawn: run, dog_run, dog_walk, walk, hike, bike, weights, yoga

    @property
    def link(self) -> str:
        site = "mapmyfitness" if self.workout_date >= MAPMYFITNESS_LINKS_FROM else "mapmyrun"
        return f"http://www.{site}.com/workout/{self.workout_id}"


@dataclass(frozen=True)
class RunningTruth:
    life_event: date
    activities: tuple[Activity, ...]      # oldest first

    def labels(self) -> dict[str, str | None]:
        """workout id (as in the Link) → planted label."""
        return {str(a.workout_id): a.label for a in self.activities}


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in choices], [weight for _, weight in choices])[0]


def _minutes_per_km(min_per_mile: float) -> float:
    return min_per_mile / KM_PER_MILE


def _draw_day(day: date, rng: random.Random) -> list[str]:
    """The kinds of activity logged on `day`, in the order they were done."""
    season = SEASON[day.month - 1]
    kinds = []
    if day < DOG_ARRIVES:
        if rng.random() < WALK_PER_DAY_BEFORE:
            kinds.append("walk")
        if rng.random() < RUN_PER_DAY_BEFORE * season:
            kinds.append("run")
    else:
        if rng.random() < DOG_WALK_PER_DAY:
            kinds.append("dog_walk")
            if rng.random() < SECOND_DOG_WALK:
                kinds.append("dog_walk")
        if rng.random() < RUN_PER_DAY_AFTER * season:
            kinds.append("dog_run" if rng.random() < WITH_DOG_RUN_SHARE else "run")
    if day.month in RIDE_MONTHS and rng.random() < BIKE_PER_DAY * season:
        kinds.append("bike")
    # hikes fall on weekends: 2 days of 7 carry the whole rate
    if day.month in HIKE_MONTHS and day.weekday() >= 5 and rng.random() < HIKE_PER_DAY * 7 / 2:
        kinds.append("hike")
    if day < HEVY_STARTS and rng.random() < WEIGHTS_PER_DAY:
        kinds.append("weights")
    if rng.random() < YOGA_PER_DAY:
        kinds.append("yoga")
    return kinds


def _foot(kind: str, day: date, rng: random.Random) -> tuple[str, str, float, float]:
    """(type, label, km, min/km) of an activity on foot."""
    if kind == "run":
        logged = _weighted(rng, RUN_TYPES)
        if logged == "Indoor Run / Jog":  # treadmill: a round distance, an even pace
            return logged, "run", rng.choice((3.0, 3.5, 4.0, 5.0)) * KM_PER_MILE, _minutes_per_km(rng.uniform(8.4, 9.4))
        slower = 1.0 + (0.2 if logged == "Trail Run" else 0.0) + (0.04 if day >= DOG_ARRIVES else 0.0)
        miles = min(max(rng.lognormvariate(1.38, 0.28), 1.5), 13.5)
        pace = rng.gauss(9.0, 0.45) * slower + 0.06 * (miles - 4.0)  # longer runs a little slower
        return logged, "run", miles * KM_PER_MILE, _minutes_per_km(pace)
    if kind == "dog_run":  # the dog stops to sniff: slower and shorter, still a run
        return "Run", "run", rng.uniform(2.0, 3.5) * KM_PER_MILE, _minutes_per_km(rng.uniform(10.2, 11.8))
    if kind == "dog_walk":
        puppy = day < DOG_ARRIVES + timedelta(weeks=PUPPY_WEEKS)
        miles = rng.lognormvariate(0.0 if puppy else 0.69, 0.3)
        pace = rng.triangular(18.0, 28.0, 23.0) + (2.0 if puppy else 0.0)
        return _weighted(rng, DOG_WALK_TYPES), "walk", miles * KM_PER_MILE, _minutes_per_km(pace)
    if kind == "walk":
        return "Walk", "walk", rng.uniform(1.5, 3.5) * KM_PER_MILE, _minutes_per_km(rng.uniform(17.0, 22.0))
    assert kind == "hike"
    return "Hike", "walk", rng.uniform(4.0, 9.0) * KM_PER_MILE, _minutes_per_km(rng.uniform(22.0, 31.0))


def _activity(kind: str, day: date, rng: random.Random) -> Activity:
    if kind in ("bike", "weights", "yoga"):
        label = None
        if kind == "bike":
            logged, km = "Bike Ride", rng.uniform(10.0, 28.0) * KM_PER_MILE
            duration = round(km / rng.uniform(19.0, 26.0) * 3600)
            calories = round(km * rng.uniform(22.0, 28.0))
        else:
            logged, km = ("Weight Workout", 0.0) if kind == "weights" else ("Yoga", 0.0)
            duration = rng.randrange(40, 76) * 60
            calories = round(duration / 60 * (5.5 if kind == "weights" else 3.0))
    else:
        logged, label, km, pace = _foot(kind, day, rng)
        duration = round(pace * km * 60)
        if logged == "Indoor Run / Jog":
            duration = round(duration / 60) * 60  # typed from the treadmill's display
        per_km = 1.0 if label == "run" else 0.6  # kcal per kg per km
        calories = round(km * WEIGHT_KG * per_km * rng.uniform(0.92, 1.08))
    speed = km / duration * 3600 if duration else 0.0
    on_foot = label is not None
    if day < NO_MAX_VALUES_UNTIL or not km:
        max_speed = 0.0
    else:
        max_speed = speed * rng.uniform(1.12, 1.6 if on_foot else 1.9)
    heart_rate: int | None = None
    if day >= WATCH_FROM and kind != "yoga":
        heart_rate = round(rng.gauss(152, 7) if label == "run" else rng.gauss(104, 8) if on_foot else rng.gauss(128, 10))
    elif day >= PHONE_HR_FROM:
        heart_rate = 0
    steps = None
    if on_foot and day >= PHONE_HR_FROM and rng.random() < 0.85:
        cadence = rng.uniform(160, 174) if label == "run" else rng.uniform(98, 116)
        steps = round(cadence * duration / 60)
    note_pool = DOG_NOTES if kind in ("dog_walk", "dog_run") else RUN_NOTES if label == "run" else ()
    notes = rng.choice(note_pool) if note_pool and rng.random() < NOTE_SHARE else ""
    if not notes and day.year in NOTE_ARTEFACT_YEARS:
        notes = NOTE_ARTEFACT
    manual = logged == "Indoor Run / Jog" or kind in ("weights", "yoga") or rng.random() < MANUAL_SUBMISSION_SHARE
    submitted = day + timedelta(days=rng.choice((0, 1, 1, 2))) if manual else day
    if manual and logged != "Indoor Run / Jog":
        source = ""
    elif day >= WATCH_FROM and heart_rate:
        source = "Garmin Connect"
    else:
        source = "Map My Fitness MapMyRun iPhone" if day >= PHONE_HR_FROM else "MapMyRun iPhone"
    return Activity(0, day, submitted, logged, label, km, duration, max_speed, calories, heart_rate, steps, notes,
                    source, kind=kind)


def _first(activities: list[Activity], since: date, kind: str, taken: set[int]) -> int:
    for position, activity in enumerate(activities):
        if activity.workout_date >= since and activity.kind == kind and activity.activity_type in ("Run", "Dog Walk") \
                and activity.error is None and position not in taken:
            return position
    raise AssertionError(f"no {kind} on or after {since}")


def _plant_errors(activities: list[Activity]) -> None:
    taken: set[int] = set()
    for name, (since, kind) in ERRORS.items():
        position = _first(activities, since, kind, taken)
        taken.add(position)
        a = activities[position]
        if name == "no_distance":
            changed = replace(a, distance_km=0.0, max_speed_kmh=0.0, steps=None)
        elif name == "gps_jump":
            km = a.distance_km * 3
            changed = replace(a, distance_km=km, max_speed_kmh=km / a.duration_s * 3600 * 1.7)
        elif name == "left_running":
            changed = replace(a, duration_s=LEFT_RUNNING_SECONDS)
        elif name == "distance_typo":  # a manual entry: round numbers, no device
            changed = replace(a, distance_km=40.0 * KM_PER_MILE, duration_s=36 * 60, max_speed_kmh=0.0,
                              heart_rate=0, steps=None, source="", submitted_date=a.workout_date + timedelta(days=1))
        else:  # max_speed_spike: the walk itself is right
            changed = replace(a, max_speed_kmh=MAX_SPEED_SPIKE_MPH * KM_PER_MILE)
        activities[position] = replace(changed, error=name, label="outlier" if name in OUTLIER_ERRORS else a.label)


def running_activities(seed: int = 7) -> list[Activity]:
    """Every activity, oldest first, with increasing workout ids (as MapMyRun assigns them)."""
    rng = random.Random(f"mapmyrun-{seed}")
    activities = []
    day = START
    while day < END:
        activities.extend(_activity(kind, day, rng) for kind in _draw_day(day, rng))
        day += timedelta(days=1)
    _plant_errors(activities)
    workout_id = FIRST_WORKOUT_ID
    numbered = []
    for activity in activities:
        workout_id += rng.randrange(1_500_000, 8_500_000)  # ids are shared by every user of the site
        numbered.append(replace(activity, workout_id=workout_id))
    return numbered


def planted_running_truth(seed: int = 7) -> RunningTruth:
    """The life event and each activity's true label, for scoring the classifier on the sample."""
    return RunningTruth(DOG_ARRIVES, tuple(running_activities(seed)))


def write_running_truth(path: Path, seed: int = 7) -> Path:
    """The planted truth as JSON (life event, then one entry per activity, oldest first), for
    looking at the classifier's answers by hand. Never into the inbox: the pipeline rejects a file
    it does not recognise, and the truth is not the athlete's data."""
    truth = planted_running_truth(seed)
    document = {
        "life_event": truth.life_event.isoformat(),
        "activities": [{"workout_id": str(a.workout_id), "workout_date": a.workout_date.isoformat(),
                        "activity_type": a.activity_type, "label": a.label, "error": a.error}
                       for a in truth.activities],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
