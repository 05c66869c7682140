"""Numbers as a release writes them: digits or words, a scale ("million"), a
currency before or after, and the unit that follows; and the numbers that are
not figures (years, dates, durations, ordinals, phone numbers, times)."""

import calendar
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNITS = {
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
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {
    "hundred": Decimal(100),
    "thousand": Decimal(10**3),
    "million": Decimal(10**6),
    "mn": Decimal(10**6),
    "mln": Decimal(10**6),
    "m": Decimal(10**6),
    "billion": Decimal(10**9),
    "bn": Decimal(10**9),
    "bln": Decimal(10**9),
    "trillion": Decimal(10**12),
    "tn": Decimal(10**12),
}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({abbr.lower(): i for i, abbr in enumerate(calendar.month_abbr) if abbr})
MONTHS["sept"] = 9
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
FIRST_YEAR, LAST_YEAR = 1800, 2199  # a bare four-digit number in this range is a year
LARGEST_DAY = 31

_WORD_NUMBER = (
    r"(?:(?:" + "|".join(TENS) + r")(?:[\s-](?:" + "|".join(list(UNITS)[1:10]) + r"))?"
    r"|" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")"
)
NUMBER = re.compile(
    r"(?<![\w.,\-/:$'])"
    r"(?P<cur_pre>US\$\s?|U\.S\.\s?\$\s?|USD\s?|\$\s?|RMB\s?|CNY\s?|EUR\s?|TT\$\s?"
    r"|[¥€£]\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + _WORD_NUMBER + r")"
    r"(?:(?=(?:mn|bn|m|mln|bln|tn)\b)|(?![\w%]|[.,]\d|-\d|:\d|/\d))"
    r"(?:[\s-]*(?P<scale>hundred\s+thousand|thousand|million|billion|trillion"
    r"|mn|bn|mln|bln|tn|m)\b)?"
    r"(?P<cur_post>[\s-]+(?:U\.S\.|US)[\s-]+dollars?|[\s-]+dollars?|\s*USD\b"
    r"|\s+yuan\b|\s*RMB\b|\s*CNY\b|\s+euros?\b|\s+yen\b|\s+rupees?\b|\s+pounds\b)?",
    re.IGNORECASE,
)
CURRENCIES = (
    (re.compile(r"US\$|U\.S\.|USD|dollar|^\$", re.IGNORECASE), "USD"),
    (re.compile(r"RMB|CNY|yuan|¥", re.IGNORECASE), "CNY"),
    (re.compile(r"EUR|euro|€", re.IGNORECASE), "EUR"),
    (re.compile(r"TT\$", re.IGNORECASE), "TTD"),
    (re.compile(r"£|pound", re.IGNORECASE), "GBP"),
    (re.compile(r"yen", re.IGNORECASE), "JPY"),
    (re.compile(r"rupee", re.IGNORECASE), "INR"),
)
# Units written right after a number, in the order they are tried.
MEASURES = (
    (r"percent\b|per\s*cent\b|%", "percent"),
    (
        r"(?:km|kilomet(?:er|re)s?)\s*(?:per|an|/|a)\s*h(?:ou)?r?\b|km/h\b|kmh\b|kph\b",
        "km/h",
    ),
    (r"(?:km|kilomet(?:er|re)s?)\b", "km"),
    (
        r"square\s+(?:met(?:er|re)s?|kilomet(?:er|re)s?)|sq\.?\s*m\b|m2\b|hectares?\b",
        "area",
    ),
    (r"acres?\b", "acres"),
    (r"hours?\b", "hours"),
    (r"(?:GWp|gigawatts?|GW)\b", "GW"),
    (r"(?:megawatts?|MW)\b", "MW"),
)
MEASURES = tuple(
    (re.compile(r"[\s-]*(?:" + p + ")", re.IGNORECASE), u) for p, u in MEASURES
)
# Numbers that count time, not things: never figures.
_DURATION_AFTER = re.compile(
    r"[\s-]*(?:years?|months?|weeks?|days?|minutes?|seconds?|decades?|"
    r"centur(?:y|ies)|o'clock|a\.m\.|p\.m\.|am\b|pm\b|times\b|-fold|fold\b|"
    r"percentage\s+points?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """A number in the text, with what is written around it."""

    start: int
    end: int
    number_start: int  # where the digits or words begin
    value: Decimal
    in_words: bool
    currency: str | None  # "USD", "CNY"...; None when no money is named
    measure: str | None  # "percent", "km", "km/h", "GW"...


def _word_value(words):
    total = 0
    for word in words.lower().replace("-", " ").split():
        total += UNITS.get(word, 0) + TENS.get(word, 0)
    return Decimal(total)


def _value(match):
    raw = match.group("num")
    if raw[0].isdigit():
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    else:
        value = _word_value(raw)
    scale = (match.group("scale") or "").lower()
    if scale == "m" and not match.group("cur_pre"):
        return None  # "200 m": metres
    for part in scale.split():
        value *= SCALES[part]
    return value


def _currency(match):
    written = (match.group("cur_pre") or "") + (match.group("cur_post") or "")
    if not written.strip():
        return None
    for pattern, code in CURRENCIES:
        if pattern.search(written.strip()):
            return code
    return "other"


def _is_year(match, value):
    return (
        re.fullmatch(r"\d{4}", match.group("num")) is not None
        and FIRST_YEAR <= value <= LAST_YEAR
        and not match.group("scale")
        and not match.group("cur_pre")
        and not match.group("cur_post")
    )


def _is_date_part(text, match):
    before = text[max(0, match.start() - 12) : match.start()]
    after = text[match.end() : match.end() + 12]
    raw = match.group("num")
    if re.search(r"\b(?:" + MONTH_PATTERN + r")\.?\s*$", before, re.IGNORECASE):
        return True
    return (
        raw.isdigit()
        and int(raw) <= LARGEST_DAY
        and re.match(r"\s*(?:" + MONTH_PATTERN + r")\b", after, re.IGNORECASE)
        is not None
    )


def _is_code(text, match):
    """Phone numbers, leading-zero codes, times, HS codes: not quantities."""
    raw = match.group("num")
    if raw[0] == "0" and len(raw) > 1 and raw[1].isdigit():
        return True
    before = text[max(0, match.start() - 6) : match.start()]
    if re.search(r"\b(?:HS|No\.|no\.|Nos?\.)\s*$", before):
        return True
    return re.match(r"-\d", text[match.end() : match.end() + 2]) is not None


_REFERENCE_BEFORE = re.compile(
    r"\b(?:the|these|those|both|all|its|their|our|of)\s+$", re.IGNORECASE
)
_ORDINAL_AFTER = re.compile(
    r"[\s-]*(?:hundredth|thousandth|millionth|billionth)\b", re.IGNORECASE
)


def _is_reference(text, match):
    """ "the two countries", "one of the", "four millionth": not counts."""
    if _ORDINAL_AFTER.match(text, match.end()):
        return True
    if match.group("num")[0].isdigit():
        return False
    if re.match(r"-[a-z]", text[match.end() : match.end() + 2]):
        return True  # "twenty-foot", "four-lane": an adjective
    before = text[max(0, match.start() - 12) : match.start()]
    return bool(
        _REFERENCE_BEFORE.search(before)
        or re.match(r"\s+of\b", text[match.end() : match.end() + 4])
    )


def _is_name(text, match, sentence_start):
    """ "Group of Seven", "COVID-19": a capitalised number word mid-sentence."""
    raw = match.group("num")
    if raw[0].isdigit() or not raw[0].isupper():
        return False
    return text[sentence_start : match.start()].strip() not in ("", '"', "“")


SPELLED_OUT_BELOW = 10  # house styles spell out one to nine: descriptions


def find_numbers(text, start, end):
    """The quantities stated in text[start:end], in order."""
    for match in NUMBER.finditer(text, start, end):
        value = _value(match)
        if value is None or _is_year(match, value) or _is_date_part(text, match):
            continue
        if _is_code(text, match) or _is_name(text, match, start):
            continue
        if _is_reference(text, match):
            continue
        if (
            match.group("num")[0].isalpha()
            and value < SPELLED_OUT_BELOW
            and not match.group("scale")
        ):
            continue  # "four stations", "eight major steps", "one country"
        money = _currency(match)
        if not money and not match.group("scale"):
            if _DURATION_AFTER.match(text, match.end()):
                continue
        measure = None
        if not money:
            for pattern, unit in MEASURES:
                found = pattern.match(text, match.end())
                if found:
                    measure = unit
                    break
        yield NumberMention(
            start=match.start(),
            end=match.end(),
            number_start=match.start("num"),
            value=value,
            in_words=not match.group("num")[0].isdigit(),
            currency=money,
            measure=measure,
        )
