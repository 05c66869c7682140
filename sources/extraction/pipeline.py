"""The extractor: sentences in, figures out. Pure: no database, no I/O."""

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sources.dates import DatePrecision
from sources.extraction import attribution, metrics, qualifiers, segmentation
from sources.extraction.figure import OTHER, AsOfBasis, Figure, Period, Qualifier
from sources.extraction.numbers import find_numbers
from sources.extraction.reference import reference_date
from sources.extraction.time_phrases import (
    Role,
    Strength,
    TimeContext,
    find_time_phrases,
)
from sources.periods import period_start_for

# Choosing a figure's own time phrase among several in its sentence.
CLAUSE_PENALTY = 60  # characters a clause break counts for
STRENGTH_BONUS = 10  # characters a firmer phrase may be further away
HEADLINE_RESTATEMENT = Decimal("0.05")  # a headline rounds a body figure this much
CONFIDENCE_DATED = 0.05
CONFIDENCE_UNDATED = -0.1
MIN_CONFIDENCE, MAX_CONFIDENCE = 0.05, 1.0
COMPARISON_REACH = 14  # "compared with the same period last year": a base
# Words that make a figure dated by a month or year a running total there.
_MILESTONE = re.compile(
    r"\b(?:passed|pass|topped|top|exceeded|surpassed|crossed|hit|cumulative\w*|"
    r"since|so\s+far|to\s+date|in\s+total|altogether|bringing|brought)\b",
    re.IGNORECASE,
)
# In a figure's own clause: a running total, whatever span dates it.
_TOTAL_IN_CLAUSE = re.compile(
    r"\b(?:cumulative\w*|bringing|brought|since|in\s+total|altogether)\b",
    re.IGNORECASE,
)
# "other" figures that describe the project, not what it did: undated.
STATIC_MEASURES = {"km", "km/h", "area", "acres", "hours", "MW", "GW"}
STATIC_UNITS = {"km", "km/h", "square metres", "acres", "hours"}
_CAPACITY = re.compile(
    r"\b(?:can\s+(?:handle|take|carry)|capacity|designed|able\s+to)\b", re.IGNORECASE
)
# Counts of a stock (partners, agreements): a month dates the count, not a flow.
STOCK_METRICS = {
    "partner_countries",
    "partner_organizations",
    "partners",
    "agreements",
    "enterprises",
    "cooperative_projects",
}
_RUNNING_TOTAL = re.compile(
    r"\b(?:cumulative\w*|in\s+total|a\s+total\s+of|since|so\s+far|to\s+date|"
    r"altogether|stock|has\s+(?:reached|brought|created|carried|handled)|"
    r"have\s+reached)\b",
    re.IGNORECASE,
)
_ONE_DAY = re.compile(
    r"\b(?:single[\s-]day|one[\s-]day|in\s+a\s+(?:single\s+)?day|daily\s+record)\b",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"^\s*(?:\w+\s+){0,4}?(?:a|per|each|every)\s+(?P<unit>month|year|day|week)\b",
    re.IGNORECASE,
)
_AVERAGES = re.compile(r"\baverag\w*|\bmonthly\b", re.IGNORECASE)
_COMPARISON = re.compile(r"\b(?:compared\s+with|than|from)\s*$", re.IGNORECASE)
_INITIATIVE = re.compile(
    r"\b(?:Belt\s+and\s+Road\s+(?:countries|partners|cooperation)|the\s+initiative|"
    r"BRI\s+(?:countries|partners)|cooperation\s+documents)\b",
    re.IGNORECASE,
)
_UP_TO_DATE = re.compile(r"(?:by|as\s+of|until|up\s+to)\b", re.IGNORECASE)
_THEN = re.compile(r"\bat\s+the\s+time\b|\bthen\b", re.IGNORECASE)
_PERIOD_RATE = {"month": Period.MONTH, "year": Period.YEAR}


@dataclass
class _Paragraph:
    """What sentences carry forward: the last date, counted metric, project."""

    context: TimeContext
    metric: str = ""
    project: str | None = None
    headline: str = ""
    sentences: list = field(default_factory=list)
    phrase: object = None  # the previous sentence's firm date, for undated figures
    named: set = field(default_factory=set)  # projects the release has named

    @property
    def context_text(self):
        """The headline and this paragraph's sentences so far."""
        return " ".join([self.headline, *self.sentences])


@dataclass
class _Found:
    mention: object
    kind: metrics.Classification
    value: Decimal
    figure: Figure | None = None
    changes: list = field(default_factory=list)


def _own_phrase(found, others, phrases, breaks):
    """The time phrase that dates ``found``: the nearest in its clause, a
    sentence-opening one, or one after it with no other figure between."""
    number_start, number_end = found.mention.start, found.mention.end
    clause = segmentation.clause_index(breaks, number_start)
    first_number = min([number_start, *(o.mention.start for o in others)])
    best = None
    for phrase in phrases:
        if phrase.role not in (Role.AS_OF, Role.PERIOD):
            continue
        p_start, p_end = phrase.start, phrase.end
        if p_end <= number_start:
            between = [o for o in others if p_end <= o.mention.start < number_start]
            leading = p_end <= first_number
            if between and not leading:
                continue
            distance = number_start - p_end
        else:
            between = [o for o in others if number_end <= o.mention.start < p_start]
            p_clause = segmentation.clause_index(breaks, p_start)
            joined = p_clause == clause
            if between and not joined:
                continue
            owned = [
                o
                for o in others
                if o.mention.start > p_end
                and segmentation.clause_index(breaks, o.mention.start) == p_clause
            ]
            if owned and not joined:
                continue  # "..., and from January to August the figure was 11.8"
            distance = p_start - number_end
        clauses = abs(segmentation.clause_index(breaks, p_start) - clause)
        score = distance + CLAUSE_PENALTY * clauses - STRENGTH_BONUS * phrase.strength
        if best is None or score < best[0]:
            best = (score, phrase)
    return best[1] if best else None


def _dates(found, phrase, statement, sentence, offset, ref, clause, carried):
    """(period, as_of, basis) of a figure, from its phrase and its kind."""
    metric = found.kind.metric
    number_end = found.mention.end - offset
    after = sentence[number_end:]
    basis = ref.basis if ref.day else AsOfBasis.NONE
    if metric == OTHER and (
        found.mention.measure in STATIC_MEASURES or found.kind.unit in STATIC_UNITS
    ):
        return None, None, AsOfBasis.NONE  # a length, a speed, a capacity
    if metric == OTHER and (found.mention.measure or _CAPACITY.search(sentence)):
        # A share or completion: dated when the text dates it, no period.
        if phrase is None:
            return None, None, AsOfBasis.NONE
        return phrase.period, phrase.as_of, _basis(phrase, ref)
    if _ONE_DAY.search(sentence) and phrase and phrase.period is None:
        return Period.DAY, phrase.as_of, _basis(phrase, ref)
    rate = _RATE.match(after)
    if (
        rate
        and rate.group("unit").lower() in _PERIOD_RATE
        and _AVERAGES.search(sentence)
    ):
        if phrase is not None and phrase.as_of:
            return (
                _PERIOD_RATE[rate.group("unit").lower()],
                phrase.as_of,
                _basis(phrase, ref),
            )
        return _PERIOD_RATE[rate.group("unit").lower()], ref.day, basis
    if phrase is None and carried is not None:
        phrase = carried
    if phrase is None:
        if metric == "investment_usd" and not _RUNNING_TOTAL.search(sentence):
            return None, None, AsOfBasis.NONE
        if statement is not None:
            return Period.CUMULATIVE, statement.as_of, _basis(statement, ref)
        return Period.CUMULATIVE, ref.day, basis
    if metric == "investment_usd" and (
        phrase.period in (None, Period.MONTH) or _THEN.search(phrase.text)
    ):
        # "agreed a loan of US$4.5 billion in May 2017": a deal's date, not
        # a total's; "by the end of 2023 ... investment stock" is a total.
        if not (_RUNNING_TOTAL.search(clause) or _UP_TO_DATE.match(phrase.text)):
            return None, None, AsOfBasis.NONE
    if metric == "jobs":
        return None, phrase.as_of, _basis(phrase, ref)  # a headcount at a date
    if phrase.role == Role.AS_OF:
        return Period.CUMULATIVE, phrase.as_of, _basis(phrase, ref)
    period = phrase.period
    if period in (Period.YEAR, Period.MONTH) and _MILESTONE.search(sentence):
        period = Period.CUMULATIVE
    if period == Period.MONTH and metric in STOCK_METRICS:
        period = Period.CUMULATIVE
    if _TOTAL_IN_CLAUSE.search(clause):
        period = Period.CUMULATIVE
    return period, phrase.as_of, _basis(phrase, ref)


def _dated(phrases):
    return any(p.role in (Role.AS_OF, Role.PERIOD) for p in phrases)


def _basis(phrase, ref):
    if phrase.as_of is None:
        return AsOfBasis.NONE
    return AsOfBasis.STATED if phrase.stated else ref.basis


def _assign_changes(founds, changes):
    for change in changes:
        if not change.yearly:
            continue
        if change.target_after:
            targets = [f for f in founds if f.mention.start >= change.end]
            target = targets[0] if targets else None
        else:
            targets = [f for f in founds if f.mention.end <= change.start]
            target = targets[-1] if targets else None
        if target is not None:
            target.changes.append(change)
            # "..., or about 13.69 billion U.S. dollars": the same amount.
            for f in founds:
                if (
                    f is not target
                    and f.kind.metric != target.kind.metric
                    and (0 <= f.mention.start - target.mention.end <= 20)
                ):
                    f.changes.append(change)


def _sentence_figures(text, sentence, paragraph, names, ref):  # noqa: C901
    offset = sentence.start
    body = text[sentence.start : sentence.end]
    ctx = paragraph.context
    phrases = find_time_phrases(body, ctx)
    phrases = [
        p
        for p in phrases
        if not _COMPARISON.search(body[max(0, p.start - COMPARISON_REACH) : p.start])
    ]
    changes = qualifiers.changes_in(body, offset)
    founds = []
    for mention in find_numbers(text, sentence.start, sentence.end):
        if any(c.start <= mention.start < c.end for c in changes):
            continue
        if any(p.start <= mention.start - offset < p.end for p in phrases):
            continue  # "the first 11 months", "the first three quarters"
        kind = metrics.classify(
            text,
            sentence.start,
            sentence.end,
            mention,
            context=paragraph.context_text,
            carried=paragraph.metric,
        )
        if kind is None:
            carried = [f for f in founds if f.kind.metric != OTHER]
            if not carried or mention.currency or mention.measure:
                continue
            # "rose from 1,702 in 2016 to 19,392": the count just named.
            kind = replace(carried[-1].kind, confidence=metrics.CARRIED_NOUN)
        value = mention.value
        if mention.measure == "MW" and kind.metric == "capacity_gw":
            value = value / 1000
        founds.append(_Found(mention, kind, value))
    _assign_changes(founds, changes)
    breaks = segmentation.clause_breaks(body, 0, len(body))
    statement = next((p for p in phrases if p.role == Role.STATEMENT), None)
    sentence_project = attribution.project_in(names, text, sentence.start, sentence.end)
    figures, owned_phrases = [], []
    for found in founds:
        others = [o for o in founds if o is not found]
        local = replace(
            found,
            mention=replace(
                found.mention,
                start=found.mention.start - offset,
                end=found.mention.end - offset,
            ),
        )
        local_others = [
            replace(
                o,
                mention=replace(
                    o.mention,
                    start=o.mention.start - offset,
                    end=o.mention.end - offset,
                ),
            )
            for o in others
        ]
        phrase = _own_phrase(local, local_others, phrases, breaks)
        if phrase is None and owned_phrases:
            # "..., including contracts worth 70.7 billion and 51 billion of
            # investments": a breakdown shares the date of what it breaks down.
            phrase = owned_phrases[-1]
        if phrase is not None:
            owned_phrases.append(phrase)
        q_start, q_end = segmentation.quote_span(
            text,
            sentence,
            found.mention.start,
            found.mention.end,
            [(o.mention.start, o.mention.end) for o in others],
        )
        period, as_of, basis = _dates(
            found,
            phrase,
            statement,
            body,
            offset,
            ref,
            text[q_start:q_end],
            None if _dated(phrases) else paragraph.phrase,
        )
        prefix = qualifiers.own_clause(body[: found.mention.start - offset])
        qualifier = qualifiers.qualifier_before(text, found.mention.number_start)
        if found.kind.metric != OTHER:
            # A span or day that starts after the release: a forecast.
            begins = phrase.period_start if phrase and phrase.period_start else as_of
            future = begins is not None and ref.day is not None and begins > ref.day
            if future or qualifiers.is_projection(
                prefix, body[found.mention.end - offset :]
            ):
                qualifier = Qualifier.PROJECTED
                period, as_of, basis = None, None, AsOfBasis.NONE
        project = (
            attribution.project_in(
                names, text, q_start, q_end, before=found.mention.start
            )
            or sentence_project
        )
        if project is None and not _INITIATIVE.search(body):
            # "the line", "it": the project named last; any sentence of a
            # release about one project is about that project.
            if attribution.refers_back(body) or len(paragraph.named) == 1:
                project = paragraph.project
        confidence = found.kind.confidence
        confidence += CONFIDENCE_DATED if phrase else 0
        confidence += CONFIDENCE_UNDATED if as_of is None else 0
        change = found.changes[0].percent if found.changes else None
        figures.append(
            Figure(
                metric=found.kind.metric,
                value=_plain(found.value),
                qualifier=qualifier,
                as_of=as_of,
                period=period,
                period_start=period_start_for(period, as_of, DatePrecision.DAY)
                if period
                else None,
                change_percent=change,
                project=project,
                quote=text[q_start:q_end],
                confidence=max(MIN_CONFIDENCE, min(MAX_CONFIDENCE, confidence)),
                as_of_basis=basis,
                unit=found.kind.unit,
            )
        )
    primary = [f for f in figures if f.metric != OTHER]
    if primary:
        paragraph.metric = primary[-1].metric
    paragraph.project = sentence_project or paragraph.project
    if sentence_project:
        paragraph.named.add(sentence_project)
    paragraph.phrase = None
    dated = [
        p
        for p in phrases
        if p.role in (Role.AS_OF, Role.PERIOD)
        and p.as_of
        and p.strength > Strength.WEAK
    ]
    if dated:
        last = dated[-1]
        paragraph.context = replace(ctx, last_phrase=last, last_year=last.as_of.year)
        paragraph.phrase = last
    if sentence.headline:
        paragraph.headline = body
    else:
        paragraph.sentences.append(body)
    return figures


def _plain(value):
    value = Decimal(value)
    return (
        Decimal(int(value)) if value == value.to_integral_value() else value.normalize()
    )


def _restates(headline_figure, body_figures):
    for figure in body_figures:
        if figure.metric != headline_figure.metric or not figure.value:
            continue
        if abs(figure.value - headline_figure.value) <= HEADLINE_RESTATEMENT * abs(
            figure.value
        ):
            return True
    return False


def extract_figures(text, *, published_on=None, projects=()):
    """Figures stated in ``text``, in order of appearance."""
    text = text or ""
    ref = reference_date(text, published_on)
    names = attribution.project_names(projects)
    paragraph = _Paragraph(TimeContext(base=ref.day))
    headline, body = [], []
    seen = set()
    last_paragraph = 0
    for sentence in segmentation.sentences(text):
        if sentence.paragraph != last_paragraph:
            paragraph.sentences = []
            paragraph.phrase = None
            last_paragraph = sentence.paragraph
        found = _sentence_figures(text, sentence, paragraph, names, ref)
        for figure in found:
            key = (figure.metric, figure.value, figure.quote)
            if key in seen:
                continue
            seen.add(key)
            (headline if sentence.headline else body).append(figure)
    kept = [f for f in headline if not _restates(f, body)]
    return kept + body
