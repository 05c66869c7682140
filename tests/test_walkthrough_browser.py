"""The analyst's walk of the issue, in a real browser, on the seed data:
projects list -> China-Europe Railway Express -> its trips over time -> a
figure -> the highlighted sentence in its press release; countries filtered to
Africa -> CSV download."""

import pytest

pytestmark = pytest.mark.browser


def test_walkthrough_from_projects_to_the_quoted_sentence(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="China-Europe Railway Express").click()

    page.wait_for_selector("#chart-freight_trips-cumulative-figure .main-svg")
    assert (
        page.locator(
            "#chart-freight_trips-cumulative-figure .scatterlayer .point"
        ).count()
        > 10
    )

    page.locator("tr", has_text="110K+ trips").get_by_role("link").last.click()
    mark = page.locator("mark.quote:target")
    mark.wait_for()
    assert "110 thousand freight train services" in mark.inner_text()
    assert mark.is_visible()


def test_walkthrough_filter_projects_from_the_form(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.goto(f"{live_server.url}/projects/")
    page.get_by_label("Sector").select_option("port")
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url("**/projects/?*sector=port*")
    rows = page.locator("table.projects tbody tr")
    assert rows.count() == 2
    assert "Chancay Port" in rows.first.inner_text()


def test_walkthrough_chart_data_table_toggle(live_server, offline_page, seeded_live):
    page = offline_page
    page.goto(f"{live_server.url}/projects/china-laos-railway/")
    page.wait_for_selector("#chart-passengers-cumulative-figure .main-svg")
    table = page.locator("#chart-passengers-cumulative-figure table")
    assert not table.is_visible()

    page.locator("#chart-passengers-cumulative-figure summary").click()

    assert table.is_visible()
    assert table.locator("tbody tr").count() > 5


def test_walkthrough_africa_countries_download_csv(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.goto(f"{live_server.url}/countries/")
    page.get_by_label("Region").select_option("Africa")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/countries/?*region=Africa*")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()

    content = download_info.value.path().read_text()
    assert content.splitlines()[0].startswith("iso3")
    assert "KEN" in content and "FRA" not in content
