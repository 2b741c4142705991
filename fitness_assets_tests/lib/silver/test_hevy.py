"""parse_hevy: units, multi-line records, workout structure, quarantine and workout hashes.

Inputs are built in the tests with `hevy_csv`, which writes a CSV exactly as Hevy does
(every field quoted, CRLF line ends). The other test modules import it from here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.formats import HEVY, detect_export
from fitness_assets.lib.raw.csv_records import read_csv_records
from fitness_assets.lib.silver.sources.hevy_csv import KG_PER_LB, KM_PER_MILE, MAX_NAME_CHARS, parse_hevy
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets_tests.conftest import HEVY_COLUMNS, hevy_csv

DEFAULT_SET = {
    "title": "Push Day",
    "start_time": "13 Jan 2026, 18:43",
    "end_time": "13 Jan 2026, 19:50",
    "description": "",
    "exercise_title": "Bench Press (Barbell)",
    "superset_id": "",
    "exercise_notes": "",
    "set_index": "0",
    "set_type": "normal",
    "weight_kg": "100",
    "reps": "5",
    "distance_km": "",
    "duration_seconds": "",
    "rpe": "",
}


def hevy_set(**fields) -> dict:
    """One Hevy row: DEFAULT_SET with `fields` overriding it (keys are the kg/km column names)."""
    unknown = set(fields) - set(HEVY_COLUMNS)
    assert not unknown, f"not Hevy columns: {unknown}"
    return {**DEFAULT_SET, **{k: str(v) for k, v in fields.items()}}


def parse(data: bytes, file_name: str = "workouts.csv", corrections=()):
    detected = detect_export(data, file_name)
    assert detected.kind == HEVY
    return parse_hevy(data, detected, SourceFile("default", "sha-test", file_name), corrections=corrections)


def assert_nothing_lost(parsed) -> None:
    assert parsed.rows_read == len(parsed.rows) + parsed.quarantine["line"].nunique()


# --- helper sanity -----------------------------------------------------------------------


def test_helper_writes_hevy_header_quoted():
    first_line = hevy_csv([]).decode().splitlines()[0]
    assert first_line == ",".join(f'"{c}"' for c in HEVY_COLUMNS)
    renamed = hevy_csv([], lbs=True, miles=True).decode().splitlines()[0]
    assert '"weight_lbs"' in renamed and '"distance_miles"' in renamed and "_kg" not in renamed


# --- units -------------------------------------------------------------------------------


def test_pounds_and_miles_convert_to_exact_kg_and_km():
    parsed = parse(hevy_csv([hevy_set(weight_kg="135", distance_km="3.1")], lbs=True, miles=True))
    row = parsed.rows.iloc[0]
    assert row["weight_kg"] == 61.23496995
    assert repr(float(row["weight_kg"])) == "61.23496995"
    assert row["distance_km"] == 4.9889664
    assert repr(float(row["distance_km"])) == "4.9889664"
    assert KG_PER_LB == 0.45359237 and KM_PER_MILE == 1.609344


def test_kg_and_km_are_kept_as_written():
    parsed = parse(hevy_csv([hevy_set(weight_kg="102.5", distance_km="3.1")]))
    assert parsed.rows.loc[0, "weight_kg"] == 102.5
    assert parsed.rows.loc[0, "distance_km"] == 3.1


def test_mixed_header_converts_only_the_weight():
    parsed = parse(hevy_csv([hevy_set(weight_kg="135", distance_km="3.1")], lbs=True, miles=False))
    assert parsed.rows.loc[0, "weight_kg"] == 61.23496995
    assert parsed.rows.loc[0, "distance_km"] == 3.1


def test_mixed_header_converts_only_the_distance():
    parsed = parse(hevy_csv([hevy_set(weight_kg="135", distance_km="3.1")], lbs=False, miles=True))
    assert parsed.rows.loc[0, "weight_kg"] == 135.0
    assert parsed.rows.loc[0, "distance_km"] == 4.9889664


def test_empty_optional_numbers_are_missing_not_zero():
    parsed = parse(hevy_csv([hevy_set(weight_kg="", reps="", rpe="")]))
    row = parsed.rows.iloc[0]
    assert pd.isna(row["weight_kg"]) and pd.isna(row["reps"]) and pd.isna(row["rpe"])
    assert parsed.quarantine.empty


# --- physical lines ----------------------------------------------------------------------


def test_multiline_notes_with_emoji_keep_text_and_shift_next_line():
    notes = "Felt strong 💪\nleft shoulder a bit tight"
    data = hevy_csv([
        hevy_set(set_index=0, exercise_notes=notes),
        hevy_set(set_index=1, exercise_notes=notes),
        hevy_set(set_index=2),
    ])
    parsed = parse(data)
    assert parsed.rows["exercise_notes"].iloc[0] == notes
    # header = line 1; record 1 spans lines 2-3, record 2 spans lines 4-5, record 3 is line 6
    assert parsed.rows["source_line"].tolist() == [2, 4, 6]
    assert parsed.rows["exercise_notes"].iloc[2] is None


def test_read_csv_records_reports_start_line_and_wrong_width_records():
    text = 'a,b\n1,"x\ny"\n\n2,3,4\n5,6\n'
    records, lines, malformed = read_csv_records(text, header_len=2)
    assert records == [["1", "x\ny"], ["5", "6"]]
    assert lines == [2, 6]
    assert malformed == [(5, ["2", "3", "4"])]


# --- workout structure -------------------------------------------------------------------


def test_same_exercise_in_two_blocks_gets_separate_block_index():
    data = hevy_csv([
        hevy_set(exercise_title="Squat (Barbell)", set_index=0),
        hevy_set(exercise_title="Squat (Barbell)", set_index=1),
        hevy_set(exercise_title="Leg Press", set_index=0),
        hevy_set(exercise_title="Squat (Barbell)", set_index=0),
        hevy_set(exercise_title="Squat (Barbell)", set_index=1),
    ])
    rows = parse(data).rows
    assert rows["block_index"].tolist() == [0, 0, 1, 2, 2]
    assert rows["set_order"].tolist() == [0, 1, 0, 0, 1]
    assert rows["exercise_title"].tolist()[3] == "Squat (Barbell)"


def test_immediately_repeated_exercise_with_restarting_set_index_is_a_new_block():
    data = hevy_csv([
        hevy_set(exercise_title="Pull Up", set_index=0),
        hevy_set(exercise_title="Pull Up", set_index=1),
        hevy_set(exercise_title="Pull Up", set_index=0),
        hevy_set(exercise_title="Pull Up", set_index=1),
    ])
    rows = parse(data).rows
    assert rows["block_index"].tolist() == [0, 0, 1, 1]
    assert rows["set_order"].tolist() == [0, 1, 0, 1]


def test_blocks_restart_for_each_workout():
    data = hevy_csv([
        hevy_set(exercise_title="Squat", set_index=0),
        hevy_set(exercise_title="Deadlift", set_index=0),
        hevy_set(title="Pull Day", start_time="15 Jan 2026, 07:00", end_time="15 Jan 2026, 08:00",
                 exercise_title="Row", set_index=0),
    ])
    rows = parse(data).rows
    assert rows["block_index"].tolist() == [0, 1, 0]
    assert rows["set_order"].tolist() == [0, 0, 0]


def test_superset_id_is_an_integer():
    rows = parse(hevy_csv([hevy_set(superset_id="0"), hevy_set(set_index=1, superset_id="3"),
                           hevy_set(set_index=2, superset_id="")])).rows
    assert str(rows["superset_id"].dtype) == "Int64"
    assert rows["superset_id"].iloc[0] == 0 and rows["superset_id"].iloc[1] == 3
    assert pd.isna(rows["superset_id"].iloc[2])


def test_training_date_and_duration_minutes():
    rows = parse(hevy_csv([hevy_set(start_time="13 Jan 2026, 18:43", end_time="13 Jan 2026, 19:50")])).rows
    assert rows.loc[0, "started_at"] == pd.Timestamp("2026-01-13 18:43")
    assert rows.loc[0, "ended_at"] == pd.Timestamp("2026-01-13 19:50")
    assert str(rows.loc[0, "training_date"]) == "2026-01-13"
    assert rows.loc[0, "duration_minutes"] == 67.0


def test_text_fields_are_stripped_and_set_type_lowercased():
    rows = parse(hevy_csv([hevy_set(title="  Push Day ", set_type="Warmup", description="")])).rows
    assert rows.loc[0, "title"] == "Push Day"
    assert rows.loc[0, "set_type"] == "warmup"
    assert rows.loc[0, "description"] is None


# --- quarantine --------------------------------------------------------------------------


def _quarantine_by_line(parsed) -> dict[int, dict]:
    return {int(r["line"]): r for r in parsed.quarantine.to_dict("records")}


def test_bad_rows_go_to_quarantine_with_line_and_reason():
    data = hevy_csv([
        hevy_set(set_index=0),                                    # line 2: good
        hevy_set(set_index=1, start_time="yesterday evening"),     # line 3
        hevy_set(set_index=2, reps="five"),                        # line 4
        hevy_set(set_index=3, set_type="bogus"),                   # line 5
        hevy_set(set_index=4, weight_kg="-20"),                    # line 6
        hevy_set(set_index=5),                                     # line 7: good
    ])
    # line 8: a record with one field too many
    data += b'"Push Day","13 Jan 2026, 18:43","13 Jan 2026, 19:50","","Bench","","","6","normal","1","1","","","","extra"\r\n'
    parsed = parse(data)
    quarantine = _quarantine_by_line(parsed)
    assert sorted(quarantine) == [3, 4, 5, 6, 8]
    assert quarantine[3]["rule"] == "unparseable_start_time"
    assert "yesterday evening" in quarantine[3]["reason"]
    assert quarantine[4]["rule"] == "invalid_reps"
    assert "five" in quarantine[4]["reason"]
    assert "bogus" in quarantine[5]["reason"] and "set_type" in quarantine[5]["reason"]
    assert "-20" in quarantine[6]["reason"] and "weight_kg" in quarantine[6]["reason"]
    assert quarantine[8]["rule"] == "field_count"
    assert "15 fields" in quarantine[8]["reason"] and "14" in quarantine[8]["reason"]
    # the untouched text is kept
    assert quarantine[4]["raw_values"]["reps"] == "five"
    assert parsed.quarantine["line"].dtype == "int64"  # line numbers stay whole numbers
    assert parsed.rows["source_line"].tolist() == [2, 7]
    assert parsed.rows_read == 7
    assert_nothing_lost(parsed)


def test_quarantine_uses_the_original_unit_column_name():
    parsed = parse(hevy_csv([hevy_set(set_index=0), hevy_set(set_index=1, weight_kg="heavy")], lbs=True))
    assert parsed.quarantine.loc[0, "rule"] == "invalid_weight_lbs"
    assert "heavy" in parsed.quarantine.loc[0, "reason"]
    assert len(parsed.rows) == 1


def test_fractional_integer_field_is_quarantined():
    parsed = parse(hevy_csv([hevy_set(set_index=0), hevy_set(set_index=1, reps="5.5")]))
    assert parsed.rows["set_index"].tolist() == [0]
    assert parsed.quarantine.loc[0, "rule"] == "invalid_reps"
    assert int(parsed.quarantine.loc[0, "line"]) == 3
    assert "5.5" in parsed.quarantine.loc[0, "reason"]


def test_infinite_or_nan_numbers_are_quarantined_not_a_crash():
    """float() reads "inf" and "NaN"; neither is a count or weight anyone logged. "inf" in a
    whole-number field used to end the parse with an OverflowError instead."""
    parsed = parse(hevy_csv([hevy_set(set_index=0), hevy_set(set_index=1, reps="inf"),
                             hevy_set(set_index=2, weight_kg="-Infinity"), hevy_set(set_index=3, rpe="NaN"),
                             hevy_set(set_index=4, reps="1e3")]))
    quarantine = _quarantine_by_line(parsed)
    assert {line: row["rule"] for line, row in quarantine.items()} == {
        3: "invalid_reps", 4: "invalid_weight_kg", 5: "invalid_rpe"}
    assert quarantine[3]["reason"] == "'inf' in reps is not a whole number"
    assert parsed.rows["reps"].tolist() == [5, 1000]
    assert_nothing_lost(parsed)


def test_every_row_failing_the_schema_leaves_empty_rows():
    parsed = parse(hevy_csv([hevy_set(set_type="bogus")]))
    assert parsed.rows.empty
    assert parsed.quarantine["line"].tolist() == [2]
    assert_nothing_lost(parsed)




def test_header_only_export_parses_to_no_rows():
    parsed = parse(hevy_csv([]))
    assert parsed.rows.empty and parsed.quarantine.empty and parsed.rows_read == 0


def test_export_whose_every_row_is_unreadable_is_all_quarantined():
    parsed = parse(hevy_csv([hevy_set(reps="five")]))
    assert parsed.rows.empty
    assert parsed.quarantine["line"].tolist() == [2]


def test_end_before_start_is_quarantined():
    parsed = parse(hevy_csv([hevy_set(start_time="13 Jan 2026, 18:43", end_time="13 Jan 2026, 18:00")]))
    assert parsed.rows.empty
    assert int(parsed.quarantine.loc[0, "line"]) == 2
    assert "end_time is before start_time" in parsed.quarantine.loc[0, "reason"]
    assert_nothing_lost(parsed)


def test_out_of_range_iso_start_time_is_quarantined_not_a_crash():
    parsed = parse(hevy_csv([hevy_set(set_index=0), hevy_set(set_index=1, start_time="2026-02-31 18:43")]))
    assert int(parsed.quarantine.loc[0, "line"]) == 3
    assert "2026-02-31 18:43" in parsed.quarantine.loc[0, "reason"]


# --- workout hash ------------------------------------------------------------------------


def _push_workout(weight: str = "100") -> list[dict]:
    return [hevy_set(set_index=0, weight_kg="60", set_type="warmup"),
            hevy_set(set_index=1, weight_kg=weight),
            hevy_set(exercise_title="Dips", set_index=0, weight_kg="", reps="12")]


OTHER_WORKOUT = [hevy_set(title="Legs", start_time="11 Jan 2026, 09:00", end_time="11 Jan 2026, 10:00",
                          exercise_title="Squat", set_index=i) for i in range(3)]


def _hash_of_push(parsed) -> str:
    hashes = parsed.rows.loc[parsed.rows["title"] == "Push Day", "workout_hash"].unique()
    assert len(hashes) == 1
    return hashes[0]


def test_workout_hash_ignores_position_in_file():
    alone = parse(hevy_csv(_push_workout()), "a.csv")
    after_other = parse(hevy_csv(OTHER_WORKOUT + _push_workout()), "b.csv")
    assert alone.rows["source_line"].min() != after_other.rows.loc[
        after_other.rows["title"] == "Push Day", "source_line"].min()
    assert len(_hash_of_push(alone)) == 64
    assert _hash_of_push(alone) == _hash_of_push(after_other)
    assert after_other.rows["workout_hash"].nunique() == 2


def test_workout_hash_changes_when_one_weight_changes():
    original = parse(hevy_csv(_push_workout("100")))
    edited = parse(hevy_csv(_push_workout("102.5")))
    assert _hash_of_push(original) != _hash_of_push(edited)


def test_a_workout_ending_before_it_starts_is_quarantined_once_under_its_own_rule():
    from fitness_assets.lib.raw.formats import detect_export
    from fitness_assets.lib.silver.sources.hevy_csv import parse_hevy
    from fitness_assets.lib.silver.quarantine import SourceFile
    from fitness_assets_tests.conftest import hevy_csv, workout_set

    data = hevy_csv([workout_set("Push", "6 Jan 2026, 18:00", "6 Jan 2026, 17:00", "Bench Press (Barbell)", 0, 80, 5),
                     workout_set("Pull", "7 Jan 2026, 18:00", "7 Jan 2026, 19:00", "Bench Press (Barbell)", 0, 80, 5)])
    parsed = parse_hevy(data, detect_export(data, "w.csv"), SourceFile("default", "abc", "w.csv"))
    assert parsed.quarantine[["line", "rule", "reason"]].to_dict("records") == [
        {"line": 2, "rule": "end_time_is_before_start_time", "reason": "end_time is before start_time"}]
    assert list(parsed.rows["title"]) == ["Pull"]


# --- hostile text and awkward CSV (issue 9, item 3) ---------------------------------------


def test_a_one_megabyte_note_is_read_whole():
    note = ("kept the bar path tight, \"slow\" eccentric\r\n" * 25_000)[:1_000_000]
    parsed = parse(hevy_csv([hevy_set(set_index=0, exercise_notes=note), hevy_set(set_index=1)]))
    assert parsed.rows["exercise_notes"].iloc[0] == note
    assert parsed.rows["source_line"].tolist() == [2, 2 + note.count("\r\n") + 1]
    assert parsed.quarantine.empty


def test_names_and_notes_keep_line_breaks_tabs_and_control_characters():
    name = "Leg\nCurl\t(Machine) \x1b[31m<b>x</b> | **y**"
    notes = "a\rb\r\nc\nd\x07\u2028e\ufeff"
    parsed = parse(hevy_csv([hevy_set(set_index=0, exercise_title=name, exercise_notes=notes)]))
    assert parsed.rows["exercise_title"].tolist() == [name]
    assert parsed.rows["exercise_notes"].tolist() == [notes]
    assert_nothing_lost(parsed)


def test_mixed_line_endings_and_a_byte_order_mark_read_every_row_on_its_line():
    lines = hevy_csv([hevy_set(set_index=i) for i in range(3)]).decode().split("\r\n")
    data = ("\ufeff" + lines[0] + "\n" + lines[1] + "\r" + lines[2] + "\r\n" + lines[3]).encode()
    parsed = parse(data)
    assert parsed.rows["source_line"].tolist() == [2, 3, 4]
    assert parsed.quarantine.empty


def test_a_stray_carriage_return_in_an_unquoted_field_splits_the_row_into_quarantine():
    """A lone CR outside quotes ends a line (as csv, Excel and old-Mac files have it): the row
    it cuts in two is quarantined, both halves on their own lines, and the rest loads."""
    text = (",".join(HEVY_COLUMNS) + "\r\n"
            + 'Push Day,"13 Jan 2026, 18:43","13 Jan 2026, 19:50",,Bench,,,0,normal,100,5,,,\r\n'
            + 'Push Day,"13 Jan 2026, 18:43","13 Jan 2026, 19:50",,Ben\rch,,,1,normal,100,5,,,\r\n'
            + 'Push Day,"13 Jan 2026, 18:43","13 Jan 2026, 19:50",,Bench,,,2,normal,100,5,,,\r\n')
    parsed = parse(text.encode())
    assert parsed.rows["source_line"].tolist() == [2, 5]
    assert parsed.quarantine[["line", "rule"]].to_dict("records") == [
        {"line": 3, "rule": "field_count"}, {"line": 4, "rule": "field_count"}]
    assert parsed.rows_read == 4
    assert_nothing_lost(parsed)


def test_empty_and_overlong_names_are_quarantined_with_a_reason():
    parsed = parse(hevy_csv([
        hevy_set(set_index=0),
        hevy_set(set_index=1, exercise_title=" \t "),
        hevy_set(set_index=2, title=""),
        hevy_set(set_index=3, exercise_title="Curl " + "x" * MAX_NAME_CHARS),
        hevy_set(set_index=4, exercise_title="x" * MAX_NAME_CHARS),
    ]))
    quarantine = _quarantine_by_line(parsed)
    assert {line: q["rule"] for line, q in quarantine.items()} == {
        3: "missing_exercise_title", 4: "missing_title", 5: "long_exercise_title"}
    assert quarantine[3]["reason"] == "the exercise name is empty"
    assert quarantine[5]["reason"] == f"the exercise name is 505 characters long; at most {MAX_NAME_CHARS} are kept as a name"
    assert parsed.rows["source_line"].tolist() == [2, 6]
    assert_nothing_lost(parsed)


def test_read_csv_records_names_the_file_if_csv_ever_fails(monkeypatch):
    import csv as csv_module

    from fitness_assets.lib.raw import csv_records

    class Broken:
        line_num = 7

        def __iter__(self):
            return self

        def __next__(self):
            raise csv_module.Error("something new")

    monkeypatch.setattr(csv_records, "csv_reader", lambda text: Broken())
    with pytest.raises(ExportFileError, match=r"^w\.csv, line 7: the CSV cannot be read \(something new\)\. Expected "):
        read_csv_records("a,b\n", 2, "w.csv")


@pytest.mark.parametrize("set_type", ["", "  "])
def test_an_empty_set_type_is_quarantined_not_a_crash(set_type):
    """Pandera reports a missing value's failure case as None, which pandas 3 turned into NaN in
    the reason text, and joining the reasons raised TypeError (schemas/silver.py)."""
    parsed = parse(hevy_csv([hevy_set(set_index=0), hevy_set(set_index=1, set_type=set_type)]))
    assert parsed.quarantine[["line", "rule"]].to_dict("records") == [{"line": 3, "rule": "invalid_set_type"}]
    assert "set_type" in parsed.quarantine.loc[0, "reason"]
    assert_nothing_lost(parsed)
