"""Which metric a number counts, from the words around it.

The noun after the number decides first ("3,076 journeys"), then the noun a
linking verb joins to it ("the number of trips reached 16,145"), then a count
noun carried from the previous clause ("The total had exceeded 87,000").
Money is an investment only when its clause says so (costs, loans, stakes,
investment or engagement totals); the value of goods, trade and revenue stay
``other``. Design capacities, countries reached by a service and audiences
are ``other`` too: they are not the dashboard's throughput or partners."""

import re
from dataclasses import dataclass

from sources.extraction.figure import OTHER
from sources.extraction.numbers import NumberMention

# Confidence of a metric read from each kind of evidence.
NOUN_AFTER = 0.85
NOUN_BEFORE = 0.65
CARRIED_NOUN = 0.55
MONEY_IN_CLAUSE = 0.9
MONEY_IN_SENTENCE = 0.7
OTHER_CONFIDENCE = 0.4
NOUN_WORDS = 6  # words after a number that can name what it counts
NOUN_BEFORE_CHARS = 90


@dataclass(frozen=True)
class Classification:
    metric: str
    confidence: float
    unit: str = ""  # what an "other" figure counts, when the words say it
    noun: str = ""  # the counted noun, for a later "the total"


def _rx(pattern):
    return re.compile(pattern, re.IGNORECASE)


_NOUNS = [
    (
        r"countries\s+and\s+(?:international\s+|regional\s+)*organi[sz]ations",
        "partners",
    ),
    (r"countries\s+and\s+regions", "partner_countries"),
    (r"(?:TEUs?|twenty-foot\s+equivalent\s+units?|containers)\b", "teu"),
    (r"[\s-]*tonne\b|[\s-]*ton\b", "tonne_adjective"),
    (r"(?:metric\s+)?(?:tonnes|tons)\b", "cargo_tonnes"),
    (
        r"(?:passengers?(?!\s+trains?\b)|travell?ers|riders|ridership|passenger\s+trips|"
        r"visitors)\b",
        "passengers",
    ),
    (r"(?:trips|journeys|runs)\b", "trips"),
    (
        r"(?:freight|cargo)\s+(?:train\s+)?(?:trains|services|trips|journeys)\b",
        "freight_trips",
    ),
    (r"(?:passenger\s+)?trains\b|train\s+services|services\b", "trains"),
    (
        r"(?:(?:direct\s+|local\s+|new\s+)*jobs|job\s+opportunities|positions|"
        r"(?:local\s+)?(?:employees|workers|staff))\b",
        "jobs",
    ),
    (r"(?:enterprises|companies|firms|businesses)\b", "enterprises"),
    (r"(?:cooperation\s+|cooperative\s+)?projects\b", "cooperative_projects"),
    (r"(?:countries|nations|economies)\b", "partner_countries"),
    (r"(?:international\s+|regional\s+)*organi[sz]ations\b", "partner_organizations"),
    (
        r"(?:(?:cooperation\s+|BRI\s+|Belt\s+and\s+Road\s+)*(?:agreements|documents|"
        r"memorand(?:a|ums)|MoUs|accords))\b",
        "agreements",
    ),
    (r"(?:people|persons|residents|individuals)\b", "people"),
]
_NOUNS = [(_rx(p), m) for p, m in _NOUNS]
_PLURAL_NOUN = _rx(r"(?:[\s-]+[a-z][\w-]*){0,2}?\s+(?P<noun>[a-z][a-z-]+s)\b")
_NOT_COUNTED = _rx(r"^(?:its|their|his|her|the|these|those|this|was|is|as)$")
_LINKED = _rx(
    r"(?P<noun>[\w-]+(?:\s+[\w-]+){0,3})\s+(?:has\s+|have\s+|had\s+)?(?:now\s+)?"
    r"(?:reached|hit|exceeded|exceeding|totall?ed|topped|stood\s+at|rose\s+to|"
    r"increased\s+to|grew\s+to|climbed\s+to|amounted\s+to|surpassed|numbered|"
    r"reaching|totall?ing|passed|was|were|is|are|been|of|at|to|"
    r"(?:rose|fell|grew|increased|decreased|climbed|dropped)\s+from|has\s+reached|"
    r"have\s+reached)\s+"
    r"(?:[a-z]+\s+){0,2}$"
)
_TAIL_END = _rx(
    r"[,;:()]|\.(?!\d)|\s-\s|\b(?:in|on|at|by|with|from|to|for|had|has|have|was|"
    r"were|is|are|will|would|operate\w*|\w+ed)\b"
)
_NUMBER_OF = _rx(
    r"\b(?:number|count|tally|total)\s+of\s+(?P<noun>[\w\s-]+?)\s+(?:that|who|which|working|at|to|reached|was|stood|had)\b"
)
_CHANGE_CLAUSE = _rx(
    r"\b(?P<verb>rose|fell|grew|increased|decreased|climbed|dropped|jumped)\s+(?:by\s+)?"
    r"\d+(?:\.\d+)?\s*(?:percent|per\s*cent|%)[^,;]*?(?=\bto\s+$)"
)
_MARK = _rx(r"(?:\s+[\w-]+)?\s+(?:mark|milestone|threshold)\b")
_TALLY = _rx(r"\b(?:total|count|tally|figure|number|tallies|totals)\b")
_INVESTMENT = _rx(
    r"invest|financ|fund|capital|loans?\b|credit|borrow|\bcost|stake|\bpaid\b|"
    r"engagement|construction\s+contracts|spent|budget|galvani[sz]|mobili[sz]|deals?\b|"
    r"dollar\s+(?:project|railway|line|port|plant)"
)
_NOT_INVESTMENT = _rx(
    r"\b(?:trade|exports?|imports?|turnover|revenue|sales|output|GDP|goods|"
    r"(?<!contracts\s)(?<!contract\s)worth|cargo|economy|generate|earn\w*)\b"
)
_INVESTMENT_AFTER = _rx(
    r"\s*(?:[\w-]+\s+){0,3}?(?:loans?|investments?|credit|financing|stake|"
    r"(?:project|railway|line|port|plant|deal|package)\b)"
)
_NOT_INVESTMENT_AFTER = _rx(
    r"\s*(?:[\w-]+\s+){0,2}?(?:in\s+)?(?:\w+\s+)?(?:revenue|trade|sales|exports|imports)\b"
)
MONEY_REACH = 40  # characters either side of an amount that say what it is
_CAPACITY = _rx(
    r"\b(?:can\s+(?:handle|take|carry|accommodate|process)|capacity\s+of|"
    r"design(?:ed)?\b|able\s+to\s+handle|handling\s+capacity|annual\s+\w*\s*capacity)"
)
_INSTALLED = _rx(r"\b(?:installed|generating|green\s+energy|power|solar)\b")
_PARTNER_CUE = _rx(
    r"\b(?:sign\w*|documents?|agreements?|memorand\w*|partners?(?:hip)?|joined|"
    r"tally|inked)\b"
)
_NOT_PARTNER = _rx(
    r"\b(?:cities\s+in|spread\s+across|across|reach\w*|serv\w*|introduced\s+to|"
    r"spanned|in(?!\s+(?:all|total)\b))\s+(?:\S+\s+){0,2}$"
)
_AUDIENCE = _rx(
    r"\b(?:participants|delegates|delegations|representatives|guests|attendees|"
    r"students|experts|journalists|athletes|visitors|scholars|officials)\s+from\s+"
    r"(?:[\w-]+\s+){0,2}$"
)
_FREIGHT = _rx(r"freight|cargo|goods|container|China-Europe|TEU")
_PASSENGER = _rx(r"passenger|high-speed|travell?er")
_POVERTY = _rx(r"poverty")
_CARRIED = _rx(r"\b(?:carried|served|transported|passenger)")
_EMPLOYED = _rx(r"\b(?:employ\w*|working|hired|recruited)\b")
_MEASURE_UNITS = {"km": "km", "km/h": "km/h", "area": "square metres"}
_MEASURE_UNITS.update({"acres": "acres", "hours": "hours", "percent": "percent"})


def _clause(text, start, end, mention):
    left = max(
        text.rfind(",", start, mention.start),
        text.rfind(";", start, mention.start),
        text.rfind("(", start, mention.start),
        start,
    )
    ends = [
        i
        for i in (text.find(", ", mention.end, end), text.find(";", mention.end, end))
        if i != -1
    ]
    return text[left : min(ends) if ends else end]


def _nearest_cue(before, after):
    """ "investment", "other" or None: the cue nearest the amount wins."""
    cues = []
    for pattern, kind in ((_INVESTMENT, "investment"), (_NOT_INVESTMENT, OTHER)):
        for found in pattern.finditer(before):
            cues.append((len(before) - found.end(), kind))
    for pattern, kind in (
        (_INVESTMENT_AFTER, "investment"),
        (_NOT_INVESTMENT_AFTER, OTHER),
    ):
        found = pattern.match(after)
        if found:
            cues.append((found.end() - found.start(), kind))
    return min(cues)[1] if cues else None


def _money(text, start, end, mention, carried):
    """An investment when the words next to the amount or its clause say so;
    the value of goods, trade or revenue is ``other``."""
    if mention.currency != "USD":
        return Classification(OTHER, OTHER_CONFIDENCE, mention.currency or "")
    before = text[max(start, mention.start - MONEY_REACH) : mention.start]
    after = text[mention.end : min(end, mention.end + MONEY_REACH)]
    near = _nearest_cue(before, after)
    if near == OTHER:
        return Classification(OTHER, OTHER_CONFIDENCE, "USD")
    if near:
        return Classification("investment_usd", MONEY_IN_CLAUSE)
    clause = _clause(text, start, end, mention)
    for words, confidence in (
        (clause, MONEY_IN_CLAUSE),
        (text[start:end], MONEY_IN_SENTENCE),
    ):
        if _NOT_INVESTMENT.search(words):
            return Classification(OTHER, OTHER_CONFIDENCE, "USD")
        if _INVESTMENT.search(words):
            return Classification("investment_usd", confidence)
    if carried == "investment_usd":  # "revised the 2024 total to 122.6 billion"
        return Classification("investment_usd", CARRIED_NOUN)
    return Classification(OTHER, OTHER_CONFIDENCE, "USD")


def _noun_after(text, mention, end):
    tail = text[mention.end : min(end, mention.end + 80)]
    tail = _TAIL_END.split(tail)[0]
    tail = " ".join(tail.split()[:NOUN_WORDS]) if not tail.startswith("-") else tail
    best = None
    for pattern, metric in _NOUNS:
        found = pattern.search(tail)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), metric, found.group().strip())
    return best


def _noun_before(text, start, mention):
    head = text[max(start, mention.start - NOUN_BEFORE_CHARS) : mention.start]
    head = re.split(r"[,;:()]|\.\s", head)[-1]
    head = _CHANGE_CLAUSE.sub(
        r"\g<verb> ", head
    )  # "rose 10 percent compared with 2023 to"
    counted = _NUMBER_OF.search(head)
    if counted:
        for pattern, metric in _NOUNS:
            found = pattern.match(counted.group("noun"))
            if found:
                return (0, metric, found.group().strip())
    if _MARK.match(text, mention.end):
        return (0, "tally", "")
    linked = _LINKED.search(head)
    if not linked:
        return None
    noun = " ".join(linked.group("noun").split()[-4:])
    best = None
    for pattern, metric in _NOUNS:
        found = pattern.search(noun)
        if found and (best is None or found.start() > best[0]):
            best = (found.start(), metric, found.group().strip())
    if best is None and _TALLY.search(noun):
        return (0, "tally", "")
    if best is None and re.search(r"[a-z]s$", noun):
        return (0, "counted", noun.split()[-1])  # "the 2024 deals numbered 340"
    return best


def _refined(metric, text, start, end, mention, context, after=True):  # noqa: C901
    """The dashboard metric a counted noun stands for here, or ``other``."""
    sentence = text[start:end]
    before = text[start : mention.start]
    if metric == "tonne_adjective":
        return OTHER
    if metric in ("cargo_tonnes", "teu", "trips", "freight_trips") and (
        _CAPACITY.search(before)
    ):
        return OTHER
    if metric == "trips":
        clause = _clause(text, start, end, mention)
        if _PASSENGER.search(clause):
            return OTHER
        if _FREIGHT.search(sentence) or (
            _FREIGHT.search(context) and not _PASSENGER.search(context)
        ):
            return "freight_trips" if not _PASSENGER.search(sentence) else OTHER
        return OTHER
    if metric == "trains":
        return OTHER
    if metric == "people":
        after = text[mention.end : min(end, mention.end + 80)]
        if _POVERTY.search(after):
            return "people_out_of_poverty"
        if _CARRIED.search(sentence) and not re.search(r"train(?:ed|ing)", sentence):
            return "passengers"
        return OTHER
    if metric in ("partner_countries", "partners", "partner_organizations"):
        reached = after and _NOT_PARTNER.search(before[-40:])
        if _AUDIENCE.search(before[-60:]) or reached:
            if not re.search(r"\b(?:with|to)\s+(?:\S+\s+){0,2}$", before[-30:]):
                return OTHER
        if not (_PARTNER_CUE.search(sentence) or _PARTNER_CUE.search(context)):
            return OTHER
    if metric == "passengers" and _CAPACITY.search(before):
        return OTHER
    return metric


def classify(text, start, end, mention: NumberMention, *, context="", carried=""):
    """The metric of ``mention`` in text[start:end] (one sentence); ``context``
    is the previous sentence, ``carried`` the metric the paragraph last
    counted. None when the number counts nothing nameable."""
    if mention.currency:
        return _money(text, start, end, mention, carried)
    if mention.measure in ("GW", "MW"):
        if _CAPACITY.search(text[start : mention.start]) and not _INSTALLED.search(
            text[start:end]
        ):
            return Classification(OTHER, OTHER_CONFIDENCE, mention.measure)
        return Classification("capacity_gw", NOUN_AFTER)
    if mention.measure:
        return Classification(OTHER, OTHER_CONFIDENCE, _MEASURE_UNITS[mention.measure])
    confidence = NOUN_AFTER
    found = _noun_after(text, mention, end)
    if found is None:
        found = _noun_before(text, start, mention)
        confidence = NOUN_BEFORE
    if found is not None and found[1] == "counted":
        return Classification(OTHER, OTHER_CONFIDENCE, found[2])
    if found is not None and found[1] == "tally":
        if not carried:
            return None
        found, confidence = (0, carried, ""), CARRIED_NOUN
    if found is None:
        plural = _PLURAL_NOUN.match(text, mention.end, end)
        if plural and not _NOT_COUNTED.match(plural.group("noun")):
            if _EMPLOYED.search(text[start : mention.start]):
                return Classification("jobs", NOUN_BEFORE)
            return Classification(OTHER, OTHER_CONFIDENCE, plural.group("noun"))
        return None
    metric = _refined(
        found[1], text, start, end, mention, context, after=confidence == NOUN_AFTER
    )
    if confidence == NOUN_BEFORE and _EMPLOYED.search(text[start : mention.start]):
        metric = "jobs"  # "the number of people working on X at 70,000"
    if metric == OTHER:
        return Classification(OTHER, OTHER_CONFIDENCE, found[2])
    return Classification(metric, confidence, noun=found[1])
