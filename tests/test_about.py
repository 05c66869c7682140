"""The about page: every value of every vocabulary defined, coverage counted
from the records, the dataset's citation dated by the newest change, a link
from every page's footer, and a query count that does not grow with the
data."""

import datetime
import html
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bri_tracker import data_generation
from countries.models import (
    Country,
    PartnerAgreement,
    PartnerAgreementKind,
    PartnerAgreementStatus,
)
from explorer import about
from projects.choices import (
    ObservationPeriod,
    ObservationQualifier,
    ProjectKind,
    ProjectStatus,
)
from projects.counts import DATED_RECORDS
from projects.models import Metric, Milestone, Observation, Project
from sources.models import Source
from tests.factories import (
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)
from tests.helpers import committed, query_count

pytestmark = pytest.mark.django_db

URL = "/about/"
# Coverage (9, projects/counts.py), the metrics (1) and the footer's counts (5).
MOST_QUERIES = 15
DEFINED = [
    ObservationQualifier,
    ObservationPeriod,
    ProjectStatus,
    ProjectKind,
    PartnerAgreementStatus,
    PartnerAgreementKind,
]


class _Outline(HTMLParser):
    """The page's headings, its definition lists' (term, definition) pairs
    and the text of its cells marked ``data-coverage``."""

    def __init__(self):
        super().__init__()
        self.headings, self.pairs, self.cells = [], [], {}
        self._open, self._text, self._term = None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]|dt|dd", tag) or "data-coverage" in attrs:
            self._open, self._text = (tag, attrs.get("data-coverage")), []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self._open or tag != self._open[0]:
            return
        text = " ".join("".join(self._text).split())
        name, key = self._open
        if key:
            self.cells[key] = text
        elif name == "dt":
            self._term = text
        elif name == "dd":
            self.pairs.append((self._term, text))
        else:
            self.headings.append(int(name[1]))
        self._open = None


def _outline(response):
    outline = _Outline()
    outline.feed(response.content.decode())
    return outline


def _number(text):
    return int(text.replace(",", ""))


@pytest.mark.parametrize("vocabulary", about.VOCABULARIES, ids=lambda v: v.slug)
def test_every_value_of_a_vocabulary_has_a_definition(vocabulary):
    assert vocabulary.undefined == [], (
        f"Define {vocabulary.undefined} in explorer/about.py ({vocabulary.title})"
    )
    assert all(term.definition.strip() for term in vocabulary.terms)


def test_the_page_defines_every_vocabulary_it_promises():
    assert set(DEFINED) <= {vocabulary.choices for vocabulary in about.VOCABULARIES}


def test_a_value_without_a_definition_shows_the_fallback():
    vocabulary = about.PROJECT_STATUS_VOCABULARY._replace(
        definitions={ProjectStatus.PLANNED: "Not yet built."}
    )

    terms = {term.value: term.definition for term in vocabulary.terms}

    assert terms["planned"] == "Not yet built."
    assert terms["cancelled"] == about.MISSING_DEFINITION
    assert "cancelled" in vocabulary.undefined


def test_coverage_is_counted_again_after_the_data_changes(client):
    ProjectFactory.create_batch(2)
    first = client.get(URL).context["coverage"]
    key = f"data:{data_generation.current()}:about-coverage:{timezone.localdate()}"
    assert cache.get(key) == first

    with committed():
        ProjectFactory()

    assert client.get(URL).context["coverage"].projects == first.projects + 1


def test_about_page_without_figures_shows_no_shares(client):
    Observation.objects.all().delete()

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["coverage"].quoted_share == 0.0
    assert "Data as of" in response.text


@pytest.mark.parametrize("newest", DATED_RECORDS, ids=lambda m: m.__name__)
def test_citation_date_follows_whichever_record_changed_last(client, newest):
    ObservationFactory(source=ReleaseFactory(), project=MilestoneFactory().project)
    PartnerAgreementFactory()
    old = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC)
    later = datetime.datetime(2025, 3, 2, 12, tzinfo=datetime.UTC)
    for model in DATED_RECORDS:
        model.objects.update(created_at=old, updated_at=old)
    row = newest.objects.order_by("pk").first()
    newest.objects.filter(pk=row.pk).update(updated_at=later)

    text = client.get(URL).text

    assert "Data as of 2 March 2025, http://testserver/about/." in text
    assert "BRI Tracker (2025)." in text


def test_the_dated_records_are_the_audited_models_of_the_public_data():
    assert {Observation, Project, PartnerAgreement, Source} <= set(DATED_RECORDS)
    for model in DATED_RECORDS:
        names = {field.name for field in model._meta.fields}
        assert {"created_at", "updated_at"} <= names


def _add_data(n):
    """``n`` more of everything the page counts, in every status."""
    for i in range(n):
        release = ReleaseFactory()
        ObservationFactory(source=release, quote="more than 10 million passengers")
        ObservationFactory(as_of=None, status=Observation.Status.DRAFT)
        ObservationFactory(as_of=timezone.localdate())
        MilestoneFactory()
        SourceFactory()
        status = list(PartnerAgreementStatus.values)[i % len(PartnerAgreementStatus)]
        PartnerAgreementFactory(
            status=status,
            ended_on=None if status == "in_force" else datetime.date(2023, 12, 1),
        )
        PartnerAgreementFactory(country=None, organization=OrganizationFactory())


def test_about_query_count_is_flat(client, django_assert_max_num_queries):
    _add_data(2)
    small = query_count(client, URL)
    _add_data(8)
    large = query_count(client, URL)

    cache.clear()
    with django_assert_max_num_queries(MOST_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert large == small


# On the seed data, last: the module-scoped ``seeded`` fixture keeps the seed
# loaded until the module ends, and the tests above count only their own rows.


def _standing(statuses):
    """A country's standing from its agreements' statuses, computed here
    from the definitions rather than by the queryset."""
    if "in_force" in statuses:
        return "partner"
    if "withdrawn" in statuses:
        return "withdrawn"
    if "unclear" in statuses:
        return "unclear"
    return "none"


def _newest_change():
    stamps = [
        stamp
        for model in (Observation, Project, Milestone, PartnerAgreement, Source)
        for row in model.objects.values_list("created_at", "updated_at")
        for stamp in row
    ]
    return max(stamps)


def test_about_page_shows_every_value_with_its_definition(client, seeded):
    response = client.get(URL)

    assert response.status_code == 200
    pairs = set(_outline(response).pairs)
    for vocabulary in about.VOCABULARIES:
        for value, label in vocabulary.choices.choices:
            definition = vocabulary.definitions[value]
            assert (f"{label} {value}", definition) in pairs, (vocabulary.slug, value)


def test_about_page_defines_every_metric(client, seeded):
    pairs = dict(_outline(client.get(URL)).pairs)

    for metric in Metric.objects.all():
        definition = pairs[f"{metric.name} {metric.key}"]
        assert definition.startswith(metric.description)
        if metric.unit:
            assert f"Unit: {metric.unit};" in definition
        elif metric.is_currency:
            assert "Unit: US dollars;" in definition


def test_about_page_headings_descend_one_level_at_a_time(client, seeded):
    levels = _outline(client.get(URL)).headings

    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_coverage_tables_scroll_in_named_regions(client, seeded):
    text = client.get(URL).text

    tables = text.count("<table")
    assert tables >= 4
    regions = re.findall(
        r'<div class="table-scroll" role="region" tabindex="0" aria-label="[^"]+">'
        r"\s*<table",
        text,
    )
    assert len(regions) == tables


def test_coverage_equals_counts_made_independently(client, seeded):
    today = timezone.localdate()
    figures = list(Observation.objects.select_related("source"))
    published = [o for o in figures if o.status == "published"]
    statuses = defaultdict(set)
    for agreement in PartnerAgreement.objects.exclude(country=None):
        statuses[agreement.country_id].add(agreement.status)
    standings = Counter(
        _standing(statuses[pk]) for pk in Country.objects.values_list("pk", flat=True)
    )

    response = client.get(URL)

    coverage = response.context["coverage"]
    assert coverage.projects == Project.objects.count()
    assert coverage.figures == len(published)
    assert coverage.quoted_figures == sum(1 for o in published if o.quote)
    assert coverage.referenced_figures == sum(1 for o in published if not o.source.text)
    year_ago = today - datetime.timedelta(days=365)
    assert coverage.stale_figures == sum(
        1 for o in published if o.as_of and o.as_of < year_ago
    )
    assert coverage.undated_figures == sum(1 for o in published if o.as_of is None)
    assert coverage.countries_by_standing == {k: v for k, v in standings.items() if v}
    assert coverage.sources == Source.objects.count()
    assert coverage.stored_sources == sum(1 for s in Source.objects.all() if s.text)

    cells = _outline(response).cells
    assert _number(cells["projects"]) == coverage.projects
    assert _number(cells["figures"]) == len(published)
    assert _number(cells["quoted"]) == coverage.quoted_figures
    assert _number(cells["sources"]) == Source.objects.count()
    share = 100 * coverage.quoted_figures / len(published)
    assert f"{share:.1f}%" in response.text


def test_coverage_counts_agreements_and_partners_by_status(client, seeded):
    agreements = list(PartnerAgreement.objects.all())
    expected = {}
    for status in {a.status for a in agreements}:
        rows = [a for a in agreements if a.status == status]
        expected[status] = (
            len(rows),
            len({a.country_id for a in rows if a.country_id}),
            len({a.organization_id for a in rows if a.organization_id}),
        )

    response = client.get(URL)

    coverage = response.context["coverage"]
    assert {
        row.status: (row.agreements, row.countries, row.organizations)
        for row in coverage.agreements_by_status
    } == expected
    assert coverage.agreements.agreements == len(agreements)
    assert coverage.agreements.organizations == len(
        {a.organization_id for a in agreements if a.organization_id}
    )
    in_force = expected["in_force"]
    assert re.search(
        rf'<tr data-status="in_force"><th scope="row">In force</th>'
        rf"<td>{in_force[0]}</td><td>{in_force[1]}</td><td>{in_force[2]}</td>",
        response.text,
    )


def test_coverage_shows_the_latest_official_partner_count(client, seeded):
    latest = (
        Observation.objects.published()
        .filter(project=None, metric__key="partner_countries", period="cumulative")
        .exclude(as_of=None)
        .order_by("-as_of", "-pk")
        .first()
    )

    text = client.get(URL).text

    assert f'<a href="/figures/{latest.pk}/">{latest.display_value}</a>' in text


def test_citation_is_dated_by_the_newest_change(client, seeded):
    newest = timezone.localdate(_newest_change())

    text = client.get(URL).text

    assert (
        f"BRI Tracker ({newest.year}). Belt and Road projects, partners and "
        f"sourced figures. Data as of {newest.day} {newest:%B %Y}, "
        f"http://testserver/about/."
    ) in html.unescape(text)


def test_footer_of_another_page_links_to_about(client, seeded):
    text = client.get(reverse("projects:list")).text

    footer = text[text.index("<footer") :]
    assert f'<a href="{URL}">About the data</a>' in footer
    assert f'<a href="{URL}#licence">licence</a>' in footer
    assert f'<a href="{URL}#cite">how to cite</a>' in footer
    about_page = client.get(URL).text
    assert 'id="licence"' in about_page and 'id="cite"' in about_page
