"""Hevy start/end times in every layout and language seen in real exports; MapMyRun's AP-style dates.

Hevy writes local wall-clock times without a zone, in the phone's locale, e.g.
`13 Jan 2026, 18:43`, `Jun 11, 2026, 1:01 PM`, `5 fev. 2026, 07:10` or `12 Eki 2025, 19:05`.
Month names are matched on a merged table; no two languages use one abbreviation for
different months, so the language never has to be guessed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import pandas as pd

_MONTH_NAMES = {
    1: "jan january janeiro ene enero janv janvier januar jänner gen gennaio oca ocak",
    2: "feb february fev fevereiro febrero fevr févr fevrier février februar febbraio sub şub şubat subat",
    3: "mar march marco março marzo mars mär mrz märz marz mart",
    4: "apr april abr abril avr avril aprile nis nisan",
    5: "may mai maio mayo maggio mag mayıs mayis",
    6: "jun june junho junio juin juni giu giugno haz haziran",
    7: "jul july julho julio juil juillet juli lug luglio tem temmuz",
    8: "aug august ago agosto aout août agu ağu ağustos agustos",
    9: "sep sept september set setembro septiembre septembre settembre eyl eylül eylul",
    10: "oct october out outubro octubre octobre okt oktober ott ottobre eki ekim",
    11: "nov november novembro noviembre novembre kas kasım kasim",
    12: "dec december dez dezembro dic diciembre déc decembre décembre dezember dicembre ara aralık aralik",
}


def _fold(token: str) -> str:
    """Lower-case and strip accents/dots so 'févr.' and 'Şub' match their table entries."""
    token = token.casefold().rstrip(".")
    token = token.replace("ı", "i")  # Turkish dotless i has no decomposition
    return "".join(c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c))


MONTHS = {_fold(name): number for number, names in _MONTH_NAMES.items() for name in names.split()}

_WORD = r"[^\W\d_]+\.?"
_TIME = r"(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[aApP]\.?\s?[mM]\.?)?"
_DAY_FIRST = re.compile(
    rf"^\s*(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month>{_WORD})\s+(?:de\s+)?(?P<year>\d{{4}})"
    rf"\s*,?\s*(?:(?:à|às|as|a las|um|alle|saat)\s+)?{_TIME}\s*$", re.IGNORECASE)
_MONTH_FIRST = re.compile(
    rf"^\s*(?P<month>{_WORD})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\s*,?\s*(?:at\s+)?{_TIME}\s*$",
    re.IGNORECASE)
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?\s*$")

EXPECTED_TIME = "a time like '13 Jan 2026, 18:43' or 'Jun 11, 2026, 1:01 PM'"


def parse_hevy_datetime(text: str) -> datetime | None:
    """Return the naive local datetime, or None when the text is not a recognisable time."""
    if _ISO.match(text):
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:  # e.g. 2026-02-31
            return None
    match = _DAY_FIRST.match(text) or _MONTH_FIRST.match(text)
    if not match:
        return None
    month = MONTHS.get(_fold(match["month"]))
    if month is None:
        return None
    hour = int(match["hour"])
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        is_pm = match["ampm"][0] in "pP"
        hour = hour % 12 + (12 if is_pm else 0)
    try:
        return datetime(int(match["year"]), month, int(match["day"]), hour, int(match["minute"]),
                        int(match["second"] or 0))
    except ValueError:
        return None


# MapMyRun writes dates in AP style, e.g. "Oct. 7, 2025", "Sept. 14, 2019", "March 3, 2020",
# "May 5, 2016": abbreviations with a dot (Sept. has four letters) and short months in full, so
# neither %b nor %B reads them all, and both depend on the locale. The month token is mapped
# here, then one to_datetime with a fixed ISO format reads every date at once.
AP_MONTHS = {name: number for number, names in {
    1: "jan january", 2: "feb february", 3: "mar march", 4: "apr april", 5: "may", 6: "jun june",
    7: "jul july", 8: "aug august", 9: "sep sept september", 10: "oct october", 11: "nov november",
    12: "dec december"}.items() for name in names.split()}
_AP_DATE = r"^\s*(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\s*$"
EXPECTED_AP_DATE = "a date like 'Oct. 7, 2025', 'Sept. 14, 2019' or 'March 3, 2020'"


# The diet log's dates, in the order they are tried: typed by hand in a Portuguese locale, or
# written by a spreadsheet in ISO form.
DIET_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
EXPECTED_DIET_DATE = "YYYY-MM-DD or DD/MM/YYYY"


def parse_diet_dates(texts: pd.Series) -> pd.Series:
    """Diet log dates (stripped text) → datetime64; NaT where no DIET_DATE_FORMATS reads the text.
    One vectorised pass per format: landing dates a file with it and silver loads its days with
    it, so both read 2024-03-05 as 5 March."""
    first, *others = DIET_DATE_FORMATS
    dates = pd.to_datetime(texts, format=first, errors="coerce")
    for form in others:
        dates = dates.fillna(pd.to_datetime(texts, format=form, errors="coerce"))
    return dates


def parse_ap_dates(values: pd.Series) -> pd.Series:
    """AP-style dates → datetime64 at midnight; NaT where the text is not such a date (or the day
    does not exist, e.g. 'Feb. 30, 2021'). Vectorised: one regex pass, one to_datetime, over the
    distinct texts only (a history repeats each day: 50,000 activities hold ~5,000 dates)."""
    text = values.astype(object).fillna("").astype(str)
    codes, distinct = pd.factorize(text)
    parts = pd.Series(distinct, dtype=object).str.extract(_AP_DATE)
    month = parts["month"].str.casefold().map(AP_MONTHS)
    iso = (parts["year"] + "-" + month.map("{:02.0f}".format, na_action="ignore") + "-"
           + parts["day"].str.zfill(2))
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype("datetime64[us]").to_numpy()
    return pd.Series(parsed[codes], index=values.index, dtype="datetime64[us]")
