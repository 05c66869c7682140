"""The country list (with its partner map) and country pages: statuses,
filters, pagination, exports, bounded queries, the map builder."""

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse

from countries.models import Country, PartnerAgreement
from explorer import partner_charts as charts
from explorer.exports import COUNTRY_EXPORT, columns_of
from projects.counts import countries_with_project_count
from tests.factories import (
    CountryFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)
from tests.helpers import query_count

pytestmark = pytest.mark.django_db
LIST = reverse("countries:list")
WITHDRAWN = PartnerAgreement.Status.WITHDRAWN


def _streamed(response):
    return b"".join(response.streaming_content).decode()


def _iso3s(response):
    return [country.iso3 for country in response.context["countries"]]


@pytest.fixture
def world():
    """Kenya (partner, a project), Italy (withdrawn), Peru (no agreement)."""
    kenya = CountryFactory(
        iso3="KEN", iso2="KE", name="Kenya", region="Africa", subregion="Eastern"
    )
    italy = CountryFactory(iso3="ITA", iso2="IT", name="Italy", region="Europe")
    peru = CountryFactory(iso3="PER", iso2="PE", name="Peru", region="Americas")
    PartnerAgreementFactory(
        country=kenya, signed_on=date(2017, 1, 1), signed_on_precision="year"
    )
    PartnerAgreementFactory(
        country=kenya, signed_on=date(2018, 9, 3), kind="cooperation_plan"
    )
    PartnerAgreementFactory(
        country=italy,
        signed_on=date(2019, 3, 23),
        status=WITHDRAWN,
        ended_on=date(2023, 12, 3),
    )
    ProjectFactory(name="Mombasa-Nairobi SGR").countries.add(kenya)
    return {"kenya": kenya, "italy": italy, "peru": peru}


def _populate(n):
    """n countries, each with an agreement, a project with a figure and a
    milestone; plus one country with n agreements, projects and figures."""
    busy = CountryFactory(region="Asia")
    for index in range(n):
        country = CountryFactory(region=["Africa", "Asia", "Europe"][index % 3])
        PartnerAgreementFactory(
            country=country,
            status=WITHDRAWN if index % 4 == 0 else "in_force",
            ended_on=date(2023, 1, 1) if index % 4 == 0 else None,
        )
        project = ProjectFactory()
        project.countries.add(country, busy)
        ObservationFactory(project=project)
        PartnerAgreementFactory(country=busy)
        MilestoneFactory(project=None, country=busy, kind="membership")
    PartnerAgreementFactory(country=None, organization=OrganizationFactory())
    return busy


# The list -------------------------------------------------------------------


def test_country_list_shows_every_country_with_its_partner_status(client, world):
    response = client.get(LIST)

    assert response.status_code == 200
    assert _iso3s(response) == ["ITA", "KEN", "PER"]
    rows = {c.iso3: c for c in response.context["countries"]}
    assert rows["KEN"].partner_status == "partner"
    assert rows["KEN"].first_signed_on == date(2017, 1, 1)
    assert rows["KEN"].agreement_count == 2
    assert rows["KEN"].project_count == 1
    assert rows["ITA"].partner_status == "withdrawn"
    assert rows["ITA"].withdrawn_on == date(2023, 12, 3)
    assert rows["PER"].partner_status == "none"
    assert (rows["PER"].agreement_count, rows["PER"].project_count) == (0, 0)
    assert "3 countries" in response.text
    # Signed at its precision: a year, not a made-up 1 January.
    assert "<td>2017</td>" in response.text
    assert "1 Jan 2017" not in response.text
    assert "3 Dec 2023" in response.text
    assert reverse("countries:detail", args=["KEN"]) in response.text


def test_country_with_an_agreement_in_force_is_a_partner_despite_a_withdrawal():
    country = CountryFactory()
    PartnerAgreementFactory(
        country=country,
        signed_on=date(2015, 5, 1),
        status=WITHDRAWN,
        ended_on=date(2016, 1, 1),
    )
    PartnerAgreementFactory(country=country, signed_on=date(2020, 5, 1))

    row = Country.objects.for_list().get(pk=country.pk)

    assert row.partner_status == "partner"
    assert row.withdrawn_on is None
    assert row.first_signed_on == date(2015, 5, 1)
    assert row.agreement_count == 2


def test_country_with_only_an_expired_agreement_has_no_status():
    country = CountryFactory()
    PartnerAgreementFactory(
        country=country, status="expired", ended_on=date(2021, 1, 1)
    )

    assert Country.objects.for_list().get(pk=country.pk).partner_status == "none"


def test_project_count_is_not_multiplied_by_agreements():
    country = CountryFactory()
    PartnerAgreementFactory.create_batch(3, country=country)
    for project in ProjectFactory.create_batch(2):
        project.countries.add(country)

    countries = countries_with_project_count(Country.objects.for_list())
    row = countries.get(pk=country.pk)

    assert (row.agreement_count, row.project_count) == (3, 2)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=Africa", ["KEN"]),
        ("region=Europe", ["ITA"]),
        ("status=partner", ["KEN"]),
        ("status=withdrawn", ["ITA"]),
        ("status=none", ["PER"]),
        ("region=Africa&status=withdrawn", []),
        ("q=ken", ["KEN"]),
    ],
)
def test_country_list_filters_narrow_the_rows(client, world, query, expected):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert _iso3s(response) == expected


def test_country_list_region_choices_come_from_the_data(client, world):
    response = client.get(LIST)

    choices = list(response.context["filter"].form.fields["region"].choices)
    assert [value for value, _ in choices] == ["", "Africa", "Americas", "Europe"]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("region=Atlantis", "Atlantis is not one of the available choices"),
        ("status=ally", "ally is not one of the available choices"),
        ("sort=best", "best is not one of the available choices"),
    ],
)
def test_country_list_bad_filter_shows_the_error_and_no_rows(
    client, world, query, error
):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert error in response.text
    assert _iso3s(response) == []
    assert "0 countries" in response.text
    # The map still shows every country.
    assert len(_map_colours(response.context["map"])) == 3


def test_country_list_sorts_by_project_count(client, world):
    response = client.get(f"{LIST}?sort=-projects")

    assert _iso3s(response) == ["KEN", "ITA", "PER"]


def test_country_list_paginates_and_keeps_the_filters(client):
    CountryFactory.create_batch(55, region="Asia")
    CountryFactory(region="Europe")

    response = client.get(f"{LIST}?region=Asia")

    page = response.context["page_obj"]
    assert (page.paginator.count, len(page.object_list)) == (55, 50)
    assert "?region=Asia&amp;page=2" in response.text
    second = client.get(f"{LIST}?region=Asia&page=2")
    assert len(second.context["countries"]) == 5


# Not called "page": pytest-playwright would take that for its fixture.
@pytest.mark.parametrize(("number", "shown"), [("99999", 2), ("abc", 1), ("-1", 2)])
def test_country_list_odd_page_numbers_still_show_a_page(client, number, shown):
    CountryFactory.create_batch(55)

    response = client.get(f"{LIST}?page={number}")

    assert response.status_code == 200
    assert response.context["page_obj"].number == shown


def _map_colours(spec):
    """{iso3: (trace name, z)} of every country the map draws."""
    return {
        iso3: (trace["name"], z)
        for trace in spec["data"]
        for iso3, z in zip(trace["locations"], trace["z"], strict=True)
    }


def test_country_map_shows_every_country_with_a_colour_per_status(client, world):
    CountryFactory.create_batch(55)  # more than one page

    response = client.get(f"{LIST}?region=Africa")

    spec = response.context["map"]
    assert {trace["type"] for trace in spec["data"]} == {"choropleth"}
    assert {trace["locationmode"] for trace in spec["data"]} == {"ISO-3"}
    colours = _map_colours(spec)
    assert len(colours) == Country.objects.count() == 58
    assert colours["KEN"][0] == "Partner, by year of first document"
    assert colours["ITA"][0] == "Withdrawn"
    assert colours["PER"][0] == "No agreement recorded"
    assert spec["layout"]["geo"]["fitbounds"] is False
    assert "The map draws 1 partner country," in response.text
    # Through json_script, never inline.
    assert 'id="partner-map" type="application/json"' in response.text
    assert "vendor/plotly.min.js" in response.text


def test_partner_map_shades_partners_by_year_and_others_flat():
    rows = [
        {"iso3": "ITA", "name": "Italy", "partner_status": "withdrawn",
         "first_signed_on": date(2019, 3, 23)},
        {"iso3": "KEN", "name": "Kenya", "partner_status": "partner",
         "first_signed_on": date(2017, 6, 1)},
        {"iso3": "LAO", "name": "Laos", "partner_status": "partner",
         "first_signed_on": date(2017, 5, 1)},
        {"iso3": "NER", "name": "Niger", "partner_status": "unclear",
         "first_signed_on": None},
        {"iso3": "PER", "name": "Peru", "partner_status": "none",
         "first_signed_on": None},
    ]  # fmt: skip

    spec = charts.partner_status_map(rows)

    years, *flat = spec["data"]
    assert dict(zip(years["locations"], years["z"], strict=True)) == {
        "KEN": 2017,
        "LAO": 2017,
    }
    assert [(t["name"], t["locations"]) for t in flat] == [
        ("Withdrawn", ["ITA"]),
        ("Unclear: sources disagree on whether it signed", ["NER"]),
        ("No agreement recorded", ["PER"]),
    ]
    assert all(t["colorscale"][0][1] == t["colorscale"][1][1] for t in flat)
    assert (
        charts.map_counts(rows)
        .caption()
        .startswith("The map draws 2 partner countries")
    )
    json.dumps(spec)


def test_country_list_query_count_is_flat(client, django_assert_max_num_queries):
    _populate(3)
    small = query_count(client, LIST)
    _populate(50)

    # region choices, count, rows, their agreements, map rows, 4 footer counts
    with django_assert_max_num_queries(9):
        response = client.get(f"{LIST}?region=Asia&status=partner")
    assert response.status_code == 200
    assert query_count(client, LIST) == small


# The country page -----------------------------------------------------------


def test_country_detail_shows_facts_agreements_projects_figures_milestones(
    client, world
):
    kenya = world["kenya"]
    source = SourceFactory(title="Kenya joins the Belt and Road")
    PartnerAgreement.objects.filter(country=kenya).update(source=source)
    figure = ObservationFactory(
        project=kenya.projects.get(), value=5_000_000, qualifier="more_than"
    )
    MilestoneFactory(
        project=None, country=kenya, kind="membership", title="Kenya joins"
    )
    MilestoneFactory(project=None, country=world["italy"], title="Italy leaves")

    response = client.get(reverse("countries:detail", args=["KEN"]))

    assert response.status_code == 200
    text = response.text
    assert "Kenya" in text and "Africa" in text and "Eastern" in text
    assert "Partner: an agreement is in force" in text
    assert [a.signed_on for a in response.context["agreements"]] == [
        date(2017, 1, 1),
        date(2018, 9, 3),
    ]
    assert ">2017</time>" in text and ">3 Sep 2018</time>" in text
    assert "Cooperation plan" in text
    assert reverse("sources:detail", args=[source.pk]) in text
    assert reverse("projects:detail", args=[kenya.projects.get().slug]) in text
    assert list(response.context["figures"]) == [figure]
    assert "5M+ passengers" in text
    assert [m.title for m in response.context["milestones"]] == ["Kenya joins"]
    assert "Italy leaves" not in text
    assert reverse("countries:detail_export", args=["KEN", "csv"]) in text


def test_country_detail_of_a_withdrawn_partner_says_when(client, world):
    response = client.get(reverse("countries:detail", args=["ITA"]))

    assert "Withdrawn on 3 Dec 2023" in response.text
    assert "Withdrawn, ended 3 Dec 2023" in response.text


def test_country_detail_lowercase_code_redirects_to_the_upper_case_url(client, world):
    response = client.get("/countries/ken/")

    assert response.status_code == 301
    assert response["Location"] == reverse("countries:detail", args=["KEN"])


@pytest.mark.parametrize("code", ["XXX", "xxx", "KENYA", "K"])
def test_country_detail_unknown_code_is_a_404(client, world, code):
    assert client.get(f"/countries/{code}/").status_code == 404


def test_country_detail_query_count_is_flat(client, django_assert_max_num_queries):
    busy = _populate(3)
    url = reverse("countries:detail", args=[busy.iso3])
    small = query_count(client, url)
    busy = _populate(50)
    url = reverse("countries:detail", args=[busy.iso3])

    # country, agreements, projects, their totals, figures, milestones,
    # 4 footer counts
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["figures"]) == 50
    assert query_count(client, url) == small


# Exports --------------------------------------------------------------------


def test_country_list_csv_export_equals_the_filtered_rows(client, world):
    response = client.get(
        reverse("countries:export", args=["csv"]), {"status": "partner"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_streamed(response))))
    expected = Country.objects.for_list().filter(partner_status="partner")
    assert [row["iso3"] for row in rows] == [c.iso3 for c in expected] == ["KEN"]
    assert list(rows[0]) == columns_of(COUNTRY_EXPORT)
    assert rows[0]["first_signed_on"] == "2017-01-01"
    assert rows[0]["first_signed_precision"] == "year"
    assert (rows[0]["agreement_count"], rows[0]["project_count"]) == ("2", "1")


def test_country_list_json_export_equals_the_filtered_rows(client, world):
    response = client.get(
        reverse("countries:export", args=["json"]), {"region": "Europe"}
    )

    rows = json.loads(_streamed(response))
    assert rows == [
        {
            "iso3": "ITA",
            "iso2": "IT",
            "name": "Italy",
            "region": "Europe",
            "subregion": "",
            "partner_status": "withdrawn",
            "first_signed_on": "2019-03-23",
            "first_signed_precision": "day",
            "withdrawn_on": "2023-12-03",
            "agreement_count": 1,
            "project_count": 0,
        }
    ]


def test_country_list_export_with_a_bad_filter_is_a_400(client, world):
    response = client.get(
        reverse("countries:export", args=["json"]), {"region": "Atlantis"}
    )

    assert response.status_code == 400  # not an empty file (issue 15)
    assert list(json.loads(response.content)["errors"]) == ["region"]


def test_country_list_export_unfiltered_has_every_country(client, world):
    response = client.get(reverse("countries:export", args=["json"]))

    assert [r["iso3"] for r in json.loads(_streamed(response))] == [
        "ITA",
        "KEN",
        "PER",
    ]


def test_country_figures_export_in_both_formats(client, world):
    project = world["kenya"].projects.get()
    first = ObservationFactory(project=project, as_of=date(2020, 1, 1), value=10)
    second = ObservationFactory(project=project, as_of=date(2021, 1, 1), value=20)
    ObservationFactory()  # another country's project

    as_csv = client.get(reverse("countries:detail_export", args=["KEN", "csv"]))
    as_json = client.get(reverse("countries:detail_export", args=["KEN", "json"]))

    rows = list(csv.DictReader(io.StringIO(_streamed(as_csv))))
    assert [int(row["id"]) for row in rows] == [first.pk, second.pk]
    assert rows[0]["project_slug"] == project.slug
    assert rows[0]["metric_key"] == "passengers"
    assert rows[1]["value"] == "20"
    items = json.loads(_streamed(as_json))
    assert [item["id"] for item in items] == [first.pk, second.pk]
    assert items[0]["as_of"] == "2020-01-01"
    assert items[0]["source_title"] == first.source.title


@pytest.mark.parametrize(
    "url",
    [
        reverse("countries:export", args=["xml"]),
        reverse("countries:detail_export", args=["KEN", "xlsx"]),
        reverse("countries:detail_export", args=["XXX", "csv"]),
    ],
)
def test_country_exports_unknown_format_or_country_is_a_404(client, world, url):
    assert client.get(url).status_code == 404


def test_country_exports_run_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    busy = _populate(30)

    with django_assert_max_num_queries(2):  # region choices, rows
        _streamed(client.get(reverse("countries:export", args=["csv"])))
    with django_assert_max_num_queries(2):  # country, figures
        _streamed(
            client.get(reverse("countries:detail_export", args=[busy.iso3, "json"]))
        )


def test_a_busy_country_page_shows_a_bounded_part_and_links_to_the_rest(
    client, db, monkeypatch
):
    from explorer.views import countries as views

    monkeypatch.setattr(views, "SHOWN_AGREEMENTS", 3)
    monkeypatch.setattr(views, "SHOWN_PROJECTS", 4)
    monkeypatch.setattr(views, "SHOWN_FIGURES", 5)
    busy = _populate(8)

    response = client.get(reverse("countries:detail", args=[busy.iso3]))

    assert len(response.context["agreements"]) == 3
    assert len(response.context["projects"]) == 4
    assert len(response.context["figures"]) == 5
    html = response.content.decode()
    assert f"?country={busy.iso3}" in html
    assert "All 8 agreements" in html
    assert "All 8 projects" in html
    assert "The newest 5 of 8 figures" in html


def test_the_agreement_list_filters_by_country(client, db):
    busy = _populate(3)

    response = client.get(reverse("agreements:list"), {"country": busy.iso3})

    shown = response.context["agreements"]
    assert len(shown) == 3
    assert {agreement.country_id for agreement in shown} == {busy.pk}
