"""What a figure's period means in dates: where it starts, and whether a
stated start and as-of date fit the period."""

import calendar
from datetime import date, timedelta

from sources.dates import DatePrecision

REPORTING_SLACK = timedelta(days=7)
# Periods of a fixed length, in months.
_MONTHS = {"year": 12, "half_year": 6, "quarter": 3, "month": 1}


def add_months(day, months):
    """``day`` moved by ``months``, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_start_for(period, as_of, precision):
    """First day covered by a figure of this period ending on ``as_of``."""
    if as_of is None:
        return None
    if period == "year" and precision == DatePrecision.YEAR:
        return date(as_of.year, 1, 1)
    if period == "year":
        # A year ending on a given day: the twelve months up to it.
        return add_months(as_of, -12) + timedelta(days=1)
    if period == "half_year":
        return date(as_of.year, 1 if as_of.month <= 6 else 7, 1)
    if period == "quarter":
        return date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    if period == "month":
        return date(as_of.year, as_of.month, 1)
    if period == "year_to_date":
        return date(as_of.year, 1, 1)
    if period == "day":
        return as_of
    return None


def period_problem(period, period_start, as_of):
    """Why ``period_start``..``as_of`` does not fit ``period``, or None."""
    if period == "span" and period_start is None:
        return "A stated span needs its start date."
    if period_start is None or as_of is None:
        return None
    if period in _MONTHS:
        months = _MONTHS[period]
        end = add_months(period_start, months) - timedelta(days=1)
        # Releases date a quarter's figure "by late March" too: a few days'
        # slack at the end, none at the start.
        if not end - REPORTING_SLACK <= as_of <= end:
            label = {12: "a year", 6: "six months", 3: "three months", 1: "a month"}
            return (
                f"A {period.replace('_', '-')} figure spans {label[months]}: from "
                f"{period_start:%-d %b %Y} it ends on {end:%-d %b %Y}, "
                f"not {as_of:%-d %b %Y}."
            )
    if period == "year_to_date" and period_start != date(as_of.year, 1, 1):
        return f"A year-to-date figure starts on 1 January {as_of.year}."
    if period == "day" and period_start != as_of:
        return "A single-day figure starts and ends on its as-of date."
    return None
