"""Three SVG charts per athlete-week (lib/reports/svg.py writes them), and the links to them.

Inputs are payloads only (this week and up to 11 before it), so a chart never shows a figure
the warehouse did not publish. Same payloads, same bytes: no timestamp, no software tag.

report.md ends with a "Charts" section linking each chart by its file name, relative to the
report, so the report and its charts read together wherever the folder is (disk, S3). Where a
viewer cannot reach the files (the Dagster UI), `embedded_charts` puts the images themselves in
the Markdown as data URIs.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from pathlib import Path

from fitness_assets.lib.reports.quoting import display_name
from fitness_assets.lib.reports.svg import PALETTE, Chart, Scale, nice_ticks

# File name → the alt text of its link in report.md (no digits: grounding reads the whole report).
CHART_TITLES = {"muscle_sets.svg": "Sets per muscle group",
                "load_trend.svg": "Load trend of the most-trained exercises",
                "bodyweight_calories.svg": "Bodyweight and average calories"}
CHARTS = tuple(CHART_TITLES)
CHART_SECTION = "## Charts\n\n" + "\n\n".join(f"![{title}]({name})" for name, title in CHART_TITLES.items()) + "\n"
TOP_EXERCISES = 3


def draw_charts(history: list[dict], out_dir: Path) -> list[Path]:
    """`history`: payloads of one athlete, oldest first, the report's week last (≤ 12 weeks)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in CHARTS]
    for draw, path in zip((muscle_sets, load_trend, bodyweight_calories), paths):
        path.write_bytes(draw(history).to_bytes())
    return paths


def with_chart_links(text: str) -> str:
    """The report as stored: the writer's text, then the Charts section (added once)."""
    body = without_chart_links(text)
    return body.rstrip("\n") + "\n\n" + CHART_SECTION


def without_chart_links(text: str) -> str:
    """The writer's text alone (for a viewer that shows the charts its own way)."""
    return text[:-len(CHART_SECTION)].rstrip("\n") + "\n" if text.endswith("\n" + CHART_SECTION) else text


def embedded_charts(text: str, folder: Path) -> str:
    """The report with each drawn chart's link replaced by the SVG itself, as a data URI."""
    for name in CHARTS:
        path = folder / name
        if path.is_file():
            uri = "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
            text = text.replace(f"]({name})", f"]({uri})")
    return text


def _sets_by_group(payload: dict) -> dict[str, int]:
    groups: dict[str, int] = defaultdict(int)
    for exercise in payload["exercises"]:
        groups[exercise["muscle_group"]] += exercise["current_week"]["total_sets"] or 0
    return groups


def muscle_sets(history: list[dict]) -> Chart:
    """Working sets per muscle group this week, beside their average over the 4 weeks before."""
    current, before = history[-1], history[-5:-1]
    this_week = _sets_by_group(current)
    previous = [_sets_by_group(p) for p in before]
    groups = sorted(set(this_week) | {g for p in previous for g in p})
    chart = Chart(f"Sets per muscle group, week of {current['week_start']}", [display_name(g) for g in groups])
    if not groups:
        return chart
    this_sets = [this_week.get(g, 0) for g in groups]
    average = [sum(p.get(g, 0) for p in previous) / len(previous) for g in groups] if previous else []
    scale = Scale(nice_ticks(0, max(this_sets + average)))
    chart.axis(scale, "working sets")
    series_count = 2 if previous else 1
    chart.bars(scale, this_sets, PALETTE[0], series=0, series_count=series_count)
    chart.add_legend("this week", PALETTE[0], "bar")
    if previous:
        chart.bars(scale, average, PALETTE[1], series=1, series_count=series_count)
        chart.add_legend(f"average of previous {len(previous)} week(s)", PALETTE[1], "bar")
    return chart


def load_trend(history: list[dict]) -> Chart:
    """Top weight per week of the (up to) three exercises with the most weighted sets."""
    volume: dict[str, int] = defaultdict(int)
    for payload in history:
        for exercise in payload["exercises"]:
            if exercise["current_week"].get("max_weight_kg") is not None:
                volume[exercise["exercise_name"]] += exercise["current_week"]["total_sets"] or 0
    top = sorted(volume, key=lambda name: (-volume[name], name))[:TOP_EXERCISES]
    weeks = [p["week_start"] for p in history]
    chart = Chart("Load trend of the most-trained exercises (last 12 weeks)", [w[5:] for w in weeks])
    lines = []
    for name in top:
        loads = {p["week_start"]: e["current_week"]["max_weight_kg"] for p in history for e in p["exercises"]
                 if e["exercise_name"] == name}
        lines.append((name, [(i, loads[w]) for i, w in enumerate(weeks) if loads.get(w) is not None]))
    values = [v for _, points in lines for _, v in points]
    if not values:
        return chart
    scale = Scale(nice_ticks(min(values), max(values)))
    chart.axis(scale, "top weight (kg)")
    for colour, (name, points) in zip(PALETTE, lines):
        chart.line(scale, points, colour)
        chart.add_legend(display_name(name), colour, "line")
    return chart


def bodyweight_calories(history: list[dict]) -> Chart:
    """Average bodyweight (left axis) and average calories (right axis) per week."""
    weeks = [p["week_start"] for p in history]
    chart = Chart("Bodyweight and average calories (last 12 weeks)", [w[5:] for w in weeks])
    for key, caption, colour, marker, right in (
            ("avg_bodyweight_kg", "bodyweight (kg)", PALETTE[0], "circle", False),
            ("avg_calories_kcal", "average kcal", PALETTE[1], "square", True)):
        points = [(i, p["diet"][key]) for i, p in enumerate(history) if p["diet"].get(key) is not None]
        if not points:
            continue
        scale = Scale(nice_ticks(min(v for _, v in points), max(v for _, v in points)))
        chart.axis(scale, caption, colour=colour, right=right)
        chart.line(scale, points, colour, marker)
        chart.add_legend(caption, colour, "line")
    return chart
