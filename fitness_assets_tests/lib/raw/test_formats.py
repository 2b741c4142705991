"""detect_export: an export is recognised by its content, and a rejected file says where and why."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import zipfile

import pytest

from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.formats import (
    DIET_CSV,
    DIET_SQLITE,
    HEVY,
    csv_reader,
    decode_export,
    detect_export,
    detect_header,
    line_at,
)
from fitness_assets_tests.lib.silver.test_hevy import HEVY_COLUMNS, hevy_csv, hevy_set

PT_HEADER = "data,carboidratos_g,proteinas_g,gorduras_g,kcal,cardio_semanal_min,cicle,peso_kg,observacoes"
EN_HEADER = "diet_date,carbs_g,protein_g,fat_g,calories_kcal,cardio_weekly_min,cycle,bodyweight_kg,notes"
DIET_ROW = '2024-05-03,250,180,60,2300,120,"1Cutting I (01/05/2023 - 17/09/2023)",80.5,\n'


# --- recognised exports ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lbs", "miles", "weight_column", "weight_unit", "distance_column", "distance_unit"),
    [
        (False, False, "weight_kg", "kg", "distance_km", "km"),
        (True, False, "weight_lbs", "lbs", "distance_km", "km"),
        (False, True, "weight_kg", "kg", "distance_miles", "miles"),
        (True, True, "weight_lbs", "lbs", "distance_miles", "miles"),
    ],
)
def test_hevy_units_are_read_from_the_header(lbs, miles, weight_column, weight_unit, distance_column, distance_unit):
    detected = detect_export(hevy_csv([hevy_set()], lbs=lbs, miles=miles), "workouts.csv")
    assert detected.kind == HEVY
    assert detected.details == {"weight_column": weight_column, "weight_unit": weight_unit,
                                "distance_column": distance_column, "distance_unit": distance_unit}
    assert len(detected.header) == len(HEVY_COLUMNS)


@pytest.mark.parametrize(("header", "language"), [(PT_HEADER, "pt"), (EN_HEADER, "en")])
def test_diet_csv_language_is_read_from_the_header(header, language):
    detected = detect_export((header + "\n" + DIET_ROW).encode(), "diet.csv")
    assert detected.kind == DIET_CSV
    assert detected.details == {"language": language}
    assert detected.header == tuple(header.split(","))


def test_byte_order_mark_is_ignored():
    detected = detect_export(b"\xef\xbb\xbf" + (PT_HEADER + "\n" + DIET_ROW).encode(), "diet.csv")
    assert detected.kind == DIET_CSV
    assert detected.header[0] == "data"


def test_file_name_extension_is_ignored_for_csv():
    detected = detect_export((EN_HEADER + "\n" + DIET_ROW).encode(), "export.json")
    assert detected.kind == DIET_CSV
    assert detect_export(hevy_csv([hevy_set()]), "workouts.json").kind == HEVY


def _sqlite_file(path, create_sql: str):
    with sqlite3.connect(path) as conn:
        conn.executescript(create_sql)
    conn.close()
    return path


def test_sqlite_diet_table_is_found_by_content_not_name(tmp_path):
    path = _sqlite_file(tmp_path / "notes.txt", f"""
        CREATE TABLE settings (key TEXT, value TEXT);
        CREATE TABLE diario ({", ".join(c + " TEXT" for c in PT_HEADER.split(","))});
    """)
    detected = detect_export(path.read_bytes(), path.name, sqlite_path=path)
    assert detected.kind == DIET_SQLITE
    assert detected.details == {"table": "diario", "language": "pt"}
    assert set(PT_HEADER.split(",")) <= set(detected.header)


def test_detect_header_accepts_columns_in_any_order():
    header = tuple(reversed(EN_HEADER.split(",")))
    assert detect_header(header, "x.csv").details == {"language": "en"}


# --- rejected files ----------------------------------------------------------------------


def _error(data: bytes, file_name: str, **kwargs) -> ExportFileError:
    with pytest.raises(ExportFileError) as info:
        detect_export(data, file_name, **kwargs)
    return info.value


def _assert_header_error(err: ExportFileError, file_name: str) -> str:
    message = str(err)
    assert file_name in message
    assert "line 1" in message
    assert "Expected" in message
    assert err.line == 1 and err.file_name == file_name
    return message


def test_semicolon_delimited_hevy_names_the_delimiter():
    data = (";".join(HEVY_COLUMNS) + "\n" + ";".join(["x"] * len(HEVY_COLUMNS)) + "\n").encode()
    message = _assert_header_error(_error(data, "hevy_semicolons.csv"), "hevy_semicolons.csv")
    assert "semicolons" in message


def test_hevy_missing_a_column_names_the_column():
    columns = [c for c in HEVY_COLUMNS if c != "rpe"]
    data = (",".join(columns) + "\n").encode()
    message = _assert_header_error(_error(data, "hevy_no_rpe.csv"), "hevy_no_rpe.csv")
    assert "Hevy" in message and "missing column(s) rpe" in message


def test_hevy_missing_the_weight_column_names_both_spellings():
    columns = [c for c in HEVY_COLUMNS if c != "weight_kg"]
    message = _assert_header_error(_error((",".join(columns) + "\n").encode(), "h.csv"), "h.csv")
    assert "weight_kg or weight_lbs" in message


def test_hevy_with_both_metric_and_imperial_weight_is_rejected():
    columns = [*HEVY_COLUMNS, "weight_lbs"]
    message = _assert_header_error(_error((",".join(columns) + "\n").encode(), "h.csv"), "h.csv")
    assert "both the metric and the imperial column" in message


def test_unrelated_csv_is_rejected():
    message = _assert_header_error(_error(b"name,age\nbob,3\n", "people.csv"), "people.csv")
    assert "'name,age' matches no known export" in message


@pytest.mark.parametrize("data", [b"", b"  \n\n"])
def test_empty_file_is_rejected(data):
    message = _assert_header_error(_error(data, "empty.csv"), "empty.csv")
    assert "empty" in message


def test_invalid_utf8_reports_the_line_of_the_bad_byte():
    data = (PT_HEADER + "\n" + DIET_ROW).encode() + b"2024-05-04,1,1,1,1,1,x,80,caf\xe9\n"
    err = _error(data, "latin1.csv")
    message = str(err)
    assert err.line == 3
    assert "latin1.csv, line 3" in message
    assert "0xe9" in message and "UTF-8" in message and "Expected" in message


def test_invalid_utf8_after_byte_order_mark_reports_the_right_line():
    data = b"\xef\xbb\xbf" + (PT_HEADER + "\n").encode() + b"\n\xff\n"
    assert _error(data, "bom.csv").line == 3


def test_sqlite_without_a_diet_table_is_rejected(tmp_path):
    path = _sqlite_file(tmp_path / "other.db", "CREATE TABLE workouts (id INTEGER, title TEXT);")
    err = _error(path.read_bytes(), path.name, sqlite_path=path)
    message = str(err)
    assert err.line is None
    assert "other.db" in message and "Expected" in message
    assert "no table has the diet log columns" in message and "workouts" in message


def test_sqlite_with_two_diet_tables_is_ambiguous(tmp_path):
    columns = ", ".join(c + " TEXT" for c in EN_HEADER.split(","))
    path = _sqlite_file(tmp_path / "two.db", f"CREATE TABLE a ({columns}); CREATE TABLE b ({columns});")
    message = str(_error(path.read_bytes(), path.name, sqlite_path=path))
    assert "several tables" in message and "a, b" in message
    # naming the table resolves the ambiguity
    assert detect_export(path.read_bytes(), path.name, sqlite_path=path, sqlite_table="b").details["table"] == "b"


# --- content that is not a UTF-8 CSV: named, with the line and what to do (issue 9, item 5) ---

REJECTION = r"^.+, line \d+: .+\. Expected .+\.$"


def _workbook(kind: str) -> bytes:
    if kind == "xls":  # an OLE2 compound file, as Excel 97-2003 writes
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:  # xlsx and ods are zip archives
        book.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_spreadsheet_named_csv_is_rejected_as_a_workbook(kind):
    err = _error(_workbook(kind), "workouts.csv")
    message = str(err)
    assert re.match(REJECTION, message)
    assert message == ("workouts.csv, line 1: the file is an Excel workbook (or another zip/OLE file), not a CSV. "
                       "Expected a CSV: export it as CSV (UTF-8) from the spreadsheet.")
    assert "UTF-8 byte" not in message and "0x" not in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named_with_and_without_a_byte_order_mark(encoding):
    data = (",".join(HEVY_COLUMNS) + "\r\n").encode(encoding)
    err = _error(data, "workouts.csv")
    assert err.line == 1 and "is UTF-16 text" in str(err) and "CSV UTF-8" in str(err)
    assert re.match(REJECTION, str(err))


def test_latin1_names_the_line_and_asks_for_utf8():
    err = _error((PT_HEADER + "\r\n").encode() + b"2024-05-03,1,1,1,1,1,x,80,p\xe3o\r\n", "diet.csv")
    assert err.line == 2
    assert str(err).startswith("diet.csv, line 2: byte 0xe3 is not valid UTF-8")
    assert "Expected a UTF-8 text file" in str(err)


def test_a_lone_carriage_return_counts_as_a_line_break_in_the_reported_line():
    # old-Mac line ends: the bad byte is on line 3, as csv (and an editor) counts lines
    data = (PT_HEADER + "\r" + DIET_ROW.rstrip("\n") + "\r").encode() + b"caf\xe9\r"
    assert _error(data, "mac.csv").line == 3


def test_a_file_cut_inside_a_character_says_it_looks_cut():
    data = (PT_HEADER + "\n").encode() + "2024-05-03,1,1,1,1,1,x,80,ação".encode()[:-2]  # cut inside the ã
    err = _error(data, "diet.csv")
    assert err.line == 2 and "ends inside a character" in str(err) and "export it again" in str(err)


def test_a_nul_byte_is_rejected_with_its_line():
    data = (PT_HEADER + "\n" + DIET_ROW).encode() + b"2024-05-04,1,1,1,1,1,x,80,a\x00b\n"
    err = _error(data, "diet.csv")
    assert err.line == 3 and "NUL" in str(err)
    assert re.match(REJECTION, str(err))


def test_decode_export_gives_the_same_errors_as_detect_export():
    with pytest.raises(ExportFileError, match="Excel workbook"):
        decode_export(_workbook("xlsx"), "w.csv")


def test_header_with_old_mac_line_ends_is_recognised():
    data = ",".join(HEVY_COLUMNS).encode() + b"\r" + b",".join([b"x"] * len(HEVY_COLUMNS)) + b"\r"
    assert detect_export(data, "mac.csv").kind == HEVY


def test_csv_reader_accepts_a_field_longer_than_the_default_limit():
    note = "n" * (csv.field_size_limit() * 2)
    text = 'a,b\r\n1,"' + note + '"\r\n'
    assert list(csv_reader(text))[1] == ["1", note]
    assert csv.field_size_limit() >= len(text)


def test_csv_reader_keeps_quoted_line_breaks_and_splits_rows_on_any_line_end():
    text = 'a,b\r\n1,"x\ry\r\nz"\n2,3\r4,5'
    assert list(csv_reader(text)) == [["a", "b"], ["1", "x\ry\r\nz"], ["2", "3"], ["4", "5"]]


def test_line_at_counts_crlf_once_and_lone_cr_and_lf_each():
    text = "a\r\nb\nc\rd"
    assert [line_at(text, text.index(c)) for c in "abcd"] == [1, 2, 3, 4]
    assert line_at(text.encode(), 7) == 4
