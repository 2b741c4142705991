"""parse_hevy_datetime: every layout and locale Hevy writes, and what it must refuse."""

from __future__ import annotations

from datetime import datetime

import pytest

from fitness_assets.lib.raw.timeparse import MONTHS, parse_hevy_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English, day first (Hevy's default)
        ("13 Jan 2026, 18:43", datetime(2026, 1, 13, 18, 43)),
        ("3 Jan 2026, 8:05", datetime(2026, 1, 3, 8, 5)),
        # English, US month-first with AM/PM
        ("Jun 11, 2026, 1:01 PM", datetime(2026, 6, 11, 13, 1)),
        ("Jun 11, 2026, 12:15 AM", datetime(2026, 6, 11, 0, 15)),
        ("Dec 1, 2025, 12:00 PM", datetime(2025, 12, 1, 12, 0)),
        # Portuguese
        ("5 fev. 2026, 07:10", datetime(2026, 2, 5, 7, 10)),
        ("5 de jun. de 2026, 07:10", datetime(2026, 6, 5, 7, 10)),
        # Spanish
        ("5 ene 2026, 07:10", datetime(2026, 1, 5, 7, 10)),
        ("5 sept 2026, 07:10", datetime(2026, 9, 5, 7, 10)),
        # French
        ("5 févr. 2026, 07:10", datetime(2026, 2, 5, 7, 10)),
        ("5 août 2026, 07:10", datetime(2026, 8, 5, 7, 10)),
        # German
        ("5 Mär 2026, 07:10", datetime(2026, 3, 5, 7, 10)),
        ("5 Okt 2026, 07:10", datetime(2026, 10, 5, 7, 10)),
        # Italian
        ("5 gen 2026, 07:10", datetime(2026, 1, 5, 7, 10)),
        ("5 giu 2026, 07:10", datetime(2026, 6, 5, 7, 10)),
        # Turkish
        ("5 Şub 2026, 07:10", datetime(2026, 2, 5, 7, 10)),
        ("12 Eki 2025, 19:05", datetime(2025, 10, 12, 19, 5)),
        # ISO (as written in corrections.yaml)
        ("2026-01-13 18:43", datetime(2026, 1, 13, 18, 43)),
    ],
)
def test_parses_known_layouts(text, expected):
    parsed = parse_hevy_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is None  # Hevy writes local wall-clock time without a zone


@pytest.mark.parametrize(
    "text",
    [
        "31 Feb 2026, 10:00",      # no such day
        "13 Foo 2026, 10:00",      # no such month
        "13:00",                   # time without a date
        "",                        # nothing
        "Jun 11, 2026, 13:01 PM",  # 13 is not a 12-hour clock hour
        "Jun 11, 2026, 0:15 AM",   # neither is 0
        "13 Jan 2026",             # date without a time
    ],
)
def test_rejects_invalid_text_with_none(text):
    assert parse_hevy_datetime(text) is None


def test_surrounding_whitespace_is_ignored():
    assert parse_hevy_datetime("  13 Jan 2026, 18:43  ") == datetime(2026, 1, 13, 18, 43)


def test_month_table_has_no_abbreviation_meaning_two_months():
    from fitness_assets.lib.raw.timeparse import _MONTH_NAMES, _fold

    owners: dict[str, set[int]] = {}
    for number, names in _MONTH_NAMES.items():
        for name in names.split():
            owners.setdefault(_fold(name), set()).add(number)
    assert {name: months for name, months in owners.items() if len(months) > 1} == {}
    assert set(MONTHS.values()) == set(range(1, 13))


@pytest.mark.parametrize("text", ["2026-02-31 10:00", "2026-13-01 10:00"])
def test_out_of_range_iso_time_returns_none(text):
    assert parse_hevy_datetime(text) is None
