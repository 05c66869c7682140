"""Cold renders at scale (issue 16): list totals taken from the footer's
counts, deep pages read from the nearer end, country totals from one table
per data generation. Each shows the same numbers and rows as counting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bri_tracker import pagination
from projects.models import Observation, Project
from tests.factories import CountryFactory, ObservationFactory, ProjectFactory
from tests.helpers import committed

pytestmark = pytest.mark.django_db

FIGURES = reverse("figures:list")
PROJECTS = reverse("projects:list")


@pytest.fixture
def figures():
    project = ProjectFactory(name="Mombasa Railway")
    published = [
        ObservationFactory(
            project=project, value=n, status=Observation.Status.PUBLISHED
        )
        for n in range(1, 8)
    ]
    ObservationFactory(project=project, value=99, status=Observation.Status.DRAFT)
    Project.objects.all().refresh_figure_summary()
    return published


def _total(client, url):
    return client.get(url).context["page_obj"].paginator.count


def test_the_unfiltered_figure_list_counts_the_published_figures(client, figures):
    assert _total(client, FIGURES) == len(figures)
    assert _total(client, f"{FIGURES}?sort=value") == len(figures)
    assert _total(client, f"{FIGURES}?q=nothing-matches-this") == 0


def test_the_unfiltered_lists_run_no_count(client, figures, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request rendered, no count cached
    for url in (FIGURES, PROJECTS):
        client.get(url)  # the footer's counts, cached per data generation
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert queries.captured_queries, url
        assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]], url
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"q": "Mombasa"})
        assert [q for q in queries.captured_queries if "COUNT(" in q["sql"]], url


@pytest.mark.parametrize("sort", ["", "value", "-value"])
def test_deep_pages_read_backwards_show_the_rows_of_an_offset(
    client, figures, monkeypatch, settings, sort
):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(pagination, "DEFERRED_JOIN_FROM", 0)
    monkeypatch.setattr("explorer.views.figures.PAGE_SIZE", 2)
    shown = []
    for page in range(1, 5):  # the last pages are past the middle
        response = client.get(FIGURES, {"page": page, "sort": sort})
        shown += [figure.pk for figure in response.context["figures"]]

    forward = client.get(FIGURES, {"sort": sort}).context["filter"].qs
    assert shown == [figure.pk for figure in forward]


def test_a_country_page_totals_its_projects_and_figures_until_the_next_edit(client):
    country = CountryFactory(iso3="KEN", iso2="KE", name="Kenya")
    for n in range(3):
        project = ProjectFactory(name=f"Project {n}")
        project.countries.add(country)
        ObservationFactory(project=project, status=Observation.Status.PUBLISHED)
    Project.objects.all().refresh_figure_summary()
    url = reverse("countries:detail", args=["KEN"])

    assert client.get(url).context["totals"] == (3, 3)

    with committed():
        project = ProjectFactory(name="Project 4")
        project.countries.add(country)
    assert client.get(url).context["totals"] == (4, 3)
