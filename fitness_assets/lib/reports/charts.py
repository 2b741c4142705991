"""Three PNG charts per athlete-week, rendered headless (matplotlib's Agg backend).

Inputs are payloads only (this week and up to 11 before it), so a chart never shows a figure
the warehouse did not publish. PNGs carry no timestamp or software tag: same payloads, same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: no display on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402

from fitness_assets.lib.reports.quoting import display_name  # noqa: E402

CHARTS = ("muscle_sets.png", "load_trend.png", "bodyweight_calories.png")
TOP_EXERCISES = 3
PNG_METADATA = {"Software": None}


def label(text: str) -> str:
    """Export text as a chart label: its display form (quoting.display_name), with "$" escaped so
    matplotlib never parses it as mathtext (an unbalanced "$\\frac{" would fail the whole
    render) and a leading "_" kept visible (legends hide labels that start with one)."""
    shown = display_name(text).replace("$", r"\$")
    return "\u200b" + shown if shown.startswith("_") else shown


class ChartRenderer:
    """Reuses one figure for every chart: creating figures dominates matplotlib's cost."""

    def __enter__(self):
        self.figure = plt.figure(figsize=(7, 3.6), dpi=90)
        return self

    def __exit__(self, *exc):
        plt.close(self.figure)

    def render(self, history: list[dict], out_dir: Path) -> list[Path]:
        """`history`: payloads of one athlete, oldest first, the report's week last (≤ 12 weeks)."""
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = [out_dir / name for name in CHARTS]
        for draw, path in zip((_muscle_sets, _load_trend, _bodyweight_calories), paths):
            self.figure.clear()
            draw(self.figure.add_subplot(), history)
            self.figure.subplots_adjust(left=0.1, right=0.88, bottom=0.3, top=0.9)  # tight_layout costs 3x
            self.figure.savefig(path, format="png", metadata=PNG_METADATA)
        return paths


def _sets_by_group(payload: dict) -> dict[str, int]:
    groups: dict[str, int] = defaultdict(int)
    for exercise in payload["exercises"]:
        groups[exercise["muscle_group"]] += exercise["current_week"]["total_sets"] or 0
    return groups


def _muscle_sets(axes, history: list[dict]) -> None:
    current, before = history[-1], history[-5:-1]
    this_week = _sets_by_group(current)
    previous = [_sets_by_group(p) for p in before]
    groups = sorted(set(this_week) | {g for p in previous for g in p})
    xs = range(len(groups))
    axes.bar([x - 0.2 for x in xs], [this_week.get(g, 0) for g in groups], width=0.4, label="this week")
    if previous:
        average = [sum(p.get(g, 0) for p in previous) / len(previous) for g in groups]
        axes.bar([x + 0.2 for x in xs], average, width=0.4, label=f"average of previous {len(previous)} week(s)")
    axes.set_xticks(list(xs), [label(g) for g in groups], rotation=45, ha="right", fontsize=7)
    axes.set_ylabel("working sets")
    axes.set_title(f"Sets per muscle group, week of {current['week_start']}", fontsize=9)
    axes.legend(fontsize=7)


def _load_trend(axes, history: list[dict]) -> None:
    volume: dict[str, int] = defaultdict(int)
    for payload in history:
        for exercise in payload["exercises"]:
            if exercise["current_week"].get("max_weight_kg") is not None:
                volume[exercise["exercise_name"]] += exercise["current_week"]["total_sets"] or 0
    top = sorted(volume, key=lambda name: (-volume[name], name))[:TOP_EXERCISES]
    weeks = [p["week_start"] for p in history]
    for name in top:
        loads = {p["week_start"]: e["current_week"]["max_weight_kg"] for p in history for e in p["exercises"]
                 if e["exercise_name"] == name}
        points = [(i, loads[w]) for i, w in enumerate(weeks) if loads.get(w) is not None]
        axes.plot([i for i, _ in points], [v for _, v in points], marker="o", label=label(name))
    axes.set_xticks(range(len(weeks)), [w[5:] for w in weeks], rotation=45, fontsize=7)
    axes.set_ylabel("top weight (kg)")
    axes.set_title("Load trend of the most-trained exercises (last 12 weeks)", fontsize=9)
    if top:
        axes.legend(fontsize=7)


def _bodyweight_calories(axes, history: list[dict]) -> None:
    weeks = [p["week_start"] for p in history]
    weight = [(i, p["diet"]["avg_bodyweight_kg"]) for i, p in enumerate(history)
              if p["diet"].get("avg_bodyweight_kg") is not None]
    calories = [(i, p["diet"]["avg_calories_kcal"]) for i, p in enumerate(history)
                if p["diet"].get("avg_calories_kcal") is not None]
    axes.plot([i for i, _ in weight], [v for _, v in weight], marker="o", color="tab:blue")
    axes.set_ylabel("bodyweight (kg)", color="tab:blue")
    right = axes.twinx()
    right.plot([i for i, _ in calories], [v for _, v in calories], marker="s", color="tab:orange")
    right.set_ylabel("average kcal", color="tab:orange")
    axes.set_xticks(range(len(weeks)), [w[5:] for w in weeks], rotation=45, fontsize=7)
    axes.set_title("Bodyweight and average calories (last 12 weeks)", fontsize=9)
