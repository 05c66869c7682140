"""A project and a source named with HTML and a Plotly template, on the
frameable embed of a dashboard chart: Plotly draws the text literally, with
no link. Issue 15."""

from datetime import date

import pytest

from tests.factories import ObservationFactory, ProjectFactory, SourceFactory

pytestmark = pytest.mark.browser

HOSTILE = '<a href="https://evil.example/phish">Official data</a> %{x}'


def test_embedded_chart_shows_hostile_names_as_text(live_server, page):
    railway = ProjectFactory(name=HOSTILE, is_signature=True)
    source = SourceFactory(publisher=HOSTILE)
    ObservationFactory(project=railway, as_of=date(2022, 6, 30), source=source)
    # A lower bound adds its legend entry: the legend shows the series too.
    ObservationFactory(
        project=railway,
        as_of=date(2023, 6, 30),
        value=2000,
        qualifier="more_than",
        source=source,
    )
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"{live_server.url}/embed/passengers/")
    chart = page.locator("[data-chart][data-drawn]")
    chart.wait_for()

    assert chart.locator("a").count() == 0
    assert page.locator('a[href*="evil.example"]').count() == 0
    legend = chart.locator(".legendtext").all_text_contents()
    assert HOSTILE in legend

    point = chart.locator(".scatterlayer .point").first
    point.hover(force=True)
    hover = chart.locator(".hoverlayer .hovertext")
    hover.wait_for()
    text = hover.text_content()
    assert "Official data</a> %{x}" in text
    assert hover.locator("a").count() == 0
