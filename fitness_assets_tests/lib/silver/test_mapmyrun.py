"""MapMyRun / MapMyFitness workout history → silver_activities.

Inputs are built here with `mapmyrun_csv`, which writes a CSV as the export does: the header
unquoted, AP-style dates quoted (they hold a comma), newest first, CRLF by default. Other test
modules import the builder from here.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import pandas as pd
import pytest

from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.formats import EXPECTED_ANY, HEVY, MAPMYRUN, detect_export
from fitness_assets.lib.raw.zone import land_inbox, profile_rows
from fitness_assets.lib.silver.build import _PARSER_SOURCES, SilverLayer, build_silver
from fitness_assets.lib.silver.corrections import load_corrections
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets.lib.silver.sources import ACTIVITIES, SOURCES
from fitness_assets.lib.silver.sources.mapmyrun import (
    ACTIVITY_DTYPES,
    KM_PER_MILE,
    SILVER_ACTIVITY_COLUMNS,
    parse_mapmyrun,
)
from fitness_assets.schemas.silver import SilverActivity
from fitness_assets_tests.conftest import hevy_csv

CANONICAL = ("date_submitted", "workout_date", "activity_type", "calories", "distance", "duration", "avg_pace",
             "max_pace", "avg_speed", "max_speed", "avg_heart_rate", "steps", "notes", "source", "link")
IMPERIAL = ("Date Submitted,Workout Date,Activity Type,Calories Burned (kcal),Distance (mi),Workout Time (seconds),"
            "Avg Pace (min/mi),Max Pace (min/mi),Avg Speed (mi/h),Max Speed (mi/h),Avg Heart Rate,Steps,Notes,Source,Link")
HEADERS = {
    "imperial": IMPERIAL,
    "imperial_kCal": IMPERIAL.replace("(kcal)", "(kCal)"),
    "metric": IMPERIAL.replace("(mi)", "(km)").replace("min/mi", "min/km").replace("mi/h", "km/h"),
    "oldest": IMPERIAL.replace("Max Pace (min/mi)", "Max Pace").replace("Max Speed (mi/h)", "Max Speed"),
    "oldest_metric": IMPERIAL.replace("(mi)", "(km)").replace("Avg Pace (min/mi)", "Avg Pace (min/km)")
    .replace("Avg Speed (mi/h)", "Avg Speed (km/h)").replace("Max Pace (min/mi)", "Max Pace")
    .replace("Max Speed (mi/h)", "Max Speed"),
}
DEFAULT = {
    "date_submitted": "Oct. 7, 2025", "workout_date": "Oct. 7, 2025", "activity_type": "Run", "calories": "412",
    "distance": "4.0", "duration": "2160", "avg_pace": "9.0", "max_pace": "6.1", "avg_speed": "6.6667",
    "max_speed": "9.8", "avg_heart_rate": "148", "steps": "5600", "notes": "", "source": "iPhone",
    "link": "http://www.mapmyfitness.com/workout/1000",
}


def activity(workout_id: int | str = 1000, **fields) -> dict:
    """One activity: DEFAULT with `fields` (canonical names) overriding it; the id goes into the Link."""
    unknown = set(fields) - set(CANONICAL)
    assert not unknown, f"not MapMyRun columns: {unknown}"
    return {**DEFAULT, "link": f"http://www.mapmyfitness.com/workout/{workout_id}", **{k: str(v) for k, v in fields.items()}}


def mapmyrun_csv(rows: list[dict], variant: str = "imperial", newline: str = "\r\n") -> bytes:
    buffer = io.StringIO(newline="")
    buffer.write(HEADERS[variant] + newline)
    writer = csv.writer(buffer, lineterminator=newline)
    for row in rows:
        writer.writerow([row[c] for c in CANONICAL])
    return buffer.getvalue().encode()


def parse(data: bytes, file_name: str = "user1_workout_history.csv", corrections=()):
    detected = detect_export(data, file_name)
    assert detected.kind == MAPMYRUN
    return parse_mapmyrun(data, detected, SourceFile("default", "sha-test", file_name), corrections)


def assert_nothing_lost(parsed) -> None:
    assert parsed.rows_read == len(parsed.rows) + parsed.quarantine["line"].nunique()


def by_line(parsed) -> dict[int, dict]:
    return {int(r["line"]): r for r in parsed.quarantine.to_dict("records")}


# --- the builder writes what the export writes ----------------------------------------------


def test_builder_quotes_ap_dates_and_leaves_the_header_bare():
    text = mapmyrun_csv([activity()]).decode()
    header, row = text.split("\r\n")[:2]
    assert header == IMPERIAL
    assert row.startswith('"Oct. 7, 2025","Oct. 7, 2025",Run,412,4.0,')


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant, unit", [("imperial", "mi"), ("imperial_kCal", "mi"), ("metric", "km"),
                                           ("oldest", "mi"), ("oldest_metric", "km")])
def test_every_header_variant_is_detected_and_parsed(variant, unit):
    data = mapmyrun_csv([activity()], variant)
    detected = detect_export(data, "export.csv")
    assert (detected.kind, detected.details["unit"]) == (MAPMYRUN, unit)
    parsed = parse(data)
    assert len(parsed.rows) == 1 and parsed.quarantine.empty
    SilverActivity.validate(parsed.rows)
    factor = KM_PER_MILE if unit == "mi" else 1.0
    row = parsed.rows.iloc[0]
    assert row["distance_km"] == pytest.approx(4.0 * factor, rel=1e-15)
    # the unit-less max columns follow the distance's unit
    assert row["max_pace_min_per_km"] == pytest.approx(6.1 / factor, rel=1e-15)
    assert row["max_speed_kmh"] == pytest.approx(9.8 * factor, rel=1e-15)


@pytest.mark.parametrize("name", ["hevy_workouts.csv", "diet_log.csv", "notes.sqlite", "no_extension"])
def test_detected_by_content_under_a_misleading_name(tmp_path, name):
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / name).write_bytes(mapmyrun_csv([activity(1), activity(2, workout_date="Sept. 14, 2019")]))
    manifest, new = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    assert [(e.detected_format, e.row_count, e.data_until) for e in new] == [(MAPMYRUN, 2, "2025-10-07")]
    silver = build_silver(tmp_path / "raw", manifest)
    assert silver.activities["source_workout_id"].tolist() == ["1", "2"]
    assert [(f.dataset, f.status, f.file_name) for f in silver.files] == [(ACTIVITIES, "current", name)]


def test_profile_rows_counts_records_and_reads_the_latest_workout_date(tmp_path):
    data = mapmyrun_csv([activity(3, workout_date="March 3, 2020", notes="two\nlines"),
                         activity(2, workout_date="June 1, 2018"), activity(1, workout_date="not a date")])
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert profile_rows(data, detect_export(data, "x.csv"), path) == (3, "2020-03-03")


def test_header_errors_name_the_format_and_what_is_wrong():
    missing = IMPERIAL.replace(",Steps", "")
    with pytest.raises(ExportFileError) as err:
        detect_export((missing + "\n").encode(), "mmr.csv")
    assert "looks like a MapMyRun workout history CSV but is missing column(s) Steps" in str(err.value)
    mixed = IMPERIAL.replace("Avg Speed (mi/h)", "Avg Speed (km/h)")
    with pytest.raises(ExportFileError) as err:
        detect_export((mixed + "\n").encode(), "mmr.csv")
    assert "mixes mile and kilometre columns" in str(err.value)
    assert "MapMyRun/MapMyFitness workout history CSV (header " + IMPERIAL in EXPECTED_ANY
    assert "MapMyRun" in str(err.value)


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Oct. 7, 2025", date(2025, 10, 7)), ("Sept. 14, 2019", date(2019, 9, 14)), ("March 3, 2020", date(2020, 3, 3)),
    ("June 1, 2018", date(2018, 6, 1)), ("Aug. 25, 2014", date(2014, 8, 25)), ("May 5, 2016", date(2016, 5, 5)),
    ("April 30, 2017", date(2017, 4, 30)), ("July 4, 2015", date(2015, 7, 4)), ("Jan. 2, 2021", date(2021, 1, 2)),
    ("Feb. 29, 2020", date(2020, 2, 29)), ("Nov. 11, 2013", date(2013, 11, 11)), ("Dec. 31, 2022", date(2022, 12, 31)),
])
def test_each_ap_date_style_is_read_exactly(text, expected):
    row = parse(mapmyrun_csv([activity(workout_date=text, date_submitted=text)])).rows.iloc[0]
    assert row["activity_date"] == pd.Timestamp(expected)
    assert row["submitted_date"] == pd.Timestamp(expected)
    assert row["activity_date"] == row["activity_date"].normalize()  # midnight


def test_submitted_date_may_differ_from_workout_date():
    row = parse(mapmyrun_csv([activity(date_submitted="Sept. 15, 2019", workout_date="Sept. 14, 2019")])).rows.iloc[0]
    assert (row["activity_date"], row["submitted_date"]) == (pd.Timestamp("2019-09-14"), pd.Timestamp("2019-09-15"))


def test_miles_convert_exactly():
    row = parse(mapmyrun_csv([activity(distance="3.1", avg_speed="6.5", avg_pace="29.7253", max_pace="0.3")])).rows.iloc[0]
    assert repr(float(row["distance_km"])) == "4.9889664"  # 3.1 × 1.609344, no binary noise
    assert repr(float(row["avg_speed_kmh"])) == "10.460736"
    assert row["avg_pace_min_per_km"] == 29.7253 / 1.609344
    assert row["max_pace_min_per_km"] == 0.3 / 1.609344
    assert KM_PER_MILE == 1.609344


def test_metric_values_are_kept_as_written():
    row = parse(mapmyrun_csv([activity(distance="5.12", avg_pace="5.8594", avg_speed="10.24")], "metric")).rows.iloc[0]
    assert (row["distance_km"], row["avg_pace_min_per_km"], row["avg_speed_kmh"]) == (5.12, 5.8594, 10.24)


def test_max_pace_and_speed_are_kept_even_when_zero_or_absurd():
    rows = parse(mapmyrun_csv([activity(1, max_pace="0", max_speed="0"),
                               activity(2, max_pace="0.48", max_speed="124")], "metric")).rows
    assert rows["max_pace_min_per_km"].tolist() == [0.0, 0.48]
    assert rows["max_speed_kmh"].tolist() == [0.0, 124.0]


def test_notes_empty_and_the_bytes_artefact_are_missing_text_is_kept():
    rows = parse(mapmyrun_csv([activity(1, notes="b''"), activity(2, notes=""), activity(3, notes="Dog walk, rainy"),
                               activity(4, notes="  ")])).rows
    assert rows["notes"].tolist() == [None, None, "Dog walk, rainy", None]


def test_heart_rate_zero_or_empty_is_missing():
    rows = parse(mapmyrun_csv([activity(1, avg_heart_rate="0"), activity(2, avg_heart_rate=""),
                               activity(3, avg_heart_rate="151")])).rows
    assert rows["avg_heart_rate"].isna().tolist() == [True, True, False]
    assert rows.loc[2, "avg_heart_rate"] == 151.0


def test_columns_and_dtypes_are_the_contract():
    rows = parse(mapmyrun_csv([activity(steps="", calories="", source="", notes="b''",
                                        activity_type="Indoor Run / Jog")])).rows
    assert list(rows.columns) == SILVER_ACTIVITY_COLUMNS
    assert {c: str(rows[c].dtype) for c in ACTIVITY_DTYPES} == ACTIVITY_DTYPES
    row = rows.iloc[0]
    assert (row["source"], row["source_workout_id"], row["activity_type"]) == ("mapmyrun", "1000", "Indoor Run / Jog")
    assert row["link"] == "http://www.mapmyfitness.com/workout/1000"
    assert pd.isna(row["steps"]) and pd.isna(row["calories_kcal"]) and row["source_device"] is None
    assert len(row["activity_hash"]) == 64


def test_mapmyrun_links_and_https_give_the_id():
    rows = parse(mapmyrun_csv([{**activity(), "link": "https://www.mapmyrun.com/workout/555"},
                               {**activity(), "link": "http://mapmyfitness.com/workout/777/"}])).rows
    assert rows["source_workout_id"].tolist() == ["555", "777"]


def test_crlf_and_lf_read_the_same_rows_on_the_same_lines():
    rows = [activity(2, notes="first line\nsecond line"), activity(1)]
    crlf, lf = parse(mapmyrun_csv(rows, newline="\r\n")).rows, parse(mapmyrun_csv(rows, newline="\n")).rows
    assert crlf["source_line"].tolist() == [2, 4]  # the quoted note spans lines 2 and 3
    assert crlf["notes"].tolist()[0] == "first line\nsecond line"
    pd.testing.assert_frame_equal(crlf, lf)


def test_newest_first_order_is_kept():
    rows = parse(mapmyrun_csv([activity(3, workout_date="Oct. 7, 2025"), activity(2, workout_date="May 5, 2016"),
                               activity(1, workout_date="Aug. 25, 2014")])).rows
    assert rows["source_workout_id"].tolist() == ["3", "2", "1"]


# --- quarantine -------------------------------------------------------------------------------


def test_bad_rows_are_quarantined_with_file_line_and_a_reason():
    data = mapmyrun_csv([
        activity(1),
        activity(2, workout_date="Sept 31 2019x"),
        {**activity(3), "link": "http://www.mapmyfitness.com/routes/view/3"},
        activity(4, distance="-1.2"),
        activity(5, duration="forty"),
        activity(6, steps="12.5"),
        activity(7, activity_type=""),
        activity(8, date_submitted="2019-09-14"),
    ]) + b'"Oct. 1, 2025",Run,1,2\r\n'
    parsed = parse(data, "user9_workout_history.csv")
    assert parsed.rows["source_workout_id"].tolist() == ["1"]
    assert_nothing_lost(parsed)
    q = by_line(parsed)
    assert set(parsed.quarantine["source_file"]) == {"user9_workout_history.csv"}
    assert q[3]["rule"] == "invalid_activity_date"
    assert q[3]["reason"].startswith("'Sept 31 2019x' in Workout Date is not a date like 'Oct. 7, 2025'")
    assert q[4]["rule"] == "invalid_link" and "holds no workout id" in q[4]["reason"]
    assert (q[5]["rule"], q[5]["reason"]) == ("negative_distance_km", "'-1.2' in Distance (mi) is negative")
    assert q[6]["reason"] == "'forty' in Workout Time (seconds) is not a number"
    assert q[7]["reason"] == "'12.5' in Steps is not a whole number"
    assert q[8]["reason"] == "the activity type (Activity Type) is empty"
    assert q[9]["rule"] == "invalid_submitted_date" and "'2019-09-14' in Date Submitted" in q[9]["reason"]
    assert (q[10]["rule"], q[10]["reason"]) == ("field_count", "has 4 fields, expected 15 as in the header")
    assert q[5]["raw_values"]["Distance (mi)"] == "-1.2"  # what the user wrote, under the export's column


def test_an_exact_repeat_loads_once_and_differing_copies_load_none():
    data = mapmyrun_csv([activity(1), activity(2), activity(1), activity(3, distance="2"), activity(3, distance="3")])
    parsed = parse(data)
    assert parsed.rows["source_workout_id"].tolist() == ["1", "2"]
    assert_nothing_lost(parsed)
    q = by_line(parsed)
    assert q[4]["reason"] == "workout 1 repeats line 2 exactly: loaded once, from that line"
    assert q[5]["reason"] == q[6]["reason"] == (
        "workout 3 appears on lines 5, 6 with different values: none is loaded (which one is right is unknown)")
    assert {r["rule"] for r in q.values()} == {"duplicate_workout_id"}


def test_header_only_export_gives_typed_empty_rows():
    parsed = parse(mapmyrun_csv([]))
    assert parsed.rows.empty and parsed.rows_read == 0
    assert list(parsed.rows.columns) == SILVER_ACTIVITY_COLUMNS


# --- snapshots through build_silver --------------------------------------------------------------


def drop(tmp_path, name: str, data: bytes, athlete: str = "") -> None:
    folder = tmp_path / "inbox" / athlete if athlete else tmp_path / "inbox"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    later = path.stat().st_mtime + len(list((tmp_path / "inbox").rglob("*")))
    os.utime(path, (later, later))


def test_a_re_export_with_a_new_id_and_a_changed_row_becomes_current(tmp_path):
    first = mapmyrun_csv([activity(2, workout_date="Oct. 5, 2025"), activity(1, workout_date="Oct. 1, 2025")])
    drop(tmp_path, "user1_workout_history.csv", first)
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    before = build_silver(tmp_path / "raw", manifest).activities.set_index("source_workout_id")

    second = mapmyrun_csv([activity(3, workout_date="Oct. 7, 2025"),
                           activity(2, workout_date="Oct. 5, 2025", distance="4.5"),
                           activity(1, workout_date="Oct. 1, 2025")])
    drop(tmp_path, "user1_workout_history (1).csv", second)
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", manifest, cache_dir=tmp_path / "cache")
    after = silver.activities.set_index("source_workout_id")
    assert sorted(after.index) == ["1", "2", "3"]
    assert after.loc["2", "distance_km"] == pytest.approx(4.5 * KM_PER_MILE)
    assert after.loc["1", "activity_hash"] == before.loc["1", "activity_hash"]
    assert after.loc["2", "activity_hash"] != before.loc["2", "activity_hash"]
    status = {f.file_name: (f.status, f.dataset, f.rows_read) for f in silver.files}
    assert status == {"user1_workout_history (1).csv": ("current", ACTIVITIES, 3),
                      "user1_workout_history.csv": ("superseded", ACTIVITIES, 2)}
    assert silver.snapshots == [("default", ACTIVITIES)]
    # the cached parse gives the same frame
    again = build_silver(tmp_path / "raw", manifest, cache_dir=tmp_path / "cache").activities
    pd.testing.assert_frame_equal(again, silver.activities)


def test_an_export_cut_mid_row_is_incomplete_and_loads_its_intact_rows(tmp_path):
    drop(tmp_path, "history.csv", mapmyrun_csv([activity(2), activity(1)]))
    full = mapmyrun_csv([activity(3), activity(2), activity(1)])
    drop(tmp_path, "history (1).csv", full[:full.rindex(b"Run,412") + len(b"Run,4")])  # stops in line 4
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", manifest)
    current = next(f for f in silver.files if f.status == "current")
    assert (current.file_name, current.incomplete_line, current.rows_read) == ("history (1).csv", 4, 3)
    assert silver.activities["source_workout_id"].tolist() == ["3", "2"]
    assert silver.quarantine.set_index("line").loc[4, "rule"] == "field_count"


def test_an_export_cut_inside_a_quoted_note_is_incomplete(tmp_path):
    full = mapmyrun_csv([activity(2), activity(1, notes="a note, then the cut")])
    drop(tmp_path, "history.csv", full[:full.index(b"then the cut")])
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", manifest)
    assert silver.files[0].incomplete_line == 3
    assert silver.activities["source_workout_id"].tolist() == ["2"]
    assert silver.quarantine.set_index("line").loc[3, "rule"] == "field_count"


def test_a_column_with_an_unreadable_and_a_negative_value_quarantines_both():
    """The negative value's reason used to be looked up by a mask that no longer matched the
    rows left after the unreadable one was quarantined: the whole file failed to parse."""
    parsed = parse(mapmyrun_csv([activity(1), activity(2, distance="far"), activity(3, distance="-1.2")]))
    q = by_line(parsed)
    assert {line: row["rule"] for line, row in q.items()} == {3: "invalid_distance_km", 4: "negative_distance_km"}
    assert q[4]["reason"] == "'-1.2' in Distance (mi) is negative"
    assert parsed.rows["source_workout_id"].tolist() == ["1"]
    assert_nothing_lost(parsed)


def test_dates_after_today_or_before_the_earliest_year_are_quarantined_after_the_parse(tmp_path):
    drop(tmp_path, "history.csv", mapmyrun_csv([activity(3, workout_date="Jan. 5, 2099"), activity(2),
                                                activity(1, workout_date="June 1, 1985")]))
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", manifest, bounds=DateBounds(today=date(2025, 12, 1)))
    assert silver.activities["source_workout_id"].tolist() == ["2"]
    reasons = silver.quarantine.set_index("line")["reason"]
    assert reasons[2].startswith("activity date 2099-01-05 is after today (2025-12-01")
    assert reasons[4].startswith("activity date 1985-06-01 is before 1990")


def test_typed_empty_frames_without_a_mapmyrun_export(tmp_path):
    drop(tmp_path, "workouts.csv", hevy_csv([]))
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    assert manifest[0].detected_format == HEVY
    silver = build_silver(tmp_path / "raw", manifest)
    for frame in (silver.activities, silver.frame(ACTIVITIES)):
        assert frame.empty and list(frame.columns) == SILVER_ACTIVITY_COLUMNS
        assert {c: str(frame[c].dtype) for c in ACTIVITY_DTYPES} == ACTIVITY_DTYPES
    # callers built before the dataset existed (the warehouse step) get the same typed frame
    layer = SilverLayer(workout_sets=silver.workout_sets, diet_days=silver.diet_days, cycles=silver.cycles,
                        quarantine=silver.quarantine, corrections_applied=silver.corrections_applied)
    assert layer.activities["activity_date"].dtype == "datetime64[us]" and layer.activities.empty


def test_two_athletes_each_keep_their_own_snapshot(tmp_path):
    drop(tmp_path, "h.csv", mapmyrun_csv([activity(1)]), athlete="anna")
    drop(tmp_path, "h.csv", mapmyrun_csv([activity(1), activity(2)], "metric"), athlete="ben")
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", manifest)
    assert silver.activities.groupby("athlete_id").size().to_dict() == {"anna": 1, "ben": 2}


# --- registry, cache, corrections ---------------------------------------------------------------


def test_registry_line_and_parse_cache_fingerprint_cover_the_parser():
    spec = SOURCES[MAPMYRUN]
    assert (spec.dataset, spec.model, spec.date_column, spec.text, spec.cut_unit) == (
        ACTIVITIES, SilverActivity, "activity_date", True, None)
    assert "lib/silver/sources/mapmyrun.py" in _PARSER_SOURCES


def test_a_correction_by_workout_id_changes_the_row_and_its_hash(tmp_path):
    path = tmp_path / "corrections.yaml"
    path.write_text('activities:\n  - workout_id: "2"\n    set: {distance_km: 5.0, activity_type: Walk}\n'
                    '    reason: "GPS lost in the tunnel"\n  - workout_id: "99"\n    set: {steps: 1}\n'
                    '    reason: "no such workout"\n', encoding="utf-8")
    data = mapmyrun_csv([activity(2), activity(1)])
    plain = parse(data).rows
    corrected = parse(data, corrections=load_corrections(path))
    row = corrected.rows.iloc[0]
    assert (row["distance_km"], row["activity_type"]) == (5.0, "Walk")
    assert row["activity_hash"] != plain.loc[0, "activity_hash"]
    assert corrected.rows.loc[1, "activity_hash"] == plain.loc[1, "activity_hash"]
    assert corrected.corrections_applied[["natural_key", "field", "new_value"]].values.tolist() == [
        ["workout_id=2", "distance_km", "5.0"], ["workout_id=2", "activity_type", "Walk"]]
    assert [(s["natural_key"], s["matches"]) for s in corrected.stale_corrections] == [("workout_id=99", 0)]
