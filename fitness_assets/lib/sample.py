"""Deterministic synthetic exports: a Hevy workout CSV and a diet log CSV.

The files imitate what a real athlete would drop into the inbox, so the pipeline, the
tests and the demo can run without anybody's private data. The same seed always gives
byte-identical files: every random draw comes from one ``random.Random(seed)`` consumed in
a fixed order, and nothing reads the clock, the locale or iterates over a set.

Hevy export (``hevy_workouts.csv``): one row per set, newest workout first, every field
quoted, ~10k sets from 2023-01-02 to late December 2025. Besides ordinary noise it contains
these deliberate entry errors, which downstream validation is expected to catch:

* **Rep typo** - in the first workout on or after 2024-05-01 containing a curl (any title
  with "Curl" that is loaded), the second working set has ``reps`` = 111 (meant 11).
* **Unloaded failure set** - in the first workout on or after 2024-09-01 containing
  ``Preacher Curl (Machine)``, that block ends with a ``failure`` set whose ``weight_kg``
  is empty, right after loaded sets of the same exercise.
* **6-minute workout** - the first lifting workout on or after 2025-03-01 ends 6 minutes
  after it starts although it holds a full session of sets (timer stopped by mistake).

Other realistic quirks that are *not* errors: a few workouts repeat an exercise in a
second, non-adjacent block (back-off sets at the end); a handful of titles are custom
exercises absent from ``data/exercise_muscle_map.csv``; some exercise notes span two
lines and contain an emoji.

Diet log (``diet_log.csv``): one row per day from 2023-01-02 for ~1,030 days, Portuguese
column names as in the athlete's spreadsheet, ten back-to-back diet cycles (the last one
open, ``XX/XX/XXXX``). Entry errors: three missing days (chosen by the seed), and two
rows whose ``kcal`` disagrees with the macros by far more than 5%:

* **Transposed digits** on 2024-07-15 (first two digits of kcal swapped).
* **Stale kcal** on 2023-12-04, the first day of ``Cutting II``: the macros were updated
  but kcal still holds the previous day's (bulking) value.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

HEVY_FILE_NAME = "hevy_workouts.csv"
DIET_FILE_NAME = "diet_log.csv"

HEVY_HEADER = [
    "title", "start_time", "end_time", "description", "exercise_title", "superset_id",
    "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
    "duration_seconds", "rpe",
]  # fmt: skip
DIET_HEADER = [
    "data", "carboidratos_g", "proteinas_g", "gorduras_g", "kcal", "cardio_semanal_min",
    "cicle", "peso_kg", "observacoes",
]  # fmt: skip

# %b follows the process locale; Hevy always writes English abbreviations.
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# ---------------------------------------------------------------------------------------
# Exercise catalogue
# ---------------------------------------------------------------------------------------

WEIGHTED, BODYWEIGHT, TIMED, CARDIO = "weighted", "bodyweight", "timed", "cardio"
# Roles drive rep ranges, set counts and how fast the load climbs.
MAIN, SECONDARY, ISOLATION, CORE = "main", "secondary", "isolation", "core"


@dataclass(frozen=True)
class Exercise:
    title: str
    kind: str = WEIGHTED
    role: str = ISOLATION
    start_kg: float = 0.0  # load in week 0; for cardio: minutes per km


def _w(title: str, start_kg: float, role: str = ISOLATION) -> Exercise:
    return Exercise(title, WEIGHTED, role, start_kg)


def _bw(title: str, role: str = SECONDARY) -> Exercise:
    return Exercise(title, BODYWEIGHT, role)


CATALOG: dict[str, Exercise] = {
    e.title: e
    for e in [
        # chest
        _w("Bench Press (Barbell)", 70, MAIN),
        _w("Bench Press (Dumbbell)", 26, SECONDARY),
        _w("Bench Press (Smith Machine)", 60, SECONDARY),
        _w("Incline Bench Press (Barbell)", 55, SECONDARY),
        _w("Incline Bench Press (Dumbbell)", 22, SECONDARY),
        _w("Incline Bench Press (Smith Machine)", 50, SECONDARY),
        _w("Chest Press (Machine)", 60, SECONDARY),
        _w("Chest Fly (Machine)", 45),
        _w("Butterfly (Pec Deck)", 45),
        _w("Cable Fly Crossovers", 12.5),
        _w("Low Cable Fly Crossovers", 10),
        _w("Incline Chest Fly (Dumbbell)", 10),
        _bw("Push Up"),
        _bw("Chest Dip"),
        # shoulders
        _w("Overhead Press (Barbell)", 42.5, MAIN),
        _w("Overhead Press (Dumbbell)", 18, SECONDARY),
        _w("Overhead Press (Smith Machine)", 40, SECONDARY),
        _w("Shoulder Press (Dumbbell)", 18, SECONDARY),
        _w("Shoulder Press (Machine Plates)", 40, SECONDARY),
        _w("Arnold Press (Dumbbell)", 14, SECONDARY),
        _w("Push Press", 50, SECONDARY),
        _w("Lateral Raise (Dumbbell)", 8),
        _w("Lateral Raise (Cable)", 5),
        _w("Lateral Raise (Machine)", 25),
        _w("Face Pull", 20),
        _w("Rear Delt Reverse Fly (Machine)", 30),
        _w("Rear Delt Reverse Fly (Dumbbell)", 6),
        # triceps
        _w("Triceps Pushdown", 25),
        _w("Triceps Rope Pushdown", 20),
        _w("Overhead Triceps Extension (Cable)", 20),
        _w("Triceps Extension (Dumbbell)", 16),
        _w("Skullcrusher (Barbell)", 25),
        _w("Skullcrusher (Dumbbell)", 10),
        _w("Triceps Kickback (Cable)", 7.5),
        _bw("Triceps Dip"),
        # back
        _w("Deadlift (Barbell)", 110, MAIN),
        _w("Rack Pull", 120, MAIN),
        _bw("Pull Up"),
        _bw("Chin Up"),
        _w("Pull Up (Weighted)", 5, SECONDARY),
        _w("Lat Pulldown (Cable)", 55, SECONDARY),
        _w("Lat Pulldown (Machine)", 60, SECONDARY),
        _w("Lat Pulldown - Close Grip (Cable)", 55, SECONDARY),
        _w("Straight Arm Lat Pulldown (Cable)", 25),
        _w("Bent Over Row (Barbell)", 60, SECONDARY),
        _w("Pendlay Row (Barbell)", 60, SECONDARY),
        _w("T Bar Row", 40, SECONDARY),
        _w("Bent Over Row (Dumbbell)", 24, SECONDARY),
        _w("Dumbbell Row", 28, SECONDARY),
        _w("Seated Cable Row - V Grip (Cable)", 55, SECONDARY),
        _w("Seated Cable Row - Bar Grip", 55, SECONDARY),
        _w("Iso-Lateral Row (Machine)", 40, SECONDARY),
        _w("Chest Supported Incline Row (Dumbbell)", 20, SECONDARY),
        _w("Meadows Rows (Barbell)", 25, SECONDARY),
        _bw("Inverted Row"),
        _w("Shrug (Dumbbell)", 30),
        _w("Shrug (Barbell)", 80),
        _w("Back Extension (Weighted Hyperextension)", 10),
        _bw("Back Extension (Hyperextension)", ISOLATION),
        # biceps
        _w("Bicep Curl (Barbell)", 30),
        _w("EZ Bar Biceps Curl", 27.5),
        _w("Bicep Curl (Dumbbell)", 12),
        _w("Bicep Curl (Cable)", 20),
        _w("Hammer Curl (Dumbbell)", 14),
        _w("Hammer Curl (Cable)", 20),
        _w("Preacher Curl (Machine)", 30),
        _w("Preacher Curl (Barbell)", 25),
        _w("Seated Incline Curl (Dumbbell)", 10),
        _w("Concentration Curl", 10),
        # legs
        _w("Squat (Barbell)", 90, MAIN),
        _w("Front Squat", 70, MAIN),
        _w("Pause Squat (Barbell)", 75, MAIN),
        _w("Squat (Smith Machine)", 80, SECONDARY),
        _w("Hack Squat (Machine)", 80, SECONDARY),
        _w("Belt Squat (Machine)", 70, SECONDARY),
        _w("Leg Press (Machine)", 160, SECONDARY),
        _w("Goblet Squat", 24, SECONDARY),
        _w("Bulgarian Split Squat", 14, SECONDARY),
        _w("Walking Lunge (Dumbbell)", 14, SECONDARY),
        _w("Reverse Lunge (Dumbbell)", 14, SECONDARY),
        _w("Leg Extension (Machine)", 50),
        _w("Romanian Deadlift (Barbell)", 80, SECONDARY),
        _w("Romanian Deadlift (Dumbbell)", 26, SECONDARY),
        _w("Stiff Leg Deadlift", 80, SECONDARY),
        _w("Good Morning (Barbell)", 50, SECONDARY),
        _w("Sumo Deadlift", 110, MAIN),
        _w("Single Leg Romanian Deadlift (Dumbbell)", 16, SECONDARY),
        _w("Lying Leg Curl (Machine)", 40),
        _w("Seated Leg Curl (Machine)", 45),
        _bw("Nordic Hamstrings Curls", ISOLATION),
        _w("Hip Thrust (Barbell)", 90, SECONDARY),
        _w("Hip Thrust (Machine)", 80, SECONDARY),
        _w("Glute Kickback (Machine)", 30),
        _w("Cable Pull Through", 25),
        _w("Hip Abduction (Machine)", 50),
        _w("Hip Adduction (Machine)", 50),
        _w("Kettlebell Swing", 20, SECONDARY),
        _w("Power Clean", 60, MAIN),
        _w("Standing Calf Raise (Machine)", 70),
        _w("Standing Calf Raise (Dumbbell)", 20),
        _w("Seated Calf Raise", 40),
        # core
        _bw("Hanging Knee Raise", CORE),
        _bw("Hanging Leg Raise", CORE),
        _bw("Leg Raise Parallel Bars", CORE),
        _bw("Ab Wheel", CORE),
        _w("Cable Crunch", 35, CORE),
        _w("Crunch (Machine)", 40, CORE),
        _w("Russian Twist (Weighted)", 8, CORE),
        Exercise("Plank", TIMED, CORE),
        Exercise("Side Plank", TIMED, CORE),
        # cardio: start_kg holds the pace in minutes per km
        Exercise("Treadmill", CARDIO, CORE, 7.5),
        Exercise("Running", CARDIO, CORE, 5.8),
        Exercise("Cycling", CARDIO, CORE, 2.3),
        Exercise("Elliptical Trainer", CARDIO, CORE, 6.5),
        Exercise("Rowing Machine", CARDIO, CORE, 5.0),
        Exercise("Stair Machine", CARDIO, CORE, 0.0),
        # custom exercises the athlete created in the app: absent from the muscle map
        _w("Landmine Rotation", 15, CORE),
        _w("Cable Crunch Kneeling (Custom)", 30, CORE),
        _w("Tibialis Raise", 10),
        _bw("Reverse Nordic", ISOLATION),
    ]
}

# Big compound lifts get ramp-up sets, as people actually log them in Hevy:
# (fraction of the working load, reps), lighter ones first.
WARMUP_SCHEME = ((0.4, 10), (0.6, 6), (0.8, 3))
REP_RANGES = {MAIN: (5, 8), SECONDARY: (8, 12), ISOLATION: (10, 15), CORE: (10, 20)}
WORKING_SETS = {MAIN: (3, 4), SECONDARY: (2, 4), ISOLATION: (2, 3), CORE: (2, 3)}
# Fraction of the starting load gained per effective week (see _progress): roughly +50% on
# the big lifts over the three years; isolation work progresses slower.
WEEKLY_GAIN = {MAIN: 0.0064, SECONDARY: 0.0056, ISOLATION: 0.0048, CORE: 0.0040}
CURVE_WEEKS = 110.0  # gains flatten out over roughly two years, like a real trainee

# ---------------------------------------------------------------------------------------
# Routines: each slot lists interchangeable variations. The selection rotates once per
# mesocycle (see VariationPlan), so it changes every few weeks but never per session.
# ---------------------------------------------------------------------------------------

Slot = tuple[str, ...]
CORE_SLOT: Slot = (
    "Hanging Knee Raise", "Hanging Leg Raise", "Cable Crunch", "Crunch (Machine)",
    "Leg Raise Parallel Bars", "Ab Wheel", "Plank", "Side Plank", "Russian Twist (Weighted)",
    "Landmine Rotation", "Cable Crunch Kneeling (Custom)",
)  # fmt: skip
FINISHER_SLOT: Slot = ("Treadmill", "Cycling", "Stair Machine", "Elliptical Trainer")

ROUTINES: dict[str, list[Slot]] = {
    "Push A": [
        ("Bench Press (Barbell)",),
        ("Incline Bench Press (Dumbbell)", "Incline Bench Press (Barbell)"),
        ("Overhead Press (Dumbbell)", "Shoulder Press (Machine Plates)"),
        ("Lateral Raise (Dumbbell)", "Lateral Raise (Cable)", "Lateral Raise (Machine)"),
        ("Triceps Pushdown", "Triceps Rope Pushdown"),
        ("Overhead Triceps Extension (Cable)", "Skullcrusher (Barbell)", "Triceps Dip"),
    ],
    "Push B": [
        ("Overhead Press (Barbell)", "Push Press"),
        ("Bench Press (Dumbbell)", "Bench Press (Smith Machine)", "Chest Press (Machine)"),
        ("Chest Fly (Machine)", "Butterfly (Pec Deck)", "Cable Fly Crossovers", "Low Cable Fly Crossovers"),
        ("Lateral Raise (Cable)", "Lateral Raise (Dumbbell)"),
        ("Triceps Extension (Dumbbell)", "Skullcrusher (Dumbbell)", "Triceps Kickback (Cable)"),
        ("Chest Dip", "Push Up"),
    ],
    "Pull A": [
        ("Deadlift (Barbell)", "Rack Pull"),
        ("Pull Up", "Chin Up", "Pull Up (Weighted)"),
        ("Bent Over Row (Barbell)", "Pendlay Row (Barbell)", "T Bar Row", "Bent Over Row (Dumbbell)"),
        ("Face Pull", "Rear Delt Reverse Fly (Machine)", "Rear Delt Reverse Fly (Dumbbell)"),
        ("Shrug (Dumbbell)", "Shrug (Barbell)"),
        ("Bicep Curl (Barbell)", "EZ Bar Biceps Curl", "Bicep Curl (Dumbbell)"),
        ("Hammer Curl (Dumbbell)", "Hammer Curl (Cable)"),
    ],
    "Pull B": [
        ("Lat Pulldown (Cable)", "Lat Pulldown - Close Grip (Cable)", "Lat Pulldown (Machine)"),
        ("Seated Cable Row - V Grip (Cable)", "Seated Cable Row - Bar Grip", "Iso-Lateral Row (Machine)"),
        ("Chest Supported Incline Row (Dumbbell)", "Dumbbell Row", "Meadows Rows (Barbell)"),
        ("Straight Arm Lat Pulldown (Cable)",),
        ("Preacher Curl (Machine)",),
        ("Seated Incline Curl (Dumbbell)", "Bicep Curl (Cable)", "Concentration Curl"),
        ("Back Extension (Hyperextension)", "Back Extension (Weighted Hyperextension)"),
    ],
    "Legs": [
        ("Squat (Barbell)", "Front Squat", "Hack Squat (Machine)", "Squat (Smith Machine)"),
        ("Romanian Deadlift (Barbell)", "Romanian Deadlift (Dumbbell)", "Stiff Leg Deadlift", "Good Morning (Barbell)"),
        ("Leg Press (Machine)", "Bulgarian Split Squat", "Walking Lunge (Dumbbell)"),
        ("Leg Extension (Machine)", "Reverse Nordic"),
        ("Lying Leg Curl (Machine)", "Seated Leg Curl (Machine)"),
        ("Standing Calf Raise (Machine)", "Seated Calf Raise", "Tibialis Raise"),
        ("Hip Abduction (Machine)", "Hip Adduction (Machine)"),
    ],
    "Upper": [
        ("Bench Press (Barbell)", "Incline Bench Press (Barbell)", "Incline Bench Press (Smith Machine)"),
        ("Lat Pulldown (Cable)", "Pull Up", "Chin Up"),
        ("Overhead Press (Smith Machine)", "Arnold Press (Dumbbell)", "Shoulder Press (Dumbbell)"),
        ("Seated Cable Row - V Grip (Cable)", "T Bar Row", "Dumbbell Row"),
        ("Lateral Raise (Dumbbell)", "Lateral Raise (Machine)"),
        ("Preacher Curl (Machine)", "Preacher Curl (Barbell)", "Bicep Curl (Dumbbell)"),
        ("Triceps Pushdown", "Overhead Triceps Extension (Cable)", "Incline Chest Fly (Dumbbell)"),
    ],
    "Lower": [
        ("Squat (Barbell)", "Pause Squat (Barbell)", "Belt Squat (Machine)"),
        ("Romanian Deadlift (Barbell)", "Sumo Deadlift", "Single Leg Romanian Deadlift (Dumbbell)"),
        ("Leg Press (Machine)", "Hack Squat (Machine)", "Goblet Squat", "Reverse Lunge (Dumbbell)"),
        ("Lying Leg Curl (Machine)", "Seated Leg Curl (Machine)", "Nordic Hamstrings Curls"),
        ("Hip Thrust (Barbell)", "Hip Thrust (Machine)", "Glute Kickback (Machine)", "Cable Pull Through"),
        ("Standing Calf Raise (Machine)", "Standing Calf Raise (Dumbbell)"),
    ],
    "Full Body": [
        ("Squat (Barbell)", "Goblet Squat", "Front Squat", "Leg Press (Machine)"),
        ("Bench Press (Barbell)", "Bench Press (Dumbbell)", "Push Up"),
        ("Bent Over Row (Barbell)", "Pull Up", "Inverted Row", "Dumbbell Row"),
        ("Romanian Deadlift (Dumbbell)", "Kettlebell Swing", "Hip Thrust (Barbell)", "Power Clean"),
        ("Overhead Press (Barbell)", "Arnold Press (Dumbbell)", "Push Press"),
        ("Bicep Curl (Dumbbell)", "Hammer Curl (Dumbbell)", "Triceps Rope Pushdown"),
    ],
}  # fmt: skip
CARDIO_ROUTINE = "Cardio"
CORE_KEY = "core"  # picks entry for the optional ab block; not a routine name
CARDIO_SESSION_SLOT: Slot = ("Treadmill", "Running", "Cycling", "Elliptical Trainer", "Rowing Machine")

# Programmes rotate so the log shows PPL, upper/lower and full-body phases.
PROGRAMS: tuple[tuple[str, ...], ...] = (
    ("Push A", "Pull A", "Legs", "Push B", "Pull B"),
    ("Upper", "Lower"),
    ("Full Body",),
)
MESOCYCLE_WEEKS = 6

# ---------------------------------------------------------------------------------------
# Calendar and session shape
# ---------------------------------------------------------------------------------------

HEVY_FIRST_WEEK = date(2023, 1, 2)  # a Monday
HEVY_END = date(2025, 12, 29)  # exclusive
WORKOUTS_PER_WEEK = (3, 3, 4, 4, 5)  # drawn uniformly
CARDIO_SESSION_PROBABILITY = 0.28  # chance one of the week's sessions is pure cardio
CORE_BLOCK_PROBABILITY = 0.3
SKIPPED_ACCESSORIES = (0, 1, 1, 2, 2)
FINISHER_PROBABILITY = 0.15
SUPERSET_PROBABILITY = 0.22
REPEAT_BLOCK_PROBABILITY = 0.008
LIFT_MINUTES = (45, 110)
SETUP_MINUTES = 15
MINUTES_PER_SET = 3
CARDIO_MINUTES = (35, 60)

FAILURE_PROBABILITY = {MAIN: 0.04, SECONDARY: 0.12, ISOLATION: 0.2, CORE: 0.1}
DROPSET_PROBABILITY = 0.06
RPE_PROBABILITY = {MAIN: 0.35, SECONDARY: 0.12, ISOLATION: 0.05, CORE: 0.0}
RPE_VALUES = (7.0, 8.0, 8.0, 8.5, 8.5, 9.0)
NOTE_PROBABILITY = 0.03
MULTILINE_NOTE_PROBABILITY = 0.002
DESCRIPTION_PROBABILITY = 0.07

SHORT_NOTES = (
    "Seat on 4", "Pin at hole 6", "Used straps", "Grip a bit wider",
    "Slow eccentric", "Shoulder slightly sore", "Paused reps", "Machine 2 was taken",
)  # fmt: skip
MULTILINE_NOTES = (
    "Felt strong 💪\nkeep elbows tucked",
    "New PR 🎉\nnext time add 2.5 kg",
    "Left knee twinge 🤕\nreduce depth next session",
    "Great pump 🔥\nrest 90s between sets",
)
DESCRIPTIONS = (
    "Deload week.", "Short on time today.", "Gym was packed, swapped a few machines.",
    "Slept badly, kept it light.", "Hotel gym while travelling.", "Felt great, pushed hard.",
    "Morning fasted session.",
)  # fmt: skip

# Entry errors (see module docstring).
REP_TYPO_FROM = date(2024, 5, 1)
REP_TYPO_VALUE = 111
UNLOADED_FAILURE_FROM = date(2024, 9, 1)
UNLOADED_FAILURE_EXERCISE = "Preacher Curl (Machine)"
SHORT_WORKOUT_FROM = date(2025, 3, 1)
SHORT_WORKOUT_MINUTES = 6


@dataclass
class SetEntry:
    set_type: str
    weight_kg: float | None = None
    reps: int | None = None
    distance_km: float | None = None
    duration_seconds: int | None = None
    rpe: float | None = None


@dataclass
class Block:
    exercise: Exercise
    sets: list[SetEntry]
    superset_id: int | None = None
    notes: str = ""


@dataclass
class Workout:
    title: str
    start: datetime
    end: datetime
    description: str = ""
    blocks: list[Block] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Set generation
# ---------------------------------------------------------------------------------------


def _load_step(title: str) -> float:
    # Plates and stacks move in 2.5 kg steps; dumbbells and kettlebells in finer ones.
    return 0.5 if ("Dumbbell" in title or "Kettlebell" in title) else 2.5


def _round_to(value: float, step: float) -> float:
    return max(step, round(value / step) * step)


def _progress(weeks: float) -> float:
    """Effective training weeks: early gains are fast, later ones flatten out."""
    return CURVE_WEEKS * (1.0 - math.exp(-weeks / CURVE_WEEKS))


def _top_load(ex: Exercise, weeks: float, rng: random.Random) -> float:
    trend = ex.start_kg * (1.0 + WEEKLY_GAIN[ex.role] * _progress(weeks))
    step = _load_step(ex.title)
    # Day-to-day form: usually the planned load, sometimes a step lighter or heavier.
    wobble = rng.choice((-1, 0, 0, 0, 0, 0, 1)) * step
    return _round_to(trend + wobble, step)


def _working_reps(ex: Exercise, weeks: float, rng: random.Random) -> int:
    low, high = REP_RANGES[ex.role]
    if ex.kind == BODYWEIGHT:
        # Without load, progress shows up as reps instead.
        low, high = low + int(_progress(weeks) / 25), high + int(_progress(weeks) / 20)
    return rng.randint(low, high)


def _maybe_rpe(ex: Exercise, rng: random.Random) -> float | None:
    return rng.choice(RPE_VALUES) if rng.random() < RPE_PROBABILITY[ex.role] else None


def _warmups(ex: Exercise, top: float, rng: random.Random) -> list[SetEntry]:
    count = rng.randint(1, len(WARMUP_SCHEME))
    step = _load_step(ex.title)
    return [SetEntry("warmup", _round_to(top * f, step), reps) for f, reps in WARMUP_SCHEME[-count:]]


def _lifting_sets(ex: Exercise, weeks: float, rng: random.Random, back_off: bool = False) -> list[SetEntry]:
    loaded = ex.kind == WEIGHTED
    top = _top_load(ex, weeks, rng) if loaded else None
    if back_off and top is not None:
        top = _round_to(top * 0.8, _load_step(ex.title))
    sets: list[SetEntry] = []
    if ex.role == MAIN and not back_off:
        sets += _warmups(ex, top, rng)
    reps = _working_reps(ex, weeks, rng)
    floor = max(3, REP_RANGES[ex.role][0] - 1)
    for _ in range(rng.randint(*WORKING_SETS[ex.role])):
        sets.append(SetEntry("normal", top, reps, rpe=_maybe_rpe(ex, rng)))
        # Fatigue: later sets lose a rep or two more often than they gain one.
        reps = max(floor, reps - rng.choice((0, 0, 1, 1, 2)))
    if rng.random() < FAILURE_PROBABILITY[ex.role]:
        sets.append(SetEntry("failure", top, max(floor, reps - rng.randint(0, 2)), rpe=_maybe_rpe(ex, rng)))
    elif loaded and ex.role == ISOLATION and rng.random() < DROPSET_PROBABILITY:
        sets.append(SetEntry("dropset", _round_to(top * 0.7, _load_step(ex.title)), reps + rng.randint(2, 5)))
    return sets


def _timed_sets(ex: Exercise, weeks: float, rng: random.Random) -> list[SetEntry]:
    base = 30 + _progress(weeks) * 0.5
    return [
        SetEntry("normal", duration_seconds=int(_round_to(base + rng.uniform(-10, 15), 5)))
        for _ in range(rng.randint(*WORKING_SETS[ex.role]))
    ]


def _cardio_set(ex: Exercise, minutes: int, rng: random.Random) -> SetEntry:
    seconds = minutes * 60 + rng.randint(0, 59)
    if ex.start_kg == 0:
        # Stair machines report floors, not distance; Hevy leaves distance empty.
        return SetEntry("normal", duration_seconds=seconds)
    pace = ex.start_kg * rng.uniform(0.93, 1.07)
    return SetEntry("normal", distance_km=round(minutes / pace, 1), duration_seconds=seconds)


def _block(ex: Exercise, weeks: float, rng: random.Random, cardio_minutes: int = 15) -> Block:
    if ex.kind == CARDIO:
        sets = [_cardio_set(ex, cardio_minutes, rng)]
    elif ex.kind == TIMED:
        sets = _timed_sets(ex, weeks, rng)
    else:
        sets = _lifting_sets(ex, weeks, rng)
    return Block(ex, sets, notes=_block_note(rng))


def _block_note(rng: random.Random) -> str:
    roll = rng.random()
    if roll < MULTILINE_NOTE_PROBABILITY:
        return rng.choice(MULTILINE_NOTES)
    if roll < MULTILINE_NOTE_PROBABILITY + NOTE_PROBABILITY:
        return rng.choice(SHORT_NOTES)
    return ""


# ---------------------------------------------------------------------------------------
# Workouts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariationPlan:
    """Where each slot starts its rotation; the seed decides, the calendar advances it.

    Rotating instead of drawing per mesocycle guarantees every variation (including the
    custom exercises) shows up in the log, whatever the seed.
    """

    routine_offsets: dict[str, tuple[int, ...]]
    core_offset: int

    @classmethod
    def draw(cls, rng: random.Random) -> VariationPlan:
        offsets = {name: tuple(rng.randrange(len(slot)) for slot in slots) for name, slots in ROUTINES.items()}
        return cls(offsets, rng.randrange(len(CORE_SLOT)))

    def picks(self, phase: int) -> dict[str, list[str]]:
        """Exercise per slot for one mesocycle; a programme advances only on its own phases."""
        program_round = phase // len(PROGRAMS)
        picks = {
            name: [slot[(start + program_round) % len(slot)] for slot, start in zip(slots, self.routine_offsets[name])]
            for name, slots in ROUTINES.items()
        }
        picks[CORE_KEY] = [CORE_SLOT[(self.core_offset + phase) % len(CORE_SLOT)]]
        return picks


def _session_start(day: date, rng: random.Random) -> datetime:
    if day.weekday() >= 5:
        hour = rng.randint(9, 11)
    else:
        hour = rng.choice((6, 7, 12, 18, 18, 19, 19, 20))
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59))


def _lifting_workout(name: str, day: date, weeks: float, picks: dict[str, list[str]], rng: random.Random) -> Workout:
    titles = list(picks[name])
    # Running late means the last accessories get cut, never the main lifts.
    skipped = rng.choice(SKIPPED_ACCESSORIES)
    titles = titles[: len(titles) - skipped]
    if rng.random() < CORE_BLOCK_PROBABILITY:
        titles.append(picks[CORE_KEY][0])
    blocks = [_block(CATALOG[t], weeks, rng) for t in titles]
    if rng.random() < SUPERSET_PROBABILITY:
        _pair_supersets(blocks, rng)
    if rng.random() < REPEAT_BLOCK_PROBABILITY:
        _repeat_first_block(blocks, weeks, rng)
    if rng.random() < FINISHER_PROBABILITY:
        blocks.append(_block(CATALOG[rng.choice(FINISHER_SLOT)], weeks, rng, rng.randint(10, 20)))
    start = _session_start(day, rng)
    minutes = _lifting_minutes(sum(len(b.sets) for b in blocks), rng)
    description = rng.choice(DESCRIPTIONS) if rng.random() < DESCRIPTION_PROBABILITY else ""
    return Workout(name, start, start + timedelta(minutes=minutes), description, blocks)


def _lifting_minutes(set_count: int, rng: random.Random) -> int:
    # Session length follows the work done: setup time plus a few minutes per set.
    minutes = SETUP_MINUTES + MINUTES_PER_SET * set_count + rng.randint(-8, 8)
    return min(LIFT_MINUTES[1], max(LIFT_MINUTES[0], minutes))


def _pair_supersets(blocks: list[Block], rng: random.Random) -> None:
    # Accessories at the end of a session are what people superset (e.g. curls + pushdowns).
    pairs = 2 if len(blocks) >= 6 and rng.random() < 0.35 else 1
    for superset_id in range(pairs):
        first = len(blocks) - 2 * (superset_id + 1)
        blocks[first].superset_id = superset_id
        blocks[first + 1].superset_id = superset_id


def _repeat_first_block(blocks: list[Block], weeks: float, rng: random.Random) -> None:
    """Back-off sets of the opening lift at the very end: the same title in two blocks."""
    first = blocks[0].exercise
    if first.kind != WEIGHTED:
        return
    blocks.append(Block(first, _lifting_sets(first, weeks, rng, back_off=True)))


def _cardio_workout(day: date, rng: random.Random) -> Workout:
    start = _session_start(day, rng)
    minutes = rng.randint(*CARDIO_MINUTES)
    first_part = minutes if rng.random() < 0.7 else minutes // 2
    first, second = rng.sample(CARDIO_SESSION_SLOT, 2)  # a split session switches machines
    blocks = [_block(CATALOG[first], 0, rng, first_part - rng.randint(2, 5))]
    if first_part < minutes:
        blocks.append(_block(CATALOG[second], 0, rng, minutes - first_part - 2))
    return Workout(CARDIO_ROUTINE, start, start + timedelta(minutes=minutes), "", blocks)


def _generate_workouts(rng: random.Random) -> list[Workout]:
    """All workouts in chronological order."""
    workouts: list[Workout] = []
    week_start, week_number, next_routine = HEVY_FIRST_WEEK, 0, 0
    plan = VariationPlan.draw(rng)
    picks: dict[str, list[str]] = {}
    while week_start < HEVY_END:
        if week_number % MESOCYCLE_WEEKS == 0:
            picks = plan.picks(week_number // MESOCYCLE_WEEKS)
            next_routine = 0
        program = PROGRAMS[(week_number // MESOCYCLE_WEEKS) % len(PROGRAMS)]
        count = rng.choice(WORKOUTS_PER_WEEK)
        offsets = sorted(rng.sample(range(7), count))
        if week_number == 0:
            offsets = sorted({0, *offsets[1:]})  # the log starts on Monday 2023-01-02
        cardio_slot = rng.randrange(len(offsets)) if rng.random() < CARDIO_SESSION_PROBABILITY else None
        for i, offset in enumerate(offsets):
            day = week_start + timedelta(days=offset)
            if day >= HEVY_END:
                break
            weeks = (day - HEVY_FIRST_WEEK).days / 7
            if i == cardio_slot:
                workouts.append(_cardio_workout(day, rng))
            else:
                name = program[next_routine % len(program)]
                next_routine += 1
                workouts.append(_lifting_workout(name, day, weeks, picks, rng))
        week_start += timedelta(days=7)
        week_number += 1
    _ensure_repeated_block(workouts, rng)
    _inject_workout_errors(workouts)
    return workouts


def _ensure_repeated_block(workouts: list[Workout], rng: random.Random) -> None:
    # Guarantees the quirk for any seed; with the default seed it already occurs naturally.
    if any(_has_repeat(w) for w in workouts):
        return
    for w in workouts:
        if w.title != CARDIO_ROUTINE and len(w.blocks) >= 4 and w.blocks[0].exercise.kind == WEIGHTED:
            weeks = (w.start.date() - HEVY_FIRST_WEEK).days / 7
            _repeat_first_block(w.blocks, weeks, rng)
            return


def _has_repeat(w: Workout) -> bool:
    titles = [b.exercise.title for b in w.blocks]
    return len(titles) != len(set(titles))


def _first_workout(workouts: list[Workout], since: date, predicate) -> Workout:
    candidates = [w for w in workouts if w.start.date() >= since and predicate(w)]
    if not candidates:  # fall back to earlier history so every seed gets the error
        candidates = [w for w in reversed(workouts) if predicate(w)]
    return candidates[0]


def _inject_workout_errors(workouts: list[Workout]) -> None:
    def is_curl(b: Block) -> bool:
        return "Curl" in b.exercise.title and b.exercise.kind == WEIGHTED and len(_normal_sets(b)) >= 2

    typo = _first_workout(workouts, REP_TYPO_FROM, lambda w: any(is_curl(b) for b in w.blocks))
    _normal_sets(next(b for b in typo.blocks if is_curl(b)))[1].reps = REP_TYPO_VALUE

    def has_preacher(w: Workout) -> bool:
        return any(b.exercise.title == UNLOADED_FAILURE_EXERCISE for b in w.blocks)

    unloaded = _first_workout(workouts, UNLOADED_FAILURE_FROM, has_preacher)
    block = next(b for b in unloaded.blocks if b.exercise.title == UNLOADED_FAILURE_EXERCISE)
    block.sets = [s for s in block.sets if s.set_type not in ("failure", "dropset")]
    block.sets.append(replace(block.sets[-1], set_type="failure", weight_kg=None, reps=6, rpe=None))

    short = _first_workout(workouts, SHORT_WORKOUT_FROM, lambda w: w.title != CARDIO_ROUTINE)
    short.end = short.start + timedelta(minutes=SHORT_WORKOUT_MINUTES)


def _normal_sets(block: Block) -> list[SetEntry]:
    return [s for s in block.sets if s.set_type == "normal"]


# ---------------------------------------------------------------------------------------
# Hevy CSV
# ---------------------------------------------------------------------------------------


def _fmt_number(value: float | int | None) -> str:
    if value is None:
        return ""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _fmt_hevy_time(moment: datetime) -> str:
    return f"{moment.day:02d} {MONTH_ABBR[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def _hevy_rows(workouts: list[Workout]):
    for w in sorted(workouts, key=lambda w: w.start, reverse=True):
        head = [w.title, _fmt_hevy_time(w.start), _fmt_hevy_time(w.end), w.description]
        for block in w.blocks:
            superset = "" if block.superset_id is None else str(block.superset_id)
            for index, s in enumerate(block.sets):
                yield head + [
                    block.exercise.title, superset, block.notes, str(index), s.set_type,
                    _fmt_number(s.weight_kg), _fmt_number(s.reps), _fmt_number(s.distance_km),
                    _fmt_number(s.duration_seconds), _fmt_number(s.rpe),
                ]  # fmt: skip


def _write_hevy(path: Path, workouts: list[Workout]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(HEVY_HEADER)
        writer.writerows(_hevy_rows(workouts))


# ---------------------------------------------------------------------------------------
# Diet log
# ---------------------------------------------------------------------------------------

DIET_START = date(2023, 1, 2)
DIET_END = date(2025, 10, 28)  # inclusive; the export was taken mid-way through Cutting V
MISSING_DAYS = 3

CUTTING, BULKING, REVERSA, MANUTENCAO = "Cutting", "Bulking", "Reversa", "Manutenção"
# (type, first day); each cycle ends the day before the next starts, the last stays open.
CYCLE_PLAN: tuple[tuple[str, date], ...] = (
    (CUTTING, date(2023, 1, 2)),
    (REVERSA, date(2023, 4, 18)),
    (BULKING, date(2023, 6, 12)),
    (CUTTING, date(2023, 12, 4)),
    (MANUTENCAO, date(2024, 3, 25)),
    (CUTTING, date(2024, 5, 20)),
    (BULKING, date(2024, 8, 5)),
    (CUTTING, date(2025, 2, 3)),
    (MANUTENCAO, date(2025, 5, 26)),
    (CUTTING, date(2025, 10, 6)),
)
# Daily targets in grams: (carbs, protein, fat).
MACRO_TARGETS = {
    CUTTING: (170.0, 190.0, 55.0),
    BULKING: (330.0, 175.0, 80.0),
    REVERSA: (200.0, 180.0, 60.0),
    MANUTENCAO: (260.0, 180.0, 70.0),
}
CUTTING_CARB_CUT = 10.0  # grams removed every CARB_STEP_WEEKS while cutting
REVERSA_CARB_ADD = 12.0  # grams added every CARB_STEP_WEEKS while reversing
CARB_STEP_WEEKS = 2
WEIGHT_DRIFT_KG_PER_DAY = {CUTTING: -0.055, BULKING: 0.035, REVERSA: 0.012, MANUTENCAO: 0.0}
START_WEIGHT_KG = 88.0
WEEKLY_CARDIO_MIN = {CUTTING: (120, 150, 180), BULKING: (30, 60, 60), REVERSA: (60, 90, 90), MANUTENCAO: (60, 90, 120)}
UNWEIGHED_PROBABILITY = 0.025
DECIMAL_PROBABILITY = 0.15
NOTE_DAY_PROBABILITY = 0.04
FREE_MEAL = "refeição livre"
FORGOT_SCALE = "esqueci de pesar"
DIET_NOTES = (
    FREE_MEAL, FREE_MEAL, "aniversário, comi fora", "viagem a trabalho", "pouca fome",
    "jantar em família", FORGOT_SCALE, "churrasco no domingo", "dormi mal",
)  # fmt: skip
TRANSPOSED_KCAL_DAY = date(2024, 7, 15)
STALE_KCAL_DAY = date(2023, 12, 4)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass(frozen=True)
class Cycle:
    kind: str
    start: date
    end: date | None
    label: str


def _cycles() -> list[Cycle]:
    seen: dict[str, int] = {}
    cycles = []
    for position, (kind, start) in enumerate(CYCLE_PLAN):
        seen[kind] = seen.get(kind, 0) + 1
        is_last = position == len(CYCLE_PLAN) - 1
        end = None if is_last else CYCLE_PLAN[position + 1][1] - timedelta(days=1)
        end_text = "XX/XX/XXXX" if end is None else f"{end:%d/%m/%Y}"
        label = f"{position + 1}{kind} {ROMAN[seen[kind] - 1]} ({start:%d/%m/%Y} - {end_text})"
        cycles.append(Cycle(kind, start, end, label))
    return cycles


def _cycle_on(day: date, cycles: list[Cycle]) -> Cycle:
    return next(c for c in reversed(cycles) if c.start <= day)


def _target_macros(cycle: Cycle, day: date) -> tuple[float, float, float]:
    carbs, protein, fat = MACRO_TARGETS[cycle.kind]
    steps = (day - cycle.start).days // (7 * CARB_STEP_WEEKS)
    # Coaches adjust carbs in small steps; protein and fat stay put.
    if cycle.kind == CUTTING:
        carbs = max(110.0, carbs - CUTTING_CARB_CUT * steps)
    elif cycle.kind == REVERSA:
        carbs = min(MACRO_TARGETS[MANUTENCAO][0], carbs + REVERSA_CARB_ADD * steps)
    return carbs, protein, fat


def _logged_grams(target: float, spread: float, rng: random.Random) -> float:
    value = max(0.0, rng.gauss(target, spread))
    if rng.random() < DECIMAL_PROBABILITY:
        return round(value, 1)
    return float(round(value))


def _kcal(carbs: float, protein: float, fat: float) -> int:
    return round(4 * carbs + 4 * protein + 9 * fat)


def _transpose_leading_digits(kcal: int) -> int:
    digits = str(kcal)
    swapped = int(digits[1] + digits[0] + digits[2:])
    # Equal leading digits would hide the error; shift the next pair instead.
    return swapped if swapped != kcal else int(digits[0] + digits[2] + digits[1] + digits[3:]) + 400


def _missing_days(rng: random.Random) -> set[date]:
    protected = {DIET_START, DIET_END, TRANSPOSED_KCAL_DAY, STALE_KCAL_DAY, *(c.start for c in _cycles())}
    span = (DIET_END - DIET_START).days
    missing: list[date] = []
    while len(missing) < MISSING_DAYS:
        day = DIET_START + timedelta(days=rng.randint(1, span - 1))
        if day not in protected and day not in missing:
            missing.append(day)
    return set(missing)


def _diet_rows(rng: random.Random):
    cycles = _cycles()
    missing = _missing_days(rng)
    weight = START_WEIGHT_KG
    weekly_cardio: dict[tuple[int, int, str], int] = {}
    previous_kcal = None
    day = DIET_START
    while day <= DIET_END:
        cycle = _cycle_on(day, cycles)
        weight += WEIGHT_DRIFT_KG_PER_DAY[cycle.kind]
        note = rng.choice(DIET_NOTES) if rng.random() < NOTE_DAY_PROBABILITY else ""
        carbs_t, protein_t, fat_t = _target_macros(cycle, day)
        if note == FREE_MEAL:
            carbs_t, fat_t = carbs_t + 150, fat_t + 40
        carbs = _logged_grams(carbs_t, 8, rng)
        protein = _logged_grams(protein_t, 6, rng)
        fat = float(round(max(0.0, rng.gauss(fat_t, 4))))  # whole grams keep kcal away from .5 ties
        kcal = _kcal(carbs, protein, fat)
        if day == TRANSPOSED_KCAL_DAY:
            kcal = _transpose_leading_digits(kcal)
        elif day == STALE_KCAL_DAY and previous_kcal is not None:
            kcal = previous_kcal
        # Cardio is planned per ISO week but re-planned when a new cycle starts mid-week.
        week_key = (*day.isocalendar()[:2], cycle.label)
        if week_key not in weekly_cardio:
            weekly_cardio[week_key] = rng.choice(WEEKLY_CARDIO_MIN[cycle.kind])
        scale = rng.gauss(weight, 0.35)  # water and food swing the scale day to day
        unweighed = note == FORGOT_SCALE or rng.random() < UNWEIGHED_PROBABILITY
        previous_kcal = kcal
        if day not in missing:
            yield [
                day.isoformat(), _fmt_number(carbs), _fmt_number(protein), _fmt_number(fat), str(kcal),
                str(weekly_cardio[week_key]), cycle.label, "" if unweighed else f"{scale:.1f}", note,
            ]  # fmt: skip
        day += timedelta(days=1)


def _write_diet(path: Path, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(DIET_HEADER)
        writer.writerows(_diet_rows(rng))


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def write_sample_exports(out_dir: Path, seed: int = 7) -> dict[str, Path]:
    """Write both synthetic exports into ``out_dir`` and return their paths.

    Returns ``{"hevy": path_to_workouts_csv, "diet": path_to_diet_csv}``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Separate streams so tuning one file never changes the other.
    hevy_rng = random.Random(f"hevy-{seed}")
    diet_rng = random.Random(f"diet-{seed}")
    paths = {"hevy": out_dir / HEVY_FILE_NAME, "diet": out_dir / DIET_FILE_NAME}
    _write_hevy(paths["hevy"], _generate_workouts(hevy_rng))
    _write_diet(paths["diet"], diet_rng)
    return paths
