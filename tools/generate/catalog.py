"""What a synthetic athlete does in the gym: one exercise catalogue, the routine books, and the
shape of a session (rep ranges, set counts, notes), shared by both histories.

Kinds and roles are small integers so the vectorised bench history can index numpy arrays
with them; the per-role tables are tuples indexed by role.
"""

from __future__ import annotations

from dataclasses import dataclass

WEIGHTED, BODYWEIGHT, TIMED, CARDIO = 0, 1, 2, 3
# Roles drive rep ranges, set counts and how fast the load climbs.
MAIN, SECONDARY, ISOLATION, CORE = 0, 1, 2, 3


@dataclass(frozen=True)
class Exercise:
    title: str
    kind: int = WEIGHTED
    role: int = ISOLATION
    start_kg: float = 0.0  # load in week 0 for a typical athlete; for cardio: pace in minutes per km


def _w(title: str, start_kg: float, role: int = ISOLATION) -> Exercise:
    return Exercise(title, WEIGHTED, role, float(start_kg))


def _bw(title: str, role: int = SECONDARY) -> Exercise:
    return Exercise(title, BODYWEIGHT, role)


def _cardio(title: str, pace_min_per_km: float) -> Exercise:
    return Exercise(title, CARDIO, CORE, float(pace_min_per_km))  # pace 0: the machine reports no distance


# The order matters to the bench history: each athlete draws one strength factor per exercise
# it uses, in this order.
EXERCISES: tuple[Exercise, ...] = (
    # chest
    _w("Bench Press (Barbell)", 70, MAIN), _w("Bench Press (Dumbbell)", 26, SECONDARY),
    _w("Bench Press (Smith Machine)", 60, SECONDARY), _w("Incline Bench Press (Barbell)", 55, SECONDARY),
    _w("Incline Bench Press (Dumbbell)", 22, SECONDARY), _w("Incline Bench Press (Smith Machine)", 50, SECONDARY),
    _w("Incline Chest Press (Machine)", 50, SECONDARY), _w("Chest Press (Machine)", 60, SECONDARY),
    _w("Chest Fly (Machine)", 45), _w("Butterfly (Pec Deck)", 45), _w("Cable Fly Crossovers", 12.5),
    _w("Low Cable Fly Crossovers", 10), _w("Incline Chest Fly (Dumbbell)", 10), _bw("Push Up"), _bw("Chest Dip"),
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
    Exercise("Plank", TIMED, CORE), Exercise("Side Plank", TIMED, CORE),
    # cardio
    _cardio("Treadmill", 7.5), _cardio("Running", 5.8), _cardio("Cycling", 2.3),
    _cardio("Elliptical Trainer", 6.5), _cardio("Rowing Machine", 5.0), _cardio("Stair Machine", 0.0),
    # custom exercises the sample athlete created in the app: absent from data/exercise_muscle_map.csv
    _w("Landmine Rotation", 15, CORE), _w("Cable Crunch Kneeling (Custom)", 30, CORE), _w("Tibialis Raise", 10),
    _bw("Reverse Nordic", ISOLATION),
)  # fmt: skip
BY_TITLE: dict[str, Exercise] = {e.title: e for e in EXERCISES}

# ---------------------------------------------------------------------------------------
# Routine books. A routine lists its slots; a slot lists interchangeable variations, which
# rotate once per programme round, never per session. The sample athlete's book includes
# the custom exercises; the bench athletes' book is wider and uses mapped titles only.
# ---------------------------------------------------------------------------------------

Slot = tuple[str, ...]
SAMPLE_ROUTINES: dict[str, tuple[Slot, ...]] = {
    "Push A": (
        ("Bench Press (Barbell)",),
        ("Incline Bench Press (Dumbbell)", "Incline Bench Press (Barbell)"),
        ("Overhead Press (Dumbbell)", "Shoulder Press (Machine Plates)"),
        ("Lateral Raise (Dumbbell)", "Lateral Raise (Cable)", "Lateral Raise (Machine)"),
        ("Triceps Pushdown", "Triceps Rope Pushdown"),
        ("Overhead Triceps Extension (Cable)", "Skullcrusher (Barbell)", "Triceps Dip"),
    ),
    "Push B": (
        ("Overhead Press (Barbell)", "Push Press"),
        ("Bench Press (Dumbbell)", "Bench Press (Smith Machine)", "Chest Press (Machine)"),
        ("Chest Fly (Machine)", "Butterfly (Pec Deck)", "Cable Fly Crossovers", "Low Cable Fly Crossovers"),
        ("Lateral Raise (Cable)", "Lateral Raise (Dumbbell)"),
        ("Triceps Extension (Dumbbell)", "Skullcrusher (Dumbbell)", "Triceps Kickback (Cable)"),
        ("Chest Dip", "Push Up"),
    ),
    "Pull A": (
        ("Deadlift (Barbell)", "Rack Pull"),
        ("Pull Up", "Chin Up", "Pull Up (Weighted)"),
        ("Bent Over Row (Barbell)", "Pendlay Row (Barbell)", "T Bar Row", "Bent Over Row (Dumbbell)"),
        ("Face Pull", "Rear Delt Reverse Fly (Machine)", "Rear Delt Reverse Fly (Dumbbell)"),
        ("Shrug (Dumbbell)", "Shrug (Barbell)"),
        ("Bicep Curl (Barbell)", "EZ Bar Biceps Curl", "Bicep Curl (Dumbbell)"),
        ("Hammer Curl (Dumbbell)", "Hammer Curl (Cable)"),
    ),
    "Pull B": (
        ("Lat Pulldown (Cable)", "Lat Pulldown - Close Grip (Cable)", "Lat Pulldown (Machine)"),
        ("Seated Cable Row - V Grip (Cable)", "Seated Cable Row - Bar Grip", "Iso-Lateral Row (Machine)"),
        ("Chest Supported Incline Row (Dumbbell)", "Dumbbell Row", "Meadows Rows (Barbell)"),
        ("Straight Arm Lat Pulldown (Cable)",),
        ("Preacher Curl (Machine)",),
        ("Seated Incline Curl (Dumbbell)", "Bicep Curl (Cable)", "Concentration Curl"),
        ("Back Extension (Hyperextension)", "Back Extension (Weighted Hyperextension)"),
    ),
    "Legs": (
        ("Squat (Barbell)", "Front Squat", "Hack Squat (Machine)", "Squat (Smith Machine)"),
        ("Romanian Deadlift (Barbell)", "Romanian Deadlift (Dumbbell)", "Stiff Leg Deadlift", "Good Morning (Barbell)"),
        ("Leg Press (Machine)", "Bulgarian Split Squat", "Walking Lunge (Dumbbell)"),
        ("Leg Extension (Machine)", "Reverse Nordic"),
        ("Lying Leg Curl (Machine)", "Seated Leg Curl (Machine)"),
        ("Standing Calf Raise (Machine)", "Seated Calf Raise", "Tibialis Raise"),
        ("Hip Abduction (Machine)", "Hip Adduction (Machine)"),
    ),
    "Upper": (
        ("Bench Press (Barbell)", "Incline Bench Press (Barbell)", "Incline Bench Press (Smith Machine)"),
        ("Lat Pulldown (Cable)", "Pull Up", "Chin Up"),
        ("Overhead Press (Smith Machine)", "Arnold Press (Dumbbell)", "Shoulder Press (Dumbbell)"),
        ("Seated Cable Row - V Grip (Cable)", "T Bar Row", "Dumbbell Row"),
        ("Lateral Raise (Dumbbell)", "Lateral Raise (Machine)"),
        ("Preacher Curl (Machine)", "Preacher Curl (Barbell)", "Bicep Curl (Dumbbell)"),
        ("Triceps Pushdown", "Overhead Triceps Extension (Cable)", "Incline Chest Fly (Dumbbell)"),
    ),
    "Lower": (
        ("Squat (Barbell)", "Pause Squat (Barbell)", "Belt Squat (Machine)"),
        ("Romanian Deadlift (Barbell)", "Sumo Deadlift", "Single Leg Romanian Deadlift (Dumbbell)"),
        ("Leg Press (Machine)", "Hack Squat (Machine)", "Goblet Squat", "Reverse Lunge (Dumbbell)"),
        ("Lying Leg Curl (Machine)", "Seated Leg Curl (Machine)", "Nordic Hamstrings Curls"),
        ("Hip Thrust (Barbell)", "Hip Thrust (Machine)", "Glute Kickback (Machine)", "Cable Pull Through"),
        ("Standing Calf Raise (Machine)", "Standing Calf Raise (Dumbbell)"),
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


def _with_slots(book: dict[str, tuple[Slot, ...]], changes: dict[str, dict[int, Slot]]) -> dict[str, tuple[Slot, ...]]:
    """`book` with some slots replaced: {routine: {slot index: new slot}}."""
    return {name: tuple(changes.get(name, {}).get(i, slot) for i, slot in enumerate(slots))
            for name, slots in book.items()}


# The bench athletes' book: the sample's with more variations per slot and no custom exercise.
# No title appears in two slots of one routine, nor in a routine and the ab/finisher slots.
BENCH_ROUTINES = _with_slots(SAMPLE_ROUTINES, {
    "Push A": {
        1: ("Incline Bench Press (Dumbbell)", "Incline Bench Press (Barbell)", "Incline Chest Press (Machine)"),
        2: ("Overhead Press (Dumbbell)", "Shoulder Press (Machine Plates)", "Seated Overhead Press (Dumbbell)"),
        4: ("Triceps Pushdown", "Triceps Rope Pushdown", "Single Arm Triceps Pushdown (Cable)"),
    },
    "Push B": {
        3: ("Seated Lateral Raise (Dumbbell)", "Single Arm Lateral Raise (Cable)"),
        5: ("Chest Dip", "Push Up", "Triceps Dip (Weighted)"),
    },
    "Pull A": {
        0: ("Deadlift (Barbell)", "Rack Pull", "Trap Bar Deadlift"),
        4: ("Shrug (Dumbbell)", "Shrug (Barbell)", "Shrug (Machine)"),
        6: ("Hammer Curl (Dumbbell)", "Hammer Curl (Cable)", "Cross Body Hammer Curl"),
    },
    "Pull B": {
        0: ("Lat Pulldown (Cable)", "Lat Pulldown - Close Grip (Cable)", "Lat Pulldown (Machine)",
            "Reverse Grip Lat Pulldown (Cable)"),
        1: ("Seated Cable Row - V Grip (Cable)", "Seated Cable Row - Bar Grip", "Iso-Lateral Row (Machine)",
            "Seated Row (Machine)"),
        2: ("Chest Supported Incline Row (Dumbbell)", "Dumbbell Row", "Meadows Rows (Barbell)", "Single Arm Cable Row"),
        3: ("Straight Arm Lat Pulldown (Cable)", "Rope Straight Arm Pulldown", "Pullover (Machine)"),
        4: ("Preacher Curl (Machine)", "Preacher Curl (Dumbbell)"),
        5: ("Seated Incline Curl (Dumbbell)", "Bicep Curl (Cable)", "Concentration Curl", "Spider Curl (Dumbbell)"),
    },
    "Legs": {
        2: ("Leg Press (Machine)", "Bulgarian Split Squat", "Walking Lunge (Dumbbell)",
            "Leg Press Horizontal (Machine)"),
        3: ("Leg Extension (Machine)", "Single Leg Extensions"),
        5: ("Standing Calf Raise (Machine)", "Seated Calf Raise", "Calf Press (Machine)"),
    },
    "Upper": {6: ("Triceps Pushdown", "Overhead Triceps Extension (Cable)", "Triceps Extension (Cable)")},
    "Lower": {
        0: ("Squat (Barbell)", "Pause Squat (Barbell)", "Belt Squat (Machine)", "Pendulum Squat (Machine)"),
        5: ("Standing Calf Raise (Machine)", "Standing Calf Raise (Dumbbell)", "Standing Calf Raise (Smith)"),
    },
})  # fmt: skip
# The ab block and the cardio finisher: the sample athlete's custom ab exercises come last,
# the bench athletes' mapped ones, likewise.
_CORE_COMMON: Slot = (
    "Hanging Knee Raise", "Hanging Leg Raise", "Cable Crunch", "Crunch (Machine)", "Leg Raise Parallel Bars",
    "Ab Wheel", "Plank", "Side Plank", "Russian Twist (Weighted)",
)  # fmt: skip
SAMPLE_CORE_SLOT: Slot = (*_CORE_COMMON, "Landmine Rotation", "Cable Crunch Kneeling (Custom)")
BENCH_CORE_SLOT: Slot = (*_CORE_COMMON, "Decline Crunch", "Reverse Crunch", "Dead Bug")
SAMPLE_FINISHER_SLOT: Slot = ("Treadmill", "Cycling", "Stair Machine", "Elliptical Trainer")
BENCH_FINISHER_SLOT: Slot = (*SAMPLE_FINISHER_SLOT, "Rowing Machine", "Running")
MESOCYCLE_WEEKS = 6  # programmes (and the ab exercise) change once per mesocycle

# ---------------------------------------------------------------------------------------
# Session shape
# ---------------------------------------------------------------------------------------

# Big compound lifts get ramp-up sets, as people actually log them in Hevy:
# (fraction of the working load, reps), lighter ones first.
WARMUP_SCHEME = ((0.4, 10), (0.6, 6), (0.8, 3))
REP_RANGES = ((5, 8), (8, 12), (10, 15), (10, 20))  # by role
WORKING_SETS = ((3, 4), (2, 4), (2, 3), (2, 3))  # by role
FAILURE_PROBABILITY = (0.04, 0.12, 0.2, 0.1)  # by role
DROPSET_PROBABILITY = 0.06  # loaded isolation work only
RPE_PROBABILITY = (0.35, 0.12, 0.05, 0.0)  # by role
RPE_VALUES = (7.0, 8.0, 8.0, 8.5, 8.5, 9.0)
FATIGUE_REPS = (0, 0, 1, 1, 2)  # reps lost from one working set to the next
CORE_BLOCK_PROBABILITY = 0.3
FINISHER_PROBABILITY = 0.15
SUPERSET_PROBABILITY = 0.22
SECOND_SUPERSET_PROBABILITY = 0.35  # sessions of six blocks or more
WEEKDAY_HOURS = (6, 7, 12, 18, 18, 19, 19, 20)  # weekend sessions start 9-11
SETUP_MINUTES, MINUTES_PER_SET = 15, 3  # a session lasts setup time plus a few minutes per set

NOTE_PROBABILITY = 0.03
MULTILINE_NOTE_PROBABILITY = 0.002
SHORT_NOTES = (
    "Seat on 4", "Pin at hole 6", "Used straps", "Grip a bit wider",
    "Slow eccentric", "Shoulder slightly sore", "Paused reps", "Machine 2 was taken",
)  # fmt: skip
MULTILINE_NOTES = (
    "Felt strong 💪\nkeep elbows tucked",
    "New PR 🎉\nnext time add 2.5 kg",
    "Great pump 🔥\nrest 90s between sets",
)
KNEE_NOTE = "Left knee twinge 🤕\nreduce depth next session"  # the sample athlete's only
DELOAD_DESCRIPTION = "Deload week."
DESCRIPTIONS = (
    "Short on time today.", "Gym was packed, swapped a few machines.", "Slept badly, kept it light.",
    "Hotel gym while travelling.", "Felt great, pushed hard.", "Morning fasted session.",
)  # fmt: skip
