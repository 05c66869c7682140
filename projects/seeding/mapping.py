"""How a figure of fixtures/bri_facts.json becomes an Observation's fields.

Pure functions, no database: the facts file describes each figure with a
free-text ``unit`` ("passengers in one day (record)", "USD construction
contracts, 2024"), which decides the metric and period where the facts'
own keys are too coarse.
"""

import re
from datetime import date
from decimal import Decimal

from sources.dates import DatePrecision, parse_partial_date
from sources.periods import period_start_for

# The facts file's metric "countries" means whatever its unit says; for a
# project it counts where the project reaches, for the initiative its partners.
_COMBINED_PARTNERS = re.compile(r"combined|countries,? (regions )?and international")
_CHANGE = re.compile(
    r"([+-]?\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:y/y|year on year|increase)"
)
_APPROXIMATE_DATE = re.compile(r"^\s*c\.\s*")
_LANGUAGES = {
    "tagalog": "tl",
    "japanese": "ja",
    "urdu": "ur",
    "indonesian": "id",
    "italian": "it",
    "serbian": "sr",
    "spanish": "es",
}

_NOT_THE_SERIES = (
    "design capacity",
    "(single ",
    "first regular",
    "(cross-border)",
    "(cross-border,",
    "import/export",
)

# Figures whose facts record needs one correction the unit text cannot carry.
# Key: (facts scope, metric, value, as_of). Link the decision to its reason.
OVERRIDES = {
    # "total China-Laos Railway freight": the railway's figure, reported in an
    # article about the Lancang-Mekong Express.
    ("lancang_mekong_express", "cargo_tonnes", 56000000, "2025-03-30"): {
        "scope": "china_laos_railway"
    },
    # "past 14 months" and "2022 to 2023-06-14" are spans, not year-to-date.
    ("gwadar_cpec", "cargo_tonnes", 600000, "2023-07-27"): {
        "period": "span",
        "period_start": date(2022, 5, 28),
    },
    ("gwadar_cpec", "cargo_tonnes", 637124, "2023-06-14"): {
        "period": "span",
        "period_start": date(2022, 1, 1),
    },
}


def language_of(*texts):
    """ISO 639-1 code named in a title or note ("[Tagalog] ...", "Urdu; ..")."""
    for text in texts:
        lowered = (text or "").lower()
        for name, code in _LANGUAGES.items():
            if name in lowered:
                return code
    return "en"


def parse_fact_date(text, *, end):
    """A facts date with its precision; "c. 2021" reads as 2021, approximate."""
    approximate = bool(_APPROXIMATE_DATE.match(text or ""))
    value, precision = parse_partial_date(
        _APPROXIMATE_DATE.sub("", text or ""), end=end
    )
    return value, precision, approximate


def _metric_for(scope, metric, unit):
    unit = unit.lower()
    initiative = scope is None
    if metric == "countries":
        if not initiative:
            return "countries_reached"
        if _COMBINED_PARTNERS.search(unit):
            return "partners"
        return "partner_countries"
    if metric == "investment_usd":
        if "engagement" in unit:
            return "engagement_usd"
        if "construction contracts" in unit:
            return "construction_usd"
        return "investment_usd"
    if metric == "other":
        if unit.startswith("international organi"):
            return "partner_organizations"
        if "enterprises" in unit:
            return "enterprises"
        if "workshops" in unit or "centers" in unit or "centres" in unit:
            return "workshops"
        if "students" in unit or "people trained" in unit:
            return "people_trained"
        return "other"
    # A design capacity, one train's load or passengers, or a cross-border
    # share of a railway's cargo are not points of the metric's main series.
    if any(word in unit for word in _NOT_THE_SERIES):
        return "other"
    return metric


def _period_for(period, unit):
    if period == "to_date":
        return "year_to_date"
    if period is None:
        return "day" if "in one day" in unit.lower() else "point"
    return period


def map_fact(scope, fact):
    """Observation fields for one facts figure of ``scope`` (a facts project id,
    or None for initiative-wide figures). Returns a dict with the key
    ``scope`` (possibly corrected) and the Observation field values."""
    unit = fact.get("unit", "")
    override = OVERRIDES.get((scope, fact["metric"], fact["value"], fact["as_of"]), {})
    as_of, precision, approximate = parse_fact_date(fact["as_of"], end=True)
    period = override.get("period", _period_for(fact.get("period"), unit))
    qualifier = fact["qualifier"]
    if qualifier == "exact" and "projected" in unit.lower():
        qualifier = "projected"
    notes = [fact.get("note", "")]
    if approximate:
        notes.append(f"Date approximate ({fact['as_of']}).")
    change = _CHANGE.search(f"{fact.get('note', '')} {unit}")
    return {
        "scope": override.get("scope", scope),
        "metric": _metric_for(scope, fact["metric"], unit),
        "value": Decimal(str(fact["value"])),
        "qualifier": qualifier,
        "period": period,
        "period_start": override.get(
            "period_start", period_start_for(period, as_of, precision)
        ),
        "as_of": as_of,
        "as_of_precision": precision or DatePrecision.DAY,
        "change_percent": Decimal(change.group(1)) if change else None,
        "counted": unit,
        "confidence": fact.get("confidence", ""),
        "note": " ".join(n for n in notes if n),
    }
