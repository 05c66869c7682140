"""Every public page runs as many queries on a small synthetic data set as
on one four times larger: nothing is fetched per row."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from countries.models import Country
from explorer.views.projects import PAGE_SIZE
from projects.models import Observation, Project
from sources.models import Source
from tests.factories import CountryFactory
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

SMALL = {"projects": 60, "observations": 900}
LARGE = {"projects": 240, "observations": 3600}
REGIONS = ["Africa", "Asia", "Europe", "Americas"]
# Pages from the third on are read by primary keys first (a "deferred join"
# from offset 1000 in production; from offset 2 * PAGE_SIZE here, so that a
# few hundred projects reach it).
DEEP_FROM = 2 * PAGE_SIZE
# The most queries any public page may run.
MOST_QUERIES = 15


def _load(size, *, clear=False):
    call_command(
        "generate_synthetic", seed=4, clear=clear, stdout=io.StringIO(), **size
    )


def _search_word():
    """A word of a synthetic project's name, which several projects share."""
    project = Project.objects.filter(sector="railway").order_by("pk").first()
    return project.name.replace("–", " ").split()[-1]  # "Railway"


def _filtered_url():
    """Railways in operation in a region, newest figures first: a region
    that has some."""
    project = (
        Project.objects.filter(sector="railway", status="operational")
        .exclude(countries=None)
        .order_by("-figure_count", "pk")
        .first()
    )
    region = project.countries.order_by("pk").first().region
    return (
        f"{reverse('projects:list')}?sector=railway&status=operational"
        f"&region={region}&sort=-latest"
    )


def _pages():
    """URL of every public page, each showing rows of the current data."""
    busiest = Project.objects.order_by("-figure_count", "pk").first()
    country = (
        Country.objects.annotate(n=Count("projects"))
        .order_by("-n", "pk")
        .values_list("iso3", flat=True)
        .first()
    )
    release = Source.objects.exclude(text="").order_by("-figure_count", "pk").first()
    figure = Observation.objects.published().order_by("pk").first()
    projects = reverse("projects:list")
    return {
        "dashboard": reverse("home"),
        "project list": projects,
        "project list, filtered": _filtered_url(),
        "project list, search": f"{projects}?q={_search_word()}",
        "project list, deep page": f"{projects}?page=3",
        "project list, deep page sorted": f"{projects}?page=3&sort=-latest",
        "project page": reverse("projects:detail", args=[busiest.slug]),
        "country list": reverse("countries:list"),
        "country page": reverse("countries:detail", args=[country]),
        "agreement list": reverse("agreements:list"),
        "source page": reverse("sources:detail", args=[release.pk]),
        "figure list": reverse("figures:list"),
        "figure list, deep page": f"{reverse('figures:list')}?page=3",
        "figure page": reverse("figures:detail", args=[figure.pk]),
        "source list": reverse("sources:list"),
        "source list, deep page": f"{reverse('sources:list')}?page=2",
    }


def _shows_rows(client, url):
    """The page lists something (an empty page skips its prefetches)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page_obj = response.context.get("page_obj")
    if page_obj is not None:
        assert len(page_obj.object_list) > 0, url


def _measure(client, assert_max_queries):
    """{page: queries of a cold request}; each page within MOST_QUERIES."""
    counts = {}
    for name, url in _pages().items():
        cache.clear()
        with assert_max_queries(MOST_QUERIES):
            _shows_rows(client, url)
        counts[name] = query_count(client, url)
    return counts


@pytest.fixture
def countries(db):
    return [CountryFactory(region=REGIONS[i % len(REGIONS)]) for i in range(12)]


def test_query_counts_do_not_grow_with_the_data(
    client, countries, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("bri_tracker.pagination.DEFERRED_JOIN_FROM", DEEP_FROM)
    _load(SMALL)
    small = _measure(client, django_assert_max_num_queries)

    _load(LARGE, clear=True)
    assert Project.objects.count() == LARGE["projects"]
    large = _measure(client, django_assert_max_num_queries)

    assert large == small


def test_a_deep_page_of_a_real_size_list_runs_the_same_queries(
    client, countries, django_assert_max_num_queries
):
    """Past offset 1,000 (the production threshold) with 1,030 projects."""
    _load({"projects": 1030, "observations": 1030})
    projects = reverse("projects:list")
    deep = query_count(client, f"{projects}?page=42")
    sorted_deep = query_count(client, f"{projects}?page=42&sort=-latest")
    first = query_count(client, f"{projects}?page=2")

    # The deferred join reads the keys, then the rows: one query more.
    assert deep == sorted_deep == first + 1
    with django_assert_max_num_queries(MOST_QUERIES):
        response = client.get(f"{projects}?page=42")
    expected = Project.objects.order_by("name", "pk")[41 * PAGE_SIZE :]
    assert [p.name for p in response.context["projects"]] == [p.name for p in expected]
