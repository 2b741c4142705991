"""Parse small hand-written exports with the real parsers, so the rules see real silver frames."""

from __future__ import annotations

from datetime import date

from fitness_assets.lib.silver.sources.diet import parse_diet
from fitness_assets.lib.raw.formats import detect_export
from fitness_assets.lib.silver.sources.hevy_csv import parse_hevy
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets.lib.silver.snapshots import DateBounds, quarantine_out_of_bounds
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set

# The day the rules are judged on: silver quarantines later (and pre-1990) dates, as build_silver does.
TODAY = date(2026, 11, 21)
MONDAY = ("Legs", "12 Jan 2026, 18:00", "12 Jan 2026, 19:00")
WEDNESDAY = ("Legs", "14 Jan 2026, 18:00", "14 Jan 2026, 19:10")


def silver_sets(rows: list[dict], today: date = TODAY):
    """(silver sets, quarantine) for a Hevy export holding `rows`."""
    data = hevy_csv(rows)
    source = SourceFile("default", "a" * 64, "workouts.csv")
    parsed = quarantine_out_of_bounds(parse_hevy(data, detect_export(data, "workouts.csv"), source),
                                      DateBounds(today), "started_at", "workout start", source)
    return parsed.rows, parsed.quarantine


def silver_days(lines: list[str], today: date = TODAY):
    """(silver diet days, quarantine, cycles) for a Portuguese diet log holding `lines`."""
    data = diet_csv(lines)
    source = SourceFile("default", "b" * 64, "diet.csv")
    parsed, cycles = parse_diet(data, detect_export(data, "diet.csv"), source)
    parsed = quarantine_out_of_bounds(parsed, DateBounds(today), "diet_date", "diet day", source)
    return parsed.rows, parsed.quarantine, cycles


def clean_workouts() -> list[dict]:
    """Two ordinary leg days: every workout rule passes on these."""
    rows = []
    for workout in (MONDAY, WEDNESDAY):
        rows += [workout_set(*workout, "Squat (Barbell)", 0, 60, 10, "warmup"),
                 *(workout_set(*workout, "Squat (Barbell)", i, 100, 8) for i in range(1, 4)),
                 workout_set(*workout, "Plank", 0, duration_seconds="60"),
                 workout_set(*workout, "Pull Up", 0, "", 10),
                 workout_set(*workout, "Running", 0, distance_km="3", duration_seconds="1200")]
    return rows


CYCLE = "5Cutting III (05/01/2026 - XX/XX/XXXX)"


def clean_diet_lines() -> list[str]:
    # kcal = 4·200 + 4·180 + 9·60 = 2060 exactly
    return [f"2026-01-{day:02d},200,180,60,2060,90,{CYCLE},{80 + day / 10:.1f}," for day in range(12, 19)]
