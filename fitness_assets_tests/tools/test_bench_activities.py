"""The benchmark's MapMyRun activities (issue 11): exact, deterministic, clean exports, and the bench's
activities part at a small scale: an unchanged re-ingest and re-classification writes 0 rows."""

from __future__ import annotations

import json
import os

import pytest

from fitness_assets.lib.insights.change_point import week_numbers
from fitness_assets.lib.raw.formats import MAPMYRUN, detect_export
from fitness_assets_tests.tools.inboxes import csv_digests, silver_of
from tools.bench import run as bench
from tools.generate.bench_histories import (
    ACTIVITY_FILE_NAME,
    END_DAY,
    FIRST_WORKOUT_ID,
    write_activity_exports,
)

TOTAL, ATHLETES = 4_001, 4  # odd on purpose: athlete_01 takes the extra activity; 4 header variants


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return write_activity_exports(tmp_path_factory.mktemp("bench") / "inbox", TOTAL, ATHLETES, seed=3)


@pytest.fixture(scope="module")
def silver(exports, tmp_path_factory):
    return silver_of(exports.inbox, tmp_path_factory.mktemp("raw"))



def test_same_seed_gives_same_bytes(exports, tmp_path):
    again = write_activity_exports(tmp_path / "again", TOTAL, ATHLETES, seed=3)
    other = write_activity_exports(tmp_path / "other", TOTAL, ATHLETES, seed=4)
    assert csv_digests(again.inbox) == csv_digests(exports.inbox)
    assert csv_digests(other.inbox) != csv_digests(exports.inbox)


def test_every_header_variant_is_a_mapmyrun_export(exports):
    assert [p.relative_to(exports.inbox).as_posix() for p in exports.files] == \
        [f"athlete_0{n}/{ACTIVITY_FILE_NAME}" for n in range(1, ATHLETES + 1)]
    units = []
    for path in exports.files:
        data = path.read_bytes()
        detected = detect_export(data, path.name)
        assert detected.kind == MAPMYRUN
        units.append(detected.details["unit"])
        assert data.count(b"\r\n") == data.count(b"\n")  # CRLF, as the export
    assert units == ["mi", "mi", "km", "mi"]
    headers = [p.read_text(encoding="utf-8").split("\r\n", 1)[0] for p in exports.files]
    assert "(kCal)" in headers[1] and "Max Pace," in headers[3] and "(min/km)" in headers[2]


def test_parses_exactly_with_nothing_quarantined(exports, silver):
    rows = silver.activities
    assert len(silver.quarantine) == 0 and len(rows) == exports.activities == TOTAL
    assert rows.groupby("athlete_id").size().tolist() == [1_001, 1_000, 1_000, 1_000]
    ids = rows["source_workout_id"].astype("int64")
    assert ids.is_unique and ids.min() == FIRST_WORKOUT_ID and ids.max() == FIRST_WORKOUT_ID + TOTAL - 1
    assert rows["activity_date"].max().date() <= END_DAY
    assert (rows["submitted_date"] >= rows["activity_date"]).all()
    from fitness_assets.lib.insights.classify import logged_kinds
    assert logged_kinds(rows["activity_type"]).notna().sum() == exports.in_scope
    # "Sept." is written as MapMyRun writes it, and read back as September
    assert (rows["activity_date"].dt.month == 9).any()
    # newest first in every file, ids growing with the date
    for _, group in rows.groupby("athlete_id"):
        ordered = group.sort_values("source_line")
        assert ordered["activity_date"].is_monotonic_decreasing


def test_each_athlete_walks_more_and_more_often_after_the_planted_event(exports, silver):
    from fitness_assets.lib.insights.classify import logged_kinds

    rows = silver.activities.assign(kind=lambda f: logged_kinds(f["activity_type"]))
    for athlete, event in exports.life_events.items():
        mine = rows[rows["athlete_id"] == athlete]
        after = week_numbers(mine["activity_date"]) >= week_numbers(__import__("pandas").Series([event]))[0]
        walks = mine["kind"] == "walk"
        assert walks[after].mean() > 0.6 > 0.2 > walks[~after].mean()
        weeks_before = (event - mine["activity_date"].min().date()).days / 7
        weeks_after = (END_DAY - event).days / 7
        assert after.sum() / weeks_after > 2 * (~after).sum() / weeks_before


def test_the_bench_activities_part_writes_nothing_on_an_unchanged_reingest(tmp_path, database_url):
    """`--only activities` at a small scale, against the test's database: the part's figures land in
    an existing BENCHMARKS.md (other sections kept) and benchmarks.json (other keys kept)."""
    out = tmp_path / "docs"
    out.mkdir()
    (out / "BENCHMARKS.md").write_text("# Benchmarks\n\nthe sets figures\n\n## Machine\n\n- CPU: x\n", encoding="utf-8")
    (out / "benchmarks.json").write_text(json.dumps({"sets": 1000}), encoding="utf-8")
    saved = dict(os.environ)  # the bench drops every FITNESS_* variable of its process
    try:
        assert bench.main(["--only", "activities", "--activities", "3000", "--athletes", "3", "--out", str(out),
                           "--work", str(tmp_path / "work"), "--database-url", database_url]) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    results = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    part = results["activities"]
    assert results["sets"] == 1000
    full, same = part["full"], part["unchanged"]
    assert full["table_rows_after"]["activities"] == 3000 and full["silver_quarantined_rows"] == 0
    assert full["classification_rows_written"] == full["labelled"] == part["in_scope"]
    assert full["load_rows_written"] > 3000  # activities, athletes, manifest: the first ingest writes them
    assert part["activities_unchanged_reingest_rows"] == 0
    assert same["load_rows_written"] == same["classification_rows_written"] == same["classification_rows_removed"] == 0
    assert same["new_files_landed"] == 0 and same["labelled"] == full["labelled"]
    # ~1 activity a week is sparse for a change point: found or not, each planted event is counted
    assert len(part["planted_life_events"]) == 3 and 0 <= part["activities_life_events_found"] <= 3
    assert 0 < part["activities_classification_s"] <= part["activities_classification_step_s"]
    text = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nthe sets figures\n\n" + bench.ACTIVITIES_BEGIN)
    assert text.endswith(bench.ACTIVITIES_END + "\n## Machine\n\n- CPU: x\n")
    assert "| Activities: unchanged re-ingest and re-classification, rows written" in text and "| 0 | PASS |" in text
    assert bench.splice_activities(text, part) == text  # a second run replaces the section, not adds one
    assert not (tmp_path / "work").exists()
