"""Any valid CSV ingests or is rejected clearly — never a crash (issue 9, items 3 and 5).

A property test: Hypothesis writes a Hevy export and a diet log for a new athlete, with hostile
text in every name and note (line breaks of every kind, tabs, control characters, quotes,
commas, BOMs, Markdown/HTML, SQL and COPY syntax, long text), mixed line endings and, in some
examples, damage (bytes cut off, a field dropped or repeated, a stray quote, CR, NUL or
non-UTF-8 byte, a spreadsheet or UTF-16 file in place of the CSV). Each example runs the real
pipeline code — land_inbox → build_silver → every workout and diet rule (and its Dagster check
result) → load_warehouse → nothing_lost — against the session's PostgreSQL, and must end in
one of two ways:
  (a) loaded: for each file, rows read = rows in the warehouse + rows quarantined (and an
      undamaged file reads exactly the rows written into it);
  (b) rejected: an ExportFileError saying `file, line N: problem. Expected ….`, with nothing
      landed in the raw zone and the warehouse unchanged.
Anything else (an exception of another type, a load failing in PostgreSQL) fails the test.

Each example uses its own athlete (an inbox sub-folder), so the warehouse fills up as the test
runs and "unchanged" compares something. Two explicit Dagster runs follow: an exercise name with
a line break inside it (the exercise_names check crashed on it) and a 1 MB exercise note.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fitness_assets.defs.quality.checks import check_result
from fitness_assets.lib.warehouse.database import apply_migrations, psycopg2_url
from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.formats import DIET_HEADERS
from fitness_assets.lib.silver.muscle_map import curated_muscle_map
from fitness_assets.lib.quality import diet_rules, warehouse_rules, workout_rules
from fitness_assets.lib.raw.zone import land_inbox
from fitness_assets.defs.resources import QualityResource
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.silver.build import build_silver
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets.lib.warehouse.load import load_warehouse
from fitness_assets_tests.conftest import HEVY_COLUMNS, hevy_csv, workout_set
from fitness_assets_tests.harness import query, run_ingest, table_counts
from fitness_assets_tests.quality.rules_helpers import (
    MONDAY,
    clean_workouts,
    silver_sets,
)

# Examples per kind of damage (70 in all; about 40 s on two cores, most of it PostgreSQL loads).
EXAMPLES = {"none": 20}
EXAMPLES_PER_DAMAGE = 5
BOUNDS = DateBounds(today=date(2027, 1, 1))
REJECTION = re.compile(r"^.+, line \d+: .+\. Expected .+\.$", re.DOTALL)
WAREHOUSE_TABLES = ("athletes", "raw_manifest", "exercises", "workouts", "workout_exercises", "sets",
                    "removed_workouts", "cycles", "diet_daily", "quarantine", "corrections_applied")

# Text a user (or a hostile file) can put in a name or note.
HOSTILE_PIECES = [
    "\n", "\r", "\r\n", "\n\r", "\r\r\n", "\t", '"', '""', '","', ",", ";", "|", "\ufeff", "\x1b[31m", "\x07",
    "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u200b", "🏋️\u200d♀️", "é", "ß",
    "日本語", "<b>bold</b>", "<script>alert(1)</script>", "**bold** _i_ `code` | a | b |", "# heading",
    "[link](http://example.com)", "\\.", "\n\\.\n", "\\", "\\N", "NULL", "'; DROP TABLE fitness.sets; --",
    "%s", "{0}", " ", "  ", "(", ")", "(Barbell)", "Squat (Barbell)", "Bench Press (Barbell)", "x" * 300,
]
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
PIECE = st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(CHARACTERS, max_size=12))
HOSTILE = st.lists(PIECE, max_size=6).map("".join)
# Over csv's default 128 KiB field limit; CR, LF and quotes inside.
LONG_NOTE = st.sampled_from([140_000, 300_000]).map(
    lambda n: ('Long note 🏋️ "quoted", with commas\r\nand lines\n' * (n // 40 + 1))[:n])
# A name PostgreSQL cannot put in a b-tree index (over 2704 bytes, incompressible).
LONG_NAME = st.integers(2_800, 3_500).map(lambda n: "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(n)))
REAL_NAMES = st.sampled_from(["Squat (Barbell)", "Bench Press (Barbell)", "Plank", "Leg Curl (Machine)", "Legs"])
# Mostly a real name with hostile text around or inside it (so the row loads and the text
# reaches PostgreSQL and the checks), sometimes hostile text alone (an empty name is quarantined).
DECORATED = st.tuples(REAL_NAMES, HOSTILE, HOSTILE, st.integers(0, 30)).map(
    lambda t: t[0][: t[3]] + t[1] + t[0][t[3]:] + t[2])


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """Pick a strategy with the given weights (st.one_of picks evenly and merges equal choices)."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(table.__getitem__)


NAME = weighted((6, DECORATED), (1, HOSTILE), (1, LONG_NAME))
NOTE = weighted((5, HOSTILE), (2, st.just("")), (1, LONG_NOTE))
ENDING = st.sampled_from(["\r\n", "\n", "\r"])

# Damage to one file of an example (the other is intact). Each kind is its own test case, so
# every kind is exercised whatever Hypothesis draws; where and how much is drawn.
RECORD_DAMAGE = ("drop_field", "duplicate_field")   # quarantined (field_count), never rejected
BYTE_DAMAGE = ("truncate", "stray_quote", "stray_cr", "nul", "bad_byte")
FILE_DAMAGE = ("xlsx", "xls", "utf16")              # rejected, saying what the file is
MUST_REJECT = ("nul", "bad_byte", *FILE_DAMAGE)
DAMAGE_KINDS = ("none", *RECORD_DAMAGE, *BYTE_DAMAGE, *FILE_DAMAGE)


def _field(value: str, quote_all: bool) -> str:
    if quote_all or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def serialize(records: list[list[str]], quote_all: bool, endings: list[str], final_ending: bool, bom: bool) -> bytes:
    """A valid CSV (RFC 4180 quoting) with the given line ending after each record."""
    lines = [",".join(_field(v, quote_all) for v in record) for record in records]
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=True))
    if not final_ending:
        text = text[: len(text) - len(endings[len(lines) - 1])]
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@dataclass
class ExportFile:
    name: str
    records: list[list[str]]       # header first
    quote_all: bool
    endings: list[str]
    final_ending: bool
    bom: bool
    damage: str = "none"
    data: bytes = b""
    # for a NUL or a non-UTF-8 byte: the line it was put on
    damaged_line: int = 0

    @property
    def rows(self) -> int:
        return len(self.records) - 1


@st.composite
def hevy_export(draw) -> ExportFile:
    records = [list(HEVY_COLUMNS)]
    first_day = date(2025, 1, 6) + timedelta(days=draw(st.integers(0, 300)))
    for w in range(draw(st.integers(1, 3))):
        start = datetime.combine(first_day + timedelta(days=3 * w), datetime.min.time()) + timedelta(hours=18)
        end = start + timedelta(minutes=draw(st.integers(15, 120)))
        title, description = draw(NAME), draw(NOTE)
        for _ in range(draw(st.integers(1, 3))):
            exercise, notes = draw(NAME), draw(NOTE)
            for index in range(draw(st.integers(1, 3))):
                records.append([title, start.strftime("%d %b %Y, %H:%M"), end.strftime("%d %b %Y, %H:%M"),
                                description, exercise, "", notes, str(index),
                                draw(st.sampled_from(["normal", "warmup", "failure", "dropset", "", "WarmUp"])),
                                draw(st.sampled_from(["", "20", "62.5", "100"])),
                                draw(st.sampled_from(["", "5", "8", "12"])), "", "", ""])
    return _file(draw, "workouts.csv", records)


@st.composite
def diet_export(draw) -> ExportFile:
    language = draw(st.sampled_from(["pt", "en"]))
    records = [list(DIET_HEADERS[language])]
    first_day = date(2025, 1, 6) + timedelta(days=draw(st.integers(0, 300)))
    cycle = draw(st.one_of(st.just("5Cutting III (05/01/2025 - XX/XX/XXXX)"), HOSTILE))
    for d in range(draw(st.integers(1, 6))):
        day = first_day + timedelta(days=d)
        records.append([draw(st.sampled_from([day.isoformat(), day.strftime("%d/%m/%Y")])),
                        "200", "180", "60", draw(st.sampled_from(["2060", "2060,0", ""])), "90", cycle,
                        draw(st.sampled_from(["80,5", "80.5", "", "81"])), draw(NOTE)])
    return _file(draw, "diet.csv", records)


def _file(draw, name: str, records: list[list[str]]) -> ExportFile:
    return ExportFile(name, records, quote_all=draw(st.booleans()),
                      endings=[draw(ENDING) for _ in records], final_ending=draw(st.booleans()), bom=draw(st.booleans()))


def damage(draw, export: ExportFile, kind: str) -> None:
    """Serialize `export` into export.data, damaged as `kind` says."""
    export.damage = kind
    records = [list(r) for r in export.records]
    if kind in RECORD_DAMAGE and len(records) > 1:
        record = records[draw(st.integers(1, len(records) - 1))]
        at = draw(st.integers(0, len(record) - 1))
        if kind == "drop_field":
            del record[at]
        else:
            record.insert(at, record[at])
    data = serialize(records, export.quote_all, export.endings, export.final_ending, export.bom)
    if kind in BYTE_DAMAGE:
        at = draw(st.integers(1, len(data) - 1))
        if kind == "truncate":
            data = data[:at]
        else:
            # never inside a multi-byte character: the damage is the inserted byte alone
            while at < len(data) and 0x80 <= data[at] < 0xC0:
                at += 1
            inserted = {"stray_quote": b'"', "stray_cr": b"\r", "nul": b"\x00", "bad_byte": b"\xff"}[kind]
            data = data[:at] + inserted + data[at:]
            body = data[3:at] if export.bom else data[:at]
            export.damaged_line = len(re.split(rb"\r\n|\r|\n", body))
    elif kind == "xlsx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as book:
            book.writestr("xl/workbook.xml", "<workbook/>")
            book.writestr("xl/worksheets/sheet1.xml", data.decode("utf-8", "replace"))
        data = buffer.getvalue()
    elif kind == "xls":
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + data
    elif kind == "utf16":
        data = data.decode("utf-8").encode("utf-16")
    export.data = data


@st.composite
def inbox_example(draw, kind: str) -> list[ExportFile]:
    files = [draw(hevy_export()), draw(diet_export())]
    damaged = draw(st.integers(0, 1))
    for i, export in enumerate(files):
        damage(draw, export, kind if i == damaged else "none")
    return files


# --- the warehouse the examples load into ----------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(postgres_server):
    name = f"test_hostile_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(psycopg2_url(postgres_server.get_uri()), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = sa.create_engine(psycopg2_url(postgres_server.get_uri(name)))
    apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")
    yield engine
    engine.dispose()


def warehouse_state(engine: sa.Engine) -> dict[str, tuple[int, str]]:
    """(rows, content hash) of every warehouse table: equal states hold equal rows."""
    with engine.connect() as conn:
        return {table: tuple(conn.execute(sa.text(
            f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
            f"FROM fitness.{table} t")).one()) for table in WAREHOUSE_TABLES}


def rows_per_athlete(engine: sa.Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as conn:
        result = conn.execute(sa.text((DEFAULT_SQL_DIR / "warehouse" / "checks" / "loaded_rows_per_athlete.sql").read_text()))
        return {(a, d): n for a, d, n in result}


def run_rules(silver) -> None:
    """Every workout and diet rule on the silver frames, as the asset checks run them, and the
    check result each becomes (its Markdown table and fingerprint hold the hostile text)."""
    sets, days, cycles, quarantine = silver.workout_sets, silver.diet_days, silver.cycles, silver.quarantine
    tolerances, muscle_map = QualityResource(), curated_muscle_map()
    results = {
        ("silver_workout_sets", "set_index_sequence"): workout_rules.set_index_sequence(sets, quarantine),
        ("silver_workout_sets", "set_type_valid"): workout_rules.set_type_valid(sets, quarantine),
        ("silver_workout_sets", "no_negative_values"): workout_rules.non_negative(sets, quarantine),
        ("silver_workout_sets", "end_after_start"): workout_rules.end_after_start(sets, quarantine),
        ("silver_workout_sets", "no_future_dates"): workout_rules.no_future_dates(sets, quarantine),
        ("silver_workout_sets", "no_dates_before_earliest_year"):
            workout_rules.no_dates_before_earliest_year(sets, quarantine),
        ("silver_workout_sets", "weight_where_expected"): workout_rules.weight_where_expected(sets, muscle_map),
        ("silver_workout_sets", "reps_where_expected"): workout_rules.reps_where_expected(sets, muscle_map),
        ("silver_workout_sets", "workout_duration"): workout_rules.workout_duration(sets, tolerances),
        ("silver_workout_sets", "no_outliers"): workout_rules.outliers(sets, tolerances),
        ("silver_workout_sets", "exercise_names"): workout_rules.exercise_names(sets, muscle_map),
        ("silver_workout_sets", "no_duplicate_rows"): workout_rules.duplicate_rows(sets),
        ("silver_diet_days", "one_row_per_date"): diet_rules.one_row_per_date(days, quarantine),
        ("silver_diet_days", "no_negative_values"): diet_rules.non_negative(days, quarantine),
        ("silver_diet_days", "no_future_dates"): diet_rules.no_future_dates(days, quarantine),
        ("silver_diet_days", "no_dates_before_earliest_year"): diet_rules.no_dates_before_earliest_year(days, quarantine),
        ("silver_diet_days", "calories_match_macros"): diet_rules.calories_match_macros(days, tolerances),
        ("silver_diet_days", "cycle_mapped"): diet_rules.cycle_mapped(days),
        ("silver_diet_days", "missing_days"): diet_rules.missing_days(days),
        ("silver_diet_days", "bodyweight_jumps"): diet_rules.bodyweight_jumps(days, tolerances),
        ("silver_cycles", "cycles_ordered"): diet_rules.cycles_ordered(cycles),
    }
    for (asset, name), found in results.items():
        check_result(asset, name, found)


@dataclass
class Tally:
    outcomes: Counter = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rules: Counter = field(default_factory=Counter)


def ingest_example(engine: sa.Engine, files: list[ExportFile], athlete: str, tally: Tally) -> None:
    base = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        inbox, raw_zone = base / "inbox", base / "raw"
        (inbox / athlete).mkdir(parents=True)
        for export in files:
            (inbox / athlete / export.name).write_bytes(export.data)
        before, before_athletes = warehouse_state(engine), rows_per_athlete(engine)
        try:
            manifest, _ = land_inbox(inbox, raw_zone)
            silver = build_silver(raw_zone, manifest, bounds=BOUNDS)
        except ExportFileError as err:
            assert_rejected_clearly(err, files, raw_zone)
            tally.messages.append(str(err))
            assert warehouse_state(engine) == before
            tally.outcomes["rejected"] += 1
            return
        damaged = [f for f in files if f.damage != "none"]
        assert not [f for f in damaged if f.damage in MUST_REJECT], f"{damaged[0].damage} was not rejected"
        run_rules(silver)
        tally.rules.update(silver.quarantine["rule"])
        load_warehouse(engine, DEFAULT_SQL_DIR, silver, manifest, curated_muscle_map())
        run_rules(silver)
        assert_nothing_lost(engine, silver, files, athlete, before_athletes, tally)
        tally.outcomes["loaded"] += 1
    finally:
        shutil.rmtree(base, ignore_errors=True)


def assert_rejected_clearly(err: ExportFileError, files: list[ExportFile], raw_zone: Path) -> None:
    message = str(err)
    assert REJECTION.match(message), message
    assert not raw_zone.exists() or not any(raw_zone.iterdir()), "a rejected inbox landed files"
    rejected = {f.name: f for f in files}
    file_name = message.split(", line ")[0]
    export = rejected.get(file_name)
    assert export is not None and export.damage not in ("none", *RECORD_DAMAGE), \
        f"a valid or quarantinable file was rejected: {message}"
    if export.damage in ("nul", "bad_byte"):
        assert err.line == export.damaged_line, message
    if export.damage in ("xlsx", "xls"):
        assert "Excel workbook" in message and "export it as CSV" in message, message
    if export.damage == "utf16":
        assert "UTF-16" in message and "UTF-8" in message, message


def assert_nothing_lost(engine: sa.Engine, silver, files: list[ExportFile], athlete: str,
                        before_athletes: dict, tally: Tally) -> None:
    accounts = pd.DataFrame([vars(a) for a in silver.files])
    with engine.connect() as conn:
        for dataset in ("workouts", "diet"):
            found = warehouse_rules.nothing_lost(conn, DEFAULT_SQL_DIR, accounts, silver.quarantine, dataset)
            assert found.passed, found.offending.to_dict("records")
        for name in ("orphan_training_rows", "orphan_diet_rows"):
            assert warehouse_rules.no_orphans(conn, DEFAULT_SQL_DIR, name).passed
        stored = dict(conn.execute(sa.text(
            "SELECT source_sha256, count(DISTINCT line) FROM fitness.quarantine GROUP BY 1")).all())
    loaded = rows_per_athlete(engine)
    by_name = {f.name: f for f in files}
    for account in silver.files:
        export = by_name[account.file_name.split("/")[-1]]
        held = loaded.get((athlete, account.dataset), 0)
        quarantined = stored.get(account.sha256, 0)
        # (a): what the file holds is in the warehouse or in quarantine, and nothing else is
        assert account.rows_read == held + quarantined, (export.damage, vars(account), held, quarantined)
        if export.damage == "none":
            assert account.rows_read == export.rows and account.incomplete_line == 0, (vars(account), export.rows)
        tally.rows_read += account.rows_read
        tally.rows_loaded += held
        tally.rows_quarantined += quarantined
    others = {k: v for k, v in loaded.items() if k[0] != athlete}
    assert others == {k: v for k, v in before_athletes.items() if k[0] != athlete}, "another athlete's rows changed"


ATHLETES = itertools.count()


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_any_csv_ingests_or_is_rejected_clearly(warehouse, capsys, kind):
    tally, examples = Tally(), EXAMPLES.get(kind, EXAMPLES_PER_DAMAGE)
    started = time.monotonic()

    @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(files=inbox_example(kind))
    def example(files: list[ExportFile]) -> None:
        ingest_example(warehouse, files, f"athlete{next(ATHLETES):04d}", tally)

    example()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nhostile CSV, damage {kind}: {sum(tally.outcomes.values())} examples in {elapsed:.1f} s: "
              f"{dict(tally.outcomes)}; rows read {tally.rows_read} = loaded {tally.rows_loaded} "
              f"+ quarantined {tally.rows_quarantined}; quarantine rules {dict(tally.rules)}")
        for message in sorted(set(tally.messages))[:3]:
            print(f"  rejected: {message[:300]!r}")
    assert sum(tally.outcomes.values()) == examples
    if kind in ("none", *RECORD_DAMAGE):
        assert tally.outcomes["loaded"] == examples
    if kind in MUST_REJECT:
        assert tally.outcomes["rejected"] == examples
    assert tally.rows_read == tally.rows_loaded + tally.rows_quarantined


# --- the rules on any name ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Leg\nCurl (Machine)", "Leg Curl\n(Machine)", "Leg\tCurl (Mach\nine)",
                                  "Curl \x1b[31m(Dumbbell)\x07", "(", ")", "((x)", "Curl (Dumbbell", "x" * 500,
                                  "Squat\r\n(Barbell)", "Squat (Barbel\u2028l)"])
def test_exercise_names_reports_any_name_instead_of_failing(name):
    """`_EQUIPMENT.match` returned None for a name with a line break inside it, and the check
    raised TypeError on every run. Every name now yields a finding."""
    rows = clean_workouts() + [workout_set(*MONDAY, name, 0, 20, 10), workout_set(*MONDAY, "Leg Curl (Machine)", 0, 20, 10)]
    sets, _ = silver_sets(rows)
    assert name.strip() in set(sets["exercise_title"])
    found = workout_rules.exercise_names(sets, curated_muscle_map())
    assert name.strip() in set(found.offending["exercise"])  # used in a single workout, at least
    check_result("silver_workout_sets", "exercise_names", found)


# --- through Dagster ---------------------------------------------------------------------------


def _legs(exercise: str = "Squat (Barbell)", notes: str = "") -> list[dict]:
    rows = []
    for title, start, end in (("Legs", "12 Jan 2026, 18:00", "12 Jan 2026, 19:00"),
                              ("Legs", "14 Jan 2026, 18:00", "14 Jan 2026, 19:10")):
        rows += [workout_set(title, start, end, "Squat (Barbell)", i, 100, 8) for i in range(3)]
        rows += [workout_set(title, start, end, exercise, i, 20, 12, exercise_notes=notes) for i in range(2)]
    return rows


def test_exercise_name_with_a_line_break_loads_and_every_check_runs(settings):
    """Valid quoted CSV: the name holds a newline. The load committed, then the exercise_names
    check raised TypeError ('NoneType' object is not subscriptable) on every run."""
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(_legs("Leg\nCurl (Machine)", "first line\r\nsecond")))
    result = run_ingest(settings, raise_on_error=False)
    assert result.success
    assert table_counts(settings)["sets"] == 10
    names = {r["exercise_name"] for r in query(settings, "SELECT exercise_name FROM fitness.exercises")}
    assert "Leg\nCurl (Machine)" in names
    notes = {r["exercise_notes"] for r in query(settings, "SELECT exercise_notes FROM fitness.workout_exercises")}
    assert "first line\r\nsecond" in notes  # a quoted CRLF inside a note is kept as written
    second = run_ingest(settings, raise_on_error=False)  # and again: nothing changed, nothing fails
    assert second.success


def test_a_lone_carriage_return_inside_a_quoted_note_loads(settings):
    """Valid quoted CSV: a note holds a CR not followed by LF. copy_frame wrote it unquoted and
    PostgreSQL's COPY refused the load: 'unquoted carriage return found in data'."""
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(_legs("Leg Curl (Machine)", "first\rsecond")))
    result = run_ingest(settings, raise_on_error=False)
    assert result.success
    notes = {r["exercise_notes"] for r in query(settings, "SELECT exercise_notes FROM fitness.workout_exercises")}
    assert "first\rsecond" in notes


def test_a_one_megabyte_note_loads(settings):
    """A 1 MB exercise note is legal: csv's field limit is sized from the file (it was 128 KiB)."""
    note = ("Felt strong, kept the bar path tight. " * 30_000)[:1_000_000]
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(_legs("Leg Curl (Machine)", note)))
    assert run_ingest(settings, raise_on_error=False).success
    rows = query(settings, "SELECT length(exercise_notes) AS n FROM fitness.workout_exercises "
                           "WHERE exercise_notes IS NOT NULL")
    assert [r["n"] for r in rows] == [1_000_000, 1_000_000]
    assert table_counts(settings)["quarantine"] == 0


def test_copy_frame_writes_text_columns_made_of_chunks_with_an_empty_first_one(settings):
    """pyarrow 25's CSV writer writes NUL bytes for a text column whose first chunk is empty (a
    pandas column concatenated from an empty frame; the quarantine of a cut-short export is one),
    and COPY refuses them: copy_frame makes every column one chunk first."""
    import pyarrow as pa

    from fitness_assets.lib.warehouse.database import copy_frame

    chunked = pa.chunked_array([pa.array([], pa.large_string()), pa.array(["athlete0057", "b\r\nc"], pa.large_string()),
                                pa.array([None], pa.large_string())])
    frame = pd.DataFrame({"text": pd.arrays.ArrowStringArray(chunked), "n": [1, 2, 3]})
    assert frame["text"].array._pa_array.num_chunks == 3
    engine = sa.create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMP TABLE chunks (text text, n integer)")
        assert copy_frame(conn, "chunks", frame) == 3
        assert conn.exec_driver_sql("SELECT text, n FROM chunks ORDER BY n").all() == [
            ("athlete0057", 1), ("b\r\nc", 2), (None, 3)]
    engine.dispose()
