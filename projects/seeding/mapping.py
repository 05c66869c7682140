"""How a figure of fixtures/bri_facts.json becomes an Observation's fields.

Pure functions, no database: the facts file describes each figure with a
free-text ``unit`` ("passengers in one day (record)", "USD construction
contracts, 2024"), which decides the metric and period where the facts'
own keys are too coarse.
"""

import re
from datetime import date
from decimal import Decimal

from projects.units import derive_unit
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


# The facts' unit text often only restates the metric, with the figure's date
# or period in it ("train trips (H1 2021)", "USD construction contracts,
# 2024"): such a figure counts what its metric counts and its ``counted``
# stays empty, so that it joins the metric's series. Anything else the text
# says narrows the figure (a subset, a design capacity) and is kept.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_WORDS = (
    rf"(?:\d{{4}}(?:-\d{{2}}){{0,2}}|[hq][1-4]|{_MONTH}|to|since|end|year|inferred|"
    r"projected|record|preliminary|milestone|at|full|operation|capacity|"
    r"per|month|one|day|in|-|–|,|;)"
)
_DATE_NOTE = re.compile(
    rf"\s*(?:\((?:{_DATE_WORDS}|\s)+\)|,(?:\s*{_DATE_WORDS})+)\s*$",
    re.IGNORECASE,
)
_WHAT_THE_METRIC_COUNTS = {
    "passengers": {
        "passengers",
        "passenger trips",
        "passengers in one day",
        "passengers per year",
        "passenger trips per month",
        "passengers (millionth passenger)",
    },
    "freight_trips": {"train trips", "freight trains", "freight train journeys"},
    "cargo_tonnes": {"tonnes"},
    "teu": {"teu", "teu (standard containers)", "teu (2019 year-to-date milestone)"},
    "capacity_gw": {"gw", "gw electricity", "gw power"},
    "jobs": {"jobs"},
    "partner_countries": {"countries"},
    "partner_organizations": {"international organizations"},
    "partners": {
        "countries and international organisations (combined)",
        "countries and international organizations (combined)",
    },
    "countries_reached": {"countries"},
    "agreements": {"cooperation documents"},
    "workshops": {"workshops"},
    "people_trained": {"people trained"},
    "engagement_usd": {
        "usd bri engagement",
        "usd bri engagement (investment + construction)",
        "usd bri engagement, 2024 (preliminary; ~340 deals, 149 countries)",
        "usd bri engagement, 2024 (revised figure in 2025 report)",
        "usd bri engagement, h1 2025 (record six-month total)",
        "usd cumulative bri engagement 2013-2024",
        "usd cumulative engagement with 150 countries since 2013",
    },
    "construction_usd": {"usd construction contracts"},
    "investment_usd": {"usd investments", "usd direct investment"},
}


def counted_for(metric, unit):
    """What a figure of ``metric`` counts, if narrower than the metric: ""
    when the facts' unit text only restates the metric and its date."""
    text = unit.strip()
    while (trimmed := _DATE_NOTE.sub("", text)) != text:
        text = trimmed
    if text.lower() in _WHAT_THE_METRIC_COUNTS.get(metric, ()):
        return ""
    return text or unit.strip()


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
    metric = _metric_for(scope, fact["metric"], unit)
    counted = unit.strip() if metric == "other" else counted_for(metric, unit)
    return {
        "scope": override.get("scope", scope),
        "metric": metric,
        "value": Decimal(str(fact["value"])),
        "qualifier": qualifier,
        "period": period,
        "period_start": override.get(
            "period_start", period_start_for(period, as_of, precision)
        ),
        "as_of": as_of,
        "as_of_precision": precision or DatePrecision.DAY,
        "change_percent": Decimal(change.group(1)) if change else None,
        "counted": counted,
        "unit": derive_unit(counted) if metric == "other" else "",
        "confidence": fact.get("confidence", ""),
        "note": " ".join(n for n in notes if n),
    }
