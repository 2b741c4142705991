"""Large, clean, deterministic synthetic exports for the benchmark (``make bench``).

``write_benchmark_exports`` writes one folder per athlete (``inbox/athlete_01``, ...), each
holding a Hevy workout CSV and a diet log CSV laid out exactly like the project's sample
(fitness_assets/lib/sample.py): same headers, quoting, line endings, time format
(``13 Jan 2026, 18:43``), number format and cycle strings
(``1Cutting I (01/05/2023 - 17/09/2023)``, the last one open ``(... - XX/XX/XXXX)``).
Unlike the sample, the data are CLEAN: no deliberate entry errors, so the parsers
quarantine nothing.

Shape (defaults: 1,000,000 sets over 20 athletes):

* Sets are split evenly over athletes (the first ``total_sets % athletes`` get one more) and
  the total is exact: each athlete's oldest workout is cut short (its last sets dropped) so
  the athlete's share is hit to the set.
* ~5 workouts a week (4-6; ~3 % of weeks are holidays without training), ~19 sets a
  workout (warm-ups on main lifts, working sets, occasional failure and drop sets, an
  optional ab block, an optional cardio finisher with distance and duration): 50,000 sets
  are ~10 years of history. Each history ends on or before END_DAY (2026-10-30) and goes
  back as far as its set count needs; one workout a day at most, 30-120 minutes long.
* Loads follow a per-exercise progression (fast early, flattening over years), scaled per
  athlete, a little lower while cutting, lighter in deload weeks. Bodyweight and timed
  exercises carry no weight. Exercise titles all come from data/exercise_muscle_map.csv.
* The diet log has one row for every day from the athlete's first workout day to END_DAY,
  with back-to-back cycles (Cutting, Reversa, Bulking, Manutenção, the last one open),
  carbs stepped down while cutting and up while reversing, and kcal = 4c + 4p + 9f.

Speed: everything per set is vectorised with numpy; only per-workout strings and per-cycle
values are built in Python. Determinism: every draw comes from
``numpy.random.default_rng([seed, athlete_number, stream])`` and nothing reads the clock, so
the same arguments give the same bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from tools.generate.sample_history import DIET_FILE_NAME, DIET_HEADER, HEVY_FILE_NAME, HEVY_HEADER, MONTH_ABBR
from fitness_assets.lib.raw.timeparse import parse_hevy_datetime

END_DAY = date(2026, 10, 30)  # last possible workout / diet day; append_workout adds the day after

# ---------------------------------------------------------------------------------------
# Exercise catalogue (titles from data/exercise_muscle_map.csv only)
# ---------------------------------------------------------------------------------------

WEIGHTED, BODYWEIGHT, TIMED, CARDIO = 0, 1, 2, 3
MAIN, SECONDARY, ISOLATION, CORE = 0, 1, 2, 3


def _w(title: str, start_kg: float, role: int = ISOLATION) -> tuple[str, int, int, float]:
    return (title, WEIGHTED, role, float(start_kg))


def _bw(title: str, role: int = SECONDARY) -> tuple[str, int, int, float]:
    return (title, BODYWEIGHT, role, 0.0)


def _cardio(title: str, pace_min_per_km: float) -> tuple[str, int, int, float]:
    return (title, CARDIO, CORE, float(pace_min_per_km))  # pace 0: the machine reports no distance


# (title, kind, role, load in week 0 for a typical athlete; pace in min/km for cardio)
EXERCISES: tuple[tuple[str, int, int, float], ...] = (
    # chest
    _w("Bench Press (Barbell)", 70, MAIN), _w("Bench Press (Dumbbell)", 26, SECONDARY),
    _w("Bench Press (Smith Machine)", 60, SECONDARY), _w("Incline Bench Press (Barbell)", 55, SECONDARY),
    _w("Incline Bench Press (Dumbbell)", 22, SECONDARY), _w("Incline Bench Press (Smith Machine)", 50, SECONDARY),
    _w("Incline Chest Press (Machine)", 50, SECONDARY), _w("Chest Press (Machine)", 60, SECONDARY),
    _w("Chest Fly (Machine)", 45), _w("Butterfly (Pec Deck)", 45), _w("Cable Fly Crossovers", 12.5),
    _w("Low Cable Fly Crossovers", 10), _bw("Push Up"), _bw("Chest Dip"),
    # shoulders
    _w("Overhead Press (Barbell)", 42.5, MAIN), _w("Push Press", 50, SECONDARY),
    _w("Overhead Press (Dumbbell)", 18, SECONDARY), _w("Overhead Press (Smith Machine)", 40, SECONDARY),
    _w("Seated Overhead Press (Dumbbell)", 18, SECONDARY), _w("Shoulder Press (Dumbbell)", 18, SECONDARY),
    _w("Shoulder Press (Machine Plates)", 40, SECONDARY), _w("Arnold Press (Dumbbell)", 14, SECONDARY),
    _w("Lateral Raise (Dumbbell)", 8), _w("Lateral Raise (Cable)", 5), _w("Lateral Raise (Machine)", 25),
    _w("Seated Lateral Raise (Dumbbell)", 7), _w("Single Arm Lateral Raise (Cable)", 5),
    _w("Face Pull", 20), _w("Rear Delt Reverse Fly (Machine)", 30), _w("Rear Delt Reverse Fly (Dumbbell)", 6),
    # triceps
    _w("Triceps Pushdown", 25), _w("Triceps Rope Pushdown", 20), _w("Single Arm Triceps Pushdown (Cable)", 10),
    _w("Overhead Triceps Extension (Cable)", 20), _w("Triceps Extension (Cable)", 20),
    _w("Triceps Extension (Dumbbell)", 16), _w("Skullcrusher (Barbell)", 25), _w("Skullcrusher (Dumbbell)", 10),
    _w("Triceps Kickback (Cable)", 7.5), _bw("Triceps Dip"), _w("Triceps Dip (Weighted)", 10, SECONDARY),
    # back
    _w("Deadlift (Barbell)", 110, MAIN), _w("Rack Pull", 120, MAIN), _w("Trap Bar Deadlift", 120, MAIN),
    _bw("Pull Up"), _bw("Chin Up"), _bw("Inverted Row"), _w("Pull Up (Weighted)", 5, SECONDARY),
    _w("Lat Pulldown (Cable)", 55, SECONDARY), _w("Lat Pulldown (Machine)", 60, SECONDARY),
    _w("Lat Pulldown - Close Grip (Cable)", 55, SECONDARY), _w("Reverse Grip Lat Pulldown (Cable)", 50, SECONDARY),
    _w("Straight Arm Lat Pulldown (Cable)", 25), _w("Rope Straight Arm Pulldown", 20), _w("Pullover (Machine)", 40),
    _w("Bent Over Row (Barbell)", 60, SECONDARY), _w("Pendlay Row (Barbell)", 60, SECONDARY),
    _w("T Bar Row", 40, SECONDARY), _w("Bent Over Row (Dumbbell)", 24, SECONDARY), _w("Dumbbell Row", 28, SECONDARY),
    _w("Seated Cable Row - V Grip (Cable)", 55, SECONDARY), _w("Seated Cable Row - Bar Grip", 55, SECONDARY),
    _w("Iso-Lateral Row (Machine)", 40, SECONDARY), _w("Seated Row (Machine)", 50, SECONDARY),
    _w("Single Arm Cable Row", 20, SECONDARY), _w("Chest Supported Incline Row (Dumbbell)", 20, SECONDARY),
    _w("Meadows Rows (Barbell)", 25, SECONDARY), _w("Shrug (Dumbbell)", 30), _w("Shrug (Barbell)", 80),
    _w("Shrug (Machine)", 70), _w("Back Extension (Weighted Hyperextension)", 10),
    _bw("Back Extension (Hyperextension)", ISOLATION),
    # biceps
    _w("Bicep Curl (Barbell)", 30), _w("EZ Bar Biceps Curl", 27.5), _w("Bicep Curl (Dumbbell)", 12),
    _w("Bicep Curl (Cable)", 20), _w("Hammer Curl (Dumbbell)", 14), _w("Hammer Curl (Cable)", 20),
    _w("Cross Body Hammer Curl", 12), _w("Preacher Curl (Machine)", 30), _w("Preacher Curl (Barbell)", 25),
    _w("Preacher Curl (Dumbbell)", 10), _w("Seated Incline Curl (Dumbbell)", 10), _w("Concentration Curl", 10),
    _w("Spider Curl (Dumbbell)", 8),
    # legs
    _w("Squat (Barbell)", 90, MAIN), _w("Front Squat", 70, MAIN), _w("Pause Squat (Barbell)", 75, MAIN),
    _w("Squat (Smith Machine)", 80, SECONDARY), _w("Hack Squat (Machine)", 80, SECONDARY),
    _w("Belt Squat (Machine)", 70, SECONDARY), _w("Pendulum Squat (Machine)", 60, SECONDARY),
    _w("Leg Press (Machine)", 160, SECONDARY), _w("Leg Press Horizontal (Machine)", 120, SECONDARY),
    _w("Goblet Squat", 24, SECONDARY), _w("Bulgarian Split Squat", 14, SECONDARY),
    _w("Walking Lunge (Dumbbell)", 14, SECONDARY), _w("Reverse Lunge (Dumbbell)", 14, SECONDARY),
    _w("Leg Extension (Machine)", 50), _w("Single Leg Extensions", 20),
    _w("Romanian Deadlift (Barbell)", 80, SECONDARY), _w("Romanian Deadlift (Dumbbell)", 26, SECONDARY),
    _w("Stiff Leg Deadlift", 80, SECONDARY), _w("Good Morning (Barbell)", 50, SECONDARY),
    _w("Sumo Deadlift", 110, MAIN), _w("Single Leg Romanian Deadlift (Dumbbell)", 16, SECONDARY),
    _w("Lying Leg Curl (Machine)", 40), _w("Seated Leg Curl (Machine)", 45), _bw("Nordic Hamstrings Curls", ISOLATION),
    _w("Hip Thrust (Barbell)", 90, SECONDARY), _w("Hip Thrust (Machine)", 80, SECONDARY),
    _w("Glute Kickback (Machine)", 30), _w("Cable Pull Through", 25), _w("Hip Abduction (Machine)", 50),
    _w("Hip Adduction (Machine)", 50), _w("Kettlebell Swing", 20, SECONDARY), _w("Power Clean", 60, MAIN),
    _w("Standing Calf Raise (Machine)", 70), _w("Standing Calf Raise (Dumbbell)", 20),
    _w("Standing Calf Raise (Smith)", 60), _w("Seated Calf Raise", 40), _w("Calf Press (Machine)", 100),
    # core
    _bw("Hanging Knee Raise", CORE), _bw("Hanging Leg Raise", CORE), _bw("Leg Raise Parallel Bars", CORE),
    _bw("Ab Wheel", CORE), _bw("Decline Crunch", CORE), _bw("Reverse Crunch", CORE), _bw("Dead Bug", CORE),
    _w("Cable Crunch", 35, CORE), _w("Crunch (Machine)", 40, CORE), _w("Russian Twist (Weighted)", 8, CORE),
    ("Plank", TIMED, CORE, 0.0), ("Side Plank", TIMED, CORE, 0.0),
    # cardio
    _cardio("Treadmill", 7.5), _cardio("Running", 5.8), _cardio("Cycling", 2.3),
    _cardio("Elliptical Trainer", 6.5), _cardio("Rowing Machine", 5.0), _cardio("Stair Machine", 0.0),
)  # fmt: skip

# Each routine lists its slots; a slot's variations rotate (see _plan), never per session.
# No title appears in two slots of one routine, nor in a routine and the ab/finisher slots.
ROUTINES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Push A": (
        ("Bench Press (Barbell)",),
        ("Incline Bench Press (Dumbbell)", "Incline Bench Press (Barbell)", "Incline Chest Press (Machine)"),
        ("Overhead Press (Dumbbell)", "Shoulder Press (Machine Plates)", "Seated Overhead Press (Dumbbell)"),
        ("Lateral Raise (Dumbbell)", "Lateral Raise (Cable)", "Lateral Raise (Machine)"),
        ("Triceps Pushdown", "Triceps Rope Pushdown", "Single Arm Triceps Pushdown (Cable)"),
        ("Overhead Triceps Extension (Cable)", "Skullcrusher (Barbell)", "Triceps Dip"),
    ),
    "Push B": (
        ("Overhead Press (Barbell)", "Push Press"),
        ("Bench Press (Dumbbell)", "Bench Press (Smith Machine)", "Chest Press (Machine)"),
        ("Chest Fly (Machine)", "Butterfly (Pec Deck)", "Cable Fly Crossovers", "Low Cable Fly Crossovers"),
        ("Seated Lateral Raise (Dumbbell)", "Single Arm Lateral Raise (Cable)"),
        ("Triceps Extension (Dumbbell)", "Skullcrusher (Dumbbell)", "Triceps Kickback (Cable)"),
        ("Chest Dip", "Push Up", "Triceps Dip (Weighted)"),
    ),
    "Pull A": (
        ("Deadlift (Barbell)", "Rack Pull", "Trap Bar Deadlift"),
        ("Pull Up", "Chin Up", "Pull Up (Weighted)"),
        ("Bent Over Row (Barbell)", "Pendlay Row (Barbell)", "T Bar Row", "Bent Over Row (Dumbbell)"),
        ("Face Pull", "Rear Delt Reverse Fly (Machine)", "Rear Delt Reverse Fly (Dumbbell)"),
        ("Shrug (Dumbbell)", "Shrug (Barbell)", "Shrug (Machine)"),
        ("Bicep Curl (Barbell)", "EZ Bar Biceps Curl", "Bicep Curl (Dumbbell)"),
        ("Hammer Curl (Dumbbell)", "Hammer Curl (Cable)", "Cross Body Hammer Curl"),
    ),
    "Pull B": (
        ("Lat Pulldown (Cable)", "Lat Pulldown - Close Grip (Cable)", "Lat Pulldown (Machine)",
         "Reverse Grip Lat Pulldown (Cable)"),
        ("Seated Cable Row - V Grip (Cable)", "Seated Cable Row - Bar Grip", "Iso-Lateral Row (Machine)",
         "Seated Row (Machine)"),
        ("Chest Supported Incline Row (Dumbbell)", "Dumbbell Row", "Meadows Rows (Barbell)", "Single Arm Cable Row"),
        ("Straight Arm Lat Pulldown (Cable)", "Rope Straight Arm Pulldown", "Pullover (Machine)"),
        ("Preacher Curl (Machine)", "Preacher Curl (Dumbbell)"),
        ("Seated Incline Curl (Dumbbell)", "Bicep Curl (Cable)", "Concentration Curl", "Spider Curl (Dumbbell)"),
        ("Back Extension (Hyperextension)", "Back Extension (Weighted Hyperextension)"),
    ),
    "Legs": (
        ("Squat (Barbell)", "Front Squat", "Hack Squat (Machine)", "Squat (Smith Machine)"),
        ("Romanian Deadlift (Barbell)", "Romanian Deadlift (Dumbbell)", "Stiff Leg Deadlift", "Good Morning (Barbell)"),
        ("Leg Press (Machine)", "Bulgarian Split Squat", "Walking Lunge (Dumbbell)", "Leg Press Horizontal (Machine)"),
        ("Leg Extension (Machine)", "Single Leg Extensions"),
        ("Lying Leg Curl (Machine)", "Seated Leg Curl (Machine)"),
        ("Standing Calf Raise (Machine)", "Seated Calf Raise", "Calf Press (Machine)"),
        ("Hip Abduction (Machine)", "Hip Adduction (Machine)"),
    ),
    "Upper": (
        ("Bench Press (Barbell)", "Incline Bench Press (Barbell)", "Incline Bench Press (Smith Machine)"),
        ("Lat Pulldown (Cable)", "Pull Up", "Chin Up"),
        ("Overhead Press (Smith Machine)", "Arnold Press (Dumbbell)", "Shoulder Press (Dumbbell)"),
        ("Seated Cable Row - V Grip (Cable)", "T Bar Row", "Dumbbell Row"),
        ("Lateral Raise (Dumbbell)", "Lateral Raise (Machine)"),
        ("Preacher Curl (Machine)", "Preacher Curl (Barbell)", "Bicep Curl (Dumbbell)"),
        ("Triceps Pushdown", "Overhead Triceps Extension (Cable)", "Triceps Extension (Cable)"),
    ),
    "Lower": (
        ("Squat (Barbell)", "Pause Squat (Barbell)", "Belt Squat (Machine)", "Pendulum Squat (Machine)"),
        ("Romanian Deadlift (Barbell)", "Sumo Deadlift", "Single Leg Romanian Deadlift (Dumbbell)"),
        ("Leg Press (Machine)", "Hack Squat (Machine)", "Goblet Squat", "Reverse Lunge (Dumbbell)"),
        ("Lying Leg Curl (Machine)", "Seated Leg Curl (Machine)", "Nordic Hamstrings Curls"),
        ("Hip Thrust (Barbell)", "Hip Thrust (Machine)", "Glute Kickback (Machine)", "Cable Pull Through"),
        ("Standing Calf Raise (Machine)", "Standing Calf Raise (Dumbbell)", "Standing Calf Raise (Smith)"),
    ),
    "Full Body": (
        ("Squat (Barbell)", "Goblet Squat", "Front Squat", "Leg Press (Machine)"),
        ("Bench Press (Barbell)", "Bench Press (Dumbbell)", "Push Up"),
        ("Bent Over Row (Barbell)", "Pull Up", "Inverted Row", "Dumbbell Row"),
        ("Romanian Deadlift (Dumbbell)", "Kettlebell Swing", "Hip Thrust (Barbell)", "Power Clean"),
        ("Overhead Press (Barbell)", "Arnold Press (Dumbbell)", "Push Press"),
        ("Bicep Curl (Dumbbell)", "Hammer Curl (Dumbbell)", "Triceps Rope Pushdown"),
    ),
}  # fmt: skip
CORE_SLOT = ("Hanging Knee Raise", "Hanging Leg Raise", "Cable Crunch", "Crunch (Machine)", "Leg Raise Parallel Bars",
             "Ab Wheel", "Plank", "Side Plank", "Russian Twist (Weighted)", "Decline Crunch", "Reverse Crunch",
             "Dead Bug")  # fmt: skip
FINISHER_SLOT = ("Treadmill", "Cycling", "Stair Machine", "Elliptical Trainer", "Rowing Machine", "Running")
# Programmes rotate every mesocycle: PPL, upper/lower, full body, a hybrid.
PROGRAMS = (
    ("Push A", "Pull A", "Legs", "Push B", "Pull B"),
    ("Upper", "Lower"),
    ("Full Body", "Upper", "Lower"),
    ("Push A", "Pull B", "Legs", "Upper", "Lower"),
)
MESOCYCLE_WEEKS = 6
DELOAD_EVERY_MESOCYCLES = 4  # the last week of every 4th mesocycle is a deload
DELOAD_FACTOR = 0.85

WORKOUTS_PER_WEEK = (4, 5, 5, 5, 6)
HOLIDAY_WEEK_PROBABILITY = 0.03
SKIPPED_ACCESSORIES = (0, 0, 1, 1, 2)
CORE_BLOCK_PROBABILITY = 0.3
FINISHER_PROBABILITY = 0.15
SUPERSET_PROBABILITY = 0.22
SECOND_SUPERSET_PROBABILITY = 0.35
WEEKDAY_HOURS = (6, 7, 12, 18, 18, 19, 19, 20)
WORKOUT_MINUTES = (30, 120)
SETUP_MINUTES, MINUTES_PER_SET = 15, 3

WARMUP_FRACTIONS = np.array([0.4, 0.6, 0.8])
WARMUP_REPS = np.array([10, 6, 3])
REP_RANGES = np.array([(5, 8), (8, 12), (10, 15), (10, 20)])  # by role
WORKING_SETS = np.array([(3, 4), (2, 4), (2, 3), (2, 3)])  # by role
FAILURE_PROBABILITY = np.array([0.04, 0.12, 0.2, 0.1])  # by role
DROPSET_PROBABILITY = 0.06  # loaded isolation work only
RPE_PROBABILITY = np.array([0.35, 0.12, 0.05, 0.0])  # by role
RPE_VALUES = (7.0, 8.0, 8.0, 8.5, 8.5, 9.0)
FATIGUE_REPS = (0, 0, 1, 1, 2)  # reps lost from one working set to the next
# Load = start x athlete strength x (1 + gain x (1 - exp(-training weeks / tau))).
TOTAL_GAIN = np.array([0.9, 0.8, 0.6, 0.5])  # by role
GAIN_TAU_WEEKS = 220.0
CYCLE_STRENGTH = {"Cutting": 0.97, "Bulking": 1.02, "Reversa": 1.0, "Manutenção": 1.0}

NOTE_PROBABILITY = 0.03
MULTILINE_NOTE_PROBABILITY = 0.002
SHORT_NOTES = ("Seat on 4", "Pin at hole 6", "Used straps", "Grip a bit wider", "Slow eccentric",
               "Shoulder slightly sore", "Paused reps", "Machine 2 was taken")  # fmt: skip
MULTILINE_NOTES = ("Felt strong 💪\nkeep elbows tucked", "New PR 🎉\nnext time add 2.5 kg",
                   "Great pump 🔥\nrest 90s between sets")  # fmt: skip
DESCRIPTION_PROBABILITY = 0.05
DESCRIPTIONS = ("Short on time today.", "Gym was packed, swapped a few machines.", "Slept badly, kept it light.",
                "Hotel gym while travelling.", "Felt great, pushed hard.", "Morning fasted session.")  # fmt: skip
DELOAD_DESCRIPTION = "Deload week."

_TITLES = np.array([e[0] for e in EXERCISES], dtype=object)
_KIND = np.array([e[1] for e in EXERCISES])
_ROLE = np.array([e[2] for e in EXERCISES])
_START = np.array([e[3] for e in EXERCISES])
_DUMBBELL = np.array(["Dumbbell" in e[0] or "Kettlebell" in e[0] for e in EXERCISES])
_ID = {title: i for i, title in enumerate(_TITLES)}
_ROUTINE_NAMES = np.array(list(ROUTINES), dtype=object)
_ROUTINE_INDEX = {name: i for i, name in enumerate(ROUTINES)}
_ROUTINE_SLOTS = np.array([len(slots) for slots in ROUTINES.values()])
_ROUTINE_FIRST_SLOT = np.cumsum(_ROUTINE_SLOTS) - _ROUTINE_SLOTS
_SLOTS = [slot for slots in ROUTINES.values() for slot in slots]
_SLOT_VARIATIONS = np.array([len(slot) for slot in _SLOTS])
_SLOT_FIRST_VARIATION = np.cumsum(_SLOT_VARIATIONS) - _SLOT_VARIATIONS
_VARIATION_EXERCISE = np.array([_ID[title] for slot in _SLOTS for title in slot])
_PROGRAM_LENGTH = np.array([len(p) for p in PROGRAMS])
_PROGRAM_ROUTINE = np.array([[_ROUTINE_INDEX[p[i % len(p)]] for i in range(max(_PROGRAM_LENGTH))] for p in PROGRAMS])
_CORE_IDS = np.array([_ID[t] for t in CORE_SLOT])
_FINISHER_IDS = np.array([_ID[t] for t in FINISHER_SLOT])

WARMUP, NORMAL, FAILURE, DROPSET = 0, 1, 2, 3
_SET_TYPE_TEXT = np.array(["warmup", "normal", "failure", "dropset"], dtype=object)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# ---------------------------------------------------------------------------------------
# Diet
# ---------------------------------------------------------------------------------------

CUTTING, BULKING, REVERSA, MANUTENCAO = "Cutting", "Bulking", "Reversa", "Manutenção"
CYCLE_KINDS = (CUTTING, BULKING, REVERSA, MANUTENCAO)
CYCLE_WEEKS = {CUTTING: (10, 20), BULKING: (14, 30), REVERSA: (4, 8), MANUTENCAO: (6, 14)}
NEXT_CYCLE = {  # (next kind, probability)
    CUTTING: ((REVERSA, 0.7), (MANUTENCAO, 0.3)),
    REVERSA: ((BULKING, 0.6), (MANUTENCAO, 0.4)),
    BULKING: ((CUTTING, 0.75), (MANUTENCAO, 0.25)),
    MANUTENCAO: ((CUTTING, 0.5), (BULKING, 0.5)),
}
# Daily targets in grams (carbs, protein, fat) for an 88 kg athlete; scaled by bodyweight.
MACRO_TARGETS = {CUTTING: (170.0, 190.0, 55.0), BULKING: (330.0, 175.0, 80.0),
                 REVERSA: (200.0, 180.0, 60.0), MANUTENCAO: (260.0, 180.0, 70.0)}  # fmt: skip
CARB_STEP_DAYS = 14
CUTTING_CARB_CUT, CUTTING_CARB_FLOOR, REVERSA_CARB_ADD = 10.0, 110.0, 12.0
WEIGHT_DRIFT_KG_PER_DAY = {CUTTING: -0.055, BULKING: 0.035, REVERSA: 0.012, MANUTENCAO: 0.0}
WEIGHT_BAND_KG = 7.0  # the athlete stays within this of their usual weight
WEEKLY_CARDIO_MIN = {CUTTING: (120, 150, 180), BULKING: (30, 60, 60), REVERSA: (60, 90, 90),
                     MANUTENCAO: (60, 90, 120)}  # fmt: skip
REFERENCE_WEIGHT_KG = 88.0
UNWEIGHED_PROBABILITY = 0.02
DECIMAL_PROBABILITY = 0.15
NOTE_DAY_PROBABILITY = 0.04
FREE_MEAL, FORGOT_SCALE = "refeição livre", "esqueci de pesar"
DIET_NOTES = (FREE_MEAL, FREE_MEAL, "aniversário, comi fora", "viagem a trabalho", "pouca fome",
              "jantar em família", FORGOT_SCALE, "churrasco no domingo", "dormi mal")  # fmt: skip


@dataclass(frozen=True)
class BenchmarkExports:
    inbox: Path
    hevy_files: tuple[Path, ...]
    diet_files: tuple[Path, ...]
    set_rows: int       # Hevy set rows written, all athletes (== total_sets)
    workouts: int
    diet_rows: int      # diet days written, all athletes
    first_day: date     # earliest workout / diet day of any athlete
    last_day: date      # latest workout / diet day of any athlete (<= END_DAY)


@dataclass(frozen=True)
class _Profile:
    strength: float                 # scales every load
    exercise_factor: np.ndarray     # per exercise, around 1: athletes have strong and weak lifts
    training_weeks_before: float    # training age when the log starts
    bodyweight: float               # usual bodyweight, kg


@dataclass(frozen=True)
class _Cycles:
    kinds: list[str]
    starts: np.ndarray  # day numbers (days since 1970-01-01)
    labels: list[str]


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def write_benchmark_exports(inbox: Path, total_sets: int = 1_000_000, athletes: int = 20,
                            seed: int = 0) -> BenchmarkExports:
    """Write ``inbox/athlete_NN/{hevy_workouts.csv,diet_log.csv}`` for ``athletes`` athletes.

    Exactly ``total_sets`` set rows in all (split evenly, the first athletes taking the
    remainder); one diet row per day over each athlete's workout span.
    """
    if athletes < 1 or total_sets < athletes:
        raise ValueError("need at least one athlete and at least one set per athlete")
    inbox = Path(inbox)
    hevy_files, diet_files = [], []
    set_rows = workouts = diet_rows = 0
    first_day, last_day = date.max, date.min
    for number in range(1, athletes + 1):
        share = total_sets // athletes + (1 if number <= total_sets % athletes else 0)
        folder = inbox / f"athlete_{number:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        hevy_rng = np.random.default_rng([seed, number, 0])
        diet_rng = np.random.default_rng([seed, number, 1])
        profile = _draw_profile(np.random.default_rng([seed, number, 2]))
        plan = _plan(hevy_rng, share)
        cycles = _draw_cycles(diet_rng, int(plan["day"][0]))
        columns = _sets(hevy_rng, plan, profile, cycles)
        _write_csv(folder / HEVY_FILE_NAME, HEVY_HEADER, columns, csv.QUOTE_ALL)
        diet = _diet_columns(diet_rng, profile, cycles, int(plan["day"][0]))
        _write_csv(folder / DIET_FILE_NAME, DIET_HEADER, diet, csv.QUOTE_MINIMAL)
        hevy_files.append(folder / HEVY_FILE_NAME)
        diet_files.append(folder / DIET_FILE_NAME)
        set_rows += len(columns[0])
        workouts += len(plan["day"])
        diet_rows += len(diet[0])
        first_day = min(first_day, _to_date(plan["day"][0]))
        last_day = END_DAY  # every diet log runs to END_DAY; workouts end there or before
    return BenchmarkExports(inbox, tuple(hevy_files), tuple(diet_files), set_rows, workouts, diet_rows,
                            first_day, last_day)


def append_workout(hevy_csv: Path, out: Path) -> int:
    """Write to ``out`` the export plus one new workout, the newest; return the set rows added.

    The new workout starts at 18:00 the day after the file's latest workout, lasts 45
    minutes, has that workout's title and repeats its first exercise block (and the second,
    when the first has fewer than three sets). The existing bytes are kept as they are; the
    new rows go right under the header when the file lists newest workouts first (as Hevy
    does), else at the end, quoted and terminated like the header line.
    """
    data = Path(hevy_csv).read_bytes()
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader)]
    body = [row for row in reader if row]
    if not body:
        raise ValueError(f"{hevy_csv} has no workout rows to follow")
    col = {name: i for i, name in enumerate(header)}
    start_col, title_col, exercise_col, index_col = (col[c] for c in ("start_time", "title", "exercise_title",
                                                                        "set_index"))
    parsed = {t: parse_hevy_datetime(t) for t in {row[start_col] for row in body}}
    latest_text = max((t for t in parsed if parsed[t] is not None), key=lambda t: parsed[t])
    latest = parsed[latest_text]
    newest = [row for row in body if row[start_col] == latest_text]
    newest = [row for row in newest if row[title_col] == newest[0][title_col]]
    picked: list[list[str]] = []
    blocks = 0
    for i, row in enumerate(newest):
        starts_block = i == 0 or row[exercise_col] != newest[i - 1][exercise_col] or (
            int(row[index_col]) <= int(newest[i - 1][index_col]))
        if starts_block:
            if blocks == 2 or (blocks == 1 and len(picked) >= 3):
                break
            blocks += 1
        picked.append(row)
    start = datetime.combine(latest.date() + timedelta(days=1), time(18, 0))
    added = []
    for row in picked:
        new = list(row)
        new[col["start_time"]], new[col["end_time"]] = _fmt_time(start), _fmt_time(start + timedelta(minutes=45))
        new[col["description"]] = ""
        new[col["exercise_notes"]] = ""
        added.append(new)
    header_end = data.index(b"\n")
    terminator = "\r\n" if data[header_end - 1:header_end] == b"\r" else "\n"
    quoting = csv.QUOTE_ALL if text.startswith('"') else csv.QUOTE_MINIMAL
    buffer = io.StringIO()
    csv.writer(buffer, quoting=quoting, lineterminator=terminator).writerows(added)
    new_bytes = buffer.getvalue().encode("utf-8")
    first_start = parse_hevy_datetime(body[0][start_col])
    last_start = parse_hevy_datetime(body[-1][start_col])
    newest_first = first_start is None or last_start is None or first_start >= last_start
    if newest_first:
        result = data[:header_end + 1] + new_bytes + data[header_end + 1:]
    else:
        result = data + (b"" if data.endswith(b"\n") else terminator.encode()) + new_bytes
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_bytes(result)
    return len(added)


# ---------------------------------------------------------------------------------------
# Workouts
# ---------------------------------------------------------------------------------------


def _draw_profile(rng: np.random.Generator) -> _Profile:
    strength = rng.uniform(0.5, 1.15)
    return _Profile(
        strength=strength,
        exercise_factor=np.exp(rng.normal(0.0, 0.08, len(EXERCISES))),
        training_weeks_before=rng.uniform(0.0, 150.0),
        bodyweight=float(np.round(55.0 + 45.0 * (strength - 0.5) / 0.65 + rng.normal(0.0, 4.0), 1)),
    )


def _load_steps(profile: _Profile) -> np.ndarray:
    """Per exercise: the load increment. Dumbbells move in 0.5 kg; plates and stacks in 2.5 kg,
    or 1.25 / 0.5 kg (small plates, add-on weights) where the athlete's load is light."""
    start = _START * profile.strength * profile.exercise_factor
    return np.where(_DUMBBELL | (start < 8), 0.5, np.where(start < 25, 1.25, 2.5))


def _plan(rng: np.random.Generator, target_sets: int) -> dict[str, np.ndarray]:
    """Workouts and exercise blocks with set counts, newest history first cut to target_sets."""
    weeks = target_sets // 60 + 8  # ~90 sets a week: plenty, the oldest weeks are dropped
    while True:
        plan = _draw_plan(rng, weeks)
        if plan["block_sets"].sum() >= target_sets:
            return _cut_to(plan, target_sets)
        weeks *= 2


def _draw_plan(rng: np.random.Generator, weeks: int) -> dict[str, np.ndarray]:
    end = END_DAY.toordinal() - _EPOCH_ORDINAL
    end_monday = end - END_DAY.weekday()
    # Calendar: week k before END_DAY's week, some days of it (at most one workout a day).
    counts = rng.choice(WORKOUTS_PER_WEEK, size=weeks)
    counts[rng.random(weeks) < HOLIDAY_WEEK_PROBABILITY] = 0
    weekday = np.argsort(rng.random((weeks, 7)), axis=1)
    weekday = np.where(np.arange(7) < counts[:, None], weekday, 7)
    weekday.sort(axis=1)
    week, column = np.nonzero(weekday < 7)
    day = end_monday - 7 * week + weekday[week, column]
    keep = day <= end
    order = np.argsort(day[keep])
    week, day = week[keep][order], day[keep][order]
    n = len(day)
    mesocycle = week // MESOCYCLE_WEEKS  # counted back from the newest
    program = mesocycle % len(PROGRAMS)
    new_mesocycle = np.r_[True, mesocycle[1:] != mesocycle[:-1]]
    position = np.arange(n) - np.maximum.accumulate(np.where(new_mesocycle, np.arange(n), 0))
    routine = _PROGRAM_ROUTINE[program, position % _PROGRAM_LENGTH[program]]
    rotation = mesocycle // len(PROGRAMS)  # a slot's variation changes once per programme round
    deload = (week % MESOCYCLE_WEEKS == 0) & (mesocycle % DELOAD_EVERY_MESOCYCLES == 1)

    # Main blocks: the routine's slots, the last accessories skipped when short on time.
    slot_offset = rng.integers(0, _SLOT_VARIATIONS)
    n_main = _ROUTINE_SLOTS[routine] - rng.choice(SKIPPED_ACCESSORIES, size=n)
    has_core = rng.random(n) < CORE_BLOCK_PROBABILITY
    has_finisher = rng.random(n) < FINISHER_PROBABILITY
    superset = rng.random(n) < SUPERSET_PROBABILITY
    second_superset = superset & (n_main >= 6) & (rng.random(n) < SECOND_SUPERSET_PROBABILITY)
    core_offset = rng.integers(len(CORE_SLOT))
    finisher_pick = rng.integers(0, len(FINISHER_SLOT), size=n)

    main_w = np.repeat(np.arange(n), n_main)
    j = np.arange(len(main_w)) - np.repeat(np.cumsum(n_main) - n_main, n_main)
    slot = _ROUTINE_FIRST_SLOT[routine[main_w]] + j
    variation = (slot_offset[slot] + rotation[main_w]) % _SLOT_VARIATIONS[slot]
    main_ex = _VARIATION_EXERCISE[_SLOT_FIRST_VARIATION[slot] + variation]
    last = n_main[main_w]
    main_superset = np.where(superset[main_w] & (j >= last - 2), 0,
                             np.where(second_superset[main_w] & (j >= last - 4) & (j < last - 2), 1, -1))
    core_w, finisher_w = np.flatnonzero(has_core), np.flatnonzero(has_finisher)
    block_w = np.concatenate([main_w, core_w, finisher_w])
    block_order = np.concatenate([j, np.full(len(core_w), 100), np.full(len(finisher_w), 101)])
    block_ex = np.concatenate([main_ex, _CORE_IDS[(core_offset + mesocycle[core_w]) % len(CORE_SLOT)],
                               _FINISHER_IDS[finisher_pick[finisher_w]]])
    block_superset = np.concatenate([main_superset, np.full(len(core_w) + len(finisher_w), -1)])
    order = np.lexsort((block_order, block_w))
    block_w, block_ex, block_superset = block_w[order], block_ex[order], block_superset[order]

    # Set counts per block: warm-ups (main lifts), working sets, maybe a failure or drop set.
    nb = len(block_w)
    kind, role = _KIND[block_ex], _ROLE[block_ex]
    lifting = kind <= BODYWEIGHT
    warmups = np.where(lifting & (role == MAIN) & (kind == WEIGHTED), rng.integers(1, 4, size=nb), 0)
    working = rng.integers(WORKING_SETS[role, 0], WORKING_SETS[role, 1] + 1)
    working = np.where(kind == CARDIO, 1, working)
    extra_roll = rng.random(nb)
    extra = np.where(~lifting, -1, np.where(extra_roll < FAILURE_PROBABILITY[role], FAILURE, np.where(
        (kind == WEIGHTED) & (role == ISOLATION) & (extra_roll > 1 - DROPSET_PROBABILITY), DROPSET, -1)))
    block_sets = warmups + working + (extra >= 0)
    return {
        "day": day, "routine": routine, "deload": deload, "block_w": block_w, "block_ex": block_ex,
        "block_superset": block_superset, "warmups": warmups, "working": working, "extra": extra,
        "block_sets": block_sets,
    }


_WORKOUT_KEYS = ("day", "routine", "deload")  # one value per workout; every other plan key is per block


def _cut_to(plan: dict[str, np.ndarray], target: int) -> dict[str, np.ndarray]:
    """Keep the newest workouts holding target sets; drop the oldest kept workout's last surplus sets."""
    n = len(plan["day"])
    per_workout = np.bincount(plan["block_w"], weights=plan["block_sets"], minlength=n).astype(np.int64)
    from_newest = np.cumsum(per_workout[::-1])
    kept = int(np.searchsorted(from_newest, target)) + 1
    oldest = n - kept
    surplus = int(from_newest[kept - 1] - target)  # < that workout's sets, so it keeps at least one
    block_keep = plan["block_w"] >= oldest
    out = {key: (value[oldest:] if key in _WORKOUT_KEYS else value[block_keep]) for key, value in plan.items()}
    out["block_w"] = out["block_w"] - oldest
    sets = out["block_sets"].copy()
    warmups, working, extra = out["warmups"].copy(), out["working"].copy(), out["extra"].copy()
    b = int(np.flatnonzero(out["block_w"] == 0)[-1])
    while surplus > 0:  # from the last block of the oldest workout backwards
        drop = min(surplus, int(sets[b]))
        sets[b] -= drop
        surplus -= drop
        warmups[b] = min(warmups[b], sets[b])
        working[b] = min(working[b], sets[b] - warmups[b])
        if sets[b] == warmups[b] + working[b]:
            extra[b] = -1
        b -= 1
    alive = sets > 0
    out.update(block_sets=sets, warmups=warmups, working=working, extra=extra)
    return {key: (value if key in _WORKOUT_KEYS else value[alive]) for key, value in out.items()}


def _sets(rng: np.random.Generator, plan: dict[str, np.ndarray], profile: _Profile,
          cycles: _Cycles) -> list[np.ndarray]:
    """The Hevy columns (object arrays of strings), newest workout first."""
    day, block_w, block_ex = plan["day"], plan["block_w"], plan["block_ex"]
    n, nb = len(day), len(block_w)
    kind, role = _KIND[block_ex], _ROLE[block_ex]
    step = _load_steps(profile)[block_ex]
    warmups, working, extra, block_sets = plan["warmups"], plan["working"], plan["extra"], plan["block_sets"]

    # Per block: the working load and reps for this session.
    weeks = (day - day[0]) / 7.0 + profile.training_weeks_before
    progress = 1.0 - np.exp(-weeks / GAIN_TAU_WEEKS)
    cycle_kind = np.searchsorted(cycles.starts, day, side="right") - 1
    strength_by_cycle = np.array([CYCLE_STRENGTH[k] for k in cycles.kinds])
    form = strength_by_cycle[cycle_kind] * np.where(plan["deload"], DELOAD_FACTOR, 1.0)
    trend = (_START[block_ex] * profile.strength * profile.exercise_factor[block_ex]
             * (1.0 + TOTAL_GAIN[role] * progress[block_w]) * form[block_w])
    # Day-to-day form: sometimes a step lighter or heavier, where a step is a small change.
    wobble = rng.choice((-1, 0, 0, 0, 0, 0, 1), size=nb) * step * (step <= 0.06 * trend)
    top = _round_to(_round_to(trend, step) + wobble, step)
    low, high = REP_RANGES[role, 0], REP_RANGES[role, 1]
    bodyweight = kind == BODYWEIGHT
    gained = progress[block_w]
    low = low + np.where(bodyweight, np.floor(4 * gained), 0).astype(np.int64)
    high = high + np.where(bodyweight, np.floor(6 * gained), 0).astype(np.int64)
    base_reps = rng.integers(low, high + 1)
    floor = np.maximum(3, REP_RANGES[role, 0] - 1)
    cardio_minutes = rng.integers(10, 21, size=nb)
    notes_roll = rng.random(nb)
    notes = np.full(nb, "", dtype=object)
    short = (notes_roll >= MULTILINE_NOTE_PROBABILITY) & (notes_roll < MULTILINE_NOTE_PROBABILITY + NOTE_PROBABILITY)
    multi = notes_roll < MULTILINE_NOTE_PROBABILITY
    notes[short] = np.array(SHORT_NOTES, dtype=object)[rng.integers(0, len(SHORT_NOTES), size=int(short.sum()))]
    notes[multi] = np.array(MULTILINE_NOTES, dtype=object)[rng.integers(0, len(MULTILINE_NOTES), size=int(multi.sum()))]

    # Per set.
    total = int(block_sets.sum())
    s_b = np.repeat(np.arange(nb), block_sets)
    first_of_block = np.cumsum(block_sets) - block_sets
    pos = np.arange(total) - first_of_block[s_b]
    s_warm, s_work = warmups[s_b], working[s_b]
    set_type = np.where(pos < s_warm, WARMUP, np.where(pos < s_warm + s_work, NORMAL, extra[s_b]))
    s_kind, s_step, s_top = kind[s_b], step[s_b], top[s_b]
    warm_slot = np.clip(3 - s_warm + pos, 0, 2)
    weight = np.where(set_type == WARMUP, _round_to(s_top * WARMUP_FRACTIONS[warm_slot], s_step),
                      np.where(set_type == DROPSET, _round_to(s_top * 0.7, s_step), s_top))
    weight = np.where(s_kind == WEIGHTED, weight, np.nan)

    fatigue = rng.choice(FATIGUE_REPS, size=total)
    fatigue = np.where((set_type == WARMUP) | (set_type == DROPSET) | (pos == s_warm), 0, fatigue)
    lost = np.cumsum(fatigue)
    lost = lost - (lost - fatigue)[first_of_block][s_b]
    reps = np.maximum(floor[s_b], base_reps[s_b] - lost).astype(np.float64)
    reps = np.where(set_type == WARMUP, WARMUP_REPS[warm_slot], reps)
    reps = np.where(set_type == DROPSET, reps + rng.integers(2, 6, size=total), reps)
    reps = np.where(s_kind <= BODYWEIGHT, reps, np.nan)

    timed_seconds = _round_to(30 + 30 * gained[s_b] + rng.uniform(-10, 15, size=total), 5.0)
    cardio_seconds = cardio_minutes[s_b] * 60 + rng.integers(0, 60, size=total)
    duration = np.where(s_kind == TIMED, timed_seconds, np.where(s_kind == CARDIO, cardio_seconds, np.nan))
    pace = _START[block_ex][s_b] * rng.uniform(0.93, 1.07, size=total)
    with np.errstate(divide="ignore"):
        distance = np.where((s_kind == CARDIO) & (pace > 0), np.round(cardio_minutes[s_b] / pace, 1), np.nan)
    rated = (s_kind <= BODYWEIGHT) & ((set_type == NORMAL) | (set_type == FAILURE))
    rated &= rng.random(total) < RPE_PROBABILITY[role[s_b]]
    rpe = np.where(rated, rng.choice(RPE_VALUES, size=total), np.nan)

    # Per workout: start, end (from the work done), title, description.
    per_workout = np.bincount(block_w, weights=block_sets, minlength=n).astype(np.int64)
    finisher_minutes = np.bincount(block_w, weights=np.where(kind == CARDIO, cardio_minutes, 0), minlength=n)
    minutes = np.clip(SETUP_MINUTES + MINUTES_PER_SET * per_workout + finisher_minutes.astype(np.int64)
                      + rng.integers(-8, 9, size=n), *WORKOUT_MINUTES)
    weekend = (day + 3) % 7 >= 5  # 1970-01-01 was a Thursday
    hour = np.where(weekend, rng.integers(9, 12, size=n), rng.choice(WEEKDAY_HOURS, size=n))
    minute = rng.integers(0, 60, size=n)
    description = np.full(n, "", dtype=object)
    described = rng.random(n) < DESCRIPTION_PROBABILITY
    description[described] = np.array(DESCRIPTIONS, dtype=object)[
        rng.integers(0, len(DESCRIPTIONS), size=int(described.sum()))]
    description[plan["deload"]] = DELOAD_DESCRIPTION
    starts = [datetime.combine(_to_date(d), time(int(h), int(m))) for d, h, m in zip(day, hour, minute)]
    start_text = np.array([_fmt_time(s) for s in starts], dtype=object)
    end_text = np.array([_fmt_time(s + timedelta(minutes=int(mins))) for s, mins in zip(starts, minutes)],
                        dtype=object)
    title = _ROUTINE_NAMES[plan["routine"]]

    newest_first = np.argsort(-block_w[s_b], kind="stable")
    sb, sw = s_b[newest_first], block_w[s_b][newest_first]
    superset_text = np.array(["", "0", "1"], dtype=object)[plan["block_superset"] + 1]
    return [
        title[sw], start_text[sw], end_text[sw], description[sw], _TITLES[block_ex][sb], superset_text[sb],
        notes[sb], _fmt_numbers(pos[newest_first].astype(np.float64)), _SET_TYPE_TEXT[set_type[newest_first]],
        _fmt_numbers(weight[newest_first]), _fmt_numbers(reps[newest_first]),
        _fmt_numbers(distance[newest_first]), _fmt_numbers(duration[newest_first]), _fmt_numbers(rpe[newest_first]),
    ]


# ---------------------------------------------------------------------------------------
# Diet
# ---------------------------------------------------------------------------------------


def _draw_cycles(rng: np.random.Generator, first_day: int) -> _Cycles:
    """Back-to-back cycles from first_day past END_DAY; the one holding END_DAY stays open."""
    end = END_DAY.toordinal() - _EPOCH_ORDINAL
    kinds, starts = [], []
    kind, start = CYCLE_KINDS[int(rng.integers(len(CYCLE_KINDS)))], first_day
    while start <= end:
        kinds.append(kind)
        starts.append(start)
        low, high = CYCLE_WEEKS[kind]
        start += 7 * int(rng.integers(low, high + 1))
        options = NEXT_CYCLE[kind]
        kind = options[0][0] if rng.random() < options[0][1] else options[1][0]
    seen: dict[str, int] = {}
    labels = []
    for position, (kind, start) in enumerate(zip(kinds, starts)):
        seen[kind] = seen.get(kind, 0) + 1
        is_last = position == len(kinds) - 1
        end_text = "XX/XX/XXXX" if is_last else f"{_to_date(starts[position + 1] - 1):%d/%m/%Y}"
        labels.append(f"{position + 1}{kind} {_roman(seen[kind])} ({_to_date(start):%d/%m/%Y} - {end_text})")
    return _Cycles(kinds, np.array(starts, dtype=np.int64), labels)


def _diet_columns(rng: np.random.Generator, profile: _Profile, cycles: _Cycles, first_day: int) -> list[np.ndarray]:
    end = END_DAY.toordinal() - _EPOCH_ORDINAL
    day = np.arange(first_day, end + 1)
    n = len(day)
    cycle = np.searchsorted(cycles.starts, day, side="right") - 1
    kind_index = np.array([CYCLE_KINDS.index(k) for k in cycles.kinds])[cycle]
    into = day - cycles.starts[cycle]
    scale = profile.bodyweight / REFERENCE_WEIGHT_KG
    targets = np.array([MACRO_TARGETS[k] for k in CYCLE_KINDS]) * scale
    carbs_t, protein_t, fat_t = (targets[kind_index, i] for i in range(3))
    steps = into // CARB_STEP_DAYS
    # Coaches move carbs in small steps; protein and fat stay put.
    carbs_t = np.where(kind_index == CYCLE_KINDS.index(CUTTING),
                       np.maximum(CUTTING_CARB_FLOOR * scale, carbs_t - CUTTING_CARB_CUT * scale * steps), carbs_t)
    carbs_t = np.where(kind_index == CYCLE_KINDS.index(REVERSA),
                       np.minimum(MACRO_TARGETS[MANUTENCAO][0] * scale, carbs_t + REVERSA_CARB_ADD * scale * steps),
                       carbs_t)
    notes = np.full(n, "", dtype=object)
    noted = rng.random(n) < NOTE_DAY_PROBABILITY
    notes[noted] = np.array(DIET_NOTES, dtype=object)[rng.integers(0, len(DIET_NOTES), size=int(noted.sum()))]
    free_meal = notes == FREE_MEAL
    carbs_t, fat_t = carbs_t + 150 * free_meal, fat_t + 40 * free_meal
    carbs = _logged_grams(rng, carbs_t, 8.0)
    protein = _logged_grams(rng, protein_t, 6.0)
    fat = np.round(np.maximum(0.0, rng.normal(fat_t, 4.0)))  # whole grams
    kcal = np.round(4 * carbs + 4 * protein + 9 * fat).astype(np.int64)

    # Weekly cardio: planned per week, re-planned when a cycle starts mid-week.
    week = (day - (first_day - _to_date(first_day).weekday())) // 7
    keys, key_index = np.unique(week * 4096 + cycle, return_inverse=True)
    options = np.array([WEEKLY_CARDIO_MIN[k] for k in CYCLE_KINDS])
    key_kind = np.array([CYCLE_KINDS.index(k) for k in cycles.kinds])[keys % 4096]
    cardio = options[key_kind, rng.integers(0, options.shape[1], size=len(keys))][key_index]

    # Bodyweight: linear drift within each cycle, kept inside a band, plus daily scale noise.
    knots, weights, weight = [], [], profile.bodyweight
    bounds = (profile.bodyweight - WEIGHT_BAND_KG * scale, profile.bodyweight + WEIGHT_BAND_KG * scale)
    cycle_ends = np.r_[cycles.starts[1:], max(end + 1, cycles.starts[-1] + 1)]
    for kind, start, stop in zip(cycles.kinds, cycles.starts, cycle_ends):
        knots.append(int(start))
        weights.append(weight)
        weight = float(np.clip(weight + WEIGHT_DRIFT_KG_PER_DAY[kind] * scale * (stop - start), *bounds))
    knots.append(int(cycle_ends[-1]))
    weights.append(weight)
    scale_reading = np.interp(day, knots, weights) + np.clip(rng.normal(0.0, 0.35, size=n), -1.0, 1.0)
    unweighed = (notes == FORGOT_SCALE) | (rng.random(n) < UNWEIGHED_PROBABILITY)
    bodyweight = np.char.mod("%.1f", scale_reading).astype(object)
    bodyweight[unweighed] = ""

    return [
        np.datetime_as_string(day.astype("datetime64[D]"), unit="D").astype(object),
        _fmt_numbers(carbs), _fmt_numbers(protein), _fmt_numbers(fat), kcal.astype(str).astype(object),
        cardio.astype(str).astype(object), np.array(cycles.labels, dtype=object)[cycle], bodyweight, notes,
    ]


def _logged_grams(rng: np.random.Generator, target: np.ndarray, spread: float) -> np.ndarray:
    value = np.maximum(0.0, rng.normal(target, spread))
    return np.where(rng.random(len(value)) < DECIMAL_PROBABILITY, np.round(value, 1), np.round(value))


# ---------------------------------------------------------------------------------------
# Formatting and writing
# ---------------------------------------------------------------------------------------


def _round_to(values: np.ndarray, step) -> np.ndarray:
    return np.maximum(step, np.round(values / step) * step)


def _to_date(day_number) -> date:
    return date.fromordinal(int(day_number) + _EPOCH_ORDINAL)


def _fmt_time(moment: datetime) -> str:
    """Hevy's English layout, as the sample writes it: '13 Jan 2026, 18:43'."""
    return f"{moment.day:02d} {MONTH_ABBR[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def _fmt_number(value: float) -> str:
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _fmt_numbers(values: np.ndarray) -> np.ndarray:
    """The sample's number format for a whole column: NaN → '', 80.0 → '80', 8.5 → '8.5'."""
    out = np.full(len(values), "", dtype=object)
    present = ~np.isnan(values)
    unique, inverse = np.unique(values[present], return_inverse=True)
    out[present] = np.array([_fmt_number(v) for v in unique], dtype=object)[inverse]
    return out


def _roman(number: int) -> str:
    text = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        text += letters * count
    return text


def _write_csv(path: Path, header: list[str], columns: list[np.ndarray], quoting: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=quoting)
        writer.writerow(header)
        writer.writerows(zip(*columns))
