"""How exact a figure is ("more than", "nearly", "some"), whether it is a
forecast, and the year-on-year change a sentence states for it."""

import re
from dataclasses import dataclass
from decimal import Decimal

from sources.extraction.figure import Qualifier

QUALIFIER_REACH = 30  # characters before a number that can qualify it


def _rx(pattern):
    return re.compile(pattern, re.IGNORECASE)


_BEFORE = [
    (r"up\s+to", Qualifier.UP_TO),
    (
        r"more\s+than|over|exceeding|exceeded|exceeds|in\s+excess\s+of|above|"
        r"upwards\s+of|at\s+least|surpassing|surpassed|topping|topped|beyond|passed|"
        r"crossed|past",
        Qualifier.MORE_THAN,
    ),
    (r"nearly|almost|close\s+to|approaching|just\s+under|nigh\s+on", Qualifier.NEARLY),
    (
        r"about|some|around|approximately|roughly|an\s+estimated|estimated|circa|"
        r"approx\.?|~",
        Qualifier.ABOUT,
    ),
]
_BEFORE = [
    (_rx(r"\b(?:" + p + r")\s+(?:the\s+)?(?:a\s+record\s+)?(?:US\$|\$)?$"), q)
    for p, q in _BEFORE
]
_MARK = _rx(r"^\s*(?:-|\s)?mark\b")  # "passed the 10 million mark"
# Case matters: "May" is a month, "may" a modal.
_PROJECTED_BEFORE = re.compile(
    r"\b(?:[Cc]ould|[Ww]ould|may|might|[Ee]xpected\s+to|(?:is|are)\s+set\s+to|"
    r"[Pp]rojected|[Ff]orecasts?|[Ff]orecast\s+to|estimated\s+to|[Aa]ims?\s+to|"
    r"aiming\s+to|[Tt]argets?|[Pp]lanned|[Pp]lans?\s+to|is\s+to\s+reach|will|"
    r"[Ee]xpects?\s+(?:[\w'’-]+\s+){0,4}?to)\b"
)
# A new clause with its own subject: a modal before it is not this figure's.
_NEW_CLAUSE = re.compile(
    r";|,\s+(?:and|but|while|where|whereas|which|although|though)\b|\bwhere\b"
)
_SUM = _rx(r"\badd(?:s|ed)?\s+up\s+to\s+$")
_PROJECTED_AFTER = _rx(
    r"^[^,;.]{0,50}?\b(?:(?:is|are)\s+(?:expected|projected|forecast|set)\s+to|"
    r"will\s+be|would\s+be|could\s+be|to\s+be\s+(?:created|built|added|completed))\b"
)
_UP = (
    r"up|rose|rising|risen|increased?|increasing|grew|grown|growing|growth\s+of|"
    r"jump\w*|climb\w*|surg\w*|soar\w*|expand\w*|gain(?:ed|ing)?|advanc\w*|"
    r"a\s+year[\s-]on[\s-]year\s+(?:increase|rise|growth|gain)\s+of|"
    r"an\s+increase\s+of|a\s+rise\s+of"
)
_DOWN = (
    r"down|fell|falling|fallen|fall\s+of|decreas\w*|declin\w*|dropp\w*|drop\s+of|"
    r"slump\w*|contract(?:ed|ing)|shr[aiu]nk\w*|plung\w*|slid|"
    r"a\s+year[\s-]on[\s-]year\s+(?:decrease|fall|decline|drop)\s+of|"
    r"a\s+decrease\s+of|a\s+fall\s+of"
)
_CHANGE = _rx(
    r"(?:(?P<up>\b(?:" + _UP + r")\b)|(?P<down>\b(?:" + _DOWN + r")\b))"
    r"\s+(?:by\s+)?(?:about\s+|some\s+|nearly\s+|almost\s+|more\s+than\s+)?"
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:percent|per\s*cent|%)"
    r"|(?P<pct3>\d+(?:\.\d+)?)\s*(?:percent|per\s*cent|%)\s+(?:(?P<more>more|higher|"
    r"greater|above)|(?P<fewer>fewer|less|lower|below))\s+than"
    r"|(?P<pct2>\d+(?:\.\d+)?)\s*(?:percent|per\s*cent|%)\s+(?P<dir>(?:year[\s-]on[\s-]"
    r"year|year[\s-]over[\s-]year|y-o-y|yoy)\s+)?(?P<up2>increase|rise|growth|"
    r"gain|jump)?(?P<down2>decrease|fall|decline|drop)?"
)
_YEARLY = _rx(
    r"year[\s-]on[\s-]year|year[\s-]over[\s-]year|y-o-y|yoy|from\s+a\s+year\s+"
    r"(?:earlier|ago|before)|compared\s+with|(?:than|from)\s+(?:the\s+same\s+period\s+)?"
    r"(?:of\s+)?(?:last|a|the\s+previous)\s+year|over\s+the\s+same\s+period|"
    r"from\s+\d{4}|on\s+the\s+year|annual|than\s+in\s+\d{4}|than\s+(?:a\s+year\s+"
    r"(?:earlier|before|ago)|(?:in\s+)?the\s+previous\s+year)"
)
_AVERAGE = _rx(r"\baverage\b|\bannual\s+growth\s+rate\b|\bCAGR\b")
_TO_VALUE = _rx(r"[^.;]{0,60}?\bto\s+")  # "rose 23.2 percent ... to RMB 95 billion"


@dataclass(frozen=True)
class Change:
    """A stated year-on-year change: its span in the text and signed size."""

    start: int
    end: int
    percent: Decimal
    target_after: bool  # "rose 10 percent to X": it qualifies the X after it
    yearly: bool  # against a year earlier (else a change of unstated base)


def qualifier_before(text, start):
    """The qualifier in the words just before a number at ``start``."""
    before = text[max(0, start - QUALIFIER_REACH) : start]
    if _SUM.search(before):
        return Qualifier.EXACT
    for pattern, qualifier in _BEFORE:
        if pattern.search(before):
            return qualifier
    return Qualifier.EXACT


def own_clause(prefix):
    """The words of a figure's own clause before it."""
    cuts = list(_NEW_CLAUSE.finditer(prefix))
    return prefix[cuts[-1].end() :] if cuts else prefix


def is_projection(prefix, suffix):
    """A forecast: a modal or target word before the number in its clause or
    a "(is expected to) be created" after it."""
    return bool(_PROJECTED_BEFORE.search(prefix) or _PROJECTED_AFTER.search(suffix))


def changes_in(sentence, offset):
    """The changes ``sentence`` states, yearly or not (an average annual
    growth rate is its own figure, not a change)."""
    found = []
    for m in _CHANGE.finditer(sentence):
        pct = m.group("pct") or m.group("pct2") or m.group("pct3")
        if m.group("pct2") and not (
            m.group("dir") or m.group("up2") or m.group("down2")
        ):
            continue
        window = sentence[max(0, m.start() - 40) : m.end() + 60]
        yearly = bool(_YEARLY.search(window) or m.group("dir"))
        yearly = yearly or re.match(r"(?i)up|down", m.group()) is not None
        if _AVERAGE.search(sentence[max(0, m.start() - 40) : m.end()]):
            continue
        value = Decimal(pct)
        if m.group("down") or m.group("down2") or m.group("fewer"):
            value = -value
        found.append(
            Change(
                start=offset + m.start(),
                end=offset + m.end(),
                percent=value,
                target_after=bool(_TO_VALUE.match(sentence, m.end())),
                yearly=yearly,
            )
        )
    return found
