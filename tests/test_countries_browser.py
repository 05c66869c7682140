"""The countries map, the country filters and the partners chart in a real
browser, offline: plotly and the world topojson come from this site."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from countries.models import Country
from projects.models import Metric
from tests.factories import CountryFactory, ObservationFactory, PartnerAgreementFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def partners(offline_page):
    def country(iso3, iso2, name, region):
        return CountryFactory(iso3=iso3, iso2=iso2, name=name, region=region)

    kenya = country("KEN", "KE", "Kenya", "Africa")
    egypt = country("EGY", "EG", "Egypt", "Africa")
    italy = country("ITA", "IT", "Italy", "Europe")
    panama = country("PAN", "PA", "Panama", "Americas")
    country("FRA", "FR", "France", "Europe")
    PartnerAgreementFactory(country=kenya, signed_on=date(2017, 5, 14))
    PartnerAgreementFactory(country=egypt, signed_on=date(2016, 1, 21))
    for partner, ended in ((italy, date(2023, 12, 3)), (panama, date(2025, 2, 6))):
        PartnerAgreementFactory(
            country=partner,
            signed_on=date(2017, 11, 16),
            status="withdrawn",
            ended_on=ended,
        )
    ObservationFactory(
        metric=Metric.objects.get(key="partner_countries"),
        project=None,
        value=150,
        qualifier="more_than",
        as_of=date(2023, 10, 18),
    )


def test_countries_map_draws_the_countries_from_local_topojson(
    live_server, offline_page, partners
):
    page = offline_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/countries/")
    page.wait_for_selector("#partner-map-figure .main-svg path.choroplethlocation")

    locations = page.locator("#partner-map-figure path.choroplethlocation")
    assert locations.count() == 5
    fills = {
        locations.nth(index).evaluate("el => getComputedStyle(el).fill")
        for index in range(locations.count())
    }
    # Partners in two shades (2016, 2017), withdrawn, none.
    assert len(fills) == 4
    assert any(
        url.endswith("/static/vendor/topojson/world_50m.json") for url in requested
    )


def test_countries_region_filter_from_the_form(live_server, offline_page, partners):
    page = offline_page
    page.goto(f"{live_server.url}/countries/")

    page.get_by_label("Region").select_option("Africa")
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"/countries/\?.*region=Africa"))
    rows = page.locator("table.countries tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Egypt")
    expect(rows.last).to_contain_text("Kenya")
    expect(page.locator(".result-count")).to_contain_text("2 countries")
    # The map still shows every country, not only Africa.
    page.wait_for_selector("#partner-map-figure path.choroplethlocation")
    assert page.locator("#partner-map-figure path.choroplethlocation").count() == 5


def test_agreements_chart_renders_with_its_data_table(
    live_server, offline_page, partners
):
    page = offline_page
    page.goto(f"{live_server.url}/agreements/")

    page.wait_for_selector("#partners-chart-figure .main-svg")
    assert page.locator("#partners-chart-figure .scatterlayer .trace").count() == 2
    table = page.locator("#partners-chart-figure table")
    assert not table.is_visible()

    page.locator("#partners-chart-figure summary", has_text="Data table").click()

    expect(table).to_be_visible()
    expect(table).to_contain_text("left: Italy")
    expect(table).to_contain_text("150+")


def test_lowercase_country_code_lands_on_the_country_page(
    live_server, offline_page, partners
):
    page = offline_page
    page.goto(f"{live_server.url}/countries/ita/")

    assert page.url == f"{live_server.url}/countries/ITA/"
    expect(page.locator("h1")).to_have_text("Italy")
    expect(page.locator(".facts")).to_contain_text("Withdrawn on 3 Dec 2023")


_UNCOLOURED = "rgb(223, 227, 232)"  # partner_charts.STATUS_COLOURS["none"]


def test_register_map_draws_every_partner_country(
    live_server, offline_page, seeded_live
):
    """Every country the register gives a status, small island states
    included, is a coloured path of the map."""
    page = offline_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/countries/")
    page.wait_for_selector("#partner-map-figure path.choroplethlocation")

    fills = page.locator("#partner-map-figure path.choroplethlocation").evaluate_all(
        "paths => paths.map((p) => getComputedStyle(p).fill)"
    )
    coloured = [fill for fill in fills if fill != _UNCOLOURED]
    statuses = Country.objects.with_partner_status().exclude(partner_status="none")

    assert len(coloured) == statuses.count() >= 150
    expect(page.locator("#partner-map-figure").locator("xpath=..")).to_contain_text(
        "The map draws 149 partner countries"
    )
