"""What the about page says about the data: a definition for every value of
the code's own vocabularies, read from the choices themselves so that the
page lists exactly the values a record can hold, and the dataset's citation.

A value added to a vocabulary without a definition here still shows, with
``MISSING_DEFINITION``; tests/test_about.py fails until it gets one."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from django.db.models import TextChoices
from django.utils import dateformat, timezone

from countries.models import PartnerAgreementKind, PartnerAgreementStatus, PartnerStatus
from projects.choices import (
    MetricAggregation,
    ObservationPeriod,
    ObservationQualifier,
    ObservationStatus,
    ProjectKind,
    ProjectStatus,
)
from projects.models import OTHER_METRIC

MISSING_DEFINITION = "No definition written yet: the label is all the record says."
DATASET_TITLE = "Belt and Road projects, partners and sourced figures"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

QUALIFIERS = {
    ObservationQualifier.EXACT: "The source states the number without a "
    "qualifying word; it is still only as precise as the source rounded it.",
    ObservationQualifier.MORE_THAN: "A lower bound: “more than 10 million” "
    "means at least 10 million, not 10 million. Written “10M+”, drawn as an "
    "upward triangle.",
    ObservationQualifier.NEARLY: "Approximate, just short of the number "
    "(“nearly”, “almost”). Written “~”, drawn as a hollow marker.",
    ObservationQualifier.ABOUT: "Approximate, on either side of the number "
    "(“about”, “around”, “some”). Written “~”, drawn as a hollow marker.",
    ObservationQualifier.UP_TO: "An upper bound: at most the number, often a "
    "capacity or a ceiling rather than what was achieved. Written “≤”, drawn "
    "as a downward triangle.",
    ObservationQualifier.PROJECTED: "A target, plan or forecast, not an "
    "achieved figure, and the only kind that may be dated in the future. "
    "Marked “(projected)”, drawn as a hollow diamond and listed after "
    "achieved figures.",
}

PERIODS = {
    ObservationPeriod.CUMULATIVE: "A running total from the start (of the "
    "project, the service or the initiative) up to the as-of date, such as "
    "all train trips since 2011.",
    ObservationPeriod.YEAR: "What happened in one year: a calendar year, or "
    "the twelve months up to the as-of date where the source counts so.",
    ObservationPeriod.HALF_YEAR: "What happened in one half of a calendar "
    "year, January to June or July to December.",
    ObservationPeriod.QUARTER: "What happened in one calendar quarter of three months.",
    ObservationPeriod.MONTH: "What happened in one calendar month.",
    ObservationPeriod.YEAR_TO_DATE: "What happened from 1 January up to the "
    "as-of date of the same year (“January to November”).",
    ObservationPeriod.DAY: "What happened on a single day, such as the "
    "passengers of one holiday.",
    ObservationPeriod.SPAN: "What happened over a span the source states, "
    "from the period's start to the as-of date, that is no calendar period.",
    ObservationPeriod.POINT: "A level at one date (capacity installed, jobs, "
    "countries reached), not a total over a period.",
}

FIGURE_STATUSES = {
    ObservationStatus.DRAFT: "Entered or accepted by an editor but not yet "
    "reviewed for publication; a draft never appears on the public pages, "
    "in exports, charts or counts.",
    ObservationStatus.PUBLISHED: "Reviewed by an editor and shown everywhere "
    "on the site; an editor can unpublish it again.",
}

PROJECT_KINDS = {
    ProjectKind.PROJECT: "One physical asset or site with its own "
    "construction and opening: a railway line, a port, a power plant, an "
    "industrial park.",
    ProjectKind.PROGRAMME: "Many activities under one name, over many sites "
    "or countries (training workshops, a technology-transfer scheme, a set "
    "of power plants), followed as a whole.",
    ProjectKind.SERVICE: "A transport corridor or a recurring service over "
    "new and existing infrastructure (a freight train network, an express "
    "route, an economic corridor), followed by what it carries.",
}

PROJECT_STATUSES = {
    ProjectStatus.PLANNED: "Announced, proposed or agreed, with no "
    "construction started: a signed agreement, a feasibility study or a "
    "financing deal is not a start of construction.",
    ProjectStatus.UNDER_CONSTRUCTION: "Works have started on site, not only a "
    "ceremony or a contract, and the project is not yet in service.",
    ProjectStatus.OPERATIONAL: "In service (carrying traffic, generating "
    "power, training people), even while later phases are still being "
    "built.",
    ProjectStatus.COMPLETED: "Built or delivered as planned and followed no "
    "further as a continuing operation, such as a programme that reached its "
    "stated end; a built railway in service is operational instead.",
    ProjectStatus.SUSPENDED: "Works or service stopped, as a source reports, "
    "without a cancellation; it may resume.",
    ProjectStatus.CANCELLED: "Abandoned by its sponsors or a government, as a "
    "source reports; the project keeps its record and its figures.",
}

AGREEMENT_KINDS = {
    PartnerAgreementKind.BRI_MOU: "A memorandum of understanding on jointly "
    "building the Belt and Road, the usual first document of a partner.",
    PartnerAgreementKind.COOPERATION_PLAN: "A plan for Belt and Road "
    "cooperation setting out fields and projects, signed after or instead of "
    "a memorandum.",
    PartnerAgreementKind.COOPERATION_DOCUMENT: "A Belt and Road cooperation "
    "document whose exact form the sources do not state; China's official "
    "count includes documents of every form.",
    PartnerAgreementKind.SECTORAL: "An agreement for one sector under the "
    "initiative (transport, energy, health, digital), not a general "
    "cooperation document.",
    PartnerAgreementKind.JOINT_STATEMENT: "A joint statement or declaration "
    "in which the partner endorses Belt and Road cooperation.",
    PartnerAgreementKind.OTHER: "Any other document; its title says what it is.",
}

AGREEMENT_STATUSES = {
    PartnerAgreementStatus.IN_FORCE: "Signed and, as far as the sources say, "
    "neither ended nor disputed: the partner counts as a partner here.",
    PartnerAgreementStatus.WITHDRAWN: "Ended by the partner, which left or "
    "did not renew (Italy in 2023, Panama in 2025); the end date is "
    "recorded.",
    PartnerAgreementStatus.EXPIRED: "Ended at the close of its own term "
    "without renewal, with no withdrawal announced.",
    # A literal: the value arrived after the others (countries migration
    # 0003), and a definition must not break the page if it goes.
    "unclear": "Sources disagree on whether the document was signed at all "
    "(an official list counts the partner, but no signing is reported, or "
    "the document was only ministry-level); it does not make a partner.",
}

PARTNER_STANDINGS = {
    PartnerStatus.PARTNER: "At least one agreement recorded here is in force.",
    PartnerStatus.WITHDRAWN: "No agreement is in force and at least one was "
    "withdrawn: the country has left.",
    "unclear": "No agreement is in force or withdrawn, and the only ones "
    "recorded are disputed (status “unclear”).",
    PartnerStatus.NONE: "No agreement in force, withdrawn or disputed is "
    "recorded; an expired one alone leaves a country here.",
}


class Term(NamedTuple):
    value: str
    label: str
    definition: str


class Vocabulary(NamedTuple):
    """A set of choices and the definition of each value."""

    slug: str
    title: str
    intro: str
    choices: type[TextChoices]
    definitions: Mapping[str, str]

    @property
    def terms(self) -> list[Term]:
        """Every choice, in the code's order, each with its definition."""
        return [
            Term(value, label, self.definitions.get(value, MISSING_DEFINITION))
            for value, label in self.choices.choices
        ]

    @property
    def undefined(self) -> list[str]:
        """Values of the choices that have no definition."""
        return [v for v in self.choices.values if v not in self.definitions]


QUALIFIER_VOCABULARY = Vocabulary(
    "qualifiers",
    "Qualifiers",
    "The word the source puts before its number, kept with the figure.",
    ObservationQualifier,
    QUALIFIERS,
)
PERIOD_VOCABULARY = Vocabulary(
    "periods",
    "Periods",
    "The stretch of time a figure covers; it ends on the figure's as-of date.",
    ObservationPeriod,
    PERIODS,
)
PROJECT_KIND_VOCABULARY = Vocabulary(
    "project-kinds",
    "Kinds of project",
    "What one project record stands for.",
    ProjectKind,
    PROJECT_KINDS,
)
PROJECT_STATUS_VOCABULARY = Vocabulary(
    "project-statuses",
    "Project statuses",
    "The latest stage a source reports for the project.",
    ProjectStatus,
    PROJECT_STATUSES,
)
AGREEMENT_KIND_VOCABULARY = Vocabulary(
    "agreement-kinds",
    "Kinds of agreement",
    "The form of a cooperation document, as its sources describe it.",
    PartnerAgreementKind,
    AGREEMENT_KINDS,
)
AGREEMENT_STATUS_VOCABULARY = Vocabulary(
    "agreement-statuses",
    "Agreement statuses",
    "Whether a document still binds its partner, as the sources say.",
    PartnerAgreementStatus,
    AGREEMENT_STATUSES,
)
STANDING_VOCABULARY = Vocabulary(
    "partner-standings",
    "A country's standing",
    "Not recorded but derived from a country's agreements, the first that "
    "applies in this order; the countries list and map show it.",
    PartnerStatus,
    PARTNER_STANDINGS,
)
FIGURE_STATUS_VOCABULARY = Vocabulary(
    "figure-statuses",
    "Drafts and published figures",
    "Every figure is one or the other.",
    ObservationStatus,
    FIGURE_STATUSES,
)
# Every vocabulary the page defines, in the page's order.
VOCABULARIES = (
    QUALIFIER_VOCABULARY,
    PERIOD_VOCABULARY,
    PROJECT_KIND_VOCABULARY,
    PROJECT_STATUS_VOCABULARY,
    AGREEMENT_KIND_VOCABULARY,
    AGREEMENT_STATUS_VOCABULARY,
    STANDING_VOCABULARY,
    FIGURE_STATUS_VOCABULARY,
)


class MetricTerm(NamedTuple):
    key: str
    name: str
    unit: str
    aggregation: str
    description: str


def metric_terms(metrics: Iterable[Mapping]) -> list[MetricTerm]:
    """Metric rows {"key", "name", "unit", "is_currency", "aggregation",
    "description"} as the page lists them."""
    return [
        MetricTerm(
            key=row["key"],
            name=row["name"],
            unit=_metric_unit(row),
            aggregation=label(MetricAggregation, row["aggregation"]),
            description=row["description"],
        )
        for row in metrics
    ]


def _metric_unit(row: Mapping) -> str:
    if row["is_currency"]:
        return "US dollars"
    if row["key"] == OTHER_METRIC and not row["unit"]:
        return "its own, stated with each figure"
    return row["unit"]


def label(choices: type[TextChoices], value: str) -> str:
    """The label of ``value``, or the value itself if the code no longer
    has it."""
    return dict(choices.choices).get(value, value)


def dataset_citation(newest_change: datetime | None, url: str) -> str:
    """How to cite the whole dataset: dated by its newest change (today when
    there is no record at all)."""
    day = timezone.localdate(newest_change) if newest_change else timezone.localdate()
    return (
        f"BRI Tracker ({day.year}). {DATASET_TITLE}. "
        f"Data as of {dateformat.format(day, 'j F Y')}, {url}."
    )
