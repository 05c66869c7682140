import pytest
from playwright.sync_api import expect

from tests.factories import ObservationFactory, ReleaseFactory

pytestmark = pytest.mark.browser

FILLER = "Xi called for joint efforts to promote high-quality development.\n\n" * 60


def test_figure_page_leads_to_its_highlighted_sentence(live_server, offline_page):
    release = ReleaseFactory(
        title="Whoosh carries 10 million",
        text=FILLER + "The railway has served more than 10 million passengers.\n",
    )
    figure = ObservationFactory(
        source=release, quote="served MORE than 10 million passengers"
    )
    page = offline_page

    page.goto(f"{live_server.url}/figures/{figure.pk}/")
    expect(page.locator("h1")).to_contain_text(figure.project.name)
    page.get_by_role("link", name="Read the sentence in the full release").click()

    expect(page).to_have_url(
        f"{live_server.url}/sources/{release.pk}/#quote-{figure.pk}"
    )
    mark = page.locator(f"mark#quote-{figure.pk}")
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    expect(mark).to_have_text("served more than 10 million passengers")
    expect(mark).to_have_class("quote")
    # offline_page fails the test on console errors or requests off 127.0.0.1.
