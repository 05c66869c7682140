"""The day a release's relative dates count from: the publication date given,
else the dateline's date, else a date line printed in the text."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sources.extraction.dates import month_number, parse_day
from sources.extraction.figure import AsOfBasis
from sources.extraction.numbers import MONTH_PATTERN

# A dateline reports on its day or a few days before the publication date.
DATELINE_SLACK = timedelta(days=7)
HEAD_CHARS = 1500  # datelines and date lines sit at the top of a release
_DATELINE = re.compile(
    r"\b[A-Z][A-Za-z .'-]+,\s+(?:[A-Z][\w .'-]*,\s+)?"
    r"(?P<day>(?:" + MONTH_PATTERN + r")\.?\s+\d{1,2}(?:(?:,\s*|/)\d{4})?)\s*"
    r"(?:\(|[-–—]{1,2}\s)",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^\s*(?:(?:published|updated|posted|date|time|released)\s*(?:on)?\s*:?\s*)?"
    r"(?P<day>\d{4}-\d{2}-\d{2}|(?:" + MONTH_PATTERN + r")\.?\s+\d{1,2}"
    r"(?:,\s*|/)\d{4}|\d{1,2}\s+(?:" + MONTH_PATTERN + r")\.?,?\s+\d{4})"
    r"(?:[\s,|]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?\s*(?:\|.*)?$",
    re.IGNORECASE | re.MULTILINE,
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# "made 3,673 trips in 2017", "reached 121.8 billion dollars in 2024": a
# whole year's total is reported after that year has ended.
_WHOLE_YEAR = re.compile(
    r"\b(?:in|for|during|throughout)\s+(?:the\s+(?:whole|full)\s+(?:year\s+)?(?:of\s+)?)?"
    r"(19[5-9]\d|20\d\d)\b(?!\s*[-–,]?\s*\d)(?![^.]{0,40}\b(?:since|launch|opened))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReferenceDate:
    """The day "Monday", "last month" and "this year" count from, and what
    it was read from; ``day`` is None when the text gives none."""

    day: date | None
    basis: AsOfBasis


_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
)
_ORDINALS += ("ninth", "tenth")
_COUNTS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)
# "two years after it began commercial service on Oct 17, 2023"
_YEARS_AFTER = re.compile(
    r"\b(?P<n>\d{1,2}|" + "|".join(_COUNTS) + r")\s+years?\s+(?:after|since)\b"
    r"[^.]{0,80}?\b(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# "the eve of its second anniversary" ... "opened in December 2021"
_ANNIVERSARY = re.compile(
    r"\b(?P<n>" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+anniversary\b",
    re.IGNORECASE,
)
_OPENED = re.compile(
    r"\b(?:opened|launched|began|inaugurated|started|commissioned|opening|launch)\b"
    r"[^.]{0,40}?\b(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def _count(word):
    word = word.lower()
    if word in _ORDINALS:
        return _ORDINALS.index(word) + 1
    if word in _COUNTS:
        return _COUNTS.index(word) + 1
    return int(re.match(r"\d+", word).group())


def _elapsed_year(text):
    """The year an anniversary or "N years after" a dated start falls in."""
    after = _YEARS_AFTER.search(text)
    if after:
        return int(after.group("y")) + _count(after.group("n"))
    anniversary, opened = _ANNIVERSARY.search(text), _OPENED.search(text)
    if anniversary and opened:
        return int(opened.group("y")) + _count(anniversary.group("n"))
    return None


_MONTH_YEAR = re.compile(
    r"\b(?P<month>" + MONTH_PATTERN + r")\.?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE
)


def _latest_event(text):
    """The first day of the latest month-and-year the text names."""
    found = [
        date(int(m.group("year")), month_number(m.group("month")), 1)
        for m in _MONTH_YEAR.finditer(text)
    ]
    return max(found) if found else None


def _earliest_possible_year(text):
    """The first year the text can have been written in: the latest year it
    names, the year after the latest year whose whole total it reports, or
    the year of an anniversary it marks."""
    years = [int(y) for y in _YEAR.findall(text)]
    if not years:
        return None
    whole = [int(y) + 1 for y in _WHOLE_YEAR.findall(text)]
    elapsed = _elapsed_year(text)
    return max(years + whole + ([elapsed] if elapsed else []))


def _dateline_day(head, base):
    match = _DATELINE.search(head)
    if not match:
        return None
    return parse_day(match.group("day"), base=base)


def reference_date(text, published_on=None):
    """The reference date of ``text``."""
    head = text[:HEAD_CHARS]
    if published_on is not None:
        day = _dateline_day(head, published_on)
        if day and timedelta(0) <= published_on - day <= DATELINE_SLACK:
            return ReferenceDate(day, AsOfBasis.PUBLISHED_ON)
        return ReferenceDate(published_on, AsOfBasis.PUBLISHED_ON)
    line = _DATE_LINE.search(head)
    if line:
        day = parse_day(line.group("day"), base=None)
        if day:
            return ReferenceDate(day, AsOfBasis.DATE_LINE)
    dateline = _DATELINE.search(head)
    if dateline and re.search(r"\d{4}", dateline.group("day")):
        day = parse_day(dateline.group("day"), base=None)
        if day:
            return ReferenceDate(day, AsOfBasis.DATELINE)
    year = _earliest_possible_year(text)
    if dateline and year:
        # A dateline names a day without its year: the first year the text
        # can have been written in.
        day = parse_day(dateline.group("day"), base=date(year, 12, 31))
        latest = _latest_event(text)
        if day and latest and day < latest:
            # Not before an event the release reports ("opened in December 2021").
            day = parse_day(dateline.group("day"), base=date(year + 1, 12, 31))
        if day:
            return ReferenceDate(day, AsOfBasis.DATELINE_YEAR)
    return ReferenceDate(None, AsOfBasis.NONE)
