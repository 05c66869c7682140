"""Figures as readers see them: "10M+ passengers", "~US$1T", "3,398 trips"."""

from decimal import ROUND_HALF_UP, Decimal

from projects.choices import ObservationQualifier as Qualifier
from projects.units import is_currency

_SCALES = [
    (Decimal(10) ** 12, "T"),
    (Decimal(10) ** 9, "B"),
    (Decimal(10) ** 6, "M"),
    (Decimal(10) ** 3, "K"),
]
_APPROXIMATE = {Qualifier.ABOUT, Qualifier.NEARLY}


def compact_number(value):
    """10000000 -> "10M", 110000 -> "110K", 17800000000 -> "17.8B", 3398 -> "3,398".

    Numbers below 10,000 keep all their digits: "3,398" says more than "3.4K".
    """
    value = Decimal(value)
    # Largest scale first; rounding may carry into the next scale up
    # (999,999,999 is "1B", not "1000M").
    for size, suffix in _SCALES:
        scaled = (value / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if scaled >= 1 and (size > 1000 or value >= 10_000):
            return f"{scaled.normalize():f}{suffix}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def humanize_figure(value, metric, qualifier, *, unit=True, own_unit=""):
    """A figure with its qualifier and unit, in the site's one notation;
    ``unit=False`` leaves the unit out ("100K+", "~US$1T"). ``own_unit`` is
    the unit of a figure whose metric has none ("Other figure")."""
    if value is None:
        return ""
    number = compact_number(value)
    shown_unit = own_unit or (metric.unit if metric is not None else "")
    if metric is not None and metric.is_currency:
        number, shown_unit = f"US${number}", ""
    elif is_currency(shown_unit):
        # "US$490B", "TT$485M", but "CNY 12B".
        glue = "" if shown_unit.endswith("$") else " "
        number, shown_unit = f"{shown_unit}{glue}{number}", ""
    if qualifier == Qualifier.MORE_THAN:
        number = f"{number}+"
    elif qualifier in _APPROXIMATE:
        number = f"~{number}"
    elif qualifier == Qualifier.UP_TO:
        number = f"≤{number}"
    text = f"{number} {shown_unit}" if unit and shown_unit else number
    if qualifier == Qualifier.PROJECTED:
        text = f"{text} (projected)"
    return text
