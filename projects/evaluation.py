"""Scoring a figure extractor against a hand-made answer key.

A pure module (no Django, no database, no files) that reproduces the rules of
the reference scorer that came with the extraction development set
(``score.py``; tests/data/extraction-devset/README.md describes the keys), so
that ``manage.py eval_extraction`` prints the same totals:

* predictions are normalised (metric spelling, qualifier and period synonyms,
  partial dates) and duplicates (same metric, as_of and period, value within
  the tolerance) collapse into one group that counts once;
* groups are matched one to one with key items of the same metric whose value
  is within 0.5 % (relative), greedily by best quote overlap, then by how many
  attributes agree, then by closeness of value;
* key items marked ``optional`` are neither required nor penalised: a group
  matched to one is left out of the count of predictions;
* ``accept`` lists in a key item give further correct qualifiers, dates and
  periods;
* a prediction that is not an object or has no readable metric or value is
  invalid and counts as a (wrong) prediction in both scopes;
* the primary scope is every metric except ``other``; the secondary scope is
  every metric.

``tests/test_eval_extraction.py`` checks that the totals equal score.py's on a
fixed set of predictions, so the two cannot drift apart silently.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

REL_TOL = 0.005  # values within 0.5 % (relative) of the key's match
CHANGE_PERCENT_TOL = 0.05  # percentage points, for the (informative) change check
OTHER_METRIC = "other"

QUALIFIER_SYNONYMS: Mapping[str, str] = {
    "": "exact",
    "none": "exact",
    "null": "exact",
    "exact": "exact",
    "exactly": "exact",
    "eq": "exact",
    "=": "exact",
    "more_than": "more_than",
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "exceeding": "more_than",
    "exceeds": "more_than",
    "greater_than": "more_than",
    "at_least": "more_than",
    "gt": "more_than",
    ">": "more_than",
    "surpassing": "more_than",
    "topped": "more_than",
    "plus": "more_than",
    "nearly": "nearly",
    "almost": "nearly",
    "close_to": "nearly",
    "just_under": "nearly",
    "under": "nearly",
    "about": "about",
    "approximately": "about",
    "approx": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "circa": "about",
    "~": "about",
    "estimated": "about",
    "up_to": "up_to",
    "up to": "up_to",
    "maximum": "up_to",
    "max": "up_to",
    "at_most": "up_to",
    "projected": "projected",
    "projection": "projected",
    "expected": "projected",
    "forecast": "projected",
    "target": "projected",
    "planned": "projected",
    "estimate_future": "projected",
}
PERIOD_SYNONYMS: Mapping[str, str | None] = {
    "": None,
    "none": None,
    "null": None,
    "n/a": None,
    "cumulative": "cumulative",
    "total": "cumulative",
    "since_launch": "cumulative",
    "stock": "cumulative",
    "year": "year",
    "annual": "year",
    "yearly": "year",
    "calendar_year": "year",
    "fy": "year",
    "half_year": "half_year",
    "halfyear": "half_year",
    "half": "half_year",
    "h1": "half_year",
    "h2": "half_year",
    "semiannual": "half_year",
    "semi_annual": "half_year",
    "six_months": "half_year",
    "quarter": "quarter",
    "quarterly": "quarter",
    "q1": "quarter",
    "q2": "quarter",
    "q3": "quarter",
    "q4": "quarter",
    "month": "month",
    "monthly": "month",
    "to_date": "to_date",
    "ytd": "to_date",
    "year_to_date": "to_date",
    "day": "day",
    "daily": "day",
    "single_day": "day",
}
EMPTY_DATES = frozenset({"", "null", "none", "n/a"})
EMPTY_PROJECTS = frozenset({"", "null", "none"})

# UTF-8 read as Windows-1252, and typographic characters, as the scorer unifies
# them before comparing quotes.
MOJIBAKE: Sequence[tuple[str, str]] = (
    ("\u00e2\u20ac\u2122", "'"),
    ("\u00e2\u20ac\u02dc", "'"),
    ("\u00e2\u20ac\u0153", '"'),
    ("\u00e2\u20ac\u009d", '"'),
    ("\u00e2\u20ac\u201d", "-"),
    ("\u00e2\u20ac\u201c", "-"),
    ("\u00e2\u20ac\u00a6", "..."),
    ("\u00c2\u00a0", " "),
    ("\u00c2 ", " "),
)
TYPOGRAPHIC: Sequence[tuple[str, str]] = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2014", "-"),
    ("\u2013", "-"),
    ("\u00a0", " "),
    ("\u202f", " "),
)

# Other names of projects, for the informative project check only.
PROJECT_ALIASES: Mapping[str, str | None] = {
    "whoosh": "jakarta-bandung high-speed railway",
    "kcjb": "jakarta-bandung high-speed railway",
    "jakarta-bandung hsr": "jakarta-bandung high-speed railway",
    "laos-china railway": "china-laos railway",
    "kunming-vientiane railway": "china-laos railway",
    "cr express": "china-europe railway express",
    "china-europe freight train": "china-europe railway express",
    "china-europe freight trains": "china-europe railway express",
    "madaraka express": "mombasa-nairobi standard gauge railway",
    "sgr": "mombasa-nairobi standard gauge railway",
    "ethiopia-djibouti railway": "addis ababa-djibouti railway",
    "budapest-belgrade railway": "hungary-serbia railway",
    "belgrade-novi sad railway": "hungary-serbia railway",
    "cpec": "china-pakistan economic corridor",
    "piraeus port": "port of piraeus",
    "luban workshops": "luban workshop",
    "juncao": "juncao technology cooperation",
    "belt and road initiative": None,
    "bri": None,
    "initiative-wide": None,
    "initiative wide": None,
}

_SEPARATORS = re.compile(r"[\s\-]+")
_WHITESPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_PARENTHESES = re.compile(r"\(.*?\)")


class Scope(StrEnum):
    PRIMARY = "primary"  # the dashboard metrics: every metric but "other"
    SECONDARY = "secondary"  # every metric, "other" included

    def covers(self, metric: str) -> bool:
        return self is Scope.SECONDARY or metric != OTHER_METRIC


# --------------------------------------------------------------------------
# Normalisers


def repair(text: Any) -> str:
    """Undo common mojibake and unify quotes, dashes and spaces."""
    if not isinstance(text, str):
        return ""
    for bad, good in (*MOJIBAKE, *TYPOGRAPHIC):
        text = text.replace(bad, good)
    return text


def normalise_text(text: Any) -> str:
    return _WHITESPACE.sub(" ", repair(text).lower()).strip()


def quote_similarity(predicted: str, expected: str) -> float:
    """1.0 if one quote contains the other, else the Jaccard overlap of tokens."""
    p, k = normalise_text(predicted), normalise_text(expected)
    if not p or not k:
        return 0.0
    if p in k or k in p:
        return 1.0
    a, b = set(_TOKEN.findall(p)), set(_TOKEN.findall(k))
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def to_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        try:
            return float(cleaned)
        except ValueError:
            return None
    return None


def normalise_metric(metric: Any) -> str | None:
    if not isinstance(metric, str):
        return None
    return _SEPARATORS.sub("_", metric.strip().lower())


def normalise_qualifier(qualifier: Any) -> str:
    if qualifier is None:
        return "exact"
    if not isinstance(qualifier, str):
        return str(qualifier)
    lowered = qualifier.strip().lower()
    if lowered in QUALIFIER_SYNONYMS:
        return QUALIFIER_SYNONYMS[lowered]
    joined = _SEPARATORS.sub("_", lowered)
    return QUALIFIER_SYNONYMS.get(joined, joined)


def normalise_period(period: Any) -> str | None:
    if period is None:
        return None
    if not isinstance(period, str):
        return str(period)
    joined = _SEPARATORS.sub("_", period.strip().lower())
    return PERIOD_SYNONYMS.get(joined, joined)


def normalise_date(value: Any) -> str | None:
    """YYYY -> YYYY-12-31, YYYY-MM -> the month's last day; '' and null -> None.

    Anything else unreadable is returned as it is (and so matches nothing).
    """
    if value is None:
        return None
    text = (value if isinstance(value, str) else str(value)).strip()
    if text.lower() in EMPTY_DATES:
        return None
    if match := _FULL_DATE.match(text):
        try:
            return datetime.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return text
    if match := _YEAR_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return datetime.date(year, month, last).isoformat()
        return text
    if _YEAR.match(text):
        return f"{text}-12-31"
    return text


def normalise_project(project: Any) -> str | None:
    if project is None:
        return None
    text = project if isinstance(project, str) else str(project)
    text = _PARENTHESES.sub("", text.lower()).replace("\u2013", "-")
    text = _WHITESPACE.sub(" ", text.replace("\u2014", "-").strip())
    if text in EMPTY_PROJECTS:
        return None
    return PROJECT_ALIASES.get(text, text)


def project_agrees(predicted: Any, expected: Any) -> bool:
    a, b = normalise_project(predicted), normalise_project(expected)
    if a is None or b is None:
        return a is None and b is None
    return a == b or a in b or b in a


def values_match(predicted: float, expected: float) -> bool:
    if expected == 0:
        return predicted == 0
    return abs(predicted - expected) <= REL_TOL * abs(expected)


def _same_value(a: float, b: float) -> bool:
    """Symmetric tolerance, as duplicates are grouped."""
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


# --------------------------------------------------------------------------
# Key items and predictions


@dataclass(frozen=True)
class KeyItem:
    index: int
    metric: str | None
    value: float | None
    qualifier: str
    as_of: str | None
    period: str | None
    quote: str
    project: Any
    change_percent: float | None
    optional: bool
    accepted_qualifiers: frozenset[str]
    accepted_as_of: frozenset[str | None]
    accepted_periods: frozenset[str | None]

    @classmethod
    def from_json(cls, index: int, item: Mapping[str, Any]) -> KeyItem:
        accept = item.get("accept") or {}
        return cls(
            index=index,
            metric=normalise_metric(item.get("metric")),
            value=to_float(item.get("value")),
            qualifier=normalise_qualifier(item.get("qualifier")),
            as_of=normalise_date(item.get("as_of")),
            period=normalise_period(item.get("period")),
            quote=item.get("quote") or "",
            project=item.get("project"),
            change_percent=to_float(item.get("change_percent")),
            optional=bool(item.get("optional")),
            accepted_qualifiers=frozenset(
                normalise_qualifier(q) for q in accept.get("qualifier", [])
            ),
            accepted_as_of=frozenset(
                normalise_date(d) for d in accept.get("as_of", [])
            ),
            accepted_periods=frozenset(
                normalise_period(p) for p in accept.get("period", [])
            ),
        )


@dataclass(frozen=True)
class Prediction:
    index: int
    metric: str
    value: float
    qualifier: str
    as_of: str | None
    period: str | None
    quote: str
    project: Any
    change_percent: float | None


@dataclass(frozen=True)
class InvalidPrediction:
    index: int
    reason: str
    raw: Any


@dataclass
class PredictionGroup:
    """Predictions that say the same thing; the first one represents them."""

    metric: str
    variants: list[Prediction]

    @property
    def first(self) -> Prediction:
        return self.variants[0]


@dataclass(frozen=True)
class PreparedPredictions:
    groups: list[PredictionGroup]
    invalid: list[InvalidPrediction]
    duplicates: int


def prepare_predictions(predictions: Sequence[Any]) -> PreparedPredictions:
    """Validate, normalise and group duplicates (metric, value, as_of, period)."""
    groups: list[PredictionGroup] = []
    invalid: list[InvalidPrediction] = []
    duplicates = 0
    for index, raw in enumerate(predictions):
        if not isinstance(raw, Mapping):
            invalid.append(InvalidPrediction(index, "not an object", raw))
            continue
        metric, value = normalise_metric(raw.get("metric")), to_float(raw.get("value"))
        if metric is None or value is None:
            reason = "missing or unreadable metric/value"
            invalid.append(InvalidPrediction(index, reason, raw))
            continue
        quote = raw.get("quote")
        prediction = Prediction(
            index=index,
            metric=metric,
            value=value,
            qualifier=normalise_qualifier(raw.get("qualifier")),
            as_of=normalise_date(raw.get("as_of")),
            period=normalise_period(raw.get("period")),
            quote=quote if isinstance(quote, str) else "",
            project=raw.get("project"),
            change_percent=to_float(raw.get("change_percent")),
        )
        for group in groups:
            head = group.first
            if (
                head.metric == metric
                and head.as_of == prediction.as_of
                and head.period == prediction.period
                and _same_value(head.value, value)
            ):
                group.variants.append(prediction)
                duplicates += 1
                break
        else:
            groups.append(PredictionGroup(metric, [prediction]))
    return PreparedPredictions(groups, invalid, duplicates)


# --------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class AttributeCheck:
    qualifier: bool
    as_of: bool
    period: bool

    @classmethod
    def of(cls, prediction: Prediction, key: KeyItem) -> AttributeCheck:
        return cls(
            qualifier=prediction.qualifier == key.qualifier
            or prediction.qualifier in key.accepted_qualifiers,
            as_of=prediction.as_of == key.as_of
            or prediction.as_of in key.accepted_as_of,
            period=prediction.period == key.period
            or prediction.period in key.accepted_periods,
        )

    @property
    def agreeing(self) -> int:
        return self.qualifier + self.as_of + self.period

    @property
    def all_right(self) -> bool:
        return self.qualifier and self.as_of and self.period


@dataclass(frozen=True)
class Match:
    group_index: int
    key: KeyItem
    prediction: Prediction  # the group's variant that fits the key best
    check: AttributeCheck

    @property
    def change_percent_agrees(self) -> bool:
        expected, got = self.key.change_percent, self.prediction.change_percent
        if expected is None or got is None:
            return expected is None and got is None
        return abs(expected - got) <= CHANGE_PERCENT_TOL

    @property
    def project_agrees(self) -> bool:
        return project_agrees(self.prediction.project, self.key.project)


@dataclass(frozen=True)
class _Candidate:
    similarity: float
    agreeing: int
    closeness: float
    group_index: int
    key: KeyItem
    prediction: Prediction

    @property
    def rank(self) -> tuple[float, int, float, int, int]:
        # Best first: quote overlap, agreeing attributes, closeness of value,
        # then the earlier group and the earlier key item.
        return (
            self.similarity,
            self.agreeing,
            self.closeness,
            -self.group_index,
            -self.key.index,
        )


def _best_variant(group: PredictionGroup, key: KeyItem) -> _Candidate | None:
    best: _Candidate | None = None
    assert key.value is not None
    for variant in group.variants:
        if not values_match(variant.value, key.value):
            continue
        candidate = _Candidate(
            similarity=quote_similarity(variant.quote, key.quote),
            agreeing=AttributeCheck.of(variant, key).agreeing,
            closeness=-abs(variant.value - key.value) / max(abs(key.value), 1e-12),
            group_index=-1,
            key=key,
            prediction=variant,
        )
        if best is None or candidate.rank[:3] > best.rank[:3]:
            best = candidate
    return best


def match(groups: Sequence[PredictionGroup], keys: Sequence[KeyItem]) -> list[Match]:
    """One-to-one matches, greedily by the best candidate first."""
    candidates = []
    for group_index, group in enumerate(groups):
        for key in keys:
            if group.metric != key.metric or key.value is None:
                continue
            best = _best_variant(group, key)
            if best is not None:
                candidates.append(
                    _Candidate(
                        best.similarity,
                        best.agreeing,
                        best.closeness,
                        group_index,
                        key,
                        best.prediction,
                    )
                )
    candidates.sort(key=lambda c: c.rank, reverse=True)
    used_groups: set[int] = set()
    used_keys: set[int] = set()
    matches = []
    for c in candidates:
        if c.group_index in used_groups or c.key.index in used_keys:
            continue
        used_groups.add(c.group_index)
        used_keys.add(c.key.index)
        check = AttributeCheck.of(c.prediction, c.key)
        matches.append(Match(c.group_index, c.key, c.prediction, check))
    return matches


# --------------------------------------------------------------------------
# Scores


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class AttributeCounts:
    """On matched pairs: how many had each attribute right."""

    matched: int = 0
    qualifier: int = 0
    as_of: int = 0
    period: int = 0
    all_right: int = 0  # qualifier, as_of and period all right
    change_percent: int = 0  # informative
    project: int = 0  # informative

    def count(self, pair: Match) -> None:
        self.matched += 1
        self.qualifier += pair.check.qualifier
        self.as_of += pair.check.as_of
        self.period += pair.check.period
        self.all_right += pair.check.all_right
        self.change_percent += pair.change_percent_agrees
        self.project += pair.project_agrees

    def add(self, other: AttributeCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def accuracy(self, name: str) -> float | None:
        return ratio(getattr(self, name), self.matched)


@dataclass
class ScopeScore:
    true_positives: int = 0
    predicted: int = 0
    expected: int = 0
    attributes: AttributeCounts = field(default_factory=AttributeCounts)

    def add(self, other: ScopeScore) -> None:
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.expected += other.expected
        self.attributes.add(other.attributes)

    @property
    def precision(self) -> float:
        if self.predicted:
            return self.true_positives / self.predicted
        return 1.0 if self.expected == 0 else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fully_right(self) -> float:
        """Share of the required key figures found with every attribute right."""
        return self.attributes.all_right / self.expected if self.expected else 1.0


@dataclass
class ReleaseScore:
    name: str
    primary: ScopeScore
    secondary: ScopeScore
    matches: list[Match]  # pairs with required key items
    missed: list[KeyItem]  # required key items nothing matched
    spurious: list[Prediction]  # the first variant of each unmatched group
    invalid: list[InvalidPrediction]
    duplicates: int
    ignored_optional: int  # groups matched to optional key items
    predictions: int  # as given, before grouping

    def scope(self, scope: Scope) -> ScopeScore:
        return self.primary if scope is Scope.PRIMARY else self.secondary


def key_items(key: Iterable[Mapping[str, Any]]) -> list[KeyItem]:
    return [KeyItem.from_json(index, item) for index, item in enumerate(key)]


def score_release(
    name: str, key: Sequence[Mapping[str, Any]], predictions: Sequence[Any]
) -> ReleaseScore:
    """Score one release's predictions (JSON-like dicts) against its key."""
    keys = key_items(key)
    prepared = prepare_predictions(predictions)
    pairs = match(prepared.groups, keys)
    optional_groups = {p.group_index for p in pairs if p.key.optional}
    scored_groups = [
        index for index in range(len(prepared.groups)) if index not in optional_groups
    ]
    required_pairs = [p for p in pairs if not p.key.optional]
    scopes = {}
    for scope in Scope:
        score = ScopeScore(
            true_positives=sum(1 for p in required_pairs if scope.covers(p.key.metric)),
            predicted=sum(
                1 for i in scored_groups if scope.covers(prepared.groups[i].metric)
            )
            + len(prepared.invalid),
            expected=sum(
                1 for k in keys if not k.optional and scope.covers(k.metric or "")
            ),
        )
        for pair in required_pairs:
            if scope.covers(pair.key.metric):
                score.attributes.count(pair)
        scopes[scope] = score
    matched_keys = {p.key.index for p in pairs}
    matched_groups = {p.group_index for p in pairs}
    return ReleaseScore(
        name=name,
        primary=scopes[Scope.PRIMARY],
        secondary=scopes[Scope.SECONDARY],
        matches=required_pairs,
        missed=[k for k in keys if not k.optional and k.index not in matched_keys],
        spurious=[
            prepared.groups[i].first for i in scored_groups if i not in matched_groups
        ],
        invalid=prepared.invalid,
        duplicates=prepared.duplicates,
        ignored_optional=len(optional_groups),
        predictions=len(predictions),
    )


@dataclass
class Totals:
    """The sum over releases, and the releases' own scores."""

    releases: list[ReleaseScore] = field(default_factory=list)
    primary: ScopeScore = field(default_factory=ScopeScore)
    secondary: ScopeScore = field(default_factory=ScopeScore)
    duplicates: int = 0
    ignored_optional: int = 0
    invalid: int = 0

    def add(self, release: ReleaseScore) -> None:
        self.releases.append(release)
        self.primary.add(release.primary)
        self.secondary.add(release.secondary)
        self.duplicates += release.duplicates
        self.ignored_optional += release.ignored_optional
        self.invalid += len(release.invalid)

    def scope(self, scope: Scope) -> ScopeScore:
        return self.primary if scope is Scope.PRIMARY else self.secondary


# --------------------------------------------------------------------------
# Kinds of error


class AsOfError(StrEnum):
    PUBLICATION_DATE = "publication date used instead of stated date"
    NULL_FOR_DATE = "null instead of date"
    DATE_FOR_NULL = "date instead of null"
    WRONG_YEAR = "wrong year"
    WRONG_MONTH_DAY = "wrong month/day"
    UNREADABLE = "unreadable date"


class ErrorKind(StrEnum):
    MISSED = "missed"
    SPURIOUS = "spurious"
    INVALID = "invalid"
    QUALIFIER = "qualifier"
    AS_OF = "as_of"
    PERIOD = "period"
    METRIC_CONFUSION = "metric confusion"


INVALID_METRIC = "(invalid)"  # how invalid predictions are counted by metric


def classify_as_of(
    expected: str | None, got: str | None, published_on: str | None
) -> AsOfError:
    """What kind of wrong an as-of date is (``expected`` is the key's)."""
    if expected is None:
        return AsOfError.DATE_FOR_NULL
    if got is None:
        return AsOfError.NULL_FOR_DATE
    if published_on is not None and got == published_on:
        return AsOfError.PUBLICATION_DATE
    if not (_FULL_DATE.match(expected) and _FULL_DATE.match(got)):
        return AsOfError.UNREADABLE
    if expected[:4] != got[:4]:
        return AsOfError.WRONG_YEAR
    return AsOfError.WRONG_MONTH_DAY


def transition(expected: str | None, got: str | None) -> str:
    return f"{expected} -> {got}"


def _number(value: float | None) -> str:
    return "?" if value is None else f"{value:,.12g}"


@dataclass(frozen=True)
class ErrorEntry:
    """One error, for listing: where, what kind, and the quote it is about."""

    release: str
    kind: ErrorKind
    label: str  # what it is counted under: a metric, "a -> b" or an as_of kind
    detail: str
    quote: str


@dataclass(frozen=True)
class MetricConfusion:
    key: KeyItem
    prediction: Prediction


def metric_confusions(release: ReleaseScore) -> list[MetricConfusion]:
    """A missed key item and a spurious prediction with the same value and the
    same quote (one contains the other) but a different metric; each used once."""
    confusions = []
    used: set[int] = set()
    for key in release.missed:
        if key.value is None:
            continue
        for prediction in release.spurious:
            if (
                prediction.index not in used
                and prediction.metric != key.metric
                and values_match(prediction.value, key.value)
                and quote_similarity(prediction.quote, key.quote) == 1.0
            ):
                used.add(prediction.index)
                confusions.append(MetricConfusion(key, prediction))
                break
    return confusions


@dataclass
class ErrorCounts:
    """Errors counted by kind over every metric ("other" included)."""

    missed_by_metric: Counter[str] = field(default_factory=Counter)
    spurious_by_metric: Counter[str] = field(default_factory=Counter)
    qualifier: Counter[str] = field(default_factory=Counter)  # "expected -> got"
    as_of: Counter[str] = field(default_factory=Counter)  # AsOfError values
    period: Counter[str] = field(default_factory=Counter)  # "expected -> got"
    metric_confusions: Counter[str] = field(default_factory=Counter)
    entries: list[ErrorEntry] = field(default_factory=list)

    def add(self, other: ErrorCounts) -> None:
        for name in (
            "missed_by_metric",
            "spurious_by_metric",
            "qualifier",
            "as_of",
            "period",
            "metric_confusions",
        ):
            getattr(self, name).update(getattr(other, name))
        self.entries.extend(other.entries)

    def counters(self) -> dict[str, Counter[str]]:
        return {
            "missed by metric": self.missed_by_metric,
            "spurious by metric": self.spurious_by_metric,
            "wrong qualifier (expected -> got)": self.qualifier,
            "wrong as_of": self.as_of,
            "wrong period (expected -> got)": self.period,
            "metric confusions (expected -> got)": self.metric_confusions,
        }


def count_errors(release: ReleaseScore, published_on: str | None) -> ErrorCounts:
    """Sort a release's errors by kind; ``published_on`` is the release's date
    (YYYY-MM-DD), to tell a publication date put where a stated date belongs."""
    counts = ErrorCounts()

    def note(kind, label, detail, quote):
        counts.entries.append(ErrorEntry(release.name, kind, label, detail, quote))

    for key in release.missed:
        metric = key.metric or "?"
        counts.missed_by_metric[metric] += 1
        detail = f"{metric} {_number(key.value)} as_of={key.as_of}"
        note(ErrorKind.MISSED, metric, detail, key.quote)
    for prediction in release.spurious:
        counts.spurious_by_metric[prediction.metric] += 1
        detail = f"{prediction.metric} {_number(prediction.value)}"
        note(ErrorKind.SPURIOUS, prediction.metric, detail, prediction.quote)
    for invalid in release.invalid:
        counts.spurious_by_metric[INVALID_METRIC] += 1
        note(ErrorKind.INVALID, INVALID_METRIC, invalid.reason, repr(invalid.raw))
    for pair in release.matches:
        key, got = pair.key, pair.prediction
        what = f"{key.metric} {_number(key.value)}"
        if not pair.check.qualifier:
            label = transition(key.qualifier, got.qualifier)
            counts.qualifier[label] += 1
            note(ErrorKind.QUALIFIER, label, what, key.quote)
        if not pair.check.as_of:
            label = classify_as_of(key.as_of, got.as_of, published_on)
            counts.as_of[label] += 1
            detail = f"{what}: {transition(key.as_of, got.as_of)}"
            note(ErrorKind.AS_OF, label, detail, key.quote)
        if not pair.check.period:
            label = transition(key.period, got.period)
            counts.period[label] += 1
            note(ErrorKind.PERIOD, label, what, key.quote)
    for confusion in metric_confusions(release):
        label = transition(confusion.key.metric, confusion.prediction.metric)
        counts.metric_confusions[label] += 1
        detail = _number(confusion.key.value)
        note(ErrorKind.METRIC_CONFUSION, label, detail, confusion.key.quote)
    return counts
