"""The API over HTTP: read-only methods, cross-origin reading (CORS), the
rate limit per client address (429 with Retry-After), and no page cache in
front of it, so that the limit counts every request."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.api_rows import api_rows
from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://example.org"
PATHS = [
    "/api/projects/",
    "/api/figures/",
    "/api/countries/",
    "/api/agreements/",
    "/api/organizations/",
    "/api/sources/",
    "/api/metrics/",
    "/api/metrics/passengers/",
    "/api/schema/",
]
# A proxy's address, and two clients behind it (bri_tracker.client_address).
PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.9"
RATE = "3/minute"


@pytest.fixture
def rows():
    return api_rows()


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", PATHS)
def test_api_head_answers_like_get_without_a_body(client, rows, path):
    response = client.head(path)

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"].startswith(client.get(path)["Content-Type"])


@pytest.mark.parametrize("path", PATHS)
def test_api_options_lists_the_read_methods(client, rows, path):
    response = client.options(path)

    assert response.status_code == 200
    allowed = {method.strip() for method in response["Allow"].split(",")}
    assert allowed <= {"GET", "HEAD", "OPTIONS"}
    assert "GET" in allowed


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/figures/", "/api/metrics/passengers/"])
def test_api_writes_are_405(client, rows, method, path):
    response = getattr(client, method)(path, data="{}", content_type="application/json")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "not allowed" in response.json()["detail"]


def test_api_get_from_another_origin_is_allowed(client, rows):
    response = client.get("/api/figures/", headers={"Origin": ORIGIN})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert "retry-after" in exposed


def test_api_preflight_allows_get_only(client, rows):
    response = client.options(
        "/api/figures/",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    assert not methods & {"POST", "PUT", "PATCH", "DELETE"}


def test_site_pages_are_not_opened_to_other_origins(client, rows):
    response = client.get("/figures/", headers={"Origin": ORIGIN})

    assert "Access-Control-Allow-Origin" not in response


@override_settings(API_RATE_LIMIT=RATE)
def test_api_fourth_request_in_a_minute_is_429_with_retry_after(
    client, rows, fresh_cache
):
    statuses = [client.get("/api/figures/").status_code for _ in range(3)]
    response = client.get("/api/figures/")

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    retry_after = response["Retry-After"]
    assert retry_after.isdigit() and 0 < int(retry_after) <= 60
    assert "throttled" in response.json()["detail"].lower()


@override_settings(API_RATE_LIMIT=RATE)
def test_api_limit_counts_every_endpoint_together(client, rows, fresh_cache):
    for path in ("/api/figures/", "/api/projects/", "/api/metrics/"):
        assert client.get(path).status_code == 200

    assert client.get("/api/countries/").status_code == 429


@override_settings(API_RATE_LIMIT=RATE)
def test_api_limit_is_per_client_address_behind_the_proxy(client, rows, fresh_cache):
    def get(address):
        return client.get(
            "/api/figures/",
            REMOTE_ADDR=PROXY,
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [get(CLIENT_A) for _ in range(4)] == [200, 200, 200, 429]
    assert get(CLIENT_B) == 200
    # A client cannot pick another address by sending its own header first.
    assert get(f"{CLIENT_B}, {CLIENT_A}") == 429


@override_settings(API_RATE_LIMIT="1000/minute")
def test_api_rate_limit_setting_is_read_at_request_time(client, rows, fresh_cache):
    assert [client.get("/api/metrics/").status_code for _ in range(5)] == [200] * 5


@override_settings(API_RATE_LIMIT=RATE, PAGE_CACHE_SECONDS=3600)
def test_api_is_never_answered_from_the_page_cache(client, rows, fresh_cache):
    first = client.get("/api/figures/")
    added = ObservationFactory()  # no commit: a cached page would stay
    second = client.get("/api/figures/")

    assert added.pk in {figure["id"] for figure in second.json()["results"]}
    assert added.pk not in {figure["id"] for figure in first.json()["results"]}
    client.get("/api/figures/")
    assert client.get("/api/figures/").status_code == 429  # each one counted


@override_settings(PAGE_CACHE_SECONDS=3600)
def test_site_list_is_answered_from_the_page_cache(client, rows, fresh_cache):
    # The control for the test above: the same change, on the site's list,
    # is not seen until the data generation is renewed (on commit).
    first = client.get("/figures/")
    added = ObservationFactory()
    second = client.get("/figures/")

    assert first.context is not None
    assert second.context is None  # replayed, not rendered
    assert second.content == first.content
    assert f"/figures/{added.pk}/".encode() not in second.content


@pytest.mark.parametrize("query", ["q=%00", "metric=a%00b", "%00=1"])
def test_api_nul_in_the_address_is_a_json_400(client, rows, query):
    response = client.get(f"/api/figures/?{query}")

    assert response.status_code == 400
    assert response.json() == {"detail": "The address contains a NUL character."}


def test_site_nul_in_the_address_is_still_the_html_400(client):
    response = client.get("/figures/?q=%00")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
