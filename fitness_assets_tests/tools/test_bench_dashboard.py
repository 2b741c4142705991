"""The bench's dashboard part, without its hour of data: the percentile, and a part's figures
turned into its BENCHMARKS.md rows (a page over the target, or with an exception, is a MISS).
The part itself ran on a small warehouse when it was written (see docs/BENCHMARKS.md)."""

from __future__ import annotations

from tools.bench.dashboard import PAGES, _percentile
from tools.bench.run import dashboard_lines, dashboard_rows


def test_percentile_interpolates_like_numpy():
    assert _percentile([0.3, 0.1, 0.2], 0.5) == 0.2
    assert abs(_percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) - 4.8) < 1e-12
    assert _percentile([0.7], 0.95) == 0.7


def test_rows_and_lines_of_a_part():
    pages = {page: {"loads_s": [0.2, 0.3, 0.4], "p50_s": 0.3, "p95_s": 0.39, "title": page, "exceptions": []}
             for page in PAGES}
    pages["trends"] |= {"p95_s": 1.4}
    pages["anomalies"] |= {"exceptions": ["KeyError: 'x'"]}
    part = {"insights": {"run_seconds": 12.5, "success": True, "step_seconds": {"trends": 2.0, "anomalies": 9.0}},
            "pages": pages, "first_load_s": 3.0, "session_open_p50_s": 0.9, "athletes": 20, "ingest_s": 140.0,
            "table_rows": {"sets": 1_000_000, "diet_daily": 70_000, "activities": 1_000_000,
                           "activity_classification": 960_000, "anomalies": 5_000},
            "machine": {"date_utc": "2026-12-01 10:00 UTC", "git_commit": "abc1234", "command": "make bench"}}
    rows = {name: (figure, result) for name, figure, _, result in dashboard_rows(part)}
    assert rows["Insight assets through Dagster, checks included (`dashboard.insights`)"][0].startswith(
        "12.5 s (anomalies 9.0, trends 2.0)")
    verdicts = {name.split("`")[1]: result for name, (_, result) in rows.items() if name.startswith("Dashboard page")}
    assert verdicts == {**dict.fromkeys(PAGES, "PASS"), "trends": "MISS", "anomalies": "MISS"}
    text = "\n".join(dashboard_lines(part))
    assert "1,000,000 sets, 70,000 diet days and 1,000,000 activities" in text
    assert text.startswith("<!-- dashboard: begin -->") and text.rstrip().endswith("<!-- dashboard: end -->")
