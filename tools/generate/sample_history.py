"""Deterministic synthetic exports: a Hevy workout CSV, a diet log CSV and a MapMyRun workout
history (written here, drawn in running_history.py, which documents it).

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

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from tools.generate import export_format as export
from tools.generate.catalog import (
    BODYWEIGHT, BY_TITLE, CARDIO, CORE_BLOCK_PROBABILITY, DELOAD_DESCRIPTION, DESCRIPTIONS, DROPSET_PROBABILITY,
    FAILURE_PROBABILITY, FATIGUE_REPS, FINISHER_PROBABILITY, ISOLATION, KNEE_NOTE, MAIN, MESOCYCLE_WEEKS,
    MINUTES_PER_SET, MULTILINE_NOTE_PROBABILITY, MULTILINE_NOTES, NOTE_PROBABILITY, REP_RANGES, RPE_PROBABILITY,
    RPE_VALUES, SAMPLE_CORE_SLOT, SAMPLE_FINISHER_SLOT, SAMPLE_ROUTINES, SECOND_SUPERSET_PROBABILITY, SETUP_MINUTES,
    SHORT_NOTES, SUPERSET_PROBABILITY, TIMED, WARMUP_SCHEME, WEEKDAY_HOURS, WEIGHTED, WORKING_SETS, Exercise, Slot,
)
from tools.generate.diet_plan import (
    BULKING, CARB_STEP_DAYS, CUTTING, CUTTING_CARB_CUT, CUTTING_CARB_FLOOR, DECIMAL_PROBABILITY, DIET_NOTES,
    FORGOT_SCALE, FREE_MEAL, FREE_MEAL_EXTRA_G, MACRO_TARGETS, MANUTENCAO, NOTE_DAY_PROBABILITY,
    REFERENCE_WEIGHT_KG, REVERSA, REVERSA_CARB_ADD, WEEKLY_CARDIO_MIN, WEIGHT_DRIFT_KG_PER_DAY, cycle_labels,
)
from tools.generate.running_history import running_activities

# Fraction of the starting load gained per effective week (see _progress): roughly +50% on
# the big lifts over the three years; isolation work progresses slower.
WEEKLY_GAIN = (0.0064, 0.0056, 0.0048, 0.0040)  # by role
CURVE_WEEKS = 110.0  # gains flatten out over roughly two years, like a real trainee

# ---------------------------------------------------------------------------------------
# Routines: the slots' selection rotates once per mesocycle (see VariationPlan), so it
# changes every few weeks but never per session.
# ---------------------------------------------------------------------------------------

ROUTINES, CORE_SLOT, FINISHER_SLOT = SAMPLE_ROUTINES, SAMPLE_CORE_SLOT, SAMPLE_FINISHER_SLOT
CARDIO_ROUTINE = "Cardio"
CORE_KEY = "core"  # picks entry for the optional ab block; not a routine name
CARDIO_SESSION_SLOT: Slot = ("Treadmill", "Running", "Cycling", "Elliptical Trainer", "Rowing Machine")

# Programmes rotate so the log shows PPL, upper/lower and full-body phases.
PROGRAMS: tuple[tuple[str, ...], ...] = (
    ("Push A", "Pull A", "Legs", "Push B", "Pull B"),
    ("Upper", "Lower"),
    ("Full Body",),
)

# ---------------------------------------------------------------------------------------
# Calendar and session shape
# ---------------------------------------------------------------------------------------

HEVY_FIRST_WEEK = date(2023, 1, 2)  # a Monday
HEVY_END = date(2025, 12, 29)  # exclusive
WORKOUTS_PER_WEEK = (3, 3, 4, 4, 5)  # drawn uniformly
CARDIO_SESSION_PROBABILITY = 0.28  # chance one of the week's sessions is pure cardio
SKIPPED_ACCESSORIES = (0, 1, 1, 2, 2)
REPEAT_BLOCK_PROBABILITY = 0.008
LIFT_MINUTES = (45, 110)
CARDIO_MINUTES = (35, 60)
DESCRIPTION_PROBABILITY = 0.07
SAMPLE_MULTILINE_NOTES = (*MULTILINE_NOTES[:2], KNEE_NOTE, *MULTILINE_NOTES[2:])
SAMPLE_DESCRIPTIONS = (DELOAD_DESCRIPTION, *DESCRIPTIONS)

MAPMYRUN_USER_ID = 48613207  # in the MapMyRun export's file name

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
        reps = max(floor, reps - rng.choice(FATIGUE_REPS))
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
        return rng.choice(SAMPLE_MULTILINE_NOTES)
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
        hour = rng.choice(WEEKDAY_HOURS)
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59))


def _lifting_workout(name: str, day: date, weeks: float, picks: dict[str, list[str]], rng: random.Random) -> Workout:
    titles = list(picks[name])
    # Running late means the last accessories get cut, never the main lifts.
    skipped = rng.choice(SKIPPED_ACCESSORIES)
    titles = titles[: len(titles) - skipped]
    if rng.random() < CORE_BLOCK_PROBABILITY:
        titles.append(picks[CORE_KEY][0])
    blocks = [_block(BY_TITLE[t], weeks, rng) for t in titles]
    if rng.random() < SUPERSET_PROBABILITY:
        _pair_supersets(blocks, rng)
    if rng.random() < REPEAT_BLOCK_PROBABILITY:
        _repeat_first_block(blocks, weeks, rng)
    if rng.random() < FINISHER_PROBABILITY:
        blocks.append(_block(BY_TITLE[rng.choice(FINISHER_SLOT)], weeks, rng, rng.randint(10, 20)))
    start = _session_start(day, rng)
    minutes = _lifting_minutes(sum(len(b.sets) for b in blocks), rng)
    description = rng.choice(SAMPLE_DESCRIPTIONS) if rng.random() < DESCRIPTION_PROBABILITY else ""
    return Workout(name, start, start + timedelta(minutes=minutes), description, blocks)


def _lifting_minutes(set_count: int, rng: random.Random) -> int:
    # Session length follows the work done: setup time plus a few minutes per set.
    minutes = SETUP_MINUTES + MINUTES_PER_SET * set_count + rng.randint(-8, 8)
    return min(LIFT_MINUTES[1], max(LIFT_MINUTES[0], minutes))


def _pair_supersets(blocks: list[Block], rng: random.Random) -> None:
    # Accessories at the end of a session are what people superset (e.g. curls + pushdowns).
    pairs = 2 if len(blocks) >= 6 and rng.random() < SECOND_SUPERSET_PROBABILITY else 1
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
    blocks = [_block(BY_TITLE[first], 0, rng, first_part - rng.randint(2, 5))]
    if first_part < minutes:
        blocks.append(_block(BY_TITLE[second], 0, rng, minutes - first_part - 2))
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


def _hevy_rows(workouts: list[Workout]):
    for w in sorted(workouts, key=lambda w: w.start, reverse=True):
        head = [w.title, export.fmt_hevy_time(w.start), export.fmt_hevy_time(w.end), w.description]
        for block in w.blocks:
            superset = "" if block.superset_id is None else str(block.superset_id)
            for index, s in enumerate(block.sets):
                yield head + [
                    block.exercise.title, superset, block.notes, str(index), s.set_type,
                    *map(export.fmt_number, (s.weight_kg, s.reps, s.distance_km, s.duration_seconds, s.rpe)),
                ]  # fmt: skip


# ---------------------------------------------------------------------------------------
# Diet log
# ---------------------------------------------------------------------------------------

DIET_START = date(2023, 1, 2)
DIET_END = date(2025, 10, 28)  # inclusive; the export was taken mid-way through Cutting V
MISSING_DAYS = 3

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
UNWEIGHED_PROBABILITY = 0.025
TRANSPOSED_KCAL_DAY = date(2024, 7, 15)
STALE_KCAL_DAY = date(2023, 12, 4)


@dataclass(frozen=True)
class Cycle:
    kind: str
    start: date
    label: str


def _cycles() -> list[Cycle]:
    return [Cycle(kind, start, label) for (kind, start), label in zip(CYCLE_PLAN, cycle_labels(CYCLE_PLAN))]


def _cycle_on(day: date, cycles: list[Cycle]) -> Cycle:
    return next(c for c in reversed(cycles) if c.start <= day)


def _target_macros(cycle: Cycle, day: date) -> tuple[float, float, float]:
    carbs, protein, fat = MACRO_TARGETS[cycle.kind]
    steps = (day - cycle.start).days // CARB_STEP_DAYS
    # Coaches adjust carbs in small steps; protein and fat stay put.
    if cycle.kind == CUTTING:
        carbs = max(CUTTING_CARB_FLOOR, carbs - CUTTING_CARB_CUT * steps)
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
    weight = REFERENCE_WEIGHT_KG
    weekly_cardio: dict[tuple[int, int, str], int] = {}
    previous_kcal = None
    day = DIET_START
    while day <= DIET_END:
        cycle = _cycle_on(day, cycles)
        weight += WEIGHT_DRIFT_KG_PER_DAY[cycle.kind]
        note = rng.choice(DIET_NOTES) if rng.random() < NOTE_DAY_PROBABILITY else ""
        carbs_t, protein_t, fat_t = _target_macros(cycle, day)
        if note == FREE_MEAL:
            carbs_t, fat_t = carbs_t + FREE_MEAL_EXTRA_G[0], fat_t + FREE_MEAL_EXTRA_G[1]
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
                day.isoformat(), export.fmt_number(carbs), export.fmt_number(protein), export.fmt_number(fat),
                str(kcal),
                str(weekly_cardio[week_key]), cycle.label, "" if unweighed else f"{scale:.1f}", note,
            ]  # fmt: skip
        day += timedelta(days=1)


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def write_sample_exports(out_dir: Path, seed: int = 7, mapmyrun_header: str = "imperial") -> dict[str, Path]:
    """Write the three synthetic exports into ``out_dir`` and return their paths.

    Returns ``{"hevy": ..., "diet": ..., "mapmyrun": ...}``; the MapMyRun workout history
    (tools/generate/running_history.py) is written with the header `mapmyrun_header` (imperial,
    metric or oldest: the same activities in each).
    """
    if mapmyrun_header not in export.MAPMYRUN_HEADERS:
        raise ValueError(f"mapmyrun_header {mapmyrun_header!r} is not one of {', '.join(export.MAPMYRUN_HEADERS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Separate streams so tuning one file never changes the other.
    hevy_rng = random.Random(f"hevy-{seed}")
    diet_rng = random.Random(f"diet-{seed}")
    paths = {"hevy": out_dir / export.HEVY_FILE_NAME, "diet": out_dir / export.DIET_FILE_NAME,
             "mapmyrun": out_dir / export.MAPMYRUN_FILE_NAME.format(user_id=MAPMYRUN_USER_ID)}
    workouts = _generate_workouts(hevy_rng)
    export.write_csv(paths["hevy"], export.HEVY_HEADER, _hevy_rows(workouts), export.HEVY_QUOTING)
    export.write_csv(paths["diet"], export.DIET_HEADER, _diet_rows(diet_rng), export.DIET_QUOTING)
    newest_first = reversed(running_activities(seed))  # its own seeded stream (running_history.py)
    export.write_csv(paths["mapmyrun"], export.MAPMYRUN_HEADERS[mapmyrun_header],
                     (export.mapmyrun_row(a, mapmyrun_header) for a in newest_first), export.MAPMYRUN_QUOTING)
    return paths
