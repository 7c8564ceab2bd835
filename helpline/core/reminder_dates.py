"""Reading an appointment date the way people text it, in their language and country's order.

"14 March", "14/3", "RECORDAR 14 marzo", "3月14日", "2027-03-14", "in 10 days": names of
months and relative days are read by ``dateparser`` (offline, every enabled language); plain
numbers are read here, because only the texter's country knows whether 4/3 is the 4th of
March or April the 3rd. What cannot be read for sure is asked back, never guessed.

Pure: no Flask, no database, no clock (``today`` is given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

#: Furthest ahead a reminder may be set.
MAX_DAYS_AHEAD = 365

# Outcomes that ask the texter again.
PAST, TOO_FAR, AMBIGUOUS, UNREADABLE = "past", "too_far", "ambiguous", "unreadable"

#: Countries that write the month first (4/3 is April 3rd).
MONTH_FIRST = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM"})
#: Countries that write the year first (2027/3/14, 3/14).
YEAR_FIRST = frozenset({"CN", "TW", "HK", "MO", "JP", "KR", "KP", "MN", "HU", "LT", "IR"})
#: Countries where both orders are common: 4/3 is asked back.
EITHER_ORDER = frozenset({"CA"})

_ISO = re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$")
_NUMERIC = re.compile(r"^(\d{1,2})[./\-](\d{1,2})(?:[./\-](\d{2}|\d{4}))?\.?$")
#: Chinese month-day, with or without a year: 3月14日, 3月14号.
_CJK = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号號]?$")
#: Arabic-Indic and Eastern Arabic digits, read as ASCII digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: dateparser reads "خلال N أيام" but not the more common "بعد N أيام" (after N days).
_REWRITES = {"ar": ((re.compile(r"^بعد\s+"), "خلال "),)}


@dataclass(frozen=True)
class DateReading:
    """The appointment day, or why the texter is asked again (``problem``)."""

    day: date | None
    problem: str | None = None


def day_order(region: str | None) -> str:
    """How a country writes a date with numbers: DMY, MDY, YMD, or "either"."""
    if region in MONTH_FIRST:
        return "MDY"
    if region in YEAR_FIRST:
        return "YMD"
    if region is None or region in EITHER_ORDER:
        return "either"  # a number of no known country: 4/3 is asked back
    return "DMY"


def read_date(text: str, language: str, region: str | None, today: date) -> DateReading:
    """The appointment day ``text`` names, read in ``language`` by the custom of ``region``
    (the texter's country), checked to be from today to a year ahead."""
    cleaned = " ".join(text.translate(_DIGITS).split()).strip(" .,;:!?")
    if not cleaned:
        return DateReading(None, UNREADABLE)
    reading = _numeric(cleaned, region, today)
    if reading is None:
        reading = _with_words(cleaned, language, region, today)
    if reading.day is None:
        return reading
    if reading.day < today:
        return DateReading(reading.day, PAST)
    if reading.day > today + timedelta(days=MAX_DAYS_AHEAD):
        return DateReading(reading.day, TOO_FAR)
    return reading


def _numeric(text: str, region: str | None, today: date) -> DateReading | None:
    """Dates written only with numbers; None when ``text`` is not one."""
    compact = text.replace(" ", "")
    if match := _ISO.match(compact):
        return _build(int(match[1]), int(match[2]), int(match[3]))
    if match := _CJK.match(compact):
        year = int(match[1]) if match[1] else None
        return _next_or_given(year, int(match[2]), int(match[3]), today)
    match = _NUMERIC.match(compact)
    if match is None:
        return None
    first, second = int(match[1]), int(match[2])
    year = _full_year(match[3]) if match[3] else None
    order = day_order(region)
    if order == "YMD":
        order = "MDY"  # 3/14 in China: month, then day (a year would come first)
    readings = [r for r in (_valid(first, second), _valid(second, first)) if r]
    if not readings:
        return DateReading(None, UNREADABLE)
    if order == "either" and len(set(readings)) > 1:
        return DateReading(None, AMBIGUOUS)
    # The country's order wins; a date that only reads the other way (14/3 from the US) has
    # one meaning, and is read so.
    preferred = _valid(second, first) if order == "MDY" else _valid(first, second)
    day, month = preferred or readings[0]
    return _next_or_given(year, month, day, today)


def _valid(day: int, month: int) -> tuple[int, int] | None:
    return (day, month) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _full_year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _build(year: int, month: int, day: int) -> DateReading:
    try:
        return DateReading(date(year, month, day))
    except ValueError:
        return DateReading(None, UNREADABLE)


def _next_or_given(year: int | None, month: int, day: int, today: date) -> DateReading:
    """A day and month without a year are the next such day (today included)."""
    if year is not None:
        return _build(year, month, day)
    reading = _build(today.year, month, day)
    if reading.day is not None and reading.day < today:
        reading = _build(today.year + 1, month, day)
    return reading


def _with_words(text: str, language: str, region: str | None, today: date) -> DateReading:
    import dateparser  # loaded on first use: a few hundred milliseconds of language data

    for pattern, replacement in _REWRITES.get(language, ()):
        text = pattern.sub(replacement, text)
    order = day_order(region)
    settings = {
        "RELATIVE_BASE": datetime.combine(today, time.min),
        "PREFER_DATES_FROM": "future",
        "REQUIRE_PARTS": ["day", "month"],
        "DATE_ORDER": "DMY" if order == "either" else order,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    languages = [language] if language == "en" else [language, "en"]
    try:
        found = dateparser.parse(text, languages=languages, settings=settings)
    except Exception:  # a parser error is a date we cannot read, never a failed webhook
        found = None
    if found is None:
        return DateReading(None, UNREADABLE)
    day = found.date()
    if (day.month, day.day) == (today.month, today.day) and not re.search(r"\d{4}", text):
        day = today  # "1 March" on 1 March is today, not next year
    return DateReading(day)
