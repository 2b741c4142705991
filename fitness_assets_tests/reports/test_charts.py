"""The report charts: well-formed SVG whose geometry follows the payloads, export text kept as text."""

from __future__ import annotations

import copy
from xml.etree import ElementTree

import base64

from fitness_assets.lib.reports.charts import (
    CHARTS,
    bodyweight_calories,
    draw_charts,
    embedded_charts,
    load_trend,
    muscle_sets,
    with_chart_links,
    without_chart_links,
)
from fitness_assets.lib.reports.sources import HISTORY_WEEKS, ReportSources, history_digest
from fitness_assets.lib.reports.svg import nice_ticks, number

SVG = "{http://www.w3.org/2000/svg}"


def week(start: str, exercises: list[tuple[str, str, int, float | None]], bodyweight=None, calories=None) -> dict:
    return {"week_start": start,
            "exercises": [{"exercise_name": name, "muscle_group": group,
                           "current_week": {"total_sets": sets, "max_weight_kg": top}}
                          for name, group, sets, top in exercises],
            "diet": {"avg_bodyweight_kg": bodyweight, "avg_calories_kcal": calories}}


def parsed(chart) -> ElementTree.Element:
    return ElementTree.fromstring(chart.to_bytes())


def test_bars_are_proportional_to_the_sets_and_the_previous_weeks_average():
    history = [week("2026-01-05", [("Squat", "Quadriceps", 2, 100.0)]),
               week("2026-01-12", [("Squat", "Quadriceps", 4, 100.0)]),
               week("2026-01-19", [("Squat", "Quadriceps", 6, 100.0), ("Curl", "Biceps", 3, 20.0)])]
    bars = [r for r in parsed(muscle_sets(history)).iter(f"{SVG}rect")
            if r.get("fill") in ("#1f77b4", "#ff7f0e") and r.get("height") != "8"]
    heights = {(r.get("fill"), r.get("x")): float(r.get("height")) for r in bars}
    this_week = sorted(h for (fill, _), h in heights.items() if fill == "#1f77b4")
    average = sorted(h for (fill, _), h in heights.items() if fill == "#ff7f0e")
    assert this_week[1] / this_week[0] == 2.0          # quadriceps 6 sets, biceps 3
    assert average == [0.0, this_week[0]]               # average of 2 and 4 sets = 3; biceps 0
    labels = [t.text for t in parsed(muscle_sets(history)).iter(f"{SVG}text")]
    assert "average of previous 2 week(s)" in labels and "Biceps" in labels and "Quadriceps" in labels


def test_export_text_stays_text():
    hostile = '<script>alert("x")</script> & $\\frac{'
    history = [week("2026-01-05", [(hostile, "<g onload=x>", 3, 50.0)], 80.0, 2500)]
    for draw in (muscle_sets, load_trend, bodyweight_calories):
        root = parsed(draw(history))
        assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}g"))
    texts = [t.text for t in parsed(load_trend(history)).iter(f"{SVG}text")]
    assert hostile in texts
    assert "<g onload=x>" in [t.text for t in parsed(muscle_sets(history)).iter(f"{SVG}text")]


def test_same_payloads_same_bytes_and_a_changed_figure_changes_them(tmp_path):
    history = [week(f"2026-01-{day:02d}", [("Bench", "Chest", 3, 80.0 + day)], 80.5, 2400 + day)
               for day in (5, 12, 19)]
    first = [p.read_bytes() for p in draw_charts(history, tmp_path / "a")]
    again = [p.read_bytes() for p in draw_charts(copy.deepcopy(history), tmp_path / "b")]
    assert first == again and sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(CHARTS)
    history[-1]["exercises"][0]["current_week"]["max_weight_kg"] = 90.0
    changed = [p.read_bytes() for p in draw_charts(history, tmp_path / "c")]
    assert changed[1] != first[1] and changed[0] == first[0]


def test_the_chart_stamp_is_the_digest_of_each_weeks_history(tmp_path):
    """ReportSources serialises each payload once; its stamps and histories are the ones
    computed from scratch, for two athletes, weeks with gaps and weeks past the look-back."""
    from datetime import date, timedelta

    mondays = [(date(2025, 1, 6) + timedelta(weeks=n)).isoformat() for n in range(30) if n % 7 != 3]
    payloads = {(athlete, monday): week(monday, [("Bench", "Chest", 3, 80.0 + n)], 80.5 + n / 10, 2400 + n)
                for n, monday in enumerate(mondays) for athlete in ("default", "coach_client") if n % 5 or athlete == "default"}
    sources = ReportSources(tmp_path, tmp_path, payloads, sorted(payloads))
    for athlete, monday in sorted(payloads):
        since = (date.fromisoformat(monday) - timedelta(weeks=HISTORY_WEEKS - 1)).isoformat()
        expected = [payloads[(a, w)] for a, w in sorted(payloads) if a == athlete and since <= w <= monday]
        assert sources.history(athlete, monday) == expected
        assert sources.history_digest(athlete, monday) == history_digest(expected)
    assert len(sources.history("default", mondays[-1])) < HISTORY_WEEKS < len(mondays)


def test_lines_follow_the_values_and_skip_weeks_without_them():
    history = [week("2026-01-05", [("Bench", "Chest", 3, 80.0)], 81.0, None),
               week("2026-01-12", [("Bench", "Chest", 3, None)], None, 2500),
               week("2026-01-19", [("Bench", "Chest", 3, 100.0)], 80.0, 2600)]
    root = parsed(load_trend(history))
    [line] = root.iter(f"{SVG}polyline")
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in line.get("points").split())
    assert x2 > x1 and y2 < y1                         # two points (the middle week has no weight), rising
    both = parsed(bodyweight_calories(history))
    assert len(list(both.iter(f"{SVG}polyline"))) == 2 and len(list(both.iter(f"{SVG}circle"))) == 2


def test_empty_weeks_say_so():
    root = parsed(load_trend([week("2026-01-05", [], None, None)]))
    assert "nothing logged in these weeks" in [t.text for t in root.iter(f"{SVG}text")]


def test_ticks_are_round_and_cover_the_values():
    assert nice_ticks(0, 6) == [0, 2, 4, 6]
    assert nice_ticks(76.7, 80.05) == [76, 77, 78, 79, 80, 81]
    assert nice_ticks(2067, 2217) == [2050, 2100, 2150, 2200, 2250]
    assert nice_ticks(5, 5) == [4, 4.5, 5, 5.5, 6]
    assert [number(v) for v in (80.0, 82.5, 0.25, -0.0)] == ["80", "82.5", "0.25", "0"]


def test_the_report_links_its_charts_relatively_and_the_ui_gets_them_embedded(tmp_path):
    text = "# Weekly report: week of 2026-01-12\n\n- Not enough data.\n"
    linked = with_chart_links(text)
    assert linked == with_chart_links(linked)  # added once
    assert linked.endswith("## Charts\n\n![Sets per muscle group](muscle_sets.svg)\n\n"
                           "![Load trend of the most-trained exercises](load_trend.svg)\n\n"
                           "![Bodyweight and average calories](bodyweight_calories.svg)\n")
    assert without_chart_links(linked) == text
    history = [week("2026-01-12", [("Squat", "quadriceps", 3, 100.0)], bodyweight=80.1, calories=2060)]
    draw_charts(history, tmp_path)
    (tmp_path / "load_trend.svg").unlink()  # a chart that is not drawn keeps its link
    embedded = embedded_charts(linked, tmp_path)
    uri = "data:image/svg+xml;base64," + base64.b64encode((tmp_path / "muscle_sets.svg").read_bytes()).decode()
    assert f"![Sets per muscle group]({uri})" in embedded
    assert "](load_trend.svg)" in embedded and "](muscle_sets.svg)" not in embedded
