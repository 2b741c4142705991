"""The exports' bytes, shared by both histories: file names, headers, Hevy's time layout, the
number format and the CSV writer; and the MapMyRun workout history's header variants and rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.generate.running_history import Activity

HEVY_FILE_NAME = "hevy_workouts.csv"
DIET_FILE_NAME = "diet_log.csv"
MAPMYRUN_FILE_NAME = "user{user_id}_workout_history.csv"  # as mapmyfitness.com names the download

HEVY_HEADER = [
    "title", "start_time", "end_time", "description", "exercise_title", "superset_id",
    "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
    "duration_seconds", "rpe",
]  # fmt: skip
DIET_HEADER = [
    "data", "carboidratos_g", "proteinas_g", "gorduras_g", "kcal", "cardio_semanal_min",
    "cicle", "peso_kg", "observacoes",
]  # fmt: skip
# MapMyRun's three headers: miles, kilometres (the account's unit setting), and the oldest exports'
# Max Pace / Max Speed without a unit (their values are in the distance's unit, here miles). The
# calories column is spelled (kCal) by the current site and (kcal) by the oldest exports.
MAPMYRUN_HEADERS = {
    "imperial": [
        "Date Submitted", "Workout Date", "Activity Type", "Calories Burned (kCal)", "Distance (mi)",
        "Workout Time (seconds)", "Avg Pace (min/mi)", "Max Pace (min/mi)", "Avg Speed (mi/h)", "Max Speed (mi/h)",
        "Avg Heart Rate", "Steps", "Notes", "Source", "Link",
    ],
    "metric": [
        "Date Submitted", "Workout Date", "Activity Type", "Calories Burned (kCal)", "Distance (km)",
        "Workout Time (seconds)", "Avg Pace (min/km)", "Max Pace (min/km)", "Avg Speed (km/h)", "Max Speed (km/h)",
        "Avg Heart Rate", "Steps", "Notes", "Source", "Link",
    ],
    "oldest": [
        "Date Submitted", "Workout Date", "Activity Type", "Calories Burned (kcal)", "Distance (mi)",
        "Workout Time (seconds)", "Avg Pace (min/mi)", "Max Pace", "Avg Speed (mi/h)", "Max Speed",
        "Avg Heart Rate", "Steps", "Notes", "Source", "Link",
    ],
}  # fmt: skip
MAPMYRUN_HEADER_VARIANTS = tuple(MAPMYRUN_HEADERS)
KM_PER_UNIT = {"imperial": 1.609344, "metric": 1.0, "oldest": 1.609344}  # 1 mi = 1.609344 km, exactly
MAPMYRUN_SIGNIFICANT_DIGITS = 6  # the export writes 4.0, 8.48333, 7.57699, 0.41…
# AP style, as the export writes dates: five-letter months in full, Sept. with four letters.
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")

# Hevy quotes every field; the athlete's spreadsheet and MapMyRun only where needed.
HEVY_QUOTING, DIET_QUOTING, MAPMYRUN_QUOTING = csv.QUOTE_ALL, csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL

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


def fmt_ap_date(day: date) -> str:
    """'Sept. 14, 2019', 'March 3, 2020' (the export quotes them: they hold a comma)."""
    return f"{AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


def fmt_significant(value: float) -> str:
    """0 → '0', 4 → '4.0', 8.483333 → '8.48333': six significant digits, as the export writes."""
    if value == 0:
        return "0"
    return repr(float(f"{value:.{MAPMYRUN_SIGNIFICANT_DIGITS}g}"))


def mapmyrun_row(activity: Activity, variant: str) -> list[str]:
    """One activity (true metric values) in the unit system of `variant`: distance, pace and speed are each rounded from the true value, never from
    another rounded column, as the app derives them from its own record."""
    km_per_unit = KM_PER_UNIT[variant]
    distance = activity.distance_km / km_per_unit
    minutes = activity.duration_s / 60
    moving = distance > 0 and minutes > 0
    pace = minutes / distance if moving else 0.0
    speed = distance / minutes * 60 if moving else 0.0
    max_speed = activity.max_speed_kmh / km_per_unit
    max_pace = 60 / max_speed if max_speed else 0.0
    return [
        fmt_ap_date(activity.submitted_date), fmt_ap_date(activity.workout_date), activity.activity_type,
        str(activity.calories), fmt_significant(distance), str(activity.duration_s), fmt_significant(pace),
        fmt_significant(max_pace), fmt_significant(speed), fmt_significant(max_speed),
        "" if activity.heart_rate is None else str(activity.heart_rate),
        "" if activity.steps is None else str(activity.steps), activity.notes, activity.source, activity.link,
    ]


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[str]], quoting: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=quoting)
        writer.writerow(header)
        writer.writerows(rows)
