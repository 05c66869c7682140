"""The page cache: anonymous pages are served from it, unchanged, until the
data changes; editors, POSTs, the admin, streams and health checks never
are; ETags, gzip and the off switch behave."""

import gzip

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bri_tracker import data_generation, page_cache
from projects.models import Observation, Project
from tests.factories import CountryFactory, ObservationFactory, ProjectFactory
from tests.helpers import committed

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def _get(client, url, **headers):
    """The response and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def _stored(url, accept_encoding=""):
    """What the cache holds for an anonymous GET of ``url`` now, if anything."""
    headers = {"HTTP_ACCEPT_ENCODING": accept_encoding} if accept_encoding else {}
    request = RequestFactory().get(url, **headers)
    return cache.get(page_cache.page_key(request, data_generation.current()))


@pytest.fixture
def figure():
    country = CountryFactory(iso3="KEN", iso2="KE", name="Kenya", region="Africa")
    figure = ObservationFactory(
        project__name="Mombasa-Nairobi Railway",
        project__slug="sgr",
        value=1_234_000,
    )
    figure.project.countries.add(country)
    return figure


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user("editor", is_staff=True)
    client.force_login(user)
    return client


def _project_url(figure):
    return reverse("projects:detail", args=[figure.project.slug])


# Served from the cache


@pytest.mark.parametrize(
    "url",
    [
        "/",
        LIST,
        f"{LIST}?q=Railway",
        "/projects/sgr/",
        reverse("figures:list"),
        reverse("countries:list"),
        "/countries/KEN/",
        reverse("sources:list"),
        reverse("agreements:list"),
    ],
)
def test_a_second_anonymous_get_runs_no_query_and_sends_the_same_page(
    client, figure, url
):
    first, cold = _get(client, url)
    second, warm = _get(client, url)

    assert first.status_code == second.status_code == 200
    assert cold > 0
    assert warm == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_cached_page_tells_browsers_to_revalidate(client, figure):
    first, _ = _get(client, LIST)
    second, warm = _get(client, LIST)

    assert warm == 0
    for response in (first, second):
        assert "no-cache" in response["Cache-Control"]
        assert response.has_header("ETag")
    assert second["ETag"] == first["ETag"]


def test_a_repeat_visit_with_the_etag_gets_304_and_no_body(client, figure):
    first, _ = _get(client, LIST)

    again, queries = _get(client, LIST, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert queries == 0
    assert again["ETag"] == first["ETag"]
    # A stale ETag gets the whole page.
    other, _ = _get(client, LIST, HTTP_IF_NONE_MATCH='"stale"')
    assert other.status_code == 200
    assert other.content == first.content


# Changes show on the next visit


def test_a_saved_figure_shows_on_the_next_visit(client, figure):
    url = _project_url(figure)
    before, _ = _get(client, url)
    assert figure.display_value in before.text

    with committed():
        figure.value = 5_678_000
        figure.save()
    after, queries = _get(client, url)

    assert queries > 0
    assert figure.display_value in after.text
    assert Observation.objects.get(pk=figure.pk).display_value in after.text
    assert after.content != before.content


def test_a_renamed_project_shows_on_the_next_visit(client, figure):
    _get(client, LIST)
    _get(client, "/countries/KEN/")

    project = figure.project
    with committed():
        project.name = "Standard Gauge Railway"
        project.save()

    for url in (LIST, "/countries/KEN/", _project_url(figure)):
        response, _ = _get(client, url)
        assert "Standard Gauge Railway" in response.text, url
        assert "Mombasa-Nairobi Railway" not in response.text, url


def test_a_new_figure_and_a_deleted_one_show_on_the_next_visit(client, figure):
    _get(client, LIST)
    with committed():
        new = ObservationFactory(project=figure.project)

    response, _ = _get(client, LIST)
    assert [p.figure_count for p in response.context["projects"]] == [2]

    with committed():
        new.delete()
    response, _ = _get(client, LIST)
    assert [p.figure_count for p in response.context["projects"]] == [1]


def test_a_project_added_to_a_country_shows_on_the_country_page(client, figure):
    other = ProjectFactory(name="Lamu Port")
    before, _ = _get(client, "/countries/KEN/")
    assert "Lamu Port" not in before.text

    with committed():
        other.countries.add(figure.project.countries.get())

    after, _ = _get(client, "/countries/KEN/")
    assert "Lamu Port" in after.text


def test_a_change_without_signals_is_not_seen_until_invalidated(client, figure):
    """The cache is what serves the page: a bulk update (no signals) stays
    unseen until data_generation.changed(), as bulk loads call it, commits."""
    _get(client, LIST)
    Project.objects.update(name="Bulk-renamed Railway")

    stale, queries = _get(client, LIST)
    assert queries == 0
    assert "Mombasa-Nairobi Railway" in stale.text

    with committed():
        data_generation.changed()
    fresh, _ = _get(client, LIST)
    assert "Bulk-renamed Railway" in fresh.text


# Never cached


def test_a_signed_in_editor_sees_live_pages(editor, figure):
    editor_first, _ = _get(editor, LIST)
    assert editor_first.status_code == 200
    Project.objects.update(name="Bulk-renamed Railway")  # no signal, no invalidation

    response, queries = _get(editor, LIST)

    assert queries > 0
    assert "Bulk-renamed Railway" in response.text
    assert "Mombasa-Nairobi Railway" not in response.text


def test_a_signed_in_editor_is_not_served_an_anonymous_page(client, editor, figure):
    # An anonymous visitor (another client) caches the page ...
    anonymous = type(client)()
    _get(anonymous, LIST)
    Project.objects.update(name="Bulk-renamed Railway")
    assert _get(anonymous, LIST)[1] == 0

    # ... which the editor does not get.
    response, queries = _get(editor, LIST)
    assert queries > 0
    assert "Bulk-renamed Railway" in response.text


def test_an_editors_page_is_not_stored_for_anonymous_visitors(client, editor, figure):
    _get(editor, LIST)
    _get(editor, LIST)
    assert _stored(LIST) is None

    anonymous, queries = _get(type(client)(), LIST)
    assert queries > 0
    assert anonymous.status_code == 200


def test_a_visitor_carrying_a_message_sees_a_live_page(client, figure):
    _get(client, LIST)
    Project.objects.update(name="Bulk-renamed Railway")
    client.cookies["messages"] = "something"

    response, queries = _get(client, LIST)

    assert queries > 0
    assert "Bulk-renamed Railway" in response.text


def test_a_post_is_neither_cached_nor_served_from_the_cache(client, figure):
    _get(client, LIST)  # the GET is cached

    with CaptureQueriesContext(connection) as first:
        posted = client.post(LIST)
    with CaptureQueriesContext(connection) as second:
        client.post(LIST)

    assert posted.status_code in (200, 405)
    assert len(first) > 0 and len(second) > 0


def test_a_post_does_not_fill_the_cache(client, figure):
    client.post(LIST)
    assert _stored(LIST) is None

    _, queries = _get(client, LIST)
    assert queries > 0


def test_the_health_check_and_the_admin_are_never_stored(client, figure):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").content == b"ok"
    assert _stored("/healthz") is None
    assert client.get("/admin/login/").status_code == 200
    assert _stored("/admin/login/") is None
    for path in ("/admin/", "/admin/login/", "/healthz", "/static/site.css"):
        assert not page_cache.cacheable_request(RequestFactory().get(path)), path
    # The lookup itself works: a public page is found where it was stored.
    client.get(LIST)
    assert _stored(LIST) is not None


def test_a_streamed_export_is_never_stored(client, figure):
    url = reverse("projects:export", args=["csv"])
    response = client.get(url)
    body = b"".join(response.streaming_content)
    # update() sends no signal, so the data generation stays: a stored
    # download would be served again with the old name.
    Project.objects.filter(pk=figure.project_id).update(name="Renamed Railway")
    again = client.get(url)
    again_body = b"".join(again.streaming_content)

    assert response.streaming and again.streaming
    assert b"Mombasa-Nairobi Railway" in body
    assert b"Renamed Railway" in again_body
    assert _stored(url) is None


def test_nothing_is_cached_when_page_caching_is_off(client, figure, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _get(client, LIST)

    second, queries = _get(client, LIST)

    assert queries > 0
    assert second.status_code == 200
    assert "no-cache" not in second.get("Cache-Control", "")
    Project.objects.update(name="Bulk-renamed Railway")
    assert "Bulk-renamed Railway" in _get(client, LIST)[0].text


def test_a_head_request_does_not_leave_an_empty_page_for_gets(client, figure):
    head = client.head(LIST)
    assert head.status_code == 200

    response, _ = _get(client, LIST)
    data_generation.changed()
    fresh, _ = _get(client, LIST)

    assert response.status_code == 200
    assert "Mombasa-Nairobi Railway" in response.text
    assert response.content == fresh.content


# Compression


def test_gzip_and_plain_pages_are_cached_apart(client, figure):
    gzipped, _ = _get(client, LIST, HTTP_ACCEPT_ENCODING="gzip, deflate")
    plain, plain_queries = _get(client, LIST)
    gzipped_again, gzip_queries = _get(client, LIST, HTTP_ACCEPT_ENCODING="gzip")
    plain_again, plain_again_queries = _get(client, LIST)

    assert gzipped["Content-Encoding"] == "gzip"
    assert gzipped_again["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert not plain_again.has_header("Content-Encoding")
    html = plain.content
    assert html.lstrip().lower().startswith(b"<!doctype html")
    assert gzip.decompress(gzipped.content) == html
    assert gzip.decompress(gzipped_again.content) == html
    assert plain_again.content == html
    # Both variants were stored: the second of each came from the cache.
    assert plain_queries > 0
    assert gzip_queries == plain_again_queries == 0


def test_a_plain_page_cached_first_does_not_serve_gzip_clients_plain(client, figure):
    plain, _ = _get(client, LIST)
    gzipped, queries = _get(client, LIST, HTTP_ACCEPT_ENCODING="gzip")

    assert queries > 0
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.content) == plain.content
    assert "Accept-Encoding" in gzipped["Vary"]


# Values cached by data


def test_cached_values_are_recomputed_after_a_committed_change():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert data_generation.cached("test-value", compute) == 1
    assert data_generation.cached("test-value", compute) == 1
    with committed():
        data_generation.changed()
    assert data_generation.cached("test-value", compute) == 2
    assert data_generation.cached("test-value", compute) == 2
    with committed():
        ProjectFactory()  # a change to the data invalidates too
    assert data_generation.cached("test-value", compute) == 3
