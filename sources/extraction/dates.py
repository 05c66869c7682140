"""Calendar arithmetic and the date parser, for time phrases."""

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from sources.extraction.numbers import MONTHS

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_PARSER_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}
_SLASH_YEAR = re.compile(r"(\d{1,2})/(\d{4})$")  # "May 12/2024"


def month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def month_number(name):
    return MONTHS.get(name.lower().rstrip("."))


def recent_year(month, base, day=1):
    """The year of the most recent ``month`` (and day) on or before ``base``."""
    if base is None:
        return None
    return base.year if (month, day) <= (base.month, base.day) else base.year - 1


def weekday_before(name, base, *, last=False):
    """The most recent weekday ``name`` on or before ``base`` ("on Monday" in
    a Monday release is that day; "last Monday" is the one before)."""
    back = (base.weekday() - WEEKDAYS[name.lower()]) % 7
    if last and back == 0:
        back = 7
    return base - timedelta(days=back)


@lru_cache(maxsize=512)
def _parse(phrase, base):
    import dateparser  # on first use: a tenth of a second that start-up need not pay

    settings = dict(_PARSER_SETTINGS)
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def parse_day(phrase, *, base):
    """A day written as "Nov. 12", "12 November 2023", "May 12/2024" or
    "2025-01-09", resolved against ``base`` when it has no year (the most
    recent such day on or before it); None when it cannot be read or has no
    year and there is no base."""
    phrase = _SLASH_YEAR.sub(r"\1, \2", phrase.strip().rstrip(","))
    if base is None and not re.search(r"\d{4}", phrase):
        return None
    return _parse(phrase, base)
