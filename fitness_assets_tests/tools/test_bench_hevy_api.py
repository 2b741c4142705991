"""The bench's Hevy API part (issue 12) at a small scale: `--only hevy_api` against the test's
database puts its figures into an existing BENCHMARKS.md and benchmarks.json, others kept."""

from __future__ import annotations

import json
import os

from tools.bench import run as bench


def test_the_bench_hevy_api_part_measures_a_first_and_a_no_change_sync(tmp_path, database_url):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "BENCHMARKS.md").write_text("# Benchmarks\n\nthe sets figures\n\n## Machine\n\n- CPU: x\n", encoding="utf-8")
    (out / "benchmarks.json").write_text(json.dumps({"sets": 1000}), encoding="utf-8")
    saved = dict(os.environ)  # the bench drops every FITNESS_* variable of its process
    try:
        assert bench.main(["--only", "hevy_api", "--hevy-workouts", "25", "--out", str(out),
                           "--work", str(tmp_path / "work"), "--database-url", database_url]) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    results = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    part = results["hevy_api"]
    assert results["sets"] == 1000 and part["workouts"] == 25 and part["sets"] == 750
    first, quiet = part["first_sync"], part["no_change_sync"]
    # 3 workout pages of 10, 1 template page, 1 routine page, 1 body-measurement page
    assert (first["requests"], first["pages"], first["silver_set_rows"]) == (6, 6, 750)
    assert first["rows_written"] > 750 + 25   # sets, workouts, blocks, exercises, manifest …
    assert (quiet["requests"], quiet["landed"], quiet["rows_written"]) == (1, False, 0)
    text = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nthe sets figures\n\n" + bench.HEVY_API_BEGIN)
    assert text.endswith(bench.HEVY_API_END + "\n## Machine\n\n- CPU: x\n")
    assert "| 1 request, 0 rows | PASS |" in text
    assert not (tmp_path / "work").exists()
