"""The managers' dashboard: cards that follow the data, cache invalidation,
fixed query counts, chart downloads and embeds."""

import csv
import io
import sys
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboard import charts
from dashboard.data import build_dashboard, dashboard_data
from explorer.charts import MS_PER_DAY, TIDY_COLUMNS
from projects.models import DashboardCard, Metric, Observation, Project
from tests.factories import ObservationFactory, ProjectFactory, SourceFactory
from tests.helpers import committed

HOME = reverse("home")


def _expected_latest(card):
    """The figure a card should show, found independently of the dashboard
    code: the newest dated, non-projected figure of its series."""
    return (
        Observation.objects.filter(
            metric=card.metric, project=card.project, period=card.period
        )
        .exclude(as_of=None)
        .exclude(qualifier="projected")
        .order_by("-as_of", "-source__published_on")
        .first()
    )


def _card_html(response, card):
    html = response.text
    start = html.index(f'id="card-{card.pk}"')
    return html[start : html.index("</article>", start)]


@pytest.mark.django_db
def test_dashboard_cards_show_the_latest_figure_of_each_series(client, seeded):
    response = client.get(HOME)

    assert response.status_code == 200
    cards = list(DashboardCard.objects.select_related("metric", "project"))
    assert len(cards) == 10
    for card in cards:
        latest = _expected_latest(card)
        html = _card_html(response, card)
        assert latest.display_value in html, card
        assert latest.get_qualifier_display() in html, card
        assert latest.as_of_display in html, card
        same = Observation.objects.filter(
            metric=card.metric,
            project=card.project,
            as_of=latest.as_of,
            value=latest.value,
        )
        assert any(reverse("figures:detail", args=[f.pk]) in html for f in same)


@pytest.mark.django_db
def test_dashboard_card_flags_an_old_figure_and_says_what_changed(client, seeded):
    card = DashboardCard.objects.get(
        metric__key="passengers", project__slug="china-laos-railway"
    )

    html = _card_html(client.get(HOME), card)

    assert "over a year old" in html
    assert "up from 27.87M in Feb 2024" in html


@pytest.mark.django_db
def test_dashboard_every_card_links_to_its_quoted_sentence_or_source(client, seeded):
    assert client.get(HOME).status_code == 200

    for card in dashboard_data()["cards"]:
        assert card["source_url"].startswith("/sources/")
        if card["quote"]:
            assert card["source_url"].endswith(
                "#quote-" + card["figure_url"].split("/")[-2]
            )


@pytest.mark.django_db
def test_dashboard_new_figure_saved_with_the_orm_shows_on_next_request(client, seeded):
    card = DashboardCard.objects.get(metric__key="freight_trips")
    client.get(HOME)  # fills the cache

    with committed():
        Observation.objects.create(
            metric=card.metric,
            project=card.project,
            value=Decimal("130000"),
            qualifier="more_than",
            as_of=date(2026, 6, 30),
            source=SourceFactory(publisher="Test agency"),
            status="published",
        )

    html = _card_html(client.get(HOME), card)
    assert "130K+ trips" in html
    assert "30 Jun 2026" in html


@pytest.mark.django_db
def test_dashboard_ignores_a_draft_figure(client, seeded):
    card = DashboardCard.objects.get(metric__key="freight_trips")
    ObservationFactory(
        metric=card.metric,
        project=card.project,
        value=Decimal("999000"),
        as_of=date(2026, 6, 30),
        status="draft",
    )

    assert "999K" not in _card_html(client.get(HOME), card)


@pytest.mark.django_db
def test_dashboard_new_figure_saved_in_the_admin_shows_on_next_request(
    admin_client, seeded
):
    card = DashboardCard.objects.get(metric__key="capacity_gw")
    admin_client.get(HOME)
    source = SourceFactory()

    with committed():
        response = admin_client.post(
            reverse("admin:projects_observation_add"),
            {
                "metric": card.metric.pk,
                "project": card.project.pk,
                "value": "2.5",
                "qualifier": "exact",
                "period": "cumulative",
                "as_of": "2026-09-30",
                "as_of_precision": "day",
                "source": source.pk,
                "status": "published",
            },
        )

    assert response.status_code == 302, response.context["adminform"].errors
    html = _card_html(admin_client.get(HOME), card)
    assert "2.5 GW" in html
    assert "30 Sep 2026" in html


@pytest.mark.django_db
def test_dashboard_query_count_is_fixed_and_cached(
    client, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15) as cold:
        client.get(HOME)
    with django_assert_max_num_queries(1):
        client.get(HOME)

    for n in range(30):
        project = ProjectFactory(is_signature=True, sector="railway")
        ObservationFactory(project=project, as_of=date(2020, 1, 1 + n % 28))
    with django_assert_max_num_queries(len(cold.captured_queries)):
        client.get(HOME)


@pytest.mark.django_db
def test_dashboard_builds_plain_specs_without_graph_objects(seeded):
    data = build_dashboard()

    assert "plotly.graph_objects" not in sys.modules
    assert set(data["charts"]) == {
        "freight",
        "partners",
        "investment",
        "passengers",
        "partner-map",
        "projects-by-sector",
        "projects-by-region",
    }
    for chart in data["charts"].values():
        assert chart["spec"]["data"], chart["id"]
        assert chart["rows"], chart["id"]


@pytest.mark.django_db
def test_dashboard_freight_chart_has_one_bar_per_year(seeded):
    bars = build_dashboard()["charts"]["freight"]["spec"]["data"][0]

    assert bars["type"] == "bar"
    years = [x[:4] for x in bars["x"]]
    assert years == sorted(set(years))
    # Each bar is centred in its year and spans most of it.
    assert dict(zip(years, bars["y"], strict=True))["2024"] == 19392.0
    assert all(x[5:7] in ("06", "07") for x in bars["x"])
    assert all(300 * MS_PER_DAY < width < 366 * MS_PER_DAY for width in bars["width"])


@pytest.mark.django_db
@pytest.mark.parametrize("chart", ["freight", "partners", "investment", "passengers"])
def test_dashboard_time_charts_share_one_date_axis(seeded, chart):
    spec = build_dashboard()["charts"][chart]["spec"]

    assert spec["layout"]["xaxis"]["type"] == "date"
    assert "xaxis2" not in spec["layout"]
    assert all(trace.get("xaxis", "x") == "x" for trace in spec["data"])


@pytest.mark.django_db
def test_dashboard_investment_chart_keeps_half_years_off_the_year_bars(seeded):
    chart = build_dashboard()["charts"]["investment"]
    bars = [t for t in chart["spec"]["data"] if t["type"] == "bar"]

    assert bars
    for trace in bars:
        assert all(width > 300 * MS_PER_DAY / len(bars) for width in trace["width"])
    assert any("half-year" in figure["period"].lower() for figure in chart["stated"])
    assert "H1 2025" not in str(chart["spec"])


@pytest.mark.django_db
def test_dashboard_chart_csv_download(client, seeded):
    response = client.get(reverse("chart_csv", args=["passengers"]))

    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    assert response["Content-Type"].startswith("text/csv")
    assert {row["series"] for row in rows} >= {
        "Jakarta-Bandung High-Speed Railway",
        "China-Laos Railway",
    }
    assert list(rows[0]) == TIDY_COLUMNS


@pytest.mark.django_db
@pytest.mark.parametrize("chart", ["freight", "partners", "investment", "passengers"])
def test_dashboard_chart_csv_is_tidy_numbers(client, seeded, chart):
    response = client.get(reverse("chart_csv", args=[chart]))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )

    assert rows
    for row in rows:
        assert float(row["value"]) >= 0
        assert row["qualifier"] in Observation.Qualifier.values
        assert date.fromisoformat(row["as_of"])
        assert row["unit"]
        assert row["figure_url"].startswith("http://testserver/figures/")
        assert row["source_url"].startswith("http")


@pytest.mark.django_db
def test_dashboard_embed_is_chrome_free_and_frameable(client, seeded):
    response = client.get(reverse("chart_embed", args=["partner-map"]))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "site-header" not in response.text
    assert 'data-chart="partner-map-spec"' in response.text


@pytest.mark.django_db
def test_dashboard_unknown_chart_is_404(client):
    assert client.get(reverse("chart_embed", args=["nope"])).status_code == 404
    assert client.get(reverse("chart_csv", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_dashboard_without_data_still_renders(client):
    DashboardCard.objects.create(metric=Metric.objects.get(key="teu"))

    response = client.get(HOME)

    assert response.status_code == 200
    assert "No figure yet" in response.text


@pytest.mark.django_db
def test_dashboard_card_deleted_in_the_admin_disappears(admin_client, seeded):
    card = DashboardCard.objects.get(metric__key="jobs")
    admin_client.get(HOME)

    card.delete()

    assert f'id="card-{card.pk}"' not in admin_client.get(HOME).text
    assert Project.objects.exists()


def test_count_bars_tick_every_unit_only_for_small_counts():
    # A tick per project up to 22,000 projects froze the browser for minutes.
    small = charts.count_bars("Projects by sector", [("Railway", 7), ("Port", 2)])
    large = charts.count_bars("Projects by sector", [("Railway", 22_062)])

    assert small["layout"]["xaxis"]["dtick"] == 1
    assert "dtick" not in large["layout"]["xaxis"]
    assert large["layout"]["xaxis"]["tickformat"] == ",d"


# Captions computed from the records


@pytest.mark.django_db
def test_dashboard_captions_state_what_the_seed_holds(seeded):
    built = build_dashboard()["charts"]

    assert built["freight"]["title"] == "China-Europe Railway Express trips"
    assert "since the service opened in 2011" in built["freight"]["description"]
    assert "withdrawals (Italy 2023, Panama 2025)" in built["partners"]["description"]
    investment = built["investment"]["description"]
    assert "(as reported by Griffith" in investment
