"""Figure extraction from press-release text: pure functions, no database.

``extract_figures`` finds the numbers a release states, decides which metric
each one counts (from the words next to it), its qualifier ("more than",
"nearly", projected...), the period and as-of date it covers (resolved from
the release date) and a stated year-on-year change, and keeps the shortest
clause that states it as an exact quote.

The rules are plain regular expressions over sentences and clauses. Numbers
that are years, dates, ordinals, durations, lengths, speeds or percentages are
never reported as figures.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from enum import StrEnum
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sources.dates import DatePrecision
from sources.periods import period_start_for

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
JSON_KEYS = (
    "metric",
    "value",
    "qualifier",
    "as_of",
    "period",
    "period_start",
    "change_percent",
    "project",
    "quote",
    "confidence",
    "as_of_basis",
)


class AsOfBasis(StrEnum):
    """What a figure's as-of date was read from."""

    STATED = "stated", "a date the text states in full"
    PUBLISHED_ON = "published_on", "the publication date given"
    DATELINE = "dateline", "the dateline's date"
    DATE_LINE = "date_line", "a date line printed in the text"
    NONE = "none", "no date: none stated and no publication date"

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


@dataclass
class Figure:
    metric: str
    value: Decimal
    qualifier: str = "exact"
    as_of: date | None = None
    period: str = "cumulative"
    period_start: date | None = None
    change_percent: Decimal | None = None
    project: str | None = None
    quote: str = ""
    confidence: float = 0.5
    as_of_basis: AsOfBasis = AsOfBasis.NONE

    def to_json(self):
        def number(value):
            if value is None:
                return None
            return int(value) if value == value.to_integral_value() else float(value)

        return {
            "metric": self.metric,
            "value": number(self.value),
            "qualifier": self.qualifier,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "period": self.period,
            "period_start": self.period_start.isoformat()
            if self.period_start
            else None,
            "change_percent": number(self.change_percent),
            "project": self.project,
            "quote": self.quote,
            "confidence": round(self.confidence, 2),
            "as_of_basis": str(self.as_of_basis),
        }


# --------------------------------------------------------------------------
# Vocabulary

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": Decimal(100),
    "thousand": Decimal(10**3),
    "million": Decimal(10**6),
    "mn": Decimal(10**6),
    "billion": Decimal(10**9),
    "bn": Decimal(10**9),
    "trillion": Decimal(10**12),
}
MONTHS = {
    name: index
    for index, name in enumerate(calendar.month_name)
    if name  # "" at index 0
}
MONTHS.update(
    {
        abbr: index
        for index, abbr in enumerate(calendar.month_abbr)
        if abbr  # "Jan", "Feb"...
    }
)
MONTHS["Sept"] = 9
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}

_WORD_NUMBER = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[\s-](?:"
    + "|".join(list(_UNITS)[1:10])
    + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
)
_NUMBER = re.compile(
    r"(?<![\w.,\-/:$])"
    r"(?P<cur_pre>US\$\s?|U\.S\.\s?\$\s?|USD\s?|\$\s?|RMB\s?|CNY\s?|EUR\s?|[¥€£]\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + _WORD_NUMBER + r")"
    r"(?:(?=(?:mn|bn|m)\b)|(?![\w%]|[.,]\d|-\d|:\d))"
    r"(?:\s*(?P<scale>hundred thousand|thousand|million|billion|trillion|mn|bn|m)\b)?"
    r"(?P<cur_post>\s+(?:U\.S\.|US)\s+dollars|\s+dollars|\s*USD\b|\s+yuan\b|\s*RMB\b"
    r"|\s*CNY\b|\s+euros?\b|\s+yen\b|\s+rupees?\b|\s+pounds\b)?",
    re.IGNORECASE,
)

_SKIP_AFTER = re.compile(
    r"\s*(?:-\s*)?(?:percent|per\s*cent|%|percentage points?|"
    r"years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centur(?:y|ies)|"
    r"km/h|kmh|kph|mph|km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|cm|mm|"
    r"o'clock|a\.m\.|p\.m\.|am\b|pm\b|times\b|-fold|fold\b)",
    re.IGNORECASE,
)
_PERCENT_AFTER = re.compile(r"\s*(?:percent|per\s*cent|%)", re.IGNORECASE)

# (pattern on the words after the number, metric). The earliest match wins.
_METRIC_WORDS = [
    (
        r"countries\s+and\s+(?:international\s+|regional\s+)*organi[sz]ations",
        "partners",
    ),
    (r"countries\s+and\s+regions", "partner_countries"),
    (r"(?:TEUs?|twenty-foot equivalent units?)\b", "teu"),
    (r"(?:metric\s+)?(?:tonnes|tons|tonne|ton)\b", "cargo_tonnes"),
    (r"(?:gigawatts?|GW)\b", "capacity_gw"),
    (r"(?:megawatts?|MW)\b", "capacity_mw"),
    (r"(?:passengers?|travell?ers|riders|passenger\s+trips)\b", "passengers"),
    (r"(?:trips|journeys|services|runs|train\s+trips|trains)\b", "trips"),
    (
        r"(?:jobs|job\s+opportunities|positions|(?:local\s+)?(?:employees|workers))\b",
        "jobs",
    ),
    (r"(?:enterprises|companies|firms|businesses)\b", "enterprises"),
    (r"projects\b", "cooperative_projects"),
    (r"(?:countries|nations|economies)\b", "partner_countries"),
    (r"(?:international\s+|regional\s+)*organi[sz]ations\b", "partner_organizations"),
    (
        r"(?:agreements|documents|memorand(?:a|ums)|MoUs|deals|accords)\b",
        "agreements",
    ),
    (r"(?:people|persons|residents|individuals)\b", "people"),
]
_METRIC_WORDS = [(re.compile(p, re.IGNORECASE), m) for p, m in _METRIC_WORDS]

_QUALIFIERS = [
    (r"up\s+to", "up_to"),
    (
        r"more\s+than|over|exceeding|exceeded|exceeds|in\s+excess\s+of|above|"
        r"upwards\s+of|at\s+least|surpassing|surpassed|topping|topped|beyond",
        "more_than",
    ),
    (r"nearly|almost|close\s+to|approaching|just\s+under|nigh\s+on", "nearly"),
    (
        r"about|some|around|approximately|roughly|an\s+estimated|estimated|circa|"
        r"approx\.?|~",
        "about",
    ),
]
_QUALIFIERS = [
    (re.compile(r"\b(?:" + p + r")\s*$", re.IGNORECASE), q) for p, q in _QUALIFIERS
]
_PROJECTED = re.compile(
    r"\b(?:[Cc]ould|[Ww]ould|may|might|[Ee]xpected\s+to|is\s+set\s+to|are\s+set\s+to|"
    r"[Pp]rojected|[Ff]orecasts?|forecast\s+to|estimated\s+to|aims?\s+to|aiming\s+to|"
    r"[Tt]argets?|planned\s+to|plans?\s+to|is\s+to\s+reach)\b"
)
# "... 5,000 jobs are expected to be created": the modal after the figure.
_PROJECTED_AFTER = re.compile(
    r"^[^,;.]{0,50}?\b(?:(?:is|are)\s+(?:expected|projected|forecast|set)\s+to|"
    r"will\s+be|would\s+be|could\s+be|to\s+be\s+(?:created|built|added|completed))\b",
    re.IGNORECASE,
)
# "… since it opened", "… since its launch in 2011": a running total.
_SINCE_START = re.compile(
    r"^[^,.;]*?\bsince\s+(?:it|its|the\s+\w+)?\s*"
    r"(?:opened|opening|launch|began|started|start\s+of\s+operations|inception)",
    re.IGNORECASE,
)
_WILL = re.compile(r"\b(?:will|shall|'ll)\b", re.IGNORECASE)
_YOY = re.compile(
    r"(?P<verb>\b(?:down|decreas\w*|declin\w*|dropp\w*|drop|fell|fall\w*|slump\w*|"
    r"contract\w*)\b[^.;]{0,20}?)?"
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:percent|per\s*cent|%)\s*"
    r"(?:year[\s-]on[\s-]year|year[\s-]over[\s-]year|from\s+a\s+year\s+(?:earlier|ago)|"
    r"compared\s+with\s+(?:the\s+same\s+period\s+(?:of\s+)?)?(?:last|a)\s+year|"
    r"(?:y-o-y|yoy)\b)",
    re.IGNORECASE,
)
_INVESTMENT = re.compile(
    r"invest|financ|fund|capital|loan|credit|galvani[sz]|mobili[sz]",
    re.IGNORECASE,
)
_ATTENDEES = re.compile(
    r"\b(?:participants|delegates|delegations|representatives|guests|attendees|"
    r"students|experts|journalists|athletes|visitors|scholars)\s+from\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NOT_INVESTMENT = re.compile(
    r"\b(?:trade|exports?|imports?|turnover|revenue|sales|output|GDP|volume|"
    r"contracts?\s+value|value\s+of\s+(?:new\s+)?contracts)\b",
    re.IGNORECASE,
)
_USD = re.compile(r"US\$|U\.S\.\s?\$|USD|^\$|dollars", re.IGNORECASE)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:the|these|those|both|all|its|their|our)\s+$", re.IGNORECASE
)
_ANAPHORA = re.compile(
    r"\b(?:the|these|this|its)\s+(?:services?|line|railway|trains?|route|port|"
    r"project|plant|corridor|park|zone)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------
# Sentences and clauses

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "no",
    "u.s",
    "u.k",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "vs",
    "etc",
    "inc",
    "co",
    "ltd",
}
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"“'‘(]?[A-Z0-9])|\n+")


def _sentences(text):
    """(start, end) spans of sentences: on end punctuation and line breaks."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            word = re.search(r"([\w.]+)\.$", text[start : match.start() + 1])
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
        end = match.end() if not match.group().startswith("\n") else match.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


_CLAUSE_BREAK = re.compile(r"[;:]\s+|,\s+|\s+[-–—]+\s+")
_REPORTED = re.compile(
    r"\b(?:said|says|say|showed|shows|show|noted|notes|added|adding|stated|"
    r"announced|revealed|reported|indicated)\b[^,;]{0,40}?\bthat\s+",
    re.IGNORECASE,
)
_LEADING_JOINERS = re.compile(
    r"^(?:and|while|whereas|with|but|as|which|of\s+which)\s+", re.IGNORECASE
)


def _clause(text, start, end, number_start, number_end, other_numbers):
    """The shortest clause around a number: an exact (start, end) span."""
    sentence = text[start:end]
    breaks = [
        (m.start() + start, m.end() + start) for m in _CLAUSE_BREAK.finditer(sentence)
    ]
    left, right = start, end
    for b_start, b_end in breaks:
        if b_end <= number_start:
            left = b_end
        elif b_start >= number_end:
            right = b_start
            break
    # Too short to say anything: take the piece before it too.
    while len(text[left:right].split()) < 5 and left > start:
        earlier = [b_end for _b_start, b_end in breaks if b_end < left]
        left = earlier[-1] if earlier else start
    # Several figures joined by "and" ("7 million X and 3 million Y"): cut
    # at an "and" that leads straight into the next figure.
    for other_start, other_end in other_numbers:
        if left <= other_start < number_start:
            for joint in re.finditer(r"\s+and\s+", text[other_end:number_start]):
                cut = other_end + joint.end()
                if len(text[cut:number_start].split()) <= 3:
                    left = other_end + joint.start() + 1
        elif number_end < other_start < right:
            for joint in re.finditer(r"\s+and\s+", text[number_end:other_start]):
                cut = number_end + joint.end()
                if len(text[cut:other_start].split()) <= 3:
                    right = number_end + joint.start()
                    break
    # "Officials said on Friday that the line ...": the statement, not the
    # attribution.
    attributions = list(_REPORTED.finditer(text, left, number_start))
    if attributions:
        left = attributions[-1].end()
    quote = text[left:right]
    lead = _LEADING_JOINERS.match(quote)
    if lead:
        left += lead.end()
    while right > left and text[right - 1] in ' .,;:\n"”':
        right -= 1
    while left < right and text[left] in ' \n"“':
        left += 1
    return left, right


# --------------------------------------------------------------------------
# Numbers


def _word_value(words):
    words = words.lower().replace("-", " ").split()
    total = 0
    for word in words:
        total += _UNITS.get(word, 0) + _TENS.get(word, 0)
    return Decimal(total)


def _parse_number(match):
    raw = match.group("num")
    if raw[0].isdigit():
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    else:
        value = _word_value(raw)
    scale = (match.group("scale") or "").lower()
    if scale == "m":
        if not match.group("cur_pre"):
            return None  # metres
        scale = "million"
    for part in scale.split():
        value *= _SCALES[part]
    return value


def _is_year(match, value):
    raw = match.group("num")
    return (
        re.fullmatch(r"\d{4}", raw) is not None
        and 1800 <= value <= 2199
        and not match.group("scale")
        and not match.group("cur_pre")
        and not match.group("cur_post")
    )


def _is_date_part(text, match):
    before = text[max(0, match.start() - 12) : match.start()]
    after = text[match.end() : match.end() + 12]
    raw = match.group("num")
    if re.search(r"\b(?:" + _MONTH_RE + r")\.?\s*$", before):
        return True
    if (
        raw.isdigit()
        and int(raw) <= 31
        and re.match(r"\s*(?:" + _MONTH_RE + r")\b", after)
    ):
        return True
    return False


# --------------------------------------------------------------------------
# Dates


def _month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def _recent_month(month, ref):
    """The year of the most recent ``month`` on or before ``ref``."""
    if ref is None:
        return None
    return ref.year if month <= ref.month else ref.year - 1


def _year_of(text_year, ref):
    """A "this year"/"last year"/"2023" group to a year number."""
    if not text_year:
        return ref.year if ref else None
    lowered = text_year.lower()
    if "last" in lowered or "previous" in lowered:
        return ref.year - 1 if ref else None
    if "this" in lowered or "the year" in lowered:
        return ref.year if ref else None
    digits = re.search(r"\d{4}", text_year)
    return int(digits.group()) if digits else (ref.year if ref else None)


_YEAR_REF = r"(?:this\s+year|last\s+year|the\s+previous\s+year|the\s+year|\d{4})"
_QUARTERS = r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"


def _date_phrases(sentence, ref):
    """(position, period, as_of, precision_is_year) for every time phrase."""
    found = []

    def add(match, period, as_of, strength=1):
        found.append((match.start(), match.end(), period, as_of, strength))

    for m in re.finditer(
        r"\b(?:in\s+|during\s+)?the\s+" + _QUARTERS + r"\s+quarter"
        r"(?:\s+of\s+(?P<y>"
        + _YEAR_REF
        + r"))?|\bQ(?P<qn>[1-4])(?:\s+(?P<y2>\d{4}))?\b",
        sentence,
        re.IGNORECASE,
    ):
        quarter = _ORDINALS.get((m.group("q") or "").lower()) or int(m.group("qn"))
        year = _year_of(m.group("y") or m.group("y2"), ref)
        as_of = _month_end(year, quarter * 3) if year else None
        explicit = m.group("y") or m.group("y2")
        if as_of and ref and as_of > ref + timedelta(days=31) and not explicit:
            as_of = _month_end(year - 1, quarter * 3)
        add(m, "quarter", as_of)
    for m in re.finditer(
        r"\b(?:in\s+|during\s+)?the\s+(?P<h>first|second)\s+half"
        r"(?:\s+of\s+(?P<y>" + _YEAR_REF + r"))?|\bH(?P<hn>[12])\s+(?P<y2>\d{4})",
        sentence,
        re.IGNORECASE,
    ):
        half = (
            1 if (m.group("h") or "").lower() == "first" or m.group("hn") == "1" else 2
        )
        year = _year_of(m.group("y") or m.group("y2"), ref)
        add(m, "half_year", _month_end(year, 6 * half) if year else None)
    for m in re.finditer(
        r"\b(?:in\s+|during\s+)?the\s+first\s+(?P<n>\d{1,2}|"
        + "|".join(list(_UNITS)[1:13])
        + r")\s+months(?:\s+of\s+(?P<y>"
        + _YEAR_REF
        + r"))?",
        sentence,
        re.IGNORECASE,
    ):
        raw = m.group("n")
        months = int(raw) if raw.isdigit() else _UNITS[raw.lower()]
        if not 1 <= months <= 12:
            continue
        year = _year_of(m.group("y"), ref)
        if year and ref and not m.group("y") and _month_end(year, months) > ref:
            year -= 1
        period = "half_year" if months == 6 else "year_to_date"
        period = "year" if months == 12 else period
        add(m, period, _month_end(year, months) if year else None)
    for m in re.finditer(
        r"\b(?:in\s+|during\s+)?the\s+first\s+(?P<n>two|three|2|3)\s+quarters"
        r"(?:\s+of\s+(?P<y>" + _YEAR_REF + r"))?",
        sentence,
        re.IGNORECASE,
    ):
        months = 3 * {"two": 2, "three": 3, "2": 2, "3": 3}[m.group("n").lower()]
        year = _year_of(m.group("y"), ref)
        if year and ref and not m.group("y") and _month_end(year, months) > ref:
            year -= 1
        add(m, "year_to_date", _month_end(year, months) if year else None)
    for m in re.finditer(
        r"\b(?:from\s+|between\s+)?(?P<a>January|Jan\.?)\s*(?:to|-|–|through|and|until)\s*"
        r"(?P<b>" + _MONTH_RE + r")\.?(?:\s+(?:of\s+)?(?P<y>" + _YEAR_REF + r"))?",
        sentence,
        re.IGNORECASE,
    ):
        month = MONTHS.get(m.group("b").title().rstrip("."), None)
        if not month:
            continue
        year = _year_of(m.group("y"), ref)
        if year and ref and not m.group("y") and _month_end(year, month) > ref:
            year -= 1
        add(m, "year_to_date", _month_end(year, month) if year else None, 2)
    for m in re.finditer(
        r"\b(?:so\s+far\s+this\s+year|this\s+year\s+so\s+far|since\s+the\s+"
        r"(?:start|beginning)\s+of\s+(?:this|the)\s+year|year[\s-]to[\s-]date)\b",
        sentence,
        re.IGNORECASE,
    ):
        add(m, "year_to_date", ref, 2)
    # End of a month or year: a cumulative figure up to then.
    for m in re.finditer(
        r"\b(?:by|as\s+of|at|until|till|to|through|up\s+to)\s+(?:the\s+)?"
        r"(?P<when>end|late|mid|early|middle|beginning|start)[\s-]+(?:of\s+)?"
        r"(?:(?P<month>"
        + _MONTH_RE
        + r")\.?(?:,?\s+(?P<my>\d{4}))?|(?P<y>"
        + _YEAR_REF
        + r"))|\b(?:as\s+of|by)\s+(?P<month2>"
        + _MONTH_RE
        + r")\b(?!\s+\d{1,2}\b)(?:,?\s+(?P<my2>\d{4}))?",
        sentence,
        re.IGNORECASE,
    ):
        month_name = m.group("month") or m.group("month2")
        when = (m.group("when") or "end").lower()
        if month_name:
            month = MONTHS[month_name.title().rstrip(".")]
            year_text = m.group("my") or m.group("my2")
            year = int(year_text) if year_text else _recent_month(month, ref)
            if year is None:
                add(m, "cumulative", None)
                continue
            if when in ("mid", "middle"):
                as_of = date(year, month, 15)
            elif when in ("early", "beginning", "start"):
                as_of = date(year, month, 1) - timedelta(days=1)
            else:
                as_of = _month_end(year, month)
        else:
            year = _year_of(m.group("y"), ref)
            if year is None:
                add(m, "cumulative", None)
                continue
            if when in ("mid", "middle"):
                as_of = date(year, 6, 30)
            elif when in ("early", "beginning", "start"):
                as_of = date(year - 1, 12, 31)
            else:
                as_of = date(year, 12, 31)
        add(m, "cumulative", as_of, 2)
    # An exact day: "as of June 30, 2024", "by 30 June 2024".
    for m in re.finditer(
        r"\b(?:as\s+of|by|on|until|through)\s+(?:(?P<m1>" + _MONTH_RE + r")\.?\s+"
        r"(?P<d1>\d{1,2})|(?P<d2>\d{1,2})\s+(?P<m2>" + _MONTH_RE + r"))"
        r"(?:,?\s+(?P<y>\d{4}))?",
        sentence,
        re.IGNORECASE,
    ):
        month = MONTHS[(m.group("m1") or m.group("m2")).title().rstrip(".")]
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y")) if m.group("y") else _recent_month(month, ref)
        try:
            as_of = date(year, month, day) if year else None
        except ValueError:
            continue
        add(m, "cumulative", as_of, 2)
    # "by 2030", "as of 2023": cumulative to the end of that year.
    for m in re.finditer(r"\b(?:by|as\s+of|until|through)\s+(?P<y>\d{4})\b", sentence):
        add(m, "cumulative", date(int(m.group("y")), 12, 31), 2)
    # "last year", "in 2020", "in the whole of 2020", "in January".
    for m in re.finditer(
        r"\b(?:last|the\s+previous|the\s+past)\s+year\b", sentence, re.IGNORECASE
    ):
        if re.match(r"\S*\s*(?:'s|’s)", sentence[m.end() :]):
            continue
        add(m, "year", date(ref.year - 1, 12, 31) if ref else None)
    for m in re.finditer(
        r"\b(?i:in|during|for|throughout)\s+(?:the\s+(?:whole|entire|full)\s+(?:year\s+)?"
        r"(?:of\s+)?)?(?P<y>\d{4})\b(?![\s-]*\d)",
        sentence,
    ):
        before = sentence[max(0, m.start() - 60) : m.start()]
        if re.search(r"\bsince\b|\bput\s+forth\b|\bpropos|\blaunch", before, re.I):
            continue
        add(m, "in_year", date(int(m.group("y")), 12, 31))
    for m in re.finditer(
        r"\b(?i:in|during)\s+(?P<m>" + _MONTH_RE + r")\b(?:\s+(?P<y>\d{4}))?(?!\s+\d)",
        sentence,
    ):
        before = sentence[max(0, m.start() - 60) : m.start()]
        if re.search(r"\bsince\b|\bput\s+forth\b|\bpropos|\blaunch", before, re.I):
            continue
        month = MONTHS[m.group("m").title().rstrip(".")]
        year = int(m.group("y")) if m.group("y") else _recent_month(month, ref)
        add(m, "month", _month_end(year, month) if year else None)
    for m in re.finditer(r"\bthis\s+year\b", sentence, re.IGNORECASE):
        if not any(s <= m.start() < e for s, e, *_ in found):
            add(m, "year_to_date", ref)
    for m in re.finditer(
        r"\b(?:so\s+far|to\s+date|up\s+to\s+now|as\s+of\s+now|currently|now)\b",
        sentence,
        re.IGNORECASE,
    ):
        if not any(s <= m.start() < e for s, e, *_ in found):
            add(m, "cumulative", ref, 0)
    return found


def _event_date(text, published_on):
    """The day the release reports on: its dateline, or a weekday in the lead."""
    if published_on is None:
        return None
    head = text[:1500]
    dateline = re.search(
        r"\b[A-Z][A-Z .'-]+,\s+(?:[A-Z][\w .'-]*,\s+)?(?P<m>"
        + _MONTH_RE
        + r")\.?\s+(?P<d>\d{1,2})\s*"
        r"(?:,\s*\d{4}\s*)?\(",
        head,
    )
    if dateline:
        month = MONTHS[dateline.group("m").title().rstrip(".")]
        year = _recent_month(month, published_on)
        try:
            day = date(year, month, int(dateline.group("d")))
        except ValueError:
            day = None
        if day and timedelta(0) <= published_on - day <= timedelta(days=7):
            return day
    # "... on Monday stressed": the first weekday mentioned in the lead.
    lead = _sentences(text)
    for start, end in lead[:4]:
        weekday = re.search(
            r"\bon\s+(" + "|".join(_WEEKDAYS) + r")\b", text[start:end], re.IGNORECASE
        )
        if weekday:
            target = _WEEKDAYS[weekday.group(1).lower()]
            back = (published_on.weekday() - target) % 7
            return published_on - timedelta(days=back)
    return published_on


# --------------------------------------------------------------------------
# Projects


def _project_patterns(projects):
    patterns = []
    for name, aliases in projects or ():
        for label in [name, *(aliases or [])]:
            words = [re.escape(w) for w in re.split(r"[\s\-–]+", label.strip()) if w]
            if not words:
                continue
            patterns.append(
                (re.compile(r"\b" + r"[\s\-–]+".join(words) + r"s?\b", re.I), name)
            )
    return patterns


def _find_project(patterns, text, start, end, before=None):
    """The project named in text[start:end] closest before ``before``."""
    best = None
    for pattern, name in patterns:
        for m in pattern.finditer(text, start, end):
            distance = abs((before or m.start()) - m.start())
            if before is not None and m.start() > before:
                distance += 10_000
            key = (distance, -(m.end() - m.start()))
            if best is None or key < best[0]:
                best = (key, name)
    return best[1] if best else None


# --------------------------------------------------------------------------
# The extractor


def _classify(match, text, sentence_start, sentence_end):
    """(metric, value multiplier, confidence) from the words around a number."""
    cur = (match.group("cur_pre") or "") + (match.group("cur_post") or "")
    if cur.strip():
        if _USD.search(cur.strip()):
            # The clause says what the money is; the sentence, failing that.
            left = text.rfind(",", sentence_start, match.start())
            left = max(
                left, text.rfind(";", sentence_start, match.start()), sentence_start
            )
            right = [
                i
                for i in (
                    text.find(", ", match.end(), sentence_end),
                    text.find(";", match.end(), sentence_end),
                )
                if i != -1
            ]
            clause = text[left : min(right) if right else sentence_end]
            if _INVESTMENT.search(clause):
                return "investment_usd", 0.9
            if _NOT_INVESTMENT.search(clause):
                return "other", 0.4
            if _INVESTMENT.search(text[sentence_start:sentence_end]):
                return "investment_usd", 0.7
            return "other", 0.4
        return "other", 0.4
    tail = text[match.end() : min(sentence_end, match.end() + 80)]
    tail = re.split(
        r"[,;:()]|\.(?!\d)|\s-\s|\b(?:in|on|at|by|with|from|to|for)\b", tail
    )[0]
    # Only the first few words: the noun the number counts.
    tail = " ".join(tail.split()[:6])
    best = None
    for pattern, metric in _METRIC_WORDS:
        m = pattern.search(tail)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), metric)
    confidence = 0.85 if best and best[0] < 25 else 0.7
    if best is None:
        # "the number of passengers reached 5 million": the noun before.
        head = text[max(sentence_start, match.start() - 90) : match.start()]
        head = re.split(r"[,;:()]|\.\s", head)[-1]
        linked = re.search(
            r"(?P<noun>\w[\w\s-]*)\s+(?:has\s+|have\s+|had\s+)?(?:reached|hit|exceeded|"
            r"exceeding|totall?ed|topped|stood\s+at|rose\s+to|increased\s+to|grew\s+to|"
            r"climbed\s+to|amounted\s+to|surpassed|numbered|reaching|totall?ing|was|were|"
            r"is|are|of)\s+(?:[a-z]+\s+){0,2}$",
            head,
        )
        if not linked:
            return None, 0
        noun = " ".join(linked.group("noun").split()[-4:])
        for pattern, metric in _METRIC_WORDS:
            m = pattern.search(noun)
            if m and (best is None or m.start() > best[0]):
                best = (m.start(), metric)
        if best is None:
            return None, 0
        confidence = 0.6
    metric = best[1]
    sentence = text[sentence_start:sentence_end]
    if metric == "trips":
        if re.search(r"freight|cargo|train|railway|express|rail", sentence, re.I):
            return "freight_trips", confidence
        return "other", 0.4
    if metric == "people":
        after = text[match.end() : min(sentence_end, match.end() + 80)]
        if re.search(r"out\s+of\s+(?:\w+\s+)?poverty|poverty", after, re.I):
            return "people_out_of_poverty", confidence
        if re.search(r"\b(?:carried|served|transported|passenger)", sentence, re.I):
            return "passengers", 0.6
        return "other", 0.4
    if metric in ("partner_countries", "partners", "partner_organizations") and (
        _ATTENDEES.search(text, max(sentence_start, match.start() - 60), match.start())
    ):
        return "other", 0.4  # "delegates from 140 countries": an audience
    if metric == "enterprises" and re.search(
        r"\b(?:jobs?|employ)", tail, re.IGNORECASE
    ):
        return "jobs", confidence
    return metric, confidence


def extract_figures(text, *, published_on=None, projects=()):
    """Figures stated in ``text``, in order of appearance."""
    text = text or ""
    ref = _event_date(text, published_on)
    patterns = _project_patterns(projects)
    figures = []
    previous_project = None
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        candidates = []
        for match in _NUMBER.finditer(text, s_start, s_end):
            value = _parse_number(match)
            if value is None:
                continue
            if _is_year(match, value) or _is_date_part(text, match):
                continue
            # "the two countries", "one of": a reference, not a figure.
            if not match.group("num")[0].isdigit() and (
                _REFERENCE_BEFORE.search(
                    text, max(0, match.start() - 12), match.start()
                )
                or re.match(r"\s+of\b", text[match.end() :])
            ):
                continue
            if _SKIP_AFTER.match(text, match.end()) and not (
                match.group("scale")
                or match.group("cur_pre")
                or match.group("cur_post")
            ):
                continue
            metric, confidence = _classify(match, text, s_start, s_end)
            if metric is None:
                if value < 100 or not match.group("num")[0].isdigit():
                    continue
                metric, confidence = "other", 0.3
            if metric == "capacity_mw":
                metric, value = "capacity_gw", value / 1000
            candidates.append((match, metric, value, confidence))
        if not candidates:
            project = _find_project(patterns, text, s_start, s_end)
            previous_project = project or previous_project
            continue
        phrases = _date_phrases(sentence, ref)
        changes = list(_YOY.finditer(sentence))
        spans = [(c[0].start(), c[0].end()) for c in candidates]
        sentence_project = _find_project(patterns, text, s_start, s_end)
        annual = re.search(
            r"year[\s-]on[\s-]year|year[\s-]over[\s-]year|annual|a\s+year\b|per\s+year|"
            r"for\s+the\s+year|whole\s+year|full\s+year|throughout\s+the\s+year",
            sentence,
            re.IGNORECASE,
        )
        cumulative_words = re.search(
            r"\b(?:a\s+total\s+of|in\s+total|cumulative\w*|since|so\s+far|to\s+date|"
            r"altogether|ever)\b",
            sentence,
            re.IGNORECASE,
        )
        respective = {}
        if changes and re.search(r"\brespectively\b", sentence):
            last_end = max(c[0].end() for c in candidates) - s_start
            percents = list(
                re.finditer(
                    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:percent|per\s*cent|%)",
                    sentence[last_end:],
                )
            )
            if len(percents) == len(candidates):
                down = re.search(
                    r"\b(?:down|decreas|declin|dropp|fell|fall)", sentence[last_end:]
                )
                for candidate, pct in zip(candidates, percents, strict=True):
                    change = Decimal(pct.group("pct"))
                    respective[candidate[0].start()] = -change if down else change
        for match, metric, value, confidence in candidates:
            n_start, n_end = match.start() - s_start, match.end() - s_start
            # Qualifier: the words just before the number.
            before = sentence[max(0, n_start - 30) : n_start]
            qualifier = "exact"
            for pattern, name in _QUALIFIERS:
                if pattern.search(before):
                    qualifier = name
                    break
            # Time: the nearest phrase of this figure's own, a stronger one when
            # tied; "since it opened" makes a running total whatever the
            # sentence says later.
            period, as_of = "cumulative", ref
            # A phrase after the number belongs to it only if no other figure
            # comes first; a leading "As of the end of January, …" covers all.
            own = [
                p
                for p in phrases
                if p[0] < n_end
                or not any(
                    n_end <= other[0].start() - s_start < p[0]
                    for other in candidates
                    if other[0] is not match
                )
            ]
            if _SINCE_START.match(sentence[n_end : n_end + 80]):
                own = []
            if own:
                chosen = min(
                    own,
                    key=lambda p: (
                        min(abs(p[0] - n_start), abs(p[1] - n_end)) - 40 * p[4]
                    ),
                )
                period, as_of = chosen[2], chosen[3]
                confidence += 0.05
            if period == "in_year":
                period = "cumulative" if cumulative_words and not annual else "year"
            # Projections: a modal before the number, or "will" and a future date.
            prefix = sentence[:n_start]
            future = as_of is not None and (ref is None or as_of > ref)
            if (
                _PROJECTED.search(prefix) or _PROJECTED_AFTER.search(sentence[n_end:])
            ) or (
                _WILL.search(prefix)
                and (future or re.search(r"\bby\s+\d{4}\b", sentence))
            ):
                qualifier = "projected"
            # Year-on-year change: the nearest stated change in the sentence.
            change = None
            if respective:
                change = respective.get(match.start())
            elif changes:
                nearest = min(
                    changes,
                    key=lambda c: min(abs(c.start() - n_end), abs(c.end() - n_start)),
                )
                owner = min(
                    spans,
                    key=lambda sp: min(
                        abs(nearest.start() - (sp[1] - s_start)),
                        abs(nearest.end() - (sp[0] - s_start)),
                    ),
                )
                if owner == (match.start(), match.end()):
                    change = Decimal(nearest.group("pct"))
                    if nearest.group("verb"):
                        change = -change
            q_start, q_end = _clause(
                text,
                s_start,
                s_end,
                match.start(),
                match.end(),
                [sp for sp in spans if sp != (match.start(), match.end())],
            )
            project = (
                _find_project(patterns, text, q_start, q_end, before=match.start())
                or sentence_project
            )
            if project is None and _ANAPHORA.search(sentence):
                project = previous_project
            if metric == "other":
                confidence = min(confidence, 0.4)
            if as_of is None:
                confidence -= 0.1
            figures.append(
                Figure(
                    metric=metric,
                    value=Decimal(int(value))
                    if value == value.to_integral_value()
                    else value.normalize(),
                    qualifier=qualifier,
                    as_of=as_of,
                    period=period,
                    period_start=period_start_for(period, as_of, DatePrecision.DAY),
                    change_percent=change,
                    project=project,
                    quote=text[q_start:q_end],
                    confidence=max(0.05, min(1.0, confidence)),
                )
            )
        previous_project = sentence_project or previous_project
    return figures
