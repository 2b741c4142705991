"""The exports' bytes, shared by both histories: file names, headers, Hevy's time layout, the
number format and the CSV writer."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
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
# Hevy quotes every field; the athlete's spreadsheet only where needed.
HEVY_QUOTING, DIET_QUOTING = csv.QUOTE_ALL, csv.QUOTE_MINIMAL

# %b follows the process locale; Hevy always writes English abbreviations.
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_hevy_time(moment: datetime) -> str:
    """Hevy's English layout: '13 Jan 2026, 18:43'."""
    return f"{moment.day:02d} {MONTH_ABBR[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def fmt_number(value: float | int | None) -> str:
    """None → '', 80.0 → '80', 8.5 → '8.5' (two decimals at most)."""
    if value is None:
        return ""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[str]], quoting: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=quoting)
        writer.writerow(header)
        writer.writerows(rows)
