"""Grounding: every number a report states must be a number of its payload.

A number in the text is grounded when it equals a payload value (sign ignored: "down 2.5 kg"
states a delta of -2.5), or that value rounded to fewer decimals (a writer may say 82.9 for
82.93), or when it is part of a date or week label (2026-01-12, W03), or appears in a payload
string (an exercise or cycle name). Ordinal list markers at the start of a line ("1. ") are
layout, not claims.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-W\d{2}\b|\bW\d{1,2}\b|\b\d{2}/\d{2}/\d{4}\b")
_LIST_MARKER = re.compile(r"^(\s*)\d+[.)]\s", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _rounded(value: Decimal) -> set[Decimal]:
    forms = {value}
    for places in range(0, 3):
        forms.add(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return {f.normalize() for f in forms}


def grounded_values(payload: dict) -> tuple[set[Decimal], set[str]]:
    """(numbers a report may state, payload strings whose digits are part of a name)."""
    numbers: set[Decimal] = set()
    strings: set[str] = set()
    for leaf in _leaves(payload):
        if isinstance(leaf, bool) or leaf is None:
            continue
        if isinstance(leaf, (int, float)):
            numbers |= _rounded(abs(Decimal(str(leaf))))
        elif isinstance(leaf, str):
            strings.add(leaf)
    return numbers, strings


def ungrounded_numbers(text: str, payload: dict) -> list[str]:
    """Numbers in `text` that the payload does not contain, in order of appearance."""
    numbers, strings = grounded_values(payload)
    for name in sorted(strings, key=len, reverse=True):
        if any(c.isdigit() for c in name):
            text = text.replace(name, " ")
    text = _DATE.sub(" ", text)
    text = _LIST_MARKER.sub(r"\1", text)
    found = []
    for match in _NUMBER.finditer(text):
        token = match.group().replace(",", ".")
        if Decimal(token).normalize() not in numbers:
            found.append(match.group())
    return found
