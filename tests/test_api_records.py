"""The API's records and pages: each record by its key, figures with
everything needed to cite them, drafts never shown, and cursor pages that
visit every row once, in key order, while rows are added."""

import base64
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from countries.models import Organization
from projects.models import Observation
from tests.api_rows import QUOTE, api_rows
from tests.factories import ObservationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    return api_rows()


def _path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _records(rows):
    """(API path of a record, its key field, the key) for one row of each."""
    return [
        (f"/api/projects/{rows.railway.slug}/", "slug", rows.railway.slug),
        (f"/api/figures/{rows.passengers.pk}/", "id", rows.passengers.pk),
        (f"/api/countries/{rows.asia.iso3}/", "iso3", rows.asia.iso3),
        (f"/api/agreements/{rows.agreements[0].pk}/", "id", rows.agreements[0].pk),
        (
            f"/api/organizations/{rows.organization.slug}/",
            "slug",
            rows.organization.slug,
        ),
        (f"/api/sources/{rows.release.pk}/", "id", rows.release.pk),
        ("/api/metrics/passengers/", "key", "passengers"),
    ]


def test_api_record_answers_its_row_with_the_lists_fields(client, rows):
    for path, key, value in _records(rows):
        response = client.get(path)

        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/json"
        record = response.json()
        assert record[key] == value
        assert _path(record["url"]) == path
        listed = client.get(path.rsplit("/", 2)[0] + "/?limit=500").json()["results"]
        assert record in listed


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/no-such-project/",
        "/api/figures/999999999/",
        "/api/figures/99999999999999999999999/",
        "/api/countries/ZZZ/",
        "/api/agreements/0/",
        "/api/organizations/nobody/",
        "/api/sources/abc/",
        "/api/metrics/no_such_metric/",
    ],
)
def test_api_unknown_record_is_a_404_json(client, rows, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_api_record_links_resolve(client, rows):
    project = client.get(f"/api/projects/{rows.railway.slug}/").json()

    assert client.get(_path(project["permalink"])).status_code == 200
    figures = client.get(_path(project["figures"])).json()["results"]
    assert {figure["id"] for figure in figures} == {
        rows.passengers.pk,
        rows.investment.pk,
    }


# Figures


def test_api_figure_carries_what_cites_it(client, rows):
    figure = client.get(f"/api/figures/{rows.passengers.pk}/").json()

    assert figure["value"] == "10000000"  # normalised: no trailing ".0000"
    assert Decimal(figure["value"]) == rows.passengers.value
    assert figure["qualifier"] == "more_than"
    assert figure["unit"] == "passengers"
    assert figure["as_of"] == "2023-12-31"
    assert figure["period"] == "cumulative"
    assert figure["quote"] == QUOTE
    assert figure["metric"]["key"] == "passengers"
    assert figure["project"]["slug"] == rows.railway.slug
    assert figure["source"]["title"] == rows.release.title
    assert figure["source"]["web_url"] == rows.release.url
    page = client.get(_path(figure["permalink"]))
    assert page.status_code == 200
    assert page.context["figure"].pk == rows.passengers.pk


def test_api_figure_value_is_a_normalised_decimal_string(client, rows):
    cargo = client.get(f"/api/figures/{rows.cargo.pk}/").json()
    investment = client.get(f"/api/figures/{rows.investment.pk}/").json()

    assert cargo["value"] == "1.5"
    assert investment["value"] == "5900000000"


def test_api_currency_figure_is_in_usd(client, rows):
    investment = client.get(f"/api/figures/{rows.investment.pk}/").json()

    assert investment["unit"] == "USD"
    assert investment["metric"]["key"] == "investment_usd"


def test_api_initiative_wide_figure_has_no_project(client, rows):
    partners = client.get(f"/api/figures/{rows.partners.pk}/").json()

    assert partners["project"] is None
    assert partners["unit"] == "countries"


# Drafts


def test_api_draft_figure_is_never_shown(client, rows):
    draft = rows.draft.pk

    listed = client.get("/api/figures/?limit=500").json()["results"]
    assert draft not in {figure["id"] for figure in listed}
    of_project = client.get(f"/api/figures/?project={rows.railway.slug}").json()
    assert draft not in {figure["id"] for figure in of_project["results"]}
    by_value = client.get("/api/figures/?q=passengers&limit=500").json()["results"]
    assert draft not in {figure["id"] for figure in by_value}
    response = client.get(f"/api/figures/{draft}/")
    assert response.status_code == 404
    assert b"99999" not in client.get(f"/api/sources/{rows.release.pk}/").content


def test_api_project_figure_count_counts_published_figures_only(client, rows):
    project = client.get(f"/api/projects/{rows.railway.slug}/").json()

    assert Observation.objects.filter(project=rows.railway).count() == 3
    assert project["figure_count"] == 2
    assert project["latest_as_of"] == "2023-12-31"  # not the draft's 2024


def test_api_unpublished_figure_disappears(client, rows):
    rows.passengers.status = Observation.Status.DRAFT
    rows.passengers.save()

    assert client.get(f"/api/figures/{rows.passengers.pk}/").status_code == 404
    project = client.get(f"/api/projects/{rows.railway.slug}/").json()
    assert project["figure_count"] == 1


# Cursor pages


def _walk(client, url):
    """Ids (keys) of every row, page by page, and the number of pages."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        seen.extend(body["results"])
        pages += 1
        url = body["next"] and _path(body["next"])
    return seen, pages


def test_api_cursor_visits_every_row_once_in_id_order(client, rows):
    ObservationFactory.create_batch(8)
    published = sorted(Observation.objects.published().values_list("pk", flat=True))

    seen, pages = _walk(client, "/api/figures/?limit=5")

    assert [figure["id"] for figure in seen] == published
    assert pages == 3  # 12 figures: 5, 5, 2


def test_api_previous_leads_back_to_the_first_page(client, rows):
    first = client.get("/api/figures/?limit=2").json()
    second = client.get(_path(first["next"])).json()

    back = client.get(_path(second["previous"])).json()

    assert back["results"] == first["results"]
    assert first["previous"] is None


def test_api_limit_is_honoured_and_capped_at_500(client):
    Organization.objects.bulk_create(
        Organization(name=f"Body {n:03}", slug=f"body-{n:03}") for n in range(501)
    )

    two = client.get("/api/organizations/?limit=2").json()
    capped = client.get("/api/organizations/?limit=100000").json()
    default = client.get("/api/organizations/").json()

    assert len(two["results"]) == 2
    assert parse_qs(urlsplit(two["next"]).query)["limit"] == ["2"]
    assert len(capped["results"]) == 500
    assert capped["next"] is not None
    assert len(default["results"]) == 50


@pytest.mark.parametrize("limit", ["0", "-1", "ten", "1.5"])
def test_api_unusable_limit_gives_the_default_page(client, rows, limit):
    response = client.get(f"/api/figures/?limit={limit}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 4


def _cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/figures/?cursor=garbage",
        "/api/figures/?cursor=%FF%FE",
        f"/api/figures/?cursor={_cursor('p=abc')}",
        f"/api/figures/?cursor={_cursor('o=-5')}",
        "/api/figures/?cursor=" + _cursor("r=1&p=1\x00"),
        "/api/organizations/?cursor=" + _cursor("p=\x00"),
        f"/api/metrics/?cursor={_cursor('r=maybe')}",
    ],
)
def test_api_garbage_cursor_is_a_404(client, rows, path):
    response = client.get(path)

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize(
    "path",
    [
        f"/api/figures/?cursor={_cursor('p=99999999999999999999999')}",
        f"/api/figures/?cursor={_cursor('o=99999999999999999999999')}",
        f"/api/countries/?cursor={_cursor('p=' + 'Z' * 5000)}",
    ],
)
def test_api_cursor_past_the_last_row_is_an_empty_page(client, rows, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_api_unknown_address_is_a_404_json(client):
    for path in ("/api/nothing-here/", "/api/countries/TOOLONG/", "/api/a/b/c/"):
        response = client.get(path)

        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}
    assert client.get("/api/figures").status_code == 301  # APPEND_SLASH


def test_api_row_added_while_paging_is_neither_repeated_nor_skipped(client, rows):
    first = client.get("/api/figures/?limit=2").json()
    added = ObservationFactory()

    rest, _ = _walk(client, _path(first["next"]))

    ids = [figure["id"] for figure in first["results"] + rest]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(
        Observation.objects.published().values_list("pk", flat=True)
    )
    assert ids[-1] == added.pk


def test_api_row_added_before_the_cursor_does_not_shift_the_pages(client):
    for name in ("b", "c", "d", "e"):
        OrganizationFactory(slug=f"body-{name}")
    first = client.get("/api/organizations/?limit=2").json()
    OrganizationFactory(slug="body-a")  # sorts before the cursor

    rest, _ = _walk(client, _path(first["next"]))

    slugs = [body["slug"] for body in first["results"] + rest]
    assert slugs == ["body-b", "body-c", "body-d", "body-e"]
