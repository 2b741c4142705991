"""The fast paths of payload building (issue 15) write what the plain paths wrote: orjson's bytes
are json.dumps's, figures converted a column at a time equal _number of each value, and numeric
columns read as floats equal float(Decimal) of the same text."""

from __future__ import annotations

import json
import math
import random
import struct
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa

from fitness_assets.lib.payloads.payload import (
    FIGURES,
    INTEGER_FIGURES,
    _figure_table,
    _number,
    _rows,
    canonical_bytes,
)


def reference_bytes(payload: dict) -> bytes:
    """The canonical bytes as contract v1 defines them (the encoder used before orjson)."""
    return (json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def random_floats(count: int, seed: int) -> list[float]:
    rng, values = random.Random(seed), []
    while len(values) < count:
        if len(values) % 2:
            value = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]  # any bit pattern
        else:
            value = round(rng.uniform(-1, 1) * 10 ** rng.randint(-12, 25), rng.randint(0, 8))
        if math.isfinite(value):
            values.append(value)
    return values


def test_canonical_bytes_are_json_dumps_bytes_for_every_kind_of_number_and_text():
    # Below 1e-4 orjson and json disagree ("0.00001" / "1e-05"); canonical_bytes must notice.
    edge = [1e-05, 1e-07, -3.5e-06, 0.0001, 0.00012, 1e16, 1.5e300, 0.1 + 0.2, 5e-324, 82.5, -0.0, 100.0]
    texts = ["Cable-Row", "é ü 😀", "line\u2028sep", "tab\tquote\"back\\slash", "\x00\x1f\x7f", "0.00001", " 1e-7"]
    for number in [*edge, *random_floats(20_000, seed=15)]:
        payload = {"a": number, "nested": {"list": [number, 1, None, True], "text": "x"}, "z": [number]}
        assert canonical_bytes(payload) == reference_bytes(payload), number
    for text in texts:
        payload = {"exercise_name": text, "value": 1.25, "empty": {}, "none": [], "flags": [False]}
        assert canonical_bytes(payload) == reference_bytes(payload), text


def test_figures_converted_a_column_at_a_time_equal_number_of_each_value():
    values = [None, float("nan"), -0.0, 0.0, 82.5, 3, Decimal("12.50"), Decimal("-0.00"), pd.NA, 7.0, 2 ** 40,
              Decimal("NaN"), 1e-7]
    rows = []
    for i in range(len(values)):
        row = {name: values[(i + offset) % len(values)] for offset, name in enumerate(FIGURES)}
        rows.append({**row, **{f"delta_{name}": value for name, value in row.items()}})
    for prefix in ("", "delta_"):
        table = _figure_table(rows, prefix)
        expected = [{name: _number(row[f"{prefix}{name}"], name in INTEGER_FIGURES)
                     for name in FIGURES} for row in rows]
        assert [list(figures) for figures in table] == [list(FIGURES)] * len(rows)  # the keys, in contract order
        # Compared as JSON: 82 and 82.0 are equal in Python but not in the bytes written.
        assert json.dumps(table) == json.dumps(expected)
        assert all(math.copysign(1.0, f["avg_reps"]) == 1.0 for f in table if isinstance(f["avg_reps"], float))
    with pytest.raises(ValueError, match="not finite"):  # JSON has no infinity: never written as null
        _figure_table([{name: float("inf") if name == "avg_reps" else 1 for name in FIGURES}])
    with pytest.raises(OverflowError):
        _figure_table([{name: float("-inf") if name == "total_sets" else 1 for name in FIGURES}])


def test_numeric_columns_are_read_as_the_floats_of_their_exact_decimals(database_url):
    numbers = ["0.1", "82.50", "-0.00", "12345678901234567890.123456789", "1e-20", "NaN", "0.30000000000000004"]
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = _rows(conn, "SELECT x::numeric AS value, x AS text FROM unnest(CAST(%(numbers)s AS text[])) "
                           "WITH ORDINALITY AS t(x, i) ORDER BY i", {"numbers": numbers})
    engine.dispose()
    assert [row["text"] for row in rows] == numbers
    for row in rows:
        assert isinstance(row["value"], float)
        expected = float(Decimal(row["text"]))
        assert row["value"] == expected or (math.isnan(expected) and math.isnan(row["value"])), row
