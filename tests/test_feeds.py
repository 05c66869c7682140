import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Observation
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    ProjectFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _is_rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo


def _is_absolute(iri):
    parts = urlsplit(iri)
    return bool(parts.scheme and parts.netloc)


def assert_valid_atom(feed):
    """The RFC 4287 rules an Atom document must meet (section 4.1)."""
    assert feed.tag == f"{{{ATOM}}}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"atom:{name}", NS)) == 1, name
    assert _is_absolute(feed.findtext("atom:id", namespaces=NS))
    assert _is_rfc3339(feed.findtext("atom:updated", namespaces=NS))
    feed_has_author = feed.find("atom:author/atom:name", NS) is not None
    assert feed.find("atom:link[@rel='self']", NS) is not None
    for entry in feed.findall("atom:entry", NS):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"atom:{name}", NS)) == 1, name
        assert _is_absolute(entry.findtext("atom:id", namespaces=NS))
        assert _is_rfc3339(entry.findtext("atom:updated", namespaces=NS))
        assert _is_rfc3339(entry.findtext("atom:published", namespaces=NS))
        alternate = entry.findall("atom:link[@rel='alternate']", NS)
        assert len(alternate) == 1 and _is_absolute(alternate[0].get("href"))
        assert len(entry.findall("atom:summary", NS)) <= 1
        assert feed_has_author or entry.find("atom:author/atom:name", NS) is not None


def _entries(feed):
    return feed.findall("atom:entry", NS)


def _project_feed(client, project):
    return client.get(reverse("projects:feed", args=[project.slug]))


def _country_feed(client, iso3):
    return client.get(reverse("countries:feed", args=[iso3]))


def test_project_feed_is_valid_atom_with_one_entry_per_figure(client):
    project = ProjectFactory(name="Jakarta-Bandung High-Speed Railway")
    release = ReleaseFactory(title="Whoosh release", publisher="Xinhua")
    figure = ObservationFactory(
        project=project,
        value=10_000_000,
        qualifier=Observation.Qualifier.MORE_THAN,
        as_of=datetime.date(2025, 7, 22),
        source=release,
        quote="served more than 10 million passengers",
    )
    ObservationFactory(project=ProjectFactory())  # another project's figure

    feed = _parse(_project_feed(client, project))

    assert_valid_atom(feed)
    assert "Jakarta-Bandung High-Speed Railway" in feed.findtext("atom:title", "", NS)
    (entry,) = _entries(feed)
    assert entry.findtext("atom:title", namespaces=NS) == (
        "Passengers: 10M+ passengers (as of 22 Jul 2025)"
    )
    link = entry.find("atom:link[@rel='alternate']", NS).get("href")
    assert link == f"http://testserver{reverse('figures:detail', args=[figure.pk])}"
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "Xinhua"
    summary = entry.find("atom:summary", NS)
    assert summary.get("type") == "html"
    assert "served more than 10 million passengers" in summary.text
    assert "Whoosh release" in summary.text


def test_project_feed_escapes_quotes_and_titles(client):
    release = ReleaseFactory(
        title="<b>Bold</b> & co", text="It said <script>x</script> today.\n"
    )
    figure = ObservationFactory(source=release, quote="<script>x</script>")

    response = _project_feed(client, figure.project)

    feed = _parse(response)
    summary = feed.find("atom:entry/atom:summary", NS).text
    # The summary is HTML: markup from the data arrives escaped within it.
    assert "&lt;script&gt;x&lt;/script&gt;" in summary
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in summary
    assert b"<script>" not in response.content


def test_project_feed_lists_the_newest_fifty_by_creation(client):
    project = ProjectFactory()
    figures = ObservationFactory.create_batch(55, project=project)
    start = timezone.now() - datetime.timedelta(days=60)
    for day, figure in enumerate(figures):
        Observation.objects.filter(pk=figure.pk).update(
            created_at=start + datetime.timedelta(days=day)
        )

    entries = _entries(_parse(_project_feed(client, project)))

    assert len(entries) == 50
    links = [e.find("atom:link", NS).get("href") for e in entries]
    expected = [reverse("figures:detail", args=[f.pk]) for f in figures[::-1][:50]]
    assert [urlsplit(link).path for link in links] == expected


def test_project_feed_updated_dates_come_from_the_figures(client):
    figure = ObservationFactory()
    created = timezone.now() - datetime.timedelta(days=10)
    Observation.objects.filter(pk=figure.pk).update(
        created_at=created, updated_at=created + datetime.timedelta(days=2)
    )

    feed = _parse(_project_feed(client, figure.project))

    entry = _entries(feed)[0]
    published = entry.findtext("atom:published", namespaces=NS)
    updated = entry.findtext("atom:updated", namespaces=NS)
    assert datetime.datetime.fromisoformat(published) == created
    assert datetime.datetime.fromisoformat(updated) == created + datetime.timedelta(
        days=2
    )


def test_project_feed_without_figures_is_still_valid(client):
    feed = _parse(_project_feed(client, ProjectFactory()))

    assert_valid_atom(feed)
    assert _entries(feed) == []


def test_project_feed_unknown_slug_is_a_404(client):
    response = client.get(reverse("projects:feed", args=["no-such-project"]))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_project_feed_query_count_is_flat(client, django_assert_max_num_queries, count):
    project = ProjectFactory()
    ObservationFactory.create_batch(count, project=project)

    # the project, its figures with metric, project and source
    with django_assert_max_num_queries(2):
        response = _project_feed(client, project)

    assert response.status_code == 200


def test_country_feed_lists_its_projects_figures_whatever_the_case(client):
    country = CountryFactory(name="Laos")
    inside = ProjectFactory()
    inside.countries.add(country)
    figures = ObservationFactory.create_batch(2, project=inside)
    ObservationFactory()  # a project elsewhere
    ObservationFactory(project=None)  # initiative-wide

    feed = _parse(_country_feed(client, country.iso3.lower()))

    assert_valid_atom(feed)
    assert "Laos" in feed.findtext("atom:title", "", NS)
    paths = {urlsplit(e.find("atom:link", NS).get("href")).path for e in _entries(feed)}
    assert paths == {reverse("figures:detail", args=[f.pk]) for f in figures}


def test_country_feed_unknown_iso3_is_a_404(client):
    response = client.get(reverse("countries:feed", args=["QQQ"]))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_country_feed_query_count_is_flat(client, django_assert_max_num_queries, count):
    country = CountryFactory()
    for project in ProjectFactory.create_batch(3):
        project.countries.add(country)
        ObservationFactory.create_batch(count, project=project)

    with django_assert_max_num_queries(2):
        response = _country_feed(client, country.iso3)

    assert response.status_code == 200
