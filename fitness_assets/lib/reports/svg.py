"""A small SVG writer for the report charts: category axes, bars, lines, a legend.

Written directly rather than through a plotting library because a report week needs three
small charts and matplotlib spent ~80 ms on each (figure layout, font metrics, PNG encoding);
this writes the same charts as text in well under a millisecond. SVG is diffable, scales in
any browser and in the Dagster UI, and its bytes depend only on the inputs: every coordinate
is rounded to one decimal and every number is formatted explicitly.

Text from exports (exercise and muscle-group names) is escaped: it is data, never markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 630, 324
LEFT, RIGHT, TOP, BOTTOM = 64, 556, 44, 244  # plot area; above it the title and legend, below it the labels
BAR_MAX_WIDTH = 36
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")
FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\""


def text(value: str) -> str:
    """Export text inside an SVG element: &, <, > and quotes escaped."""
    return escape(value, {'"': "&quot;", "'": "&#39;"})


def number(value: float) -> str:
    """A tick label: at most two decimals, no trailing zeros (80, 82.5, 0.25)."""
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering [low, high]."""
    if high <= low:
        low, high = low - 1, high + 1
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 6) for i in range(first, last + 1)]


@dataclass
class Scale:
    """Maps values onto the plot's vertical extent, between the first and last tick."""

    ticks: list[float]

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)


@dataclass
class Chart:
    """One chart over category slots (muscle groups or weeks), drawn left to right."""

    title: str
    categories: list[str]
    parts: list[str] = field(default_factory=list)
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (label, colour, "bar" | "line")

    def slot(self, index: int) -> float:
        """The x of a category's centre."""
        return LEFT + (index + 0.5) * self.slot_width()

    def slot_width(self) -> float:
        return (RIGHT - LEFT) / max(len(self.categories), 1)

    def axis(self, scale: Scale, caption: str, colour: str = "#333", right: bool = False) -> None:
        """Ticks, grid lines (left axis only) and the caption of a vertical axis."""
        x = RIGHT if right else LEFT
        anchor, tick_x = ("start", x + 6) if right else ("end", x - 6)
        for tick in scale.ticks:
            y = scale.y(tick)
            if not right:
                self.parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="#e5e5e5"/>')
            self.parts.append(f'<text x="{tick_x}" y="{y + 3.5:.1f}" text-anchor="{anchor}" font-size="9">'
                              f"{number(tick)}</text>")
        caption_x = WIDTH - 14 if right else 16
        middle = (TOP + BOTTOM) / 2
        self.parts.append(f'<text x="{caption_x}" y="{middle:.1f}" text-anchor="middle" font-size="10" '
                          f'fill="{colour}" transform="rotate(-90 {caption_x} {middle:.1f})">{text(caption)}</text>')

    def bars(self, scale: Scale, values: list[float], colour: str, series: int, series_count: int) -> None:
        """One bar per category; the series of one category stand side by side around its centre."""
        width = min(0.8 * self.slot_width() / series_count, BAR_MAX_WIDTH)
        for index, value in enumerate(values):
            top, base = scale.y(value), scale.y(0)
            x = self.slot(index) - width * series_count / 2 + width * series
            self.parts.append(f'<rect x="{x:.1f}" y="{min(top, base):.1f}" width="{width:.1f}" '
                              f'height="{abs(base - top):.1f}" fill="{colour}"/>')

    def line(self, scale: Scale, points: list[tuple[int, float]], colour: str, marker: str = "circle") -> None:
        """A polyline through (category index, value) points, a marker on each."""
        coordinates = [(self.slot(i), scale.y(v)) for i, v in points]
        if len(coordinates) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
            self.parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        for x, y in coordinates:
            if marker == "square":
                self.parts.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>')
            else:
                self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')

    def add_legend(self, label: str, colour: str, kind: str) -> None:
        self.legend.append((label, colour, kind))

    def to_bytes(self) -> bytes:
        """The whole document: frame, title, category labels, the drawn parts, the legend."""
        head = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" {FONT}>',
            f"<title>{text(self.title)}</title>",
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
            f'<text x="{(LEFT + RIGHT) / 2:.1f}" y="18" text-anchor="middle" font-size="12">{text(self.title)}</text>',
        ]
        labels = [f'<text x="{self.slot(i):.1f}" y="{BOTTOM + 12}" text-anchor="end" font-size="9" '
                  f'transform="rotate(-45 {self.slot(i):.1f} {BOTTOM + 12})">{text(name)}</text>'
                  for i, name in enumerate(self.categories)]
        frame = [f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" '
                 f'fill="none" stroke="#333"/>']
        if not self.parts:
            frame.append(f'<text x="{(LEFT + RIGHT) / 2:.1f}" y="{(TOP + BOTTOM) / 2:.1f}" text-anchor="middle" '
                         f'font-size="11" fill="#777">nothing logged in these weeks</text>')
        return "\n".join([*head, *self.parts, *frame, *labels, *self._legend(), "</svg>", ""]).encode("utf-8")

    def _legend(self) -> list[str]:
        """One row between the title and the plot, so it never hides data."""
        out, x, y = [], float(LEFT), TOP - 12
        for label, colour, kind in self.legend:
            if kind == "bar":
                out.append(f'<rect x="{x:.1f}" y="{y - 4}" width="14" height="8" fill="{colour}"/>')
            else:
                out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x + 16:.1f}" y2="{y}" stroke="{colour}" stroke-width="1.5"/>')
            out.append(f'<text x="{x + 20:.1f}" y="{y + 3.5}" font-size="9">{text(label)}</text>')
            # Character widths are estimated (no font metrics here): a gap a little wide is harmless.
            x += 34 + 5.5 * len(label)
        return out
