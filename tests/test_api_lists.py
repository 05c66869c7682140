"""The API's lists: each answers JSON with the fields its schema documents,
each filter gives the rows the site's list gives for the same query (one
FilterSet serves both), invalid filters are 400s with the field's message,
and the number of queries does not grow with the rows."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.api_rows import api_rows
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

# Every list: its path and the schema component of its rows.
LISTS = {
    "/api/projects/": "Project",
    "/api/figures/": "Figure",
    "/api/countries/": "Country",
    "/api/agreements/": "Agreement",
    "/api/organizations/": "Organization",
    "/api/sources/": "Source",
    "/api/metrics/": "Metric",
}
# The site's list for each API list with filters, and what tells a row apart
# in both (the API's key field, the model attribute).
SITE_LISTS = {
    "/api/projects/": ("projects:list", "slug"),
    "/api/figures/": ("figures:list", "id"),
    "/api/countries/": ("countries:list", "iso3"),
    "/api/agreements/": ("agreements:list", "id"),
    "/api/sources/": ("sources:list", "id"),
}


@pytest.fixture
def rows():
    return api_rows()


def _schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def _all(client, path, query=""):
    """Every row of an API list for ``query``, following ``next``."""
    url, found = f"{path}?{query}", []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        found.extend(response.json()["results"])
        url = response.json()["next"]
    return found


def _site_keys(client, name, attribute, query):
    """The keys of the rows the site's list shows for ``query`` (one page:
    the data set is smaller than a page)."""
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert not page.has_next()
    return sorted(str(getattr(row, attribute)) for row in page.object_list)


@pytest.mark.parametrize("path", LISTS)
def test_api_list_answers_json_with_documented_fields(client, rows, path):
    documented = _schema(client)["components"]["schemas"][LISTS[path]]

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert body["results"]
    for row in body["results"]:
        assert set(row) == set(documented["properties"])


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/projects/", {}),
        ("/api/projects/", {"sector": "railway"}),
        ("/api/projects/", {"status": "under_construction"}),
        ("/api/projects/", {"kind": "programme"}),
        ("/api/projects/", {"country": "{asia}"}),
        ("/api/projects/", {"region": "Africa"}),
        ("/api/projects/", {"opened_from": 2020}),
        ("/api/projects/", {"opened_to": 2020, "sector": "energy"}),
        ("/api/projects/", {"metric": "passengers"}),
        ("/api/projects/", {"q": "railway"}),
        ("/api/figures/", {}),
        ("/api/figures/", {"metric": "passengers"}),
        ("/api/figures/", {"qualifier": "projected"}),
        ("/api/figures/", {"period": "year"}),
        ("/api/figures/", {"initiative_wide": "true"}),
        ("/api/figures/", {"country": "{asia}", "from_year": 2022}),
        ("/api/figures/", {"to_year": 2023}),
        ("/api/figures/", {"project": "Laos test railway"}),
        ("/api/figures/", {"project": "Boten"}),
        ("/api/figures/", {"source": "Reuters"}),
        ("/api/figures/", {"q": "cargo"}),
        ("/api/countries/", {}),
        ("/api/countries/", {"region": "Asia"}),
        ("/api/countries/", {"status": "withdrawn"}),
        ("/api/countries/", {"q": "kenya"}),
        ("/api/agreements/", {}),
        ("/api/agreements/", {"year": 2017}),
        ("/api/agreements/", {"status": "withdrawn"}),
        ("/api/agreements/", {"kind": "cooperation_document"}),
        ("/api/agreements/", {"region": "Africa", "country": "{africa}"}),
        ("/api/sources/", {}),
        ("/api/sources/", {"publisher": "Reuters"}),
        ("/api/sources/", {"stored": "text"}),
        ("/api/sources/", {"stored": "reference", "year": 2019}),
        ("/api/sources/", {"q": "xinhua"}),
    ],
)
def test_api_filter_gives_the_site_lists_rows(client, rows, path, query):
    name, key = SITE_LISTS[path]
    codes = {"asia": rows.asia.iso3, "africa": rows.africa.iso3}
    query = urlencode(
        {field: str(value).format(**codes) for field, value in query.items()}
    )

    api_keys = sorted(str(row[key]) for row in _all(client, path, query))

    assert api_keys  # each case picks some rows, so that it can tell
    assert api_keys == _site_keys(client, name, key, query)


def test_api_filters_pick_the_expected_rows(client, rows):
    """The parity above compares like with like; here, what they pick."""

    def ids(query):
        return {row["id"] for row in _all(client, "/api/figures/", query)}

    assert ids("qualifier=projected") == {rows.cargo.pk}
    assert ids("initiative_wide=true") == {rows.partners.pk}
    assert ids(f"project={rows.railway.slug}") == {
        rows.passengers.pk,
        rows.investment.pk,
    }
    assert ids(f"source={rows.reference.pk}") == {
        rows.investment.pk,
        rows.cargo.pk,
        rows.partners.pk,
    }


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/figures/?metric=nope", "metric", "Select a valid choice."),
        ("/api/figures/?from_year=year", "from_year", "Enter a whole number."),
        ("/api/figures/?to_year=99999", "to_year", "less than or equal to 9999"),
        ("/api/figures/?qualifier=roughly", "qualifier", "Select a valid choice."),
        ("/api/figures/?source=99999999999999999999", "source", "No source"),
        ("/api/projects/?opened_from=1800", "opened_from", "greater than or equal"),
        ("/api/projects/?sector=spaceport", "sector", "Select a valid choice."),
        ("/api/projects/?country=XXX", "country", "Select a valid choice."),
        ("/api/countries/?status=friend", "status", "Select a valid choice."),
        ("/api/agreements/?year=1.5", "year", "Enter a whole number."),
        ("/api/sources/?stored=maybe", "stored", "Select a valid choice."),
        ("/api/sources/?q=" + "x" * 201, "q", "at most 200 characters"),
    ],
)
def test_api_invalid_filter_is_a_400_with_the_fields_message(
    client, rows, url, field, message
):
    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert list(errors) == [field]
    assert message in " ".join(errors[field])


def test_api_sort_is_not_a_filter(client, rows):
    # The API pages in a fixed order; "sort" is the site's, and ignored.
    plain = [row["id"] for row in _all(client, "/api/figures/")]
    assert [row["id"] for row in _all(client, "/api/figures/", "sort=-value")] == plain


# Query counts

SIZES = (5, 50)


def _make(kind, n):
    if kind == "/api/projects/":
        for project in ProjectFactory.create_batch(n):
            project.countries.set([CountryFactory()])
    elif kind == "/api/figures/":
        ObservationFactory.create_batch(n)
    elif kind == "/api/countries/":
        PartnerAgreementFactory.create_batch(n, source=SourceFactory())
    elif kind == "/api/agreements/":
        PartnerAgreementFactory.create_batch(n, source=SourceFactory())
    elif kind == "/api/organizations/":
        OrganizationFactory.create_batch(n)
    elif kind == "/api/sources/":
        SourceFactory.create_batch(n)


@pytest.mark.parametrize("path", [path for path in LISTS if path != "/api/metrics/"])
def test_api_list_query_count_is_the_same_for_5_and_50_rows(
    client, django_assert_max_num_queries, path
):
    _make(path, SIZES[0])
    url = f"{path}?limit={max(SIZES)}"
    small = query_count(client, url)
    _make(path, SIZES[1] - SIZES[0])
    assert len(client.get(url).json()["results"]) == SIZES[1]

    assert query_count(client, url) == small
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def test_api_metric_list_query_count_does_not_grow_with_the_page(client):
    assert query_count(client, "/api/metrics/?limit=2") == query_count(
        client, "/api/metrics/?limit=50"
    )
