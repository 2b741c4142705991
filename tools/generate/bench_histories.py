"""Large, clean, deterministic synthetic exports for the benchmark (``make bench``).

``write_benchmark_exports`` writes one folder per athlete (``inbox/athlete_01``, ...), each
holding a Hevy workout CSV and a diet log CSV laid out exactly like the project's sample
(tools/generate/sample_history.py): same headers, quoting, line endings, time format
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

from fitness_assets.lib.raw.timeparse import parse_hevy_datetime
from tools.generate import catalog
from tools.generate import export_format as export
from tools.generate.catalog import (
    BENCH_CORE_SLOT, BENCH_FINISHER_SLOT, BENCH_ROUTINES, BODYWEIGHT, CARDIO, CORE_BLOCK_PROBABILITY,
    DELOAD_DESCRIPTION, DESCRIPTIONS, DROPSET_PROBABILITY, EXERCISES, FATIGUE_REPS, FINISHER_PROBABILITY, ISOLATION,
    MAIN, MESOCYCLE_WEEKS, MINUTES_PER_SET, MULTILINE_NOTE_PROBABILITY, MULTILINE_NOTES, NOTE_PROBABILITY,
    RPE_VALUES, SECOND_SUPERSET_PROBABILITY, SETUP_MINUTES, SHORT_NOTES, SUPERSET_PROBABILITY, TIMED, WARMUP_SCHEME,
    WEEKDAY_HOURS, WEIGHTED,
)
from tools.generate.diet_plan import (
    BULKING, CARB_STEP_DAYS, CUTTING, CUTTING_CARB_CUT, CUTTING_CARB_FLOOR, DECIMAL_PROBABILITY, DIET_NOTES,
    FORGOT_SCALE, FREE_MEAL, FREE_MEAL_EXTRA_G, MACRO_TARGETS, MANUTENCAO, NOTE_DAY_PROBABILITY,
    REFERENCE_WEIGHT_KG, REVERSA, REVERSA_CARB_ADD, WEEKLY_CARDIO_MIN, WEIGHT_DRIFT_KG_PER_DAY, cycle_labels,
)

END_DAY = date(2026, 10, 30)  # last possible workout / diet day; append_workout adds the day after

ROUTINES, CORE_SLOT, FINISHER_SLOT = BENCH_ROUTINES, BENCH_CORE_SLOT, BENCH_FINISHER_SLOT
# The exercises this book uses, in catalogue order: each athlete draws a strength factor for each.
_USED_TITLES = {title for slots in ROUTINES.values() for slot in slots for title in slot} | {*CORE_SLOT, *FINISHER_SLOT}
USED_EXERCISES = tuple(e for e in EXERCISES if e.title in _USED_TITLES)
# Programmes rotate every mesocycle: PPL, upper/lower, full body, a hybrid.
PROGRAMS = (
    ("Push A", "Pull A", "Legs", "Push B", "Pull B"),
    ("Upper", "Lower"),
    ("Full Body", "Upper", "Lower"),
    ("Push A", "Pull B", "Legs", "Upper", "Lower"),
)
DELOAD_EVERY_MESOCYCLES = 4  # the last week of every 4th mesocycle is a deload
DELOAD_FACTOR = 0.85

WORKOUTS_PER_WEEK = (4, 5, 5, 5, 6)
HOLIDAY_WEEK_PROBABILITY = 0.03
SKIPPED_ACCESSORIES = (0, 0, 1, 1, 2)
WORKOUT_MINUTES = (30, 120)

WARMUP_FRACTIONS = np.array([fraction for fraction, _ in WARMUP_SCHEME])
WARMUP_REPS = np.array([reps for _, reps in WARMUP_SCHEME])
REP_RANGES = np.array(catalog.REP_RANGES)  # by role
WORKING_SETS = np.array(catalog.WORKING_SETS)  # by role
FAILURE_PROBABILITY = np.array(catalog.FAILURE_PROBABILITY)  # by role
RPE_PROBABILITY = np.array(catalog.RPE_PROBABILITY)  # by role
# Load = start x athlete strength x (1 + gain x (1 - exp(-training weeks / tau))).
TOTAL_GAIN = np.array([0.9, 0.8, 0.6, 0.5])  # by role
GAIN_TAU_WEEKS = 220.0
CYCLE_STRENGTH = {"Cutting": 0.97, "Bulking": 1.02, "Reversa": 1.0, "Manutenção": 1.0}

DESCRIPTION_PROBABILITY = 0.05

_TITLES = np.array([e.title for e in USED_EXERCISES], dtype=object)
_KIND = np.array([e.kind for e in USED_EXERCISES])
_ROLE = np.array([e.role for e in USED_EXERCISES])
_START = np.array([e.start_kg for e in USED_EXERCISES])
_DUMBBELL = np.array(["Dumbbell" in e.title or "Kettlebell" in e.title for e in USED_EXERCISES])
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

CYCLE_KINDS = (CUTTING, BULKING, REVERSA, MANUTENCAO)
CYCLE_WEEKS = {CUTTING: (10, 20), BULKING: (14, 30), REVERSA: (4, 8), MANUTENCAO: (6, 14)}
NEXT_CYCLE = {  # (next kind, probability)
    CUTTING: ((REVERSA, 0.7), (MANUTENCAO, 0.3)),
    REVERSA: ((BULKING, 0.6), (MANUTENCAO, 0.4)),
    BULKING: ((CUTTING, 0.75), (MANUTENCAO, 0.25)),
    MANUTENCAO: ((CUTTING, 0.5), (BULKING, 0.5)),
}
# Daily targets in grams (carbs, protein, fat) for an 88 kg athlete; scaled by bodyweight.
WEIGHT_BAND_KG = 7.0  # the athlete stays within this of their usual weight
UNWEIGHED_PROBABILITY = 0.02

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
        hevy_file, diet_file = folder / export.HEVY_FILE_NAME, folder / export.DIET_FILE_NAME
        export.write_csv(hevy_file, export.HEVY_HEADER, zip(*columns), export.HEVY_QUOTING)
        diet = _diet_columns(diet_rng, profile, cycles, int(plan["day"][0]))
        export.write_csv(diet_file, export.DIET_HEADER, zip(*diet), export.DIET_QUOTING)
        hevy_files.append(hevy_file)
        diet_files.append(diet_file)
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
        new[col["start_time"]] = export.fmt_hevy_time(start)
        new[col["end_time"]] = export.fmt_hevy_time(start + timedelta(minutes=45))
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
        exercise_factor=np.exp(rng.normal(0.0, 0.08, len(USED_EXERCISES))),
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
    start_text = np.array([export.fmt_hevy_time(s) for s in starts], dtype=object)
    end_text = np.array([export.fmt_hevy_time(s + timedelta(minutes=int(mins)))
                         for s, mins in zip(starts, minutes)], dtype=object)
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
    labels = cycle_labels([(kind, _to_date(start)) for kind, start in zip(kinds, starts)])
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
    carbs_t, fat_t = carbs_t + FREE_MEAL_EXTRA_G[0] * free_meal, fat_t + FREE_MEAL_EXTRA_G[1] * free_meal
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


def _fmt_numbers(values: np.ndarray) -> np.ndarray:
    """The sample's number format for a whole column: NaN → '', 80.0 → '80', 8.5 → '8.5'."""
    out = np.full(len(values), "", dtype=object)
    present = ~np.isnan(values)
    unique, inverse = np.unique(values[present], return_inverse=True)
    out[present] = np.array([export.fmt_number(v) for v in unique], dtype=object)[inverse]
    return out


# ---------------------------------------------------------------------------------------
# MapMyRun activities
# ---------------------------------------------------------------------------------------

ACTIVITY_FILE_NAME = "mapmyrun_workout_history.csv"
ACTIVITY_YEARS = 15                  # every activity history spans the 15 years up to END_DAY
# Each athlete's life event (a dog, a child) falls within this share of the span: runs before it,
# mostly walks, and more outings, after it.
EVENT_SPAN_SHARE = (0.35, 0.75)
WEEKLY_RATE_AFTER_EVENT = 3.0        # outings per week after the event ÷ before it
WALK_SHARE = (0.08, 0.8)             # of in-scope outings (before, after the event)
OTHER_TYPE_SHARE = 0.04              # bike rides, swims, gym: loaded, never classified
OUTLIER_SHARE = 0.005                # a GPS jump, a recording left running, no distance
RUN_TYPES = ("Run", "Run", "Run", "Run / Jog", "Indoor Run / Jog", "Treadmill Run", "Trail Run")
WALK_TYPES = ("Walk", "Walk", "Walk", "Dog Walk", "Hike", "Treadmill Walk")
OTHER_TYPES = ("Bike Ride", "Indoor Bike Ride", "Swim", "Weight Workout", "Yoga")
DEVICES = ("iPhone", "Android", "Garmin Connect", "Apple Watch", "")
ACTIVITY_NOTES = ("easy", "legs heavy, hot day", "with the dog", 'new shoes, "cloud" model', "rain")
NOTE_SHARE = 0.04
# MapMyRun's own spelling of the months (AP style: "Sept. 14, 2019", "March 3, 2020").
AP_MONTH_NAMES = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
# Header variants, by athlete number (cycled): miles, miles with "kCal", kilometres, the oldest
# exports' unit-less Max Pace / Max Speed.
ACTIVITY_HEADER_VARIANTS = ("mi", "mi_kCal", "km", "mi_oldest")
FIRST_WORKOUT_ID = 100_000_000


@dataclass(frozen=True)
class ActivityExports:
    inbox: Path
    files: tuple[Path, ...]
    activities: int                      # rows written, all athletes (== total_activities)
    in_scope: int                        # logged as a run or a walk (the classifier's input)
    life_events: dict[str, date]         # athlete → Monday of the week the planted event starts


def activity_header(variant: str) -> list[str]:
    """The export's header for a variant of ACTIVITY_HEADER_VARIANTS (formats.MAPMYRUN_COLUMNS spelled)."""
    from fitness_assets.lib.raw.formats import MAPMYRUN_COLUMNS, MAPMYRUN_UNITLESS, MAPMYRUN_UNITS

    unit = "km" if variant == "km" else "mi"
    names = []
    for canonical, name in MAPMYRUN_COLUMNS.items():
        if variant == "mi_oldest" and canonical in MAPMYRUN_UNITLESS:
            name = MAPMYRUN_UNITLESS[canonical]
        name = name.format(**MAPMYRUN_UNITS[unit])
        names.append(name.replace("(kcal)", "(kCal)") if variant == "mi_kCal" else name)
    return names


def write_activity_exports(inbox: Path, total_activities: int = 1_000_000, athletes: int = 20,
                           seed: int = 0) -> ActivityExports:
    """Write ``inbox/athlete_NN/mapmyrun_workout_history.csv`` for ``athletes`` athletes.

    Exactly ``total_activities`` rows in all, split evenly (the first athletes take the remainder),
    newest first as MapMyRun writes them, over the ACTIVITY_YEARS up to END_DAY. Each athlete has
    one planted life event: before it mostly runs, from its week on WEEKLY_RATE_AFTER_EVENT times
    as many outings, mostly walks. Clean: nothing is quarantined. Workout ids are unique over all
    athletes and grow with the date.
    """
    if athletes < 1 or total_activities < athletes:
        raise ValueError("need at least one athlete and at least one activity per athlete")
    inbox = Path(inbox)
    files, in_scope, events = [], 0, {}
    next_id = FIRST_WORKOUT_ID
    for number in range(1, athletes + 1):
        share = total_activities // athletes + (1 if number <= total_activities % athletes else 0)
        rng = np.random.default_rng([seed, number, 3])
        variant = ACTIVITY_HEADER_VARIANTS[(number - 1) % len(ACTIVITY_HEADER_VARIANTS)]
        columns, scoped, event = _activity_columns(rng, share, variant, next_id)
        next_id += share
        folder = inbox / f"athlete_{number:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / ACTIVITY_FILE_NAME
        export.write_csv(path, activity_header(variant), zip(*columns), csv.QUOTE_MINIMAL)
        files.append(path)
        in_scope += scoped
        events[folder.name] = event
    return ActivityExports(inbox, tuple(files), total_activities, in_scope, events)


def _activity_columns(rng: np.random.Generator, n: int, variant: str,
                      first_id: int) -> tuple[list[np.ndarray], int, date]:
    end = END_DAY.toordinal() - _EPOCH_ORDINAL
    first_monday = end - 7 * 52 * ACTIVITY_YEARS - (end - 4) % 7   # day 4 of the epoch is a Monday
    weeks = (end - first_monday) // 7 + 1
    event_week = int(weeks * rng.uniform(*EVENT_SPAN_SHARE))
    after_week = np.arange(weeks) >= event_week
    per_week = rng.multinomial(n, np.where(after_week, WEEKLY_RATE_AFTER_EVENT, 1.0) / np.where(
        after_week, WEEKLY_RATE_AFTER_EVENT, 1.0).sum())
    week = np.repeat(np.arange(weeks), per_week)
    day = np.minimum(first_monday + 7 * week + rng.integers(0, 7, n), end)
    after = week >= event_week

    walk = rng.random(n) < np.where(after, WALK_SHARE[1], WALK_SHARE[0])
    other = rng.random(n) < OTHER_TYPE_SHARE
    outlier = ~other & (rng.random(n) < OUTLIER_SHARE)
    speed_factor = rng.uniform(0.9, 1.1)  # athletes run at their own pace
    pace = np.where(walk, rng.uniform(11.0, 16.5, n), rng.normal(5.6, 0.4, n) * speed_factor)  # min/km
    km = np.where(walk, rng.lognormal(np.log(3.0), 0.3, n), rng.lognormal(np.log(6.5), 0.3, n))
    pace = np.where(other, rng.uniform(2.0, 4.0, n), pace)
    glitch = rng.integers(0, 3, n)
    pace = np.where(outlier & (glitch == 0), 1.2, pace)          # GPS jump
    pace = np.where(outlier & (glitch == 1), 90.0, pace)         # recording left running
    km = np.where(outlier & (glitch == 2), 0.0, km)              # no distance recorded
    duration = np.round(np.where(km > 0, pace * km * 60, rng.uniform(600, 3600, n)))
    kinds = np.where(other, 2, np.where(walk, 1, 0))
    type_index = rng.integers(0, 1 << 30, n)
    activity_type = np.where(kinds == 0, np.array(RUN_TYPES, dtype=object)[type_index % len(RUN_TYPES)],
                             np.where(kinds == 1, np.array(WALK_TYPES, dtype=object)[type_index % len(WALK_TYPES)],
                                      np.array(OTHER_TYPES, dtype=object)[type_index % len(OTHER_TYPES)]))

    per_unit = KM_PER_MILE if variant != "km" else 1.0
    distance = km / per_unit
    unit_pace = np.where(distance > 0, duration / 60 / np.where(distance > 0, distance, 1), 0.0)
    unit_speed = np.where(duration > 0, distance / duration * 3600, 0.0)
    max_speed = unit_speed * rng.uniform(1.1, 1.6, n)
    max_pace = np.where(max_speed > 0, 60 / np.where(max_speed > 0, max_speed, 1), 0.0)
    calories = np.round(km * np.where(walk, 55, 70) * rng.uniform(0.9, 1.1, n))
    heart_rate = np.where(rng.random(n) < 0.3, 0, np.round(np.where(walk, 105, 150) + rng.normal(0, 8, n)))
    steps = np.round(km * np.where(walk, 1350, 1100) * rng.uniform(0.95, 1.05, n))
    has_steps = (kinds < 2) & (rng.random(n) < 0.7)
    notes = np.where(rng.random(n) < 0.5, "b''", "").astype(object)
    noted = rng.random(n) < NOTE_SHARE
    notes[noted] = np.array(ACTIVITY_NOTES, dtype=object)[rng.integers(0, len(ACTIVITY_NOTES), int(noted.sum()))]
    device = np.array(DEVICES, dtype=object)[rng.integers(0, len(DEVICES), n)]
    submitted = np.minimum(day + rng.choice([0, 0, 0, 1, 2], n), end)

    # Ids grow with the date; the export lists the newest first.
    order = np.lexsort((np.arange(n), day))
    ids = np.empty(n, dtype=np.int64)
    ids[order] = first_id + np.arange(n)
    newest_first = order[::-1]
    unit_speed_text = _fixed(unit_speed, 4)
    columns = [
        _ap_dates(submitted), _ap_dates(day), activity_type, _fixed(calories, 0), _fixed(distance, 5),
        _fixed(duration, 0), _fixed(unit_pace, 4), _fixed(max_pace, 4), unit_speed_text, _fixed(max_speed, 4),
        _fixed(heart_rate, 0), np.where(has_steps, _fixed(steps, 0), ""), notes, device,
        np.char.add("http://www.mapmyfitness.com/workout/", ids.astype(str)).astype(object),
    ]
    return [c[newest_first] for c in columns], int((kinds < 2).sum()), _to_date(first_monday + 7 * event_week)


KM_PER_MILE = 1.609344


def _fixed(values: np.ndarray, decimals: int) -> np.ndarray:
    """Numbers as MapMyRun writes them: fixed decimals, trailing zeros dropped ('3.1', '2160')."""
    rounded = np.round(values, decimals)
    unique, inverse = np.unique(rounded, return_inverse=True)
    text = np.array([(f"{v:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{v:.0f}") for v in unique],
                    dtype=object)
    return text[inverse]


def _ap_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers → 'Sept. 14, 2019', formatted once per distinct day."""
    unique, inverse = np.unique(days, return_inverse=True)
    text = []
    for number in unique:
        d = _to_date(number)
        text.append(f"{AP_MONTH_NAMES[d.month - 1]} {d.day}, {d.year}")
    return np.array(text, dtype=object)[inverse]
