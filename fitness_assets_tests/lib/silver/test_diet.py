"""parse_cycle and parse_diet: one diet log read the same from Portuguese CSV, English CSV or SQLite."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from fitness_assets.lib.silver.sources.diet import parse_cycle, parse_diet
from fitness_assets.lib.raw.formats import DIET_HEADERS, detect_export
from fitness_assets.lib.silver.quarantine import SourceFile

CUT_I = "1Cutting I (01/05/2023 - 17/09/2023)"
BULK_I = "2Bulking I (18/09/2023 - 31/12/2023)"
CUT_V = "10Cutting V (06/10/2025 - XX/XX/XXXX)"

# canonical (English) column order: date, carbs, protein, fat, kcal, cardio, cycle, bodyweight, notes
DIET_DAYS = [
    ("2023-09-16", "250", "180", "60", "2300", "120", CUT_I, "80.5", "refeed"),
    ("2023-09-17", "240.5", "180", "55", "2250", "120", CUT_I, "", ""),
    ("2023-09-18", "320", "190", "70", "2800", "60", BULK_I, "80.9", "início do bulking"),
    ("2025-10-06", "200", "200", "50", "2050", "150", CUT_V, "79", ""),
]
VALUE_COLUMNS = ["diet_date", "carbs_g", "protein_g", "fat_g", "calories_kcal", "cardio_weekly_min",
                 "cycle_id", "bodyweight_kg", "notes"]


def diet_csv(rows, language: str = "pt") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DIET_HEADERS[language])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def parse_csv(data: bytes, file_name: str = "diet.csv", corrections=()):
    detected = detect_export(data, file_name)
    return parse_diet(data, detected, SourceFile("default", "sha-test", file_name), corrections=corrections)


def diet_sqlite(path: Path, rows, *, typed: bool = False) -> Path:
    """The diet table in SQLite. typed=True stores numbers as REAL and empty cells as NULL,
    as the app that owns the database does; otherwise every cell is TEXT as in the CSV."""
    columns = DIET_HEADERS["pt"]
    kinds = ["TEXT"] + ["REAL"] * 5 + ["TEXT", "REAL", "TEXT"] if typed else ["TEXT"] * len(columns)
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE diario ({', '.join(f'{c} {k}' for c, k in zip(columns, kinds))})")
        if typed:
            rows = [[None if v == "" else float(v) if 1 <= i <= 5 or i == 7 else v for i, v in enumerate(row)]
                    for row in rows]
        conn.executemany(f"INSERT INTO diario VALUES ({', '.join('?' * len(columns))})", rows)
    conn.close()
    return path


def parse_sqlite(path: Path):
    data = path.read_bytes()
    detected = detect_export(data, path.name, sqlite_path=path)
    return parse_diet(data, detected, SourceFile("default", "sha-test", path.name), path=path)


# --- parse_cycle -------------------------------------------------------------------------


def test_parse_cycle_closed_cutting():
    assert parse_cycle(CUT_I) == {"cycle_id": 1, "cycle_name": "Cutting I", "cycle_type": "cutting",
                                  "start_date": pd.Timestamp("2023-05-01"), "end_date": pd.Timestamp("2023-09-17")}


def test_parse_cycle_open_end():
    cycle = parse_cycle(CUT_V)
    assert cycle["cycle_id"] == 10
    assert cycle["cycle_name"] == "Cutting V"
    assert cycle["start_date"] == pd.Timestamp("2025-10-06")
    assert cycle["end_date"] is None


@pytest.mark.parametrize(
    ("text", "cycle_id", "name", "cycle_type"),
    [
        ("3Manutenção I (18/09/2023 - 01/11/2023)", 3, "Manutenção I", "maintenance"),
        ("4Reversa II (02/11/2023 - 31/12/2023)", 4, "Reversa II", "reverse"),
        ("2Bulking I (18/09/2023 - 31/12/2023)", 2, "Bulking I", "bulking"),
    ],
)
def test_parse_cycle_types(text, cycle_id, name, cycle_type):
    cycle = parse_cycle(text)
    assert (cycle["cycle_id"], cycle["cycle_name"], cycle["cycle_type"]) == (cycle_id, name, cycle_type)


@pytest.mark.parametrize(
    "text",
    ["", None, "Cutting I", "Cutting I (01/05/2023 - 17/09/2023)", "1Dieting I (01/05/2023 - 17/09/2023)",
     "1Cutting I (31/02/2023 - 17/09/2023)", "1Cutting I (2023-05-01 - 2023-09-17)", "garbage"],
)
def test_parse_cycle_garbage_is_none(text):
    assert parse_cycle(text) is None


# --- parse_diet --------------------------------------------------------------------------


def _values(parsed) -> pd.DataFrame:
    return parsed.rows[VALUE_COLUMNS].reset_index(drop=True)


def test_portuguese_csv_values():
    parsed, cycles = parse_csv(diet_csv(DIET_DAYS, "pt"))
    rows = parsed.rows
    assert parsed.quarantine.empty and parsed.rows_read == 4
    assert rows["diet_date"].tolist() == [pd.Timestamp(d[0]) for d in DIET_DAYS]
    assert rows["carbs_g"].tolist() == [250.0, 240.5, 320.0, 200.0]
    assert rows["cycle_id"].tolist() == [1, 1, 2, 10]
    assert rows["cycle_raw"].iloc[0] == CUT_I
    assert pd.isna(rows["bodyweight_kg"].iloc[1])
    assert rows["notes"].tolist()[:3] == ["refeed", None, "início do bulking"]
    assert rows["source_line"].tolist() == [2, 3, 4, 5]


def test_cycles_frame_holds_each_parsed_cycle_once():
    _, cycles = parse_csv(diet_csv(DIET_DAYS, "pt"))
    assert cycles["cycle_id"].tolist() == [1, 2, 10]
    assert cycles["cycle_type"].tolist() == ["cutting", "bulking", "cutting"]
    assert cycles["cycle_name"].tolist() == ["Cutting I", "Bulking I", "Cutting V"]
    assert cycles.loc[0, "end_date"] == pd.Timestamp("2023-09-17")
    assert pd.isna(cycles.loc[2, "end_date"])
    assert (cycles["athlete_id"] == "default").all()


def test_portuguese_english_and_sqlite_give_the_same_values(tmp_path):
    pt, pt_cycles = parse_csv(diet_csv(DIET_DAYS, "pt"), "diario.csv")
    en, en_cycles = parse_csv(diet_csv(DIET_DAYS, "en"), "diet.csv")
    db, db_cycles = parse_sqlite(diet_sqlite(tmp_path / "diet.sqlite", DIET_DAYS))
    assert len(pt.rows) == len(DIET_DAYS)
    pd.testing.assert_frame_equal(_values(pt), _values(en))
    pd.testing.assert_frame_equal(_values(pt), _values(db))
    pd.testing.assert_frame_equal(pt_cycles, en_cycles)
    pd.testing.assert_frame_equal(pt_cycles, db_cycles)
    assert db.rows["source_line"].tolist() == [1, 2, 3, 4]  # SQLite rowid
    assert db.rows["source_file"].unique().tolist() == ["diet.sqlite"]


def test_sqlite_nulls_are_missing_values(tmp_path):
    db, _ = parse_sqlite(diet_sqlite(tmp_path / "typed.sqlite", DIET_DAYS, typed=True))
    assert db.quarantine.empty
    assert len(db.rows) == len(DIET_DAYS)
    assert pd.isna(db.rows["bodyweight_kg"].iloc[1])
    assert db.rows["notes"].iloc[1] is None


def test_decimal_comma_is_accepted():
    row = ("2024-05-03", "250", "180", "60", "2300", "120", CUT_I, "190,5", "")
    parsed, _ = parse_csv(diet_csv([row]))
    assert parsed.rows.loc[0, "bodyweight_kg"] == 190.5
    assert parsed.quarantine.empty


def test_day_first_date_is_accepted():
    row = ("03/05/2024", "250", "180", "60", "2300", "120", CUT_I, "80", "")
    parsed, _ = parse_csv(diet_csv([row]))
    assert parsed.rows.loc[0, "diet_date"] == pd.Timestamp("2024-05-03")


def test_duplicated_date_quarantines_every_copy():
    rows = [DIET_DAYS[0], DIET_DAYS[1], (DIET_DAYS[0][0], *DIET_DAYS[0][1:4], "9999", *DIET_DAYS[0][5:])]
    parsed, _ = parse_csv(diet_csv(rows))
    assert parsed.rows["source_line"].tolist() == [3]
    quarantine = parsed.quarantine.sort_values("line")
    assert [int(v) for v in quarantine["line"]] == [2, 4]
    assert set(quarantine["rule"]) == {"duplicate_diet_date"}
    for reason in quarantine["reason"]:
        assert "2023-09-16" in reason and "2, 4" in reason
    assert parsed.rows_read == len(parsed.rows) + parsed.quarantine["line"].nunique()


def test_unparseable_cycle_still_loads_without_cycle_id():
    row = ("2024-05-03", "250", "180", "60", "2300", "120", "Cutting sem número", "80", "")
    parsed, cycles = parse_csv(diet_csv([DIET_DAYS[0], row]))
    assert parsed.quarantine.empty
    assert len(parsed.rows) == 2
    assert pd.isna(parsed.rows.loc[1, "cycle_id"])
    assert parsed.rows.loc[1, "cycle_raw"] == "Cutting sem número"
    assert cycles["cycle_id"].tolist() == [1]


def test_bad_values_are_quarantined_with_line_and_reason():
    rows = [
        DIET_DAYS[0],
        ("yesterday", "250", "180", "60", "2300", "120", CUT_I, "80", ""),   # line 3
        ("2024-05-04", "lots", "180", "60", "2300", "120", CUT_I, "80", ""),  # line 4
        ("2024-05-05", "250", "180", "60", "-5", "120", CUT_I, "80", ""),     # line 5
    ]
    parsed, _ = parse_csv(diet_csv(rows) + b"2024-05-06,1,2\n")              # line 6: 3 fields
    by_line = {int(r["line"]): r for r in parsed.quarantine.to_dict("records")}
    assert sorted(by_line) == [3, 4, 5, 6]
    assert by_line[3]["rule"] == "invalid_diet_date" and "yesterday" in by_line[3]["reason"]
    assert by_line[4]["rule"] == "invalid_carbs_g" and "lots" in by_line[4]["reason"]
    assert "calories_kcal" in by_line[5]["reason"] and "-5" in by_line[5]["reason"]
    assert by_line[6]["rule"] == "field_count"
    assert parsed.rows_read == 5 == len(parsed.rows) + parsed.quarantine["line"].nunique()




def test_header_only_diet_csv_parses_to_no_rows():
    parsed, cycles = parse_csv(diet_csv([]))
    assert parsed.rows.empty and parsed.quarantine.empty and cycles.empty


def test_diet_csv_whose_every_row_is_bad_is_all_quarantined():
    parsed, _ = parse_csv(diet_csv([("yesterday", *DIET_DAYS[0][1:])]))
    assert parsed.rows.empty
    assert [int(v) for v in parsed.quarantine["line"]] == [2]


# --- hostile text and awkward CSV (issue 9, item 3) ---------------------------------------


def test_a_one_megabyte_note_is_read_whole():
    note = ("semana difícil, \"refeed\" no sábado\r\n" * 30_000)[:1_000_000]
    rows = [DIET_DAYS[0][:-1] + (note,), DIET_DAYS[1]]
    parsed, _ = parse_csv(diet_csv(rows))
    assert parsed.rows["notes"].iloc[0] == note
    assert parsed.rows["source_line"].tolist() == [2, 2 + note.count("\r\n") + 1]
    assert parsed.quarantine.empty


def test_hostile_notes_and_cycle_text_are_kept_or_left_unmapped_never_a_crash():
    notes = "a\rb\r\nc\td\x1b[0m <script>x</script> | **y** \u2028\ufeff"
    rows = [DIET_DAYS[0][:-1] + (notes,),
            DIET_DAYS[1][:6] + ("3Cutting\nII (18/09/2023 - 31/12/2023)", "", ""),
            DIET_DAYS[2][:6] + ("\x1b[31m<b>4Bulk</b>\t", "", "")]
    parsed, cycles = parse_csv(diet_csv(rows))
    assert parsed.rows["notes"].iloc[0] == notes
    assert parsed.rows["cycle_id"].tolist() == [1, 3, pd.NA]  # \s in the cycle pattern takes a newline
    assert cycles["cycle_name"].tolist() == ["Cutting I", "Cutting\nII"]
    assert parsed.rows_read == 3 and parsed.quarantine.empty


def test_old_mac_line_ends_and_a_byte_order_mark_read_every_day_on_its_line():
    data = b"\xef\xbb\xbf" + diet_csv(DIET_DAYS).replace(b"\n", b"\r")
    parsed, _ = parse_csv(data)
    assert parsed.rows["source_line"].tolist() == [2, 3, 4, 5]
    assert parsed.quarantine.empty


def test_a_stray_carriage_return_in_an_unquoted_field_quarantines_the_split_row():
    data = diet_csv(DIET_DAYS[:3]).replace(b",2300,", b",23\r00,")
    parsed, _ = parse_csv(data)
    assert parsed.quarantine[["line", "rule"]].to_dict("records") == [
        {"line": 2, "rule": "field_count"}, {"line": 3, "rule": "field_count"}]
    assert parsed.rows["source_line"].tolist() == [4, 5]
    assert parsed.rows_read == 4


def test_a_stray_carriage_return_in_the_last_field_leaves_its_tail_in_quarantine():
    """The CR cuts the note short: the day (all of its numbers intact) loads with the note's
    first part, the rest is quarantined on the next line, and the export counts as damaged."""
    data = diet_csv(DIET_DAYS[:2]).replace(b"refeed", b"ref\reed")
    parsed, _ = parse_csv(data)
    assert parsed.rows["notes"].tolist() == ["ref", None]
    assert parsed.quarantine[["line", "rule"]].to_dict("records") == [{"line": 3, "rule": "field_count"}]
    assert parsed.quarantine["raw_values"].tolist() == [{"fields": ["eed"]}]
    assert parsed.rows["source_line"].tolist() == [2, 4]
