"""What the extractor proposes: one Figure per stated number, in plain values."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

DASHBOARD_METRICS = (
    "passengers",
    "freight_trips",
    "cargo_tonnes",
    "teu",
    "capacity_gw",
    "investment_usd",
    "jobs",
    "enterprises",
    "cooperative_projects",
    "partner_countries",
    "partner_organizations",
    "partners",
    "agreements",
    "people_out_of_poverty",
)
OTHER = "other"
JSON_KEYS = (
    "metric",
    "value",
    "qualifier",
    "as_of",
    "period",
    "period_start",
    "period_kind",
    "change_percent",
    "project",
    "quote",
    "unit",
    "confidence",
    "as_of_basis",
)


class Period(StrEnum):
    """The span a figure covers, in the vocabulary of ``Observation.period``.

    A figure with no period (a length, a cost, a forecast) has ``None``."""

    CUMULATIVE = "cumulative"
    YEAR = "year"
    HALF_YEAR = "half_year"
    QUARTER = "quarter"
    MONTH = "month"
    YEAR_TO_DATE = "year_to_date"
    DAY = "day"


# What the JSON output calls each period: the answer keys' vocabulary, where a
# year-to-date figure is a (partial) year and a one-day count has no period.
JSON_PERIOD = {
    Period.YEAR_TO_DATE: Period.YEAR,
    Period.DAY: None,
}


class Qualifier(StrEnum):
    EXACT = "exact"
    MORE_THAN = "more_than"
    NEARLY = "nearly"
    ABOUT = "about"
    UP_TO = "up_to"
    PROJECTED = "projected"


class AsOfBasis(StrEnum):
    """What a figure's as-of date was read from."""

    STATED = "stated", "a date the text states in full"
    PUBLISHED_ON = "published_on", "the publication date given"
    DATELINE = "dateline", "the dateline's date"
    DATELINE_YEAR = (
        "dateline_year",
        "the dateline's day, in the first year the text allows",
    )
    DATE_LINE = "date_line", "a date line printed in the text"
    NONE = "none", "no date: none stated and no publication date"

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class Figure:
    metric: str
    value: Decimal
    qualifier: str = Qualifier.EXACT
    as_of: date | None = None
    period: str | None = Period.CUMULATIVE
    period_start: date | None = None
    change_percent: Decimal | None = None
    project: str | None = None
    quote: str = ""
    confidence: float = 0.5
    as_of_basis: AsOfBasis = AsOfBasis.NONE
    unit: str = ""  # what an "other" figure counts: "km", "percent", "CNY"...

    def to_json(self):
        period = JSON_PERIOD.get(self.period, self.period)
        return {
            "metric": self.metric,
            "value": _number(self.value),
            "qualifier": str(self.qualifier),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "period": str(period) if period else None,
            "period_start": self.period_start.isoformat()
            if self.period_start
            else None,
            "period_kind": str(self.period) if self.period else None,
            "change_percent": _number(self.change_percent),
            "project": self.project,
            "quote": self.quote,
            "unit": self.unit,
            "confidence": round(self.confidence, 2),
            "as_of_basis": str(self.as_of_basis),
        }
