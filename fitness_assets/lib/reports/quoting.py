"""Export text in reports: always a quoted name, never prose, markup or instructions.

Exercise names, cycle names, athlete ids (any text that came from an export) appear in a
report only as a Markdown code span holding the name's display form, `quoted(name)`:

- every backtick becomes "'", so the name cannot close its own quote;
- every line break, tab, control or invisible formatting character (bidi overrides, zero-width
  characters) becomes a space, runs of whitespace become one space, ends are trimmed, so the
  name cannot start a new line, heading, list item or block;
- longer than MAX_NAME_CHARS, it is cut and ends with "…"; an empty name shows as "(no name)".

Inside a code span a renderer shows the text literally: "<img src=x onerror=…>", "[x](http://…)",
"# heading" and "**bold**" render as the characters they are. The grounding check exempts the
digits of exactly such a span (see grounding.py); `code_spans` finds spans as CommonMark does.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 80
EMPTY_NAME = "(no name)"
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BACKSLASH_OR_BACKTICK = re.compile(r"[\\`]")


def _plain(text: str) -> str:
    """The name on one line: no backtick, no control or invisible character, single spaces."""
    text = str(text).replace("`", "'")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def name_forms(text: str) -> set[str]:
    """What a code span may hold to quote `text` exactly: its display form, and the same
    without shortening (a Bedrock report may quote a long name in full)."""
    return {display_name(text), _plain(text) or EMPTY_NAME}


def display_name(text: str) -> str:
    plain = _plain(text)
    if not plain:
        return EMPTY_NAME
    if len(plain) > MAX_NAME_CHARS:
        plain = plain[:MAX_NAME_CHARS - 1].rstrip() + "…"
    return plain


def quoted(text: str) -> str:
    """`text` as a report shows export text: a code span of its display form."""
    return f"`{display_name(text)}`"


def code_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every inline code span, as CommonMark reads them: a run of n
    backticks not escaped by a backslash opens a span closed by the next run of exactly n;
    line breaks in the content read as spaces, and one space is stripped from each end when
    both ends have one. A run without a closing run is literal text."""
    spans, i, length = [], 0, len(text)
    while (special := _BACKSLASH_OR_BACKTICK.search(text, i)) is not None:
        i = special.start()  # every other character is plain text: jumped over, not stepped through
        if text[i] == "\\":
            i += 2 if i + 1 < length and text[i + 1] in _ASCII_PUNCTUATION else 1
            continue
        run_end = i
        while run_end < length and text[run_end] == "`":
            run_end += 1
        size, search, close = run_end - i, run_end, None
        while (found := text.find("`", search)) != -1:
            found_end = found
            while found_end < length and text[found_end] == "`":
                found_end += 1
            if found_end - found == size:
                close = (found, found_end)
                break
            search = found_end
        if close is None:
            i = run_end
            continue
        content = text[run_end:close[0]].replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        if len(content) >= 2 and content[0] == " " and content[-1] == " " and content.strip(" "):
            content = content[1:-1]
        spans.append((i, close[1], content))
        i = close[1]
    return spans
