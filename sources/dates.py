"""Dates known to a day, a month or a year, as sources state them."""

import calendar
import re
from datetime import date

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


_PARTIAL_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?!\d)")


def parse_partial_date(text, *, end=False):
    """Read a leading ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from ``text``.

    Returns ``(date, precision)``, or ``(None, None)`` when the text starts
    with no date ("n/a", "undated"). A year or month stands for its first day,
    or its last day with ``end=True`` (an as-of date is the last day a figure
    covers). Anything after the date ("(approx.)") is ignored here; callers
    keep the raw text where it carries meaning.
    """
    match = _PARTIAL_DATE.match(text or "")
    if not match:
        return None, None
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is None:
        return (date(year, 12, 31) if end else date(year, 1, 1)), DatePrecision.YEAR
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, last if end else 1), DatePrecision.MONTH
    return date(year, month, day), DatePrecision.DAY


def format_partial_date(value, precision):
    """Show a date at its precision: "2021", "Mar 2021" or "31 Mar 2021"."""
    if value is None:
        return "undated"
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%b %Y")
    return f"{value.day} {value.strftime('%b %Y')}"
