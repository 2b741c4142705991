"""Grounding: every number a report states must be a number of its payload.

The rule a report writer follows (the template writer by construction, the Bedrock prompt by
instruction): write payload numbers as given, or rounded to fewer decimals; never compute or
invent one. Precisely, every run of digits in the text is checked, wherever it stands, including
numbers glued to letters or units ("95kg", "3x10", "2500kcal", "12%"), except:

- **Dates and week labels**: 2026-01-12, 2026-W03, W03, 12/01/2026.
- **Quoted names**: an inline code span whose content is exactly a payload string (an
  exercise, cycle or athlete name such as "21s Curl"; "schema_version" is not a name) in the
  form a report shows it (quoting.display_name: backticks as "'", one line, single spaces,
  shortened past 80 characters), or that form unshortened. Only exact quotes count: the same
  name unquoted, in another case, bold, in part, with more around it inside the quote, or a
  token of it ("21s") is text whose numbers are claims like any other. Export text is data,
  not instructions: a name saying "the athlete lifted 9999 kg" may be shown as that name, but
  9999 stated anywhere else is checked, and fails.
- **Image targets**: the file name or URI of a Markdown image, `![alt](muscle_sets.svg)`, is
  where the image is, not a claim; its alt text is checked like any other text.
- **Ordered-list numbering**: "1. " or "1) " at the start of a line is layout only when it is
  real Markdown numbering in sequence: the first item of a list is 1, each next item at the same
  indentation is one more. A non-blank line that starts at the margin and is not such an item
  (a paragraph, a heading, a "- " bullet) ends the list. So "95. Next week …" on its own, or a
  "6." after "1.", is a number to check.

A number written with d decimals (a decimal comma reads as a decimal point) is grounded when
some payload number v with at least d decimals (as the payload writes it: 82.5 has one, 75.0
one, 2067 none) rounds, half away from zero, to d decimals to exactly that value. So for 80.05
a report may write 80.05, 80.1 or 80, but not 80.0 (80.05 rounds to 80.1) or 80.050 (more
decimals than given); 102.5 may be written 103 — rounding to a whole number is still a payload
value at a coarser precision, and the README promises it. Inventing precision or values is not
allowed.

Signs: a number written with a sign ("+2.5", "-2.5", "−2.5"; "±" accepts either) must match a
payload value of that sign. A number without a sign matches a positive payload value (or zero),
and matches a negative one only when the text states the direction in words: one of DOWN_WORDS
among the three words before it or the two after it, within its clause ("down 2.5 kg",
"lost 2 reps", "dropped by 5 kg", "2.5 kg less", "3 fewer sets"). The prompt allows exactly
this: drop the sign of a delta and say "down". "Up 1.5" for a delta of -1.5 is ungrounded.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from fitness_assets.lib.reports.quoting import code_spans, name_forms

_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-W\d{2}\b|\bW\d{1,2}\b|\b\d{2}/\d{2}/\d{4}\b")
_IMAGE_TARGET = re.compile(r"(?<=!\[)(?P<alt>[^\]\n]*)\]\((?P<target>[^)\s]*)\)")
_ORDERED_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<number>\d{1,9})(?P<delim>[.)])(?=[ \t]|$)")
# An optional sign glued to the digits (not after a word character: "8-12" is a range, "B-2" a
# name), then the digits with at most one decimal part; nothing is required after the digits.
_NUMBER = re.compile(r"(?:(?<![\w.,])(?P<sign>[+\-\u2212\u2013±]))?(?<!\d)(?P<digits>\d+(?:[.,]\d+)?)")
_CLAUSE_BREAK = re.compile(r"[;()\[\]\n]|[,.:!?](?!\d)")
_WORD = re.compile(r"[^\W\d_]+")
NOT_NAMES = frozenset({"schema_version"})
DOWN_WORDS = frozenset({
    "down", "lost", "lose", "loses", "losing", "dropped", "drop", "drops", "fell", "fall", "falls",
    "decreased", "decrease", "decreases", "declined", "decline", "reduced", "reduction", "less", "fewer",
    "lower", "lighter", "below", "under", "minus", "negative", "regressed", "regression", "shed",
})
_MINUS = "-\u2212\u2013"
_DIGIT = re.compile(r"\d")


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1 << 16)
def _rounded_forms(written: str) -> tuple[bool, tuple[Decimal, ...]] | None:
    """(negative?, |value| rounded to 0, 1, … its own decimals) of a payload number as JSON writes
    it; None when not finite. Cached: a range of reports meets the same values week after week."""
    value = Decimal(written)
    if not value.is_finite():
        return None
    return value < 0, tuple(abs(_round(value, places)) for places in range(0, _decimals(value) + 1))


def grounded_values(payload: dict) -> tuple[dict[int, set[Decimal]], dict[int, set[Decimal]], set[str]]:
    """(non-negative, negative, names): the payload's numbers rounded to each allowed number of
    decimals ({decimals: values}, negative values stored by magnitude), and the code-span
    contents that quote one of its strings holding a digit exactly."""
    positive: dict[int, set[Decimal]] = {}
    negative: dict[int, set[Decimal]] = {}
    names: set[str] = set()
    # Every leaf with the key it is under (a list's items take the list's key); a loop over a
    # stack, not recursive generators: a range run grounds hundreds of payloads of ~700 leaves.
    pending: list[tuple[str | None, object]] = [(None, payload)]
    while pending:
        key, leaf = pending.pop()
        if isinstance(leaf, dict):
            pending.extend(leaf.items())
        elif isinstance(leaf, list):
            pending.extend((key, item) for item in leaf)
        elif isinstance(leaf, bool) or leaf is None:
            continue
        elif isinstance(leaf, (int, float)):
            forms = _rounded_forms(str(leaf))
            if forms is None:
                continue
            is_negative, magnitudes = forms
            target = negative if is_negative else positive
            for places, magnitude in enumerate(magnitudes):
                target.setdefault(places, set()).add(magnitude)
        elif isinstance(leaf, str) and key not in NOT_NAMES and _DIGIT.search(leaf):
            names.update(name_forms(leaf))
    return positive, negative, names


def _without_list_numbering(text: str) -> str:
    """Blank out ordered-list markers that are real numbering in sequence (see module docstring)."""
    expected: dict[int, int] = {}
    lines = []
    for line in text.split("\n"):
        item = _ORDERED_ITEM.match(line)
        if item:
            indent = len(item.group("indent").expandtabs(4))
            expected = {depth: n for depth, n in expected.items() if depth <= indent}
            number = int(item.group("number"))
            if number == expected.get(indent, 1):
                expected[indent] = number + 1
                line = line[:item.start("number")] + " " * (item.end("delim") - item.start("number")) \
                    + line[item.end("delim"):]
            else:
                expected.pop(indent, None)
        elif line.strip() and not line[0].isspace():
            expected = {}
        lines.append(line)
    return "\n".join(lines)


def _without_quoted_names(text: str, names: set[str]) -> str:
    """Blank out the code spans that quote a payload name exactly (line breaks kept)."""
    pieces, last = [], 0
    for start, end, content in code_spans(text):
        if content in names:
            pieces += [text[last:start], re.sub(r"[^\n]", " ", text[start:end])]
            last = end
    return "".join(pieces) + text[last:]


def _direction_in_words(text: str, start: int, end: int) -> bool:
    """A DOWN_WORD among the three words before the number in its clause, or the two after it."""
    before, after = text[:start], text[end:]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    before = before[breaks[-1].end():] if breaks else before
    following = _CLAUSE_BREAK.search(after)
    after = after[:following.start()] if following else after
    words = _WORD.findall(before)[-3:] + _WORD.findall(after)[:2]
    return any(word.lower() in DOWN_WORDS for word in words)


def ungrounded_numbers(text: str, payload: dict) -> list[str]:
    """Numbers in `text` that the payload does not contain, as written (sign included), in order."""
    positive, negative, names = grounded_values(payload)
    text = _IMAGE_TARGET.sub(lambda m: f"{m['alt']}]({' ' * len(m['target'])})", text)
    text = _DATE.sub(" ", _without_list_numbering(_without_quoted_names(text, names)))
    found = []
    for match in _NUMBER.finditer(text):
        digits, sign = match.group("digits").replace(",", "."), match.group("sign")
        value = Decimal(digits)
        places = _decimals(value)
        as_positive = value in positive.get(places, ())
        as_negative = value in negative.get(places, ())
        if sign == "+":
            grounded = as_positive
        elif sign and sign in _MINUS:
            grounded = as_negative
        elif sign == "±":
            grounded = as_positive or as_negative
        else:
            grounded = as_positive or (as_negative and _direction_in_words(text, match.start(), match.end()))
        if not grounded:
            found.append(match.group())
    return found
