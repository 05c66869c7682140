"""The dashboard in a real browser, offline, on the seed data."""

import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHARTS = [
    "freight",
    "partners",
    "investment",
    "passengers",
    "partner-map",
    "projects-by-sector",
    "projects-by-region",
]


def test_dashboard_draws_every_chart_and_card(live_server, offline_page, seeded_live):
    page = offline_page
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(f"{live_server.url}/")

    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} .main-svg")
    assert page.locator("#partner-map .choroplethlocation").count() > 150
    assert page.locator(".card").count() == 10
    assert page.locator(".sparkline .main-svg").count() >= 5

    screenshot = Path(tempfile.gettempdir()) / "bri-dashboard.png"
    page.screenshot(path=screenshot, full_page=True)
    print(f"dashboard screenshot: {screenshot}")  # noqa: T201  the issue asks for it


def test_dashboard_data_table_toggle_and_csv(live_server, offline_page, seeded_live):
    page = offline_page
    page.goto(f"{live_server.url}/")
    table = page.locator("#passengers table")
    assert not table.is_visible()

    page.locator("#passengers summary", has_text="Data table").click()
    assert table.is_visible()

    with page.expect_download() as download:
        page.locator("#passengers").get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("series,period_start,as_of,value")
    assert len(lines) > 10


# Where Plotly itself draws a point and a bar of the trips chart, in pixels:
# the page's own axis conversion (d2p), not positions computed by the test.
_TRIPS_GEOMETRY = r"""
(year) => {
  const gd = document.querySelector('[data-chart="freight-spec"]');
  const xaxis = gd._fullLayout.xaxis;
  const px = (x) => xaxis.d2p(x);
  const bars = gd._fullData.find((t) => t.type === "bar");
  const line = gd._fullData.find((t) => t.name === "Cumulative trips" && t.showlegend);
  const i = bars.x.findIndex((x) => String(x).startsWith(String(year)));
  const centre = px(bars.x[i]);
  const half = (xaxis.d2p(xaxis.d2l(bars.x[i]) + bars.width[i] / 2) - centre);
  const point = line.x.find((x) => String(x).startsWith(String(year)));
  return {
    barLeft: centre - half, barRight: centre + half, point: px(point),
    overlaying: gd._fullData.filter((t) => (t.xaxis || "x") !== "x").length,
    hiddenAxes: Object.keys(gd._fullLayout).filter(
      (k) => /^xaxis\d/.test(k)).length,
  };
}
"""


def test_trips_chart_puts_each_cumulative_point_over_its_own_year(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#freight .main-svg")

    geometry = page.evaluate(_TRIPS_GEOMETRY, 2017)

    assert geometry["barLeft"] < geometry["point"] < geometry["barRight"]
    assert geometry["overlaying"] == 0
    assert geometry["hiddenAxes"] == 0


def test_dashboard_card_leads_to_the_quoted_sentence(
    live_server, offline_page, seeded_live
):
    page = offline_page
    page.goto(f"{live_server.url}/")

    page.locator(".card", has_text="Partner countries").locator(
        ".card-source a"
    ).click()

    mark = page.locator("mark.quote:target, mark.quote:has(> .quote-anchor:target)")
    mark.first.wait_for()
    assert "150 countries" in mark.first.inner_text()


def test_embed_view_draws_its_chart(live_server, offline_page, seeded_live):
    page = offline_page
    page.goto(f"{live_server.url}/embed/partners/")

    page.wait_for_selector(".main-svg")
    assert page.locator(".site-header").count() == 0
