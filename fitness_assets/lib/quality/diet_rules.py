"""Rules over silver_diet_days (one row per date) and silver_cycles."""

from __future__ import annotations

import pandas as pd

from fitness_assets.lib.quality.core import Finding, Tolerances, finding, quarantined, quarantined_dates
from fitness_assets.lib.silver.sources.diet import NUMERIC_COLUMNS, parse_cycle

KCAL_PER_GRAM = {"carbs_g": 4, "protein_g": 4, "fat_g": 9}


def _rows(days: pd.DataFrame, problem, values: list[str]) -> pd.DataFrame:
    shown = days[values].astype("string").fillna("")
    return pd.DataFrame({
        "file": days["source_file"], "line": days["source_line"],
        "date": days["diet_date"].dt.strftime("%Y-%m-%d"),
        "values": shown.apply(lambda r: ", ".join(f"{c}={v}" for c, v in r.items() if v != ""), axis=1)
        if len(days) else pd.Series(dtype="string"),
        "problem": problem,
    })


def one_row_per_date(days: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    # Every copy of a date logged twice is quarantined by the parser; this lists them.
    twice = days[days.duplicated(["athlete_id", "diet_date"], keep=False)]
    rows = pd.concat([_rows(twice, "date appears more than once", list(NUMERIC_COLUMNS)),
                      quarantined(quarantine, r"^date \d{4}-\d{2}-\d{2} appears on lines")], ignore_index=True)
    return finding(rows, len(days) + len(rows))


def non_negative(days: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    columns = "|".join(NUMERIC_COLUMNS)
    rows = quarantined(quarantine, rf"\b(?:{columns}) failed greater_than_or_equal_to|\bbodyweight_kg failed greater_than\(0\)")
    return finding(rows, len(days) + len(rows))


def no_future_dates(days: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    return quarantined_dates(quarantine, "diet day", "future", len(days))


def no_dates_before_earliest_year(days: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    return quarantined_dates(quarantine, "diet day", "early", len(days))


def calories_match_macros(days: pd.DataFrame, quality: Tolerances) -> Finding:
    from_macros = sum(days[column] * factor for column, factor in KCAL_PER_GRAM.items())
    relative = (days["calories_kcal"] - from_macros).abs() / from_macros.where(from_macros > 0)
    bad = days[relative > quality.calorie_tolerance]
    problem = ("kcal " + bad["calories_kcal"].map("{:g}".format).astype("string") + " vs "
               + from_macros[bad.index].map("{:g}".format).astype("string") + " from 4·carbs + 4·protein + 9·fat ("
               + (relative[bad.index] * 100).map("{:.1f}".format).astype("string") + " % off, tolerance "
               + f"{quality.calorie_tolerance * 100:g} %)")
    checked = int(relative.notna().sum())
    return finding(_rows(bad, problem, ["carbs_g", "protein_g", "fat_g", "calories_kcal"]), checked)


def cycle_mapped(days: pd.DataFrame) -> Finding:
    """Every day belongs to a parsed cycle. The parser leaves cycle_id empty for a missing or
    unreadable cycle, and for an id described in two different ways (which one is right?)."""
    unmapped = days[days["cycle_id"].isna()]
    described: dict[tuple[str, int], list[str]] = {}
    for athlete_id, text in days[["athlete_id", "cycle_raw"]].dropna().drop_duplicates().itertuples(index=False):
        parsed = parse_cycle(text)
        if parsed is not None:
            described.setdefault((athlete_id, parsed["cycle_id"]), []).append(text)

    def reason(athlete_id: str, text) -> str:
        if text is None or pd.isna(text):
            return "no cycle given"
        parsed = parse_cycle(text)
        if parsed is None:
            return "cycle text is not like '1Cutting I (01/05/2023 - 17/09/2023)'"
        others = [t for t in described.get((athlete_id, parsed["cycle_id"]), []) if t != text]
        return f"cycle id {parsed['cycle_id']} is also described as '{others[0]}'" if others else "cycle not parsed"

    problem = [reason(a, t) for a, t in zip(unmapped["athlete_id"], unmapped["cycle_raw"])]
    return finding(_rows(unmapped, pd.Series(problem, index=unmapped.index, dtype=object), ["cycle_raw"]), len(days))


def cycles_ordered(cycles: pd.DataFrame) -> Finding:
    """Cycles numbered in date order, each ending before the next starts, only the last open."""
    rows = []
    for athlete_id, group in cycles.sort_values(["athlete_id", "cycle_id"]).groupby("athlete_id"):
        ordered = list(group.itertuples())
        for before, after in zip(ordered, ordered[1:]):
            label = f"{before.cycle_name} (id {before.cycle_id}) → {after.cycle_name} (id {after.cycle_id})"
            if after.start_date <= before.start_date:
                rows.append({"athlete": athlete_id, "cycles": label, "problem": "later id starts no later"})
            elif pd.isna(before.end_date):
                rows.append({"athlete": athlete_id, "cycles": label, "problem": "an earlier cycle is still open"})
            elif before.end_date >= after.start_date:
                rows.append({"athlete": athlete_id, "cycles": label,
                             "problem": f"overlap: ends {before.end_date:%Y-%m-%d}, next starts {after.start_date:%Y-%m-%d}"})
    return finding(pd.DataFrame(rows, columns=["athlete", "cycles", "problem"]), len(cycles))


def missing_days(days: pd.DataFrame) -> Finding:
    rows = []
    for athlete_id, dates in days.groupby("athlete_id")["diet_date"]:
        ordered = dates.sort_values()
        gaps = ordered.diff().dt.days
        for end, gap in zip(ordered[gaps > 1], gaps[gaps > 1]):
            first = end - pd.Timedelta(days=gap - 1)
            last = end - pd.Timedelta(days=1)
            rows.append({"athlete": athlete_id, "from": f"{first:%Y-%m-%d}", "to": f"{last:%Y-%m-%d}",
                         "days_missing": int(gap - 1)})
    offending = pd.DataFrame(rows, columns=["athlete", "from", "to", "days_missing"])
    return finding(offending, len(days), days_missing=int(offending["days_missing"].sum()) if rows else 0)


def bodyweight_jumps(days: pd.DataFrame, quality: Tolerances) -> Finding:
    """Between consecutive weigh-ins, the change may not exceed the limit per day elapsed
    (a missing day or a day without a weigh-in widens the allowance, never hides the jump)."""
    ordered = days.dropna(subset=["bodyweight_kg"]).sort_values(["athlete_id", "diet_date"])
    previous = ordered.groupby("athlete_id")[["diet_date", "bodyweight_kg"]].shift()
    days_between = (ordered["diet_date"] - previous["diet_date"]).dt.days
    change = ordered["bodyweight_kg"] - previous["bodyweight_kg"]
    jump = (change.abs() > quality.bodyweight_jump_kg * days_between).fillna(False)
    bad = ordered[jump]
    problem = ("bodyweight " + change[jump].map("{:+.1f}".format).astype("string") + " kg in "
               + days_between[jump].astype("Int64").astype("string")
               + f" day(s) (limit ±{quality.bodyweight_jump_kg:g} kg per day)")
    return finding(_rows(bad, problem, ["bodyweight_kg"]), len(ordered))
