"""Landing dates a diet log as silver reads its days: YYYY-MM-DD, else DD/MM/YYYY."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from fitness_assets.lib.raw.timeparse import parse_diet_dates
from fitness_assets.lib.raw.zone import land_inbox, load_manifest
from fitness_assets.lib.silver.build import current_snapshots
from fitness_assets_tests.conftest import diet_csv

CYCLE = "1Cutting I (01/01/2026 - XX/XX/XXXX)"


def day(text: str) -> str:
    return f"{text},200,180,60,2060,90,{CYCLE},80.0,"


def test_two_diet_logs_landed_together_make_the_one_with_the_latest_day_current(tmp_path):
    """Landed in one scan, the export holding the latest day is the current one. A day-first
    reading of 2026-03-05 made it 3 May, later than 20 April: the older log won and the newer
    log's April days were not loaded."""
    inbox, raw_zone = tmp_path / "inbox", tmp_path / "raw"
    inbox.mkdir()
    (inbox / "diet_march.csv").write_bytes(diet_csv([day("2026-03-04"), day("2026-03-05")]))
    (inbox / "diet_april.csv").write_bytes(diet_csv([day("2026-04-19"), day("20/04/2026")]))
    manifest, _ = land_inbox(inbox, raw_zone)
    assert {entry.file_name: entry.data_until for entry in manifest} == {
        "diet_march.csv": "2026-03-05", "diet_april.csv": "2026-04-20"}
    [current] = current_snapshots(manifest, date(2026, 12, 1)).values()
    assert current.file_name == "diet_april.csv"


def test_diet_logs_landed_by_the_day_first_reading_are_dated_again_at_the_next_landing(tmp_path):
    """A raw zone landed before the fix holds the misread dates: the next landing reads them again
    from the stored bytes, once, and the newer log becomes current."""
    inbox, raw_zone = tmp_path / "inbox", tmp_path / "raw"
    inbox.mkdir()
    (inbox / "diet_march.csv").write_bytes(diet_csv([day("2026-03-04"), day("2026-03-05")]))
    (inbox / "diet_april.csv").write_bytes(diet_csv([day("2026-04-19"), day("20/04/2026")]))
    land_inbox(inbox, raw_zone)
    manifest_file = raw_zone / "manifest.json"
    entries = json.loads(manifest_file.read_text())
    misread = {"diet_march.csv": "2026-05-03", "diet_april.csv": "2026-04-20"}  # as the old landing wrote them
    manifest_file.write_text(json.dumps([{**{k: v for k, v in e.items() if k != "dated_by"},
                                          "data_until": misread[e["file_name"]]} for e in entries]))
    [old_current] = current_snapshots(load_manifest(raw_zone), date(2026, 12, 1)).values()
    assert old_current.file_name == "diet_march.csv"  # the older log won

    manifest, new = land_inbox(inbox, raw_zone)
    assert new == []  # nothing landed again: the stored entries were dated again
    assert {e.file_name: e.data_until for e in load_manifest(raw_zone)} == {
        "diet_march.csv": "2026-03-05", "diet_april.csv": "2026-04-20"}
    [current] = current_snapshots(manifest, date(2026, 12, 1)).values()
    assert current.file_name == "diet_april.csv"
    written = manifest_file.read_bytes()
    land_inbox(inbox, raw_zone)
    assert manifest_file.read_bytes() == written  # once: a later landing leaves the manifest as it is


def test_diet_dates_read_iso_first_then_day_first_and_nothing_else():
    texts = pd.Series(["2026-03-05", "2026-3-5", "05/03/2026", "5/3/2026", "03/25/2026", "2026/03/05", "", "soon"])
    parsed = parse_diet_dates(texts)
    assert [None if pd.isna(value) else value.date().isoformat() for value in parsed] == [
        "2026-03-05", "2026-03-05", "2026-03-05", "2026-03-05", None, None, None, None]
