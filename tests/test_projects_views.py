"""The projects list and project pages: filters, search, sorting, charts,
figures with their sources, exports, bounded queries."""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from explorer import charts
from explorer.consensus import compare_sources
from projects.models import Metric, Observation
from tests.factories import (
    CountryFactory,
    MilestoneFactory,
    ObservationFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("projects:list")


def _names(response):
    return [p.name for p in response.context["projects"]]


def _streamed(response):
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def kenya():
    return CountryFactory(iso3="KEN", iso2="KE", name="Kenya", region="Africa")


@pytest.fixture
def laos():
    return CountryFactory(iso3="LAO", iso2="LA", name="Laos", region="Asia")


def test_project_list_shows_every_project_with_its_count(client):
    ProjectFactory(name="China-Laos Railway")
    ProjectFactory(name="Chancay Port", sector="port")

    response = client.get(LIST)

    assert response.status_code == 200
    assert _names(response) == ["Chancay Port", "China-Laos Railway"]
    assert "2 projects" in response.text


def test_project_list_filters_by_several_countries(client, kenya, laos):
    ProjectFactory(name="SGR").countries.add(kenya)
    ProjectFactory(name="Laos line").countries.add(laos)
    ProjectFactory(name="Elsewhere").countries.add(CountryFactory())

    response = client.get(LIST, {"country": ["KEN", "LAO"]})

    assert _names(response) == ["Laos line", "SGR"]


def test_project_list_filters_by_region_of_project_or_countries(client, kenya):
    ProjectFactory(name="Own region", region="Africa")
    ProjectFactory(name="Via country").countries.add(kenya)
    ProjectFactory(name="Asian", region="Asia").countries.add(kenya)

    response = client.get(LIST, {"region": "Africa"})

    assert _names(response) == ["Own region", "Via country"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "port"}, ["Port"]),
        ({"kind": "programme"}, ["Workshops"]),
        ({"status": "under_construction"}, ["Line"]),
        ({"opened_from": 2018, "opened_to": 2022}, ["Line"]),
        ({"opened_from": 2023}, ["Port"]),
    ],
)
def test_project_list_simple_filters(client, params, expected):
    ProjectFactory(name="Port", sector="port", opened_on=date(2024, 11, 14))
    ProjectFactory(name="Workshops", kind="programme", opened_on=date(2016, 3, 1))
    ProjectFactory(
        name="Line", status="under_construction", opened_on=date(2022, 3, 19)
    )

    assert _names(client.get(LIST, params)) == expected


def test_project_list_filters_projects_with_figures_for_a_metric(client):
    with_trips = ProjectFactory(name="Express")
    ObservationFactory(
        project=with_trips, metric=Metric.objects.get(key="freight_trips")
    )
    ObservationFactory(project=ProjectFactory(name="Railway"))

    response = client.get(LIST, {"metric": "freight_trips"})

    assert _names(response) == ["Express"]


@pytest.mark.parametrize("text", ["whoosh", "Bandung", "high-speed", "railways"])
def test_project_list_search_finds_names_aliases_and_summary(client, text):
    ProjectFactory(
        name="Jakarta-Bandung High-Speed Railway",
        aliases=["Whoosh", "KCJB"],
        summary="Indonesia's first high-speed railway.",
    )
    ProjectFactory(name="Chancay Port", summary="A deep-water port in Peru.")

    assert _names(client.get(LIST, {"q": text})) == [
        "Jakarta-Bandung High-Speed Railway"
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-name", ["C", "B", "A"]),
        ("-opened", ["B", "A", "C"]),
        ("opened", ["A", "B", "C"]),
        ("-latest", ["C", "A", "B"]),
    ],
)
def test_project_list_sorts_with_undated_last(client, sort, expected):
    a = ProjectFactory(name="A", opened_on=date(2011, 3, 1))
    ProjectFactory(name="B", opened_on=date(2023, 10, 2))
    c = ProjectFactory(name="C")
    ObservationFactory(project=a, as_of=date(2020, 1, 1))
    ObservationFactory(project=c, as_of=date(2025, 1, 1))

    assert _names(client.get(LIST, {"sort": sort})) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"country": "XXX"},
        {"region": "Atlantis"},
        {"sector": "spaceport"},
        {"opened_from": "soon"},
        {"opened_to": "99999"},
        {"metric": "nonsense"},
        {"sort": "price"},
    ],
)
def test_project_list_bad_filter_values_show_errors_not_500(client, params):
    ProjectFactory()

    response = client.get(LIST, params)

    assert response.status_code == 200
    assert response.context["filter"].errors
    assert 'class="error"' in response.text
    assert _names(response) == []


def test_project_list_pagination_keeps_filters_and_survives_huge_pages(client):
    for n in range(30):
        ProjectFactory(name=f"Port {n:02}", sector="port")
    ProjectFactory(name="Railway", sector="railway")

    first = client.get(LIST, {"sector": "port"})
    huge = client.get(LIST, {"sector": "port", "page": 10**9})
    junk = client.get(LIST, {"sector": "port", "page": "abc"})

    assert "30 projects" in first.text
    assert "sector=port&amp;page=2" in first.text
    assert huge.status_code == 200 and huge.context["page_obj"].number == 2
    # "abc" means the first page: the same page, from the same cache entry.
    assert junk.status_code == 200 and junk.content == first.content


def test_project_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    def add_projects(n):
        for _ in range(n):
            project = ProjectFactory()
            project.countries.add(CountryFactory())
            ObservationFactory(project=project)

    add_projects(3)
    # count, page rows, countries prefetch, filter choices (regions, metrics,
    # countries), footer counts (five)
    with django_assert_max_num_queries(11) as small:
        client.get(LIST, {"sort": "-latest"})
    add_projects(47)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(LIST, {"sort": "-latest"})


def test_project_list_export_csv_matches_the_filter(client, kenya):
    ProjectFactory(name="SGR", slug="sgr", sector="railway").countries.add(kenya)
    ProjectFactory(name="Port", sector="port")

    response = client.get(
        reverse("projects:export", args=["csv"]), {"sector": "railway"}
    )

    rows = list(csv.DictReader(io.StringIO(_streamed(response))))
    assert response["Content-Type"].startswith("text/csv")
    assert [(r["slug"], r["countries"]) for r in rows] == [("sgr", "KEN")]


def test_project_list_export_json_and_unknown_format(client):
    ProjectFactory(name="SGR", slug="sgr")

    response = client.get(reverse("projects:export", args=["json"]))

    assert [row["slug"] for row in json.loads(_streamed(response))] == ["sgr"]
    assert client.get(reverse("projects:export", args=["xml"])).status_code == 404


# The project page


@pytest.fixture
def railway():
    project = ProjectFactory(
        name="China-Laos Railway", aliases=["LCR"], opened_on=date(2021, 12, 3)
    )
    project.countries.add(CountryFactory(name="Laos"))
    return project


def test_project_page_shows_facts_timeline_and_figures(client, railway):
    MilestoneFactory(project=railway, title="Railway opens", date=date(2021, 12, 3))
    source = ReleaseFactory(publisher="Xinhua")
    ObservationFactory(
        project=railway,
        source=source,
        value=10_000_000,
        qualifier="more_than",
        as_of=date(2025, 7, 22),
        quote="served more than 10 million passengers",
    )

    response = client.get(reverse("projects:detail", args=[railway.slug]))

    assert response.status_code == 200
    for text in ["China-Laos Railway", "Laos", "3 Dec 2021", "LCR", "Railway opens"]:
        assert text in response.text
    assert "10M+ passengers" in response.text
    assert "served more than 10 million passengers" in response.text
    assert reverse("sources:detail", args=[source.pk]) in response.text


def test_project_page_unknown_slug_is_404(client):
    assert client.get(reverse("projects:detail", args=["nowhere"])).status_code == 404


def test_project_page_flags_a_stale_latest_figure(client, railway):
    ObservationFactory(project=railway, as_of=date(2021, 3, 31))

    response = client.get(reverse("projects:detail", args=[railway.slug]))

    assert "Latest figure: <strong>March 2021</strong>" in response.text
    assert "stale" in response.text


def test_project_page_recent_figure_is_not_stale(client, railway):
    ObservationFactory(project=railway, as_of=timezone.localdate() - timedelta(days=30))

    response = client.get(reverse("projects:detail", args=[railway.slug]))

    assert response.context["stale"] is False


def test_project_page_charts_one_series_each_and_states_single_figures(client, railway):
    passengers = Metric.objects.get(key="passengers")
    cargo = Metric.objects.get(key="cargo_tonnes")
    other = Metric.objects.get(key="other")
    for day in (date(2022, 1, 3), date(2023, 1, 3)):
        ObservationFactory(project=railway, metric=passengers, as_of=day)
    ObservationFactory(
        project=railway, metric=passengers, period="year", as_of=date(2022, 12, 31)
    )
    ObservationFactory(project=railway, metric=cargo, as_of=date(2022, 1, 3))
    for day, counted in [
        (date(2023, 2, 1), "tonnes of cross-border goods"),
        (date(2024, 2, 1), "passengers on international trains"),
    ]:
        ObservationFactory(
            project=railway, metric=other, counted=counted, as_of=day, value=7
        )

    response = client.get(reverse("projects:detail", args=[railway.slug]))

    chart_list = response.context["charts"]
    assert [c["spec"]["layout"]["title"]["text"] for c in chart_list] == [
        "Passengers, cumulative to date"
    ]
    single = response.context["single_figures"]
    assert len(single) == 4
    assert "tonnes of cross-border goods" in response.text
    assert "<script>" not in response.text.replace("<script src", "")


def test_project_page_shows_corroboration_and_conflicts(client, railway):
    as_of = date(2024, 12, 31)
    for value in [100, 100, 120]:
        ObservationFactory(project=railway, as_of=as_of, value=value)

    response = client.get(reverse("projects:detail", args=[railway.slug]))

    assert "reported by 2 sources" in response.text
    assert response.text.count('class="conflict"') == 3


def test_project_page_query_count_does_not_grow(
    client, railway, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            ObservationFactory(project=railway, as_of=date(2020, 1, 1) + timedelta(i))
            MilestoneFactory(project=railway, source=SourceFactory())

    add(2)
    url = reverse("projects:detail", args=[railway.slug])
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    add(50)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_project_figures_export_lists_its_figures(client, railway):
    ObservationFactory(project=railway, value=Decimal("1.5"), as_of=date(2025, 1, 7))
    ObservationFactory(project=ProjectFactory())

    response = client.get(reverse("projects:detail_export", args=[railway.slug, "csv"]))

    rows = list(csv.DictReader(io.StringIO(_streamed(response))))
    assert [(r["value"], r["as_of"], r["metric_key"]) for r in rows] == [
        ("1.5", "2025-01-07", "passengers")
    ]


# Pure parts


def test_series_chart_marks_qualifiers_and_skips_undated():
    metric = Metric(pk=1, key="passengers", name="Passengers", unit="passengers")
    source = SourceFactory.build(pk=1, publisher="Xinhua")
    figures = [
        Observation(metric=metric, source=source, value=v, qualifier=q, as_of=d, pk=i)
        for i, (v, q, d) in enumerate(
            [
                (1_000_000, "exact", date(2022, 1, 1)),
                (10_000_000, "more_than", date(2025, 7, 22)),
                (5, "about", None),
            ],
            start=1,
        )
    ]

    (series,) = charts.split_series(figures)
    spec = charts.series_chart(series)

    line = spec["data"][0]
    assert line["y"] == [1_000_000.0, 10_000_000.0]
    assert line["marker"]["symbol"] == ["circle", "triangle-up"]
    assert "lower bound" in line["text"][1]
    assert spec["data"][1]["name"] == "Lower bound (more than)"
    assert spec["layout"]["xaxis"]["type"] == "date"
    assert json.dumps(spec)


def test_split_series_never_joins_a_day_to_a_total_or_a_subset_to_a_total():
    metric = Metric(pk=1, key="passengers", name="Passengers", unit="passengers")
    source = SourceFactory.build(pk=1)
    rows = [
        ("cumulative", "", date(2024, 1, 1)),
        ("cumulative", "", date(2025, 1, 1)),
        ("day", "", date(2024, 6, 1)),
        ("cumulative", "international passengers", date(2024, 3, 1)),
    ]
    figures = [
        Observation(
            metric=metric, source=source, value=1, period=p, counted=c, as_of=d, pk=i
        )
        for i, (p, c, d) in enumerate(rows, start=1)
    ]

    found = charts.split_series(figures)

    assert [len(s.figures) for s in found] == [2, 1, 1]
    assert {s.key.period for s in found} == {"cumulative", "day"}


def test_compare_sources_counts_agreeing_sources_and_flags_conflicts():
    day = date(2024, 1, 1)
    figures = [
        Observation(pk=1, metric_id=1, period="cumulative", as_of=day, value=5,
                    qualifier="exact", source_id=1),
        Observation(pk=2, metric_id=1, period="cumulative", as_of=day, value=5,
                    qualifier="exact", source_id=2),
        Observation(pk=3, metric_id=1, period="year", as_of=day, value=9,
                    qualifier="exact", source_id=3),
    ]  # fmt: skip

    assert compare_sources(figures) == set()
    assert [f.reported_by for f in figures] == [2, 2, 1]
