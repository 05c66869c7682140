import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from explorer.citations import citation, full_value
from explorer.exports import FIGURE_COLUMNS
from projects.models import Metric, Observation
from tests.factories import (
    ObservationFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _metric(key):
    return Metric.objects.get(key=key)


def _list(client, params=None):
    return client.get(reverse("figures:list"), params or {})


def _listed(response):
    return {figure.pk for figure in response.context["figures"]}


def _detail(client, figure):
    return client.get(reverse("figures:detail", args=[figure.pk]))


@pytest.fixture
def whoosh():
    """The Jakarta-Bandung figure of release 001, with its release."""
    release = ReleaseFactory(
        title="China to work with all parties for progress",
        publisher="Xinhua",
        published_on=datetime.date(2025, 7, 23),
        url="https://example.org/xinhua-2025-07-23",
        text=(
            "Over the past 12 years, the Jakarta-Bandung high speed railway has "
            "served more than 10 million passengers.\n"
        ),
    )
    return ObservationFactory(
        project=ProjectFactory(
            name="Jakarta-Bandung High-Speed Railway",
            slug="jakarta-bandung-high-speed-railway",
        ),
        value=10_000_000,
        qualifier=Observation.Qualifier.MORE_THAN,
        as_of=datetime.date(2025, 7, 22),
        source=release,
        quote="the Jakarta-Bandung high speed railway has served more than 10 million "
        "passengers",
        counted="passenger trips",
        confidence=Observation.Confidence.HIGH,
        note="Cumulative since opening in October 2023.",
    )


# The list


def test_figure_list_shows_every_figure_with_its_project(client):
    figures = ObservationFactory.create_batch(3)
    initiative = ObservationFactory(project=None)

    response = _list(client)

    assert response.status_code == 200
    assert _listed(response) == {f.pk for f in [*figures, initiative]}
    assert "4 figures" in response.text
    assert "Initiative-wide" in response.text
    assert figures[0].project.name in response.text
    assert reverse("figures:detail", args=[figures[0].pk]) in response.text
    assert reverse("figures:export", args=["csv"]) in response.text


def test_figure_list_filters_by_one_or_more_metrics(client):
    passengers = ObservationFactory()
    trips = ObservationFactory(metric=_metric("freight_trips"))
    ObservationFactory(metric=_metric("teu"))

    assert _listed(_list(client, {"metric": "passengers"})) == {passengers.pk}
    both = _list(client, {"metric": ["passengers", "freight_trips"]})
    assert _listed(both) == {passengers.pk, trips.pk}


def test_figure_list_filters_by_project(client):
    figure = ObservationFactory()
    ObservationFactory()

    response = _list(client, {"project": figure.project.slug})

    assert _listed(response) == {figure.pk}


def test_figure_list_filters_initiative_wide_only(client):
    initiative = ObservationFactory(project=None)
    ObservationFactory()

    assert _listed(_list(client, {"initiative_wide": "on"})) == {initiative.pk}
    assert len(_listed(_list(client, {"initiative_wide": ""}))) == 2


def test_figure_list_filters_by_qualifier_and_period(client):
    approximate = ObservationFactory(qualifier=Observation.Qualifier.ABOUT)
    yearly = ObservationFactory(period=Observation.Period.YEAR)

    assert _listed(_list(client, {"qualifier": "about"})) == {approximate.pk}
    assert _listed(_list(client, {"period": "year"})) == {yearly.pk}


def test_figure_list_filters_by_as_of_year_range(client):
    old = ObservationFactory(as_of=datetime.date(2019, 6, 30))
    middle = ObservationFactory(as_of=datetime.date(2021, 12, 31))
    new = ObservationFactory(as_of=datetime.date(2024, 3, 31))
    ObservationFactory(as_of=None)

    assert _listed(_list(client, {"from_year": 2021})) == {middle.pk, new.pk}
    assert _listed(_list(client, {"to_year": 2021})) == {old.pk, middle.pk}
    span = _list(client, {"from_year": 2020, "to_year": 2022})
    assert _listed(span) == {middle.pk}


def test_figure_list_filters_by_source(client):
    figure = ObservationFactory()
    ObservationFactory()

    assert _listed(_list(client, {"source": figure.source_id})) == {figure.pk}


def test_figure_list_sorts_by_value(client):
    small = ObservationFactory(value=5)
    large = ObservationFactory(value=500)

    response = _list(client, {"sort": "-value"})

    assert [f.pk for f in response.context["figures"]] == [large.pk, small.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "no_such_metric"},
        {"qualifier": "roughly"},
        {"period": "decade"},
        {"from_year": "abc"},
        {"to_year": "99999999999"},
        {"from_year": "2020.5"},
        {"source": "999999999999999999999999"},
        {"sort": "nonsense"},
    ],
)
def test_figure_list_bad_filter_is_a_200_with_errors_and_no_results(client, params):
    ObservationFactory()

    response = _list(client, params)

    assert response.status_code == 200
    assert response.context["filter"].errors
    assert 'class="error"' in response.text
    assert list(response.context["figures"]) == []


@pytest.mark.parametrize(
    "params", [{"project": "no-such-project"}, {"source": "no such source"}]
)
def test_figure_list_text_that_names_nothing_shows_no_figures(client, params):
    ObservationFactory()

    response = _list(client, params)

    assert response.status_code == 200
    assert not response.context["filter"].errors
    assert list(response.context["figures"]) == []
    assert "0 figures" in response.text


@pytest.mark.parametrize("number", ["99999999", "abc", "0"])
def test_figure_list_out_of_range_page_is_a_200(client, number):
    ObservationFactory.create_batch(3)

    response = _list(client, {"page": number})

    assert response.status_code == 200
    assert len(response.context["figures"]) == 3


@pytest.mark.parametrize("count", [5, 50])
def test_figure_list_query_count_is_flat(client, django_assert_max_num_queries, count):
    ObservationFactory.create_batch(count)

    # metric validation, metric and project choices, page count, page rows,
    # four footer counts
    with django_assert_max_num_queries(9):
        response = _list(client, {"metric": "passengers", "source": ""})

    assert response.status_code == 200


# One figure


def test_figure_detail_unknown_id_is_a_404(client):
    response = client.get(reverse("figures:detail", args=[999999]))

    assert response.status_code == 404


def test_figure_detail_shows_the_figure_and_links_its_quote(client, whoosh):
    response = _detail(client, whoosh)

    assert response.status_code == 200
    text = response.text
    assert "10M+ passengers" in text
    assert "more than 10,000,000" in text
    assert "More than" in text  # the qualifier's label
    assert "22 Jul 2025" in text
    assert "Cumulative to date" in text
    assert "passenger trips" in text
    assert "High" in text
    assert "Cumulative since opening in October 2023." in text
    project_url = reverse("projects:detail", args=[whoosh.project.slug])
    assert f'<a href="{project_url}">Jakarta-Bandung High-Speed Railway</a>' in text
    source_url = reverse("sources:detail", args=[whoosh.source_id])
    assert f'href="{source_url}#quote-{whoosh.pk}"' in text
    assert whoosh.quote in text
    assert 'href="https://example.org/xinhua-2025-07-23" rel="noopener noreferrer"' in (
        text
    )


def test_figure_detail_has_a_ready_citation(client, whoosh):
    response = _detail(client, whoosh)

    permalink = f"http://testserver/figures/{whoosh.pk}/"
    assert response.context["citation"] == (
        "Jakarta-Bandung High-Speed Railway: passengers, more than 10,000,000 "
        'as of 22 Jul 2025. Xinhua, "China to work with all parties for progress", '
        f"23 Jul 2025. Via BRI Tracker, {permalink}"
    )
    assert '<p class="citation"><code>Jakarta-Bandung' in response.text


def test_figure_detail_counts_the_sources_that_agree(client, whoosh):
    same = ObservationFactory(
        project=whoosh.project, value=whoosh.value, as_of=whoosh.as_of
    )
    different = ObservationFactory(
        project=whoosh.project, value=9_000_000, as_of=whoosh.as_of
    )
    # The same article elsewhere is not a second witness.
    reprint = SourceFactory(duplicate_of=whoosh.source)
    ObservationFactory(
        project=whoosh.project, value=whoosh.value, as_of=whoosh.as_of, source=reprint
    )
    ObservationFactory(project=whoosh.project, value=whoosh.value)  # another date

    response = _detail(client, whoosh)

    assert response.context["source_count"] == 2
    assert "Reported by 2 sources" in response.text
    assert len(response.context["others"]) == 3
    assert reverse("figures:detail", args=[same.pk]) in response.text
    assert reverse("figures:detail", args=[different.pk]) in response.text
    assert "different value" in response.text


def test_figure_detail_without_corroboration_says_one_source(client):
    figure = ObservationFactory(project=None, as_of=None, quote="")

    response = _detail(client, figure)

    assert response.status_code == 200
    assert "Reported by 1 source only" in response.text
    assert "Belt and Road Initiative" in response.text


def test_figure_detail_query_count_is_flat(client, whoosh, django_assert_num_queries):
    ObservationFactory.create_batch(
        20, project=whoosh.project, value=whoosh.value, as_of=whoosh.as_of
    )

    # figure, corroborating figures, five footer counts
    with django_assert_num_queries(7):
        response = _detail(client, whoosh)

    assert response.status_code == 200


# Citations


def test_citation_of_an_initiative_wide_currency_figure():
    release = SourceFactory.build(
        title="Belt and Road White Paper", publisher="", published_on=None
    )
    figure = ObservationFactory.build(
        metric=_metric("investment_usd"),
        project=None,
        value=Decimal("17800000000.0000"),
        qualifier=Observation.Qualifier.ABOUT,
        period=Observation.Period.YEAR,
        period_start=datetime.date(2020, 1, 1),
        as_of=datetime.date(2020, 12, 31),
        source=release,
    )

    assert citation(figure, "https://bri.example/figures/1/") == (
        "Belt and Road Initiative: investment, about US$17,800,000,000 as of "
        '31 Dec 2020 (Year 2020). "Belt and Road White Paper". '
        "Via BRI Tracker, https://bri.example/figures/1/"
    )


@pytest.mark.parametrize(
    ("key", "value", "qualifier", "expected"),
    [
        ("capacity_gw", "1.5000", "projected", "1.5 GW (projected)"),
        ("cargo_tonnes", "89000", "exact", "89,000 tonnes"),
        ("freight_trips", "3398", "up_to", "up to 3,398"),
        ("passengers", "2000000", "nearly", "nearly 2,000,000"),
    ],
)
def test_full_value_spells_out_the_number(key, value, qualifier, expected):
    figure = Observation(metric=_metric(key), value=Decimal(value), qualifier=qualifier)

    assert full_value(figure) == expected


def test_citation_keeps_an_acronym_at_the_start_of_the_metric():
    figure = ObservationFactory.build(
        metric=_metric("engagement_usd"),
        project=None,
        value=1,
        as_of=None,
        source=SourceFactory.build(title="T", publisher="P", published_on=None),
    )

    assert citation(figure, "u").startswith("Belt and Road Initiative: BRI engagement")


# Exports


def _csv_rows(response):
    return list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )


def _json_rows(response):
    return json.loads(b"".join(response.streaming_content))


def test_figure_export_csv_has_every_column_of_the_filtered_figures(client, whoosh):
    ObservationFactory(metric=_metric("teu"))

    response = client.get(
        reverse("figures:export", args=["csv"]), {"metric": "passengers"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert list(rows[0]) == FIGURE_COLUMNS
    assert rows == [
        {
            "id": str(whoosh.pk),
            "project_name": "Jakarta-Bandung High-Speed Railway",
            "project_slug": "jakarta-bandung-high-speed-railway",
            "metric_key": "passengers",
            "metric_name": "Passengers",
            "value": "10000000",
            "qualifier": "more_than",
            "unit": "passengers",
            "counted": "passenger trips",
            "period": "cumulative",
            "period_start": "",
            "as_of": "2025-07-22",
            "as_of_precision": "day",
            "change_percent": "",
            "source_id": str(whoosh.source_id),
            "source_title": "China to work with all parties for progress",
            "source_publisher": "Xinhua",
            "source_published_on": "2025-07-23",
            "source_url": "https://example.org/xinhua-2025-07-23",
            "quote": whoosh.quote,
            "permalink": f"http://testserver/figures/{whoosh.pk}/",
        }
    ]


def test_figure_export_json_equals_the_filtered_queryset(client):
    ObservationFactory.create_batch(3, qualifier=Observation.Qualifier.ABOUT)
    ObservationFactory(
        metric=_metric("investment_usd"), qualifier=Observation.Qualifier.ABOUT
    )
    ObservationFactory.create_batch(2)

    response = client.get(
        reverse("figures:export", args=["json"]), {"qualifier": "about"}
    )

    assert response["Content-Type"] == "application/json"
    rows = _json_rows(response)
    expected = Observation.objects.filter(qualifier="about")
    assert sorted(row["id"] for row in rows) == sorted(f.pk for f in expected)
    currency = next(row for row in rows if row["metric_key"] == "investment_usd")
    assert currency["unit"] == "USD"
    assert all(set(row) == set(FIGURE_COLUMNS) for row in rows)


def test_figure_export_invalid_filter_is_a_400(client):
    ObservationFactory()

    response = client.get(reverse("figures:export", args=["json"]), {"metric": "x"})

    assert response.status_code == 400  # not an empty file (issue 15)
    assert list(json.loads(response.content)["errors"]) == ["metric"]


def test_figure_export_unknown_format_is_a_404(client):
    response = client.get(reverse("figures:export", args=["xlsx"]))

    assert response.status_code == 404


def test_figure_export_query_count_is_flat(client, django_assert_max_num_queries):
    ObservationFactory.create_batch(30)

    with django_assert_max_num_queries(2):
        rows = _csv_rows(client.get(reverse("figures:export", args=["csv"])))

    assert len(rows) == 30


# Search


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a country of the project (Kenya), not in any figure's own text
        ("Kenya", {"mombasa-nairobi-standard-gauge-railway", "luban-workshops"}),
        # what an Other figure counts
        ("value of goods carried", {"china-europe-railway-express"}),
        # a project's alias
        ("Whoosh", {"jakarta-bandung-high-speed-railway"}),
    ],
)
def test_figure_search_matches_countries_counted_text_and_aliases(
    client, seeded, text, expected
):
    response = client.get(reverse("figures:list"), {"q": text})

    figures = response.context["figures"]
    slugs = {f.project.slug for f in figures if f.project}
    assert figures
    assert slugs & expected
    assert slugs <= expected


def test_figure_search_by_counted_text_finds_only_those_figures(client, seeded):
    response = client.get(reverse("figures:list"), {"q": "cross-border"})

    figures = response.context["figures"]
    assert figures
    assert all("cross-border" in f.counted.lower() for f in figures)
