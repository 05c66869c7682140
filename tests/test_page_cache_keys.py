"""The page cache is keyed by the page's canonical query: junk parameters,
empty fields and a different order share one entry, and queries the page
does not accept are rendered but never stored (issue 15: a fuzz of junk
parameters added 3,227 entries, each a full render)."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from bri_tracker import data_generation, page_cache
from tests.factories import ObservationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

FIGURES = "/figures/"


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def _page_entries():
    """How many pages the (local-memory) cache holds."""
    return sum(":pages:" in key for key in cache._cache)


@pytest.fixture
def figure():
    return ObservationFactory(project=ProjectFactory(name="Mombasa Railway"))


def test_junk_parameters_share_the_plain_pages_entry(client, figure):
    plain, cold = _get(client, FIGURES)

    for url in (
        f"{FIGURES}?zzz=1",
        f"{FIGURES}?utm_source=x&zzz=2",
        f"{FIGURES}?q=&metric=&page=1",
        f"{FIGURES}?page=abc",
    ):
        response, queries = _get(client, url)
        assert queries == 0, url
        assert response.content == plain.content, url

    assert cold > 0
    assert _page_entries() == 1


def test_the_order_of_parameters_does_not_matter(client, figure):
    first, cold = _get(client, f"{FIGURES}?metric=passengers&q=Railway")
    second, warm = _get(client, f"{FIGURES}?q=Railway&metric=passengers")
    third, _ = _get(client, f"{FIGURES}?q=+Railway+&metric=passengers&metric=")

    assert cold > 0 and warm == 0
    assert second.content == first.content == third.content
    assert _page_entries() == 1


def test_several_values_of_a_multiple_choice_in_any_order_share_an_entry(
    client, figure
):
    _get(client, f"{FIGURES}?metric=passengers&metric=freight_trips")
    _, queries = _get(client, f"{FIGURES}?metric=freight_trips&metric=passengers")

    assert queries == 0
    assert _page_entries() == 1


def test_fuzzed_junk_adds_no_entries(client, figure):
    urls = [
        FIGURES,
        "/",
        "/projects/",
        f"/projects/{figure.project.slug}/",
        f"/figures/{figure.pk}/",
        "/about/",
    ]
    for url in urls:
        _get(client, url)
    entries = _page_entries()

    for n in range(50):
        for url in urls:
            _get(client, f"{url}?junk{n}={n}&page=1&sort=")

    assert _page_entries() == entries == len(urls)


@pytest.mark.parametrize(
    "query",
    [
        "metric=no-such-metric",
        "from_year=abc",
        "from_year=99999",
        "sort=no-such-sort",
        "page=99999",
        "page=-1",
    ],
)
def test_an_invalid_query_is_rendered_but_not_stored(client, figure, query):
    first, _ = _get(client, f"{FIGURES}?{query}")
    again, _ = _get(client, f"{FIGURES}?{query}")

    assert again.context is not None  # rendered again, not replayed
    assert again.content == first.content
    assert _page_entries() == 0
    # Only a short-lived mark for requests waiting on the render remains.
    now = time.time()
    for key, expires in cache._expire_info.items():
        if "page-latest:" in key:
            assert expires - now <= page_cache.LOCK_SECONDS


def test_the_page_is_rendered_from_the_canonical_query(client, figure):
    """Nothing the key leaves out reaches the view: links built from the
    request carry no junk, so the page is the same whatever junk came."""
    ObservationFactory.create_batch(60, project=figure.project)

    response, _ = _get(client, f"{FIGURES}?zzz=1&q=Railway&project=")

    assert "zzz" not in response.text
    assert "project=" not in response.text
    assert "q=Railway&amp;page=2" in response.text


def test_an_editor_gets_the_query_as_sent(client, figure, django_user_model):
    client.force_login(django_user_model.objects.create_user("ed", is_staff=True))
    response, _ = _get(client, f"{FIGURES}?zzz=1&q=Railway")

    assert response.wsgi_request.GET.dict() == {"zzz": "1", "q": "Railway"}
    assert _page_entries() == 0


def test_page_key_ignores_what_the_view_does_not_read():
    token = data_generation.current()

    def key(url):
        return page_cache.page_key(RequestFactory().get(url), token)

    assert key(FIGURES) == key(f"{FIGURES}?zzz=1") == key(f"{FIGURES}?q=")
    assert key(f"{FIGURES}?q=a&metric=x") == key(f"{FIGURES}?metric=x&q=a")
    assert key(f"{FIGURES}?q=a") != key(f"{FIGURES}?q=b")
    assert key(f"{FIGURES}?page=2") != key(FIGURES)
    assert key("/figures/1/?zzz=1") == key("/figures/1/")
