"""The list filters in a real browser, offline, on the seed data: a country
picked in the project list survives a second submission, the project field of
the figure list suggests names and takes one typed in full, and no submitted
URL carries an empty parameter."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from projects.models import Project

pytestmark = pytest.mark.browser

SGR = "Mombasa-Nairobi Standard Gauge Railway"
LAOS = "China-Laos Railway"


def _query(page):
    """The current URL's parameters, blank ones kept: [(name, value)]."""
    return parse_qsl(urlsplit(page.url).query, keep_blank_values=True)


def _apply(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()


def test_country_picked_in_the_project_list_stays_applied(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.goto(f"{live_server.url}/projects/")
    country = page.locator("select[name=country]")
    assert country.locator("option").count() == 249

    country.select_option(label="Kenya")
    _apply(page)

    assert _query(page) == [("country", "KEN")]
    rows = page.locator("table.projects tbody tr")
    expect(rows.filter(has_text=SGR)).to_have_count(1)
    expect(rows.filter(has_text="Luban Workshops")).to_have_count(1)
    expect(rows).to_have_count(2)

    # The form comes back with Kenya chosen; a second submission keeps it.
    expect(country).to_have_values(["KEN"])
    page.locator("select[name=sort]").select_option(label="Opened (newest first)")
    _apply(page)

    assert sorted(_query(page)) == [("country", "KEN"), ("sort", "-opened")]
    expect(country).to_have_values(["KEN"])
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(SGR)  # opened 2017, the workshops 2016


def test_project_typed_in_the_figure_list_shows_its_figures_only(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.goto(f"{live_server.url}/figures/")
    field = page.locator("input[name=project]")

    # Suggestions arrive as one types.
    field.press_sequentially("Kunming-Vien", delay=20)
    options = page.locator(f"#{field.get_attribute('list')} option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == LAOS

    field.fill(LAOS)
    _apply(page)

    assert _query(page) == [("project", LAOS)]
    expected = Project.objects.get(name=LAOS).observations.published().count()
    expect(page.locator(".result-count")).to_contain_text(f"{expected} figures")
    cells = page.locator("table.figures tbody tr td:first-child")
    expect(cells).to_have_count(expected)
    assert set(cells.all_inner_texts()) == {LAOS}
    expect(field).to_have_value(LAOS)


def test_the_back_button_finds_the_form_usable(live_server, offline_page, seeded_live):
    page = offline_page
    page.goto(f"{live_server.url}/figures/")
    page.locator("select[name=qualifier]").select_option(label="Projected")
    _apply(page)
    assert _query(page) == [("qualifier", "projected")]

    page.go_back()
    # Restored from the back-forward cache or not, no control is left
    # disabled by the previous submission.
    page.locator("select[name=qualifier]").select_option(label="Projected")
    page.locator("input[name=project]").fill(LAOS)
    _apply(page)

    assert sorted(_query(page)) == [("project", LAOS), ("qualifier", "projected")]
