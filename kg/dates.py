"""Dates as a sentence gives them, resolved to a range of days.

``find_date`` reads the first date expression of a sentence: an absolute date
("March 3, 2026", "3 March 2026", "2026-03-03"), a month ("in September 2024",
"in May"), a year ("in 2019"), a weekday ("on Tuesday", "this past Tuesday"),
or a relative date ("yesterday", "last week", "two months ago"). Anything that
needs the article's own date to be placed (a weekday, "last week", a month
without a year) is resolved against ``published`` when the article has one,
and otherwise comes back with its words only.

A date is a range (``earliest``, ``latest``) because articles rarely give a
day: "last week" is seven days, "in 2019" a year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from kg.extract.quantities import NUMBER_WORDS

__all__ = ["DateSpan", "find_date", "parse_iso"]

_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name: i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["Sept"] = 9
_WEEKDAYS = {name: i for i, name in enumerate(calendar.day_name)}
_NUMBERS = {**NUMBER_WORDS, "several": 3, "few": 3}

# Month and weekday names must be capitalised ("may" is a verb); the words around
# them need not be. Each pattern names its core group, whose position decides which
# expression comes first ("in September 2024" is a month and a year, not a month).
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"
_COUNT = r"(?P<count>\d+|(?i:" + "|".join(_NUMBERS) + r"))"
_IN = r"(?i:in|since|by|until|during|from|of)\s+(?i:early\s+|late\s+|mid-?)?"

# Most specific first: of two expressions starting at the same place, the earlier wins.
_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("iso", "year", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
    ("mdy", "month", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("dmy", "day", re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b")),
    ("my", "month", re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b")),
    ("md", "month", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:,\s*)?\d)")),
    ("dm", "day", re.compile(rf"\b{_DAY}\s+{_MONTH}\b")),
    ("m", "month", re.compile(rf"\b{_IN}{_MONTH}(?=\W|$)")),
    ("y", "year", re.compile(rf"\b{_IN}{_YEAR}\b")),
    (
        "weekday",
        "weekday",
        re.compile(rf"(?:\b(?P<last>(?i:last|this\s+past|past))\s+|\b(?i:on)\s+)?\b{_WEEKDAY}\b"),
    ),
    ("today", "word", re.compile(r"\b(?P<word>(?i:today|yesterday|tonight))\b")),
    (
        "last",
        "which",
        re.compile(r"\b(?P<which>(?i:last|this|past))\s+(?P<unit>(?i:week|month|year))\b"),
    ),
    (
        "ago",
        "count",
        re.compile(rf"\b{_COUNT}\s+(?P<unit>(?i:day|week|month|year))s?\s+(?i:ago)\b"),
    ),
]


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date expression in a sentence and the days it allows (None when unresolved)."""

    text: str
    start: int  # character offsets in the sentence
    end: int
    earliest: date | None = None
    latest: date | None = None


def parse_iso(text: str | None) -> date | None:
    """``date`` for an ISO 8601 day ("2026-03-30"), None for anything else."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, published: date, future: bool) -> int:
    """The year of a month named without one: the nearest before (or after) publication."""
    if future:
        return published.year if month >= published.month else published.year + 1
    return published.year if month <= published.month else published.year - 1


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _resolve(
    kind: str, m: re.Match[str], published: date | None, future: bool
) -> tuple[date, date] | None:
    g = m.groupdict()
    raw_month = (g.get("month") or "").rstrip(".")
    month = int(raw_month) if raw_month.isdigit() else _MONTHS.get(raw_month)
    try:
        if kind == "iso":
            day = date(int(g["year"]), int(g["month"]), int(g["day"]))
            return day, day
        if kind in ("mdy", "dmy") and month:
            day = date(int(g["year"]), month, int(g["day"]))
            return day, day
        if kind == "my" and month:
            return _month_range(int(g["year"]), month)
        if kind == "y":
            year = int(g["year"])
            return date(year, 1, 1), date(year, 12, 31)
        if published is None:
            return None
        if kind in ("md", "dm") and month:
            day = date(_year_for(month, published, future), month, int(g["day"]))
            return day, day
        if kind == "m" and month:
            return _month_range(_year_for(month, published, future), month)
    except ValueError:  # "February 30"
        return None
    if kind == "weekday":
        back = (published.weekday() - _WEEKDAYS[g["weekday"]]) % 7
        if g.get("last") and back == 0:
            back = 7  # "last Tuesday" in a Tuesday article is a week ago
        day = published - timedelta(days=back)
        return day, day
    if kind == "today":
        word = g["word"].lower()
        day = published - timedelta(days=1 if word == "yesterday" else 0)
        return day, day
    if kind == "last":
        return _period(published, g["unit"].lower(), 0 if g["which"].lower() == "this" else -1)
    if kind == "ago":
        raw = g["count"].lower()
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
        unit = g["unit"].lower()
        if unit == "day":
            day = published - timedelta(days=count)
            return day, day
        return _period(published, unit, -count)
    return None


def _period(published: date, unit: str, offset: int) -> tuple[date, date]:
    """The calendar week (Monday to Sunday), month or year ``offset`` periods from publication."""
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        first = _shift_months(published.replace(day=1), offset)
        return _month_range(first.year, first.month)
    year = published.year + offset
    return date(year, 1, 1), date(year, 12, 31)


def find_date(
    sentence: str, published: date | None = None, *, future: bool = False
) -> DateSpan | None:
    """The first date expression in ``sentence``, resolved against ``published`` where needed.

    ``future`` says that the sentence speaks of something planned, so that a
    month or day named without a year is placed after publication, not before.
    Returns None when the sentence gives no date.
    """
    found: tuple[int, str, re.Match[str]] | None = None
    for kind, core, pattern in _PATTERNS:
        m = pattern.search(sentence)
        if m and (found is None or m.start(core) < found[0]):
            found = (m.start(core), kind, m)
    if found is None:
        return None
    _, kind, m = found
    text = m.group(0)
    end = m.end()
    if text.endswith(".") and (m.groupdict().get("month") or "") in calendar.month_name:
        text, end = text[:-1], end - 1  # the full stop of the sentence, not an abbreviation
    span = _resolve(kind, m, published, future)
    if span is None:
        return DateSpan(text, m.start(), end)
    return DateSpan(text, m.start(), end, span[0], span[1])
