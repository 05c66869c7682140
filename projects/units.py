"""What a figure's value is in, and what exactly it counts.

Figures of a metric take the metric's unit. A figure of “Other figure”
states both itself: ``counted`` in words ("value of goods carried") and a
unit ("US$", "tonnes", "passengers") that can be read off the start of the
counted text when an editor leaves it out.
"""

import re

# Unit codes a value can be in, as written on the site.
CURRENCIES = {"USD": "US$", "US$": "US$", "CNY": "CNY", "EUR": "EUR", "TT$": "TT$"}
MEASURES = {
    "tonnes": "tonnes",
    "teu": "TEU",
    "percent": "percent",
    "%": "percent",
    "hours": "hours",
    "km": "km",
    "gwp": "GWp",
    "gw": "GW",
    "mw": "MW",
}
# A count names what it counts with a plural noun: "investors on board".
_PLURAL = re.compile(r"^[a-z-]{3,}s$")
_FIRST_WORD = re.compile(r"[\s(,;]")


def derive_unit(counted: str) -> str:
    """The unit the counted text opens with: "USD (value of goods)" -> "US$",
    "tonnes (cross-border)" -> "tonnes", "investors on board" ->
    "investors"; "" when it names none."""
    text = counted.strip()
    if not text:
        return ""
    first = _FIRST_WORD.split(text, maxsplit=1)[0]
    if first.upper() in CURRENCIES or first in CURRENCIES:
        return CURRENCIES.get(first, CURRENCIES.get(first.upper()))
    if first.lower() in MEASURES:
        return MEASURES[first.lower()]
    for word in text.split("(")[0].split():
        if _PLURAL.match(word.lower()):
            return word.lower()
    return ""


def is_currency(unit: str) -> bool:
    return unit in CURRENCIES.values()
