"""Time phrases, found by rule and resolved against a reference date.

Each phrase has a role: the day or span a figure covers (``AS_OF`` for a
point such as "by the end of last month", ``PERIOD`` for a span such as "in
the first quarter"), the start of a running total ("since its launch in
December 2021": never an as-of date), a statement date ("according to data
released on Tuesday": the figure is current then), or a reference back to the
previous sentence's date ("by then", "the same period a year earlier")."""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from sources.extraction.dates import (
    WEEKDAYS,
    month_end,
    month_number,
    parse_day,
    recent_year,
    weekday_before,
)
from sources.extraction.figure import Period
from sources.extraction.numbers import MONTH_PATTERN, UNITS

MONTHS_IN = {Period.YEAR: 12, Period.HALF_YEAR: 6, Period.QUARTER: 3, Period.MONTH: 1}
# A span of days reads as the period whose length it has, give or take this.
SPAN_SLACK_DAYS = 5
# How far before a date an attribution verb makes it a statement date.
STATEMENT_REACH = 45
# How far before a date "since" makes it the start of a running total.
START_REACH = 40


class Role(StrEnum):
    AS_OF = "as_of"
    PERIOD = "period"
    START = "start"
    STATEMENT = "statement"
    SAME_AS_BEFORE = "same_as_before"  # "by then", "on that day"
    YEAR_BEFORE = "year_before"  # "the same period a year earlier"


class Strength:
    """How firmly a phrase dates the figures near it, when several compete."""

    WEAK = 0  # "now", "so far"
    NORMAL = 1
    FIRM = 2  # a stated day, an end of month, a named span


@dataclass(frozen=True)
class TimePhrase:
    start: int  # offsets in the sentence
    end: int
    role: Role
    as_of: date | None
    period: Period | None = None  # None: a point in time
    period_start: date | None = None
    strength: int = Strength.NORMAL
    stated: bool = False  # the text gives the year itself
    text: str = ""


@dataclass(frozen=True)
class TimeContext:
    """What a sentence's phrases resolve against: the reference date and the
    year and phrase the paragraph last named ("that year", "by then")."""

    base: date | None
    last_year: int | None = None
    last_phrase: TimePhrase | None = None


_Y = r"(?:this\s+year|last\s+year|the\s+previous\s+year|that\s+year|the\s+year|\d{4})"
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2}
_ORDINAL.update({"3rd": 3, "4th": 4})
_COUNT = r"\d{1,2}|" + "|".join(list(UNITS)[1:13])
_M = r"(?:" + MONTH_PATTERN + r")\.?"
_WEEKDAY = "|".join(WEEKDAYS)
_DAY_MONTH = r"(?:" + _M + r"\s+\d{1,2}(?!\d)|\d{1,2}\s+" + _M + r")(?:,?\s+\d{4})?"


def _rx(pattern):
    return re.compile(pattern, re.IGNORECASE)


_QUARTER = _rx(
    r"\b(?:(?:in|during|for|over)\s+)?the\s+(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"
    r"\s+quarter(?:\s+of\s+(?P<y>" + _Y + r"))?|\bQ(?P<qn>[1-4])(?:\s+(?P<y2>\d{4}))?\b"
)
_HALF = _rx(
    r"\b(?:(?:in|during|for|over)\s+)?the\s+(?P<h>first|second)\s+half"
    r"(?:\s+of\s+(?P<y>" + _Y + r"))?|\bH(?P<hn>[12])\s+(?P<y2>\d{4})"
)
_FIRST_MONTHS = _rx(
    r"\b(?:(?:in|during|for|over)\s+)?the\s+first\s+(?P<n>" + _COUNT + r")\s+months"
    r"(?:\s+of\s+(?P<y>" + _Y + r"))?"
)
_FIRST_QUARTERS = _rx(
    r"\b(?:(?:in|during|for|over)\s+)?the\s+first\s+(?P<n>two|three|2|3)\s+quarters"
    r"(?:\s+of\s+(?P<y>" + _Y + r"))?"
)
_MONTH_RANGE = _rx(
    r"\b(?:(?:in|during|for|over)\s+(?:the\s+)?)?(?:from\s+|between\s+)?"
    r"(?P<a>" + _M + r")(?!\s+\d)\s*(?:to|-|–|through|and|until)\s*(?P<b>" + _M + r")"
    r"(?!\s+\d{1,2}\b)(?:,?\s+(?:of\s+)?(?P<y>" + _Y + r"))?(?:\s+period)?"
)
_DAY_RANGE = _rx(
    r"\b(?:from|between)\s+(?P<a>" + _DAY_MONTH + r")\s+(?:to|and|until|through)\s+"
    r"(?P<b>" + _DAY_MONTH + r")(?:,?\s+(?P<y>this\s+year|last\s+year|that\s+year))?"
)
_YEAR_RANGE = _rx(
    r"\b(?:(?:from|between)\s+(?:(?P<am>"
    + _M
    + r")\s+)?(?P<a>\d{4})\s+(?:to|and|until|"
    r"through)\s+(?:(?P<bm>" + _M + r")\s+)?(?P<b>\d{4})"
    r"|(?:over|in|during)\s+(?P<a2>\d{4})\s*[-–]\s*(?P<b2>\d{4}))\b"
)
_END_OF = _rx(
    r"\b(?:(?:by|as\s+of|at|until|till|to|through|up\s+to)\s+)?(?:the\s+)?"
    r"(?P<when>end|late|mid|middle|close)[\s-]+(?:of\s+)?"
    r"(?:(?P<month>" + _M + r")(?:,?\s+(?P<my>\d{4}|this\s+year|last\s+year))?"
    r"|(?P<rel>last|this|the\s+previous|the\s+past)\s+(?P<unit>month|year|quarter)"
    r"|(?P<y>\d{4}))"
)
_WEEKDAY_DAY = _rx(
    r"\b(?:(?P<prep>as\s+of|by|on|until|through|at)\s+)?(?P<last>last\s+)?"
    r"(?P<wd>" + _WEEKDAY + r")\b(?:,?\s+(?P<dm>" + _DAY_MONTH + r"))?"
)
_DAY = _rx(
    r"\b(?P<prep>as\s+of|by|on|until|through|to|at)\s+(?P<dm>" + _DAY_MONTH + r")"
    r"(?:,?\s+(?P<rel>this\s+year|last\s+year))?"
)
_MONTH = _rx(
    r"\b(?P<prep>in|during|for|by|as\s+of|until|through|since|last)\s+"
    r"(?:early\s+|late\s+|mid-)?(?P<m>" + _M + r")(?!\s+\d{1,2}\b)(?:,?\s+(?P<y>\d{4}"
    r"|this\s+year|last\s+year))?"
)
_LAST_MONTH = _rx(r"\b(?:in\s+|during\s+)?last\s+month\b")
_YEAR = _rx(
    r"\b(?P<prep>in|during|for|throughout|by|as\s+of|until|through|since|over|from)\s+"
    r"(?:the\s+(?:whole|entire|full)\s+(?:year\s+)?(?:of\s+)?)?(?P<y>\d{4})\b(?![\s-]*\d)"
)
_RELATIVE_YEAR = _rx(
    r"\b(?:(?:in|during|for|over|throughout)\s+)?(?P<rel>last|the\s+previous|the\s+past|"
    r"this|that|next)\s+year\b(?!'s|’s)"
)
# "the 2024 total", "the 2023 figure": a year used as an adjective.
_YEAR_ADJECTIVE = _rx(
    r"\bthe\s+(?P<y>(?:19|20)\d\d)\s+(?:total|figure|count|tally|level|result|"
    r"deals?|volume|amount)s?\b"
)
_CURRENT = _rx(r"\b(?:so\s+far|to\s+date|up\s+to\s+now|as\s+of\s+now|currently|now)\b")
_YEAR_TO_DATE = _rx(
    r"\b(?:so\s+far\s+this\s+year|this\s+year\s+so\s+far|since\s+the\s+(?:start|"
    r"beginning)\s+of\s+(?:this|the)\s+year|year[\s-]to[\s-]date)\b"
)
_THEN = _rx(
    r"\b(?:by\s+then|by\s+that\s+time|on\s+that\s+day|at\s+that\s+point|"
    r"by\s+that\s+date|at\s+the\s+time)\b"
)
_SAME_PERIOD = _rx(
    r"\b(?:(?:in|over|during|by|on|at)\s+)?the\s+same\s+(?:period|(?:\w+\s+)?months?|quarter"
    r"|date|day|time)"
    r"(?P<earlier>\s+(?:a\s+year\s+(?:earlier|before|ago)|(?:of\s+)?last\s+year|"
    r"of\s+the\s+previous\s+year))?"
)
_WHEN = _rx(r",?\s+when\b")  # "from 2020, when ...": the year of that clause
_START = _rx(r"\b(?:since|from)\s+(?:[\w'’-]+\s+){0,4}$")
_STATEMENT = _rx(
    r"\b(?:said|says|announced|reported|released|published|issued|told\s+\w+|"
    r"statement|figures|data|statistics|report)\b[^.;]{0,25}$"
)
_STATEMENT_AFTER_FIGURE = _rx(r"^\s*(?:,\s*)?according\s+to\b")


def _written(year_text):
    """The phrase writes its year in digits ("of 2024")."""
    return bool(year_text and re.search(r"\d{4}", year_text))


def _year_of(text, ctx):
    """A "2023"/"this year"/"last year"/"that year" group as a year."""
    base_year = ctx.base.year if ctx.base else None
    if not text:
        return None
    lowered = text.lower()
    if "last" in lowered or "previous" in lowered:
        return base_year - 1 if base_year else None
    if "that" in lowered:
        return ctx.last_year or base_year
    if "this" in lowered or lowered == "the year":
        return base_year
    if "next" in lowered:
        return base_year + 1 if base_year else None
    return int(re.search(r"\d{4}", text).group())


def _latest(year_text, months, ctx):
    """The year a span ending in month ``months`` falls in: the stated one,
    else the latest such span ending on or before the reference date."""
    year = _year_of(year_text, ctx)
    if year is None and ctx.base:
        year = recent_year(months, ctx.base, 28)
    return year


_ANY_YEAR = 2001  # a common year, to measure a span of months of an unknown year


def _span_period(first, last):
    """The period a stated span of days has, by its length and start."""
    if first.month == 1 and first.day == 1 and last.year == first.year:
        days = (last - first).days + 1
        for period, months in MONTHS_IN.items():
            if abs(days - months * 30.4) <= SPAN_SLACK_DAYS:
                return period
        return Period.YEAR_TO_DATE
    days = (last - first).days + 1
    for period, months in MONTHS_IN.items():
        if abs(days - months * 30.4) <= SPAN_SLACK_DAYS:
            return period
    return Period.CUMULATIVE


def _phrases(sentence, ctx):  # noqa: C901  one rule per phrase kind
    found = []

    def add(match, role, as_of, period=None, start=None, strength=1, stated=False):
        found.append(
            TimePhrase(
                start=match.start(),
                end=match.end(),
                role=role,
                as_of=as_of,
                period=period,
                period_start=start,
                strength=strength,
                stated=stated,
                text=match.group(),
            )
        )

    for m in _QUARTER.finditer(sentence):
        quarter = _ORDINAL.get((m.group("q") or "").lower()) or int(m.group("qn"))
        year_text = m.group("y") or m.group("y2")
        year = _latest(year_text, quarter * 3, ctx)
        if year:
            end = month_end(year, quarter * 3)
            start = date(year, quarter * 3 - 2, 1)
            add(m, Role.PERIOD, end, Period.QUARTER, start, 2, _written(year_text))
        else:
            add(m, Role.PERIOD, None, Period.QUARTER, None, 2)
    for m in _HALF.finditer(sentence):
        half = (
            1 if (m.group("h") or "").lower() == "first" or m.group("hn") == "1" else 2
        )
        year = _latest(m.group("y") or m.group("y2"), 6 * half, ctx)
        if year:
            start = date(year, 6 * half - 5, 1)
            end = month_end(year, 6 * half)
            written = _written(m.group("y") or m.group("y2"))
            add(m, Role.PERIOD, end, Period.HALF_YEAR, start, 2, written)
        else:
            add(m, Role.PERIOD, None, Period.HALF_YEAR, None, 2)
    for m in _FIRST_MONTHS.finditer(sentence):
        raw = m.group("n").lower()
        months = int(raw) if raw.isdigit() else UNITS[raw]
        if not 1 <= months <= MONTHS_IN[Period.YEAR]:
            continue
        year = _latest(m.group("y"), months, ctx)
        period = {3: Period.QUARTER, 6: Period.HALF_YEAR, 12: Period.YEAR}.get(
            months, Period.YEAR_TO_DATE
        )
        if year:
            end, start = month_end(year, months), date(year, 1, 1)
            add(m, Role.PERIOD, end, period, start, 2, _written(m.group("y")))
        else:
            add(m, Role.PERIOD, None, period, None, 2)
    for m in _FIRST_QUARTERS.finditer(sentence):
        months = 3 * {"two": 2, "three": 3, "2": 2, "3": 3}[m.group("n").lower()]
        year = _latest(m.group("y"), months, ctx)
        end = month_end(year, months) if year else None
        add(m, Role.PERIOD, end, Period.YEAR_TO_DATE, None, 2, _written(m.group("y")))
    for m in _MONTH_RANGE.finditer(sentence):
        first, last = month_number(m.group("a")), month_number(m.group("b"))
        if not first or not last or last <= first:
            continue
        year = _latest(m.group("y"), last, ctx) or _ANY_YEAR
        start, end = date(year, first, 1), month_end(year, last)
        known = year != _ANY_YEAR
        add(
            m,
            Role.PERIOD,
            end if known else None,
            _span_period(start, end),
            start if known else None,
            2,
            _written(m.group("y")),
        )
    for m in _DAY_RANGE.finditer(sentence):
        base = ctx.base
        if m.group("y") and base:
            year = _year_of(m.group("y"), ctx)
            base = date(year, 12, 31)
        last = parse_day(m.group("b"), base=base)
        if last and not re.search(r"\d{4}", m.group("a")):
            base = last  # "from Jan. 1 to March 31, 2024": the end's year
        first = parse_day(m.group("a"), base=base)
        if first and last and first < last:
            stated = bool(re.search(r"\d{4}", m.group("b")))
            add(m, Role.PERIOD, last, _span_period(first, last), first, 2, stated)
    for m in _YEAR_RANGE.finditer(sentence):
        a, b = int(m.group("a") or m.group("a2")), int(m.group("b") or m.group("b2"))
        if not a < b:
            continue
        end_month = month_number(m.group("bm")) if m.group("bm") else 12
        start_month = month_number(m.group("am")) if m.group("am") else 1
        add(
            m,
            Role.PERIOD,
            month_end(b, end_month),
            Period.CUMULATIVE,
            date(a, start_month, 1),
            2,
            True,
        )
    for m in _END_OF.finditer(sentence):
        when = m.group("when").lower()
        if m.group("month"):
            month = month_number(m.group("month"))
            year = _year_of(m.group("my"), ctx) or recent_year(month, ctx.base, 28)
            if year is None:
                add(m, Role.AS_OF, None)
                continue
            day = (
                date(year, month, 15)
                if when in ("mid", "middle")
                else month_end(year, month)
            )
            add(m, Role.AS_OF, day, None, None, 2, bool(m.group("my")))
        elif m.group("unit"):
            if ctx.base is None:
                add(m, Role.AS_OF, None)
                continue
            unit, rel = m.group("unit").lower(), m.group("rel").lower()
            if unit == "month":
                first = ctx.base.replace(day=1)
                day = (
                    first - timedelta(days=1)
                    if rel != "this"
                    else month_end(ctx.base.year, ctx.base.month)
                )
            elif unit == "year":
                day = date(ctx.base.year - (rel != "this"), 12, 31)
            else:
                quarter_start = date(
                    ctx.base.year, 3 * ((ctx.base.month - 1) // 3) + 1, 1
                )
                day = quarter_start - timedelta(days=1)
            add(m, Role.AS_OF, day, None, None, 2)
        else:
            year = int(m.group("y"))
            day = date(year, 6, 30) if when in ("mid", "middle") else date(year, 12, 31)
            add(m, Role.AS_OF, day, None, None, 2, True)
    for m in _WEEKDAY_DAY.finditer(sentence):
        if m.group("dm"):
            base = ctx.base
            day = parse_day(m.group("dm"), base=base)
        elif m.group("prep") or m.group("last"):
            last = bool(m.group("last"))
            day = (
                weekday_before(m.group("wd"), ctx.base, last=last) if ctx.base else None
            )
        else:
            continue
        add(m, Role.AS_OF, day, None, None, 2)
    for m in _DAY.finditer(sentence):
        base = ctx.base
        if m.group("rel") and base:
            base = date(_year_of(m.group("rel"), ctx), 12, 31)
        day = parse_day(m.group("dm"), base=base)
        if day:
            add(
                m,
                Role.AS_OF,
                day,
                None,
                None,
                2,
                bool(re.search(r"\d{4}", m.group("dm"))),
            )
    for m in _LAST_MONTH.finditer(sentence):
        if ctx.base:
            day = ctx.base.replace(day=1) - timedelta(days=1)
            add(m, Role.PERIOD, day, Period.MONTH, day.replace(day=1))
        else:
            add(m, Role.PERIOD, None, Period.MONTH)
    for m in _MONTH.finditer(sentence):
        month = month_number(m.group("m"))
        prep = m.group("prep").lower()
        year = _year_of(m.group("y"), ctx)
        if prep == "last" and ctx.base:
            year = ctx.base.year if month < ctx.base.month else ctx.base.year - 1
        if year is None and ctx.base:
            year = recent_year(month, ctx.base, 28)
        if year is None:  # a month of an unknown year: no date rather than a guess
            role = (
                Role.AS_OF
                if prep in ("by", "as of", "until", "through")
                else Role.PERIOD
            )
            period = None if role == Role.AS_OF else Period.MONTH
            add(m, role, None, period) if prep != "since" else None
            continue
        end = month_end(year, month)
        stated = bool(m.group("y") and m.group("y")[0].isdigit())
        if prep == "since":
            add(m, Role.START, end, None, date(year, month, 1), 1, stated)
        elif prep in ("by", "as of", "until", "through"):
            add(m, Role.AS_OF, end, None, None, 2, stated)
        else:
            add(m, Role.PERIOD, end, Period.MONTH, date(year, month, 1), 1, stated)
    for m in _YEAR.finditer(sentence):
        year = int(m.group("y"))
        prep = m.group("prep").lower()
        if prep == "since" or (prep == "from" and not _WHEN.match(sentence, m.end())):
            add(m, Role.START, None, None, date(year, 1, 1), 1, True)
        elif prep in ("by", "as of", "until", "through"):
            add(m, Role.AS_OF, date(year, 12, 31), None, None, 2, True)
        else:
            add(
                m,
                Role.PERIOD,
                date(year, 12, 31),
                Period.YEAR,
                date(year, 1, 1),
                1,
                True,
            )
    for m in _RELATIVE_YEAR.finditer(sentence):
        year = _year_of(m.group("rel") + " year", ctx)
        if year is None:
            add(m, Role.PERIOD, None, Period.YEAR)
            continue
        if m.group("rel").lower() == "this":
            add(m, Role.PERIOD, ctx.base, Period.YEAR_TO_DATE, date(year, 1, 1), 0)
        else:
            # "that year" names the year the sentence or paragraph stated.
            stated = m.group("rel").lower() == "that" and ctx.last_year is not None
            end, start = date(year, 12, 31), date(year, 1, 1)
            add(m, Role.PERIOD, end, Period.YEAR, start, 1, stated)
    for m in _YEAR_ADJECTIVE.finditer(sentence):
        year = int(m.group("y"))
        add(m, Role.PERIOD, date(year, 12, 31), Period.YEAR, date(year, 1, 1), 1, True)
    for m in _YEAR_TO_DATE.finditer(sentence):
        if ctx.base:
            add(
                m,
                Role.PERIOD,
                ctx.base,
                Period.YEAR_TO_DATE,
                date(ctx.base.year, 1, 1),
                2,
            )
    for m in _CURRENT.finditer(sentence):
        add(m, Role.AS_OF, ctx.base, None, None, 0)
    for m in _THEN.finditer(sentence):
        add(m, Role.SAME_AS_BEFORE, None, None, None, 2)
    for m in _SAME_PERIOD.finditer(sentence):
        role = Role.YEAR_BEFORE if m.group("earlier") else Role.SAME_AS_BEFORE
        add(m, role, None, None, None, 2)
    return found


def _without_overlaps(phrases):
    """Of overlapping phrases, the longest (the firmer one when as long)."""
    kept = []
    for phrase in sorted(phrases, key=lambda p: (-(p.end - p.start), -p.strength)):
        if all(phrase.end <= k.start or phrase.start >= k.end for k in kept):
            kept.append(phrase)
    return sorted(kept, key=lambda p: p.start)


def _year_earlier(day):
    if day is None:
        return None
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _resolved(phrase, before):
    """A phrase that points back ("by then", "the same period a year
    earlier") takes the date of ``before``, the phrase before it."""
    if phrase.role not in (Role.SAME_AS_BEFORE, Role.YEAR_BEFORE):
        return phrase
    if before is None:
        return replace(phrase, role=Role.AS_OF, as_of=None, strength=0)
    shift = (lambda day: day) if phrase.role == Role.SAME_AS_BEFORE else _year_earlier
    return replace(
        phrase,
        role=before.role,
        as_of=shift(before.as_of),
        period=before.period,
        period_start=shift(before.period_start),
        stated=before.stated,
    )


def _with_role(phrase, sentence):
    """A start after "since"/"from", a statement date after "said" or
    "according to data released"."""
    if phrase.role in (Role.AS_OF, Role.PERIOD) and phrase.period != Period.CUMULATIVE:
        lead = sentence[max(0, phrase.start - START_REACH) : phrase.start]
        if _START.search(lead) and not re.match(r"(?i)from\s", phrase.text):
            return replace(phrase, role=Role.START)
        reach = sentence[max(0, phrase.start - STATEMENT_REACH) : phrase.start]
        if _STATEMENT.search(reach):
            return replace(phrase, role=Role.STATEMENT)
    return phrase


_STATED_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def find_time_phrases(sentence, ctx):
    """The time phrases of ``sentence``, each with its role and dates: "that
    year" is the year named earlier in the sentence, "by then" the phrase
    before it (in this sentence, else the previous one)."""
    that_year = sentence.lower().find("that year")
    if that_year > 0:
        years = _STATED_YEAR.findall(sentence[:that_year])
        if years:
            ctx = replace(ctx, last_year=int(years[-1]))
    found, before = [], ctx.last_phrase
    for phrase in _without_overlaps(_phrases(sentence, ctx)):
        phrase = _with_role(_resolved(phrase, before), sentence)
        if phrase.role in (Role.AS_OF, Role.PERIOD) and phrase.as_of:
            before = phrase
        found.append(phrase)
    return found
