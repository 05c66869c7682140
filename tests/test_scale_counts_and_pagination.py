"""Stored figure counts follow every change to a figure; the cached-count
paginator counts once per data generation and reads deep pages by keys
first with the very rows plain slicing gives; the partners-over-time sweep
equals a brute-force count."""

import datetime
import random
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bri_tracker import data_generation
from bri_tracker.pagination import CachedCountPaginator
from explorer import partner_charts as charts
from explorer.filters import FIGURE_DEFAULT_ORDER, ProjectFilter
from explorer.views.projects import PAGE_SIZE
from projects.counts import sources_refresh_figure_count
from projects.models import Observation, Project
from sources.dates import DatePrecision
from sources.models import Source
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    ProjectFactory,
    SourceFactory,
)
from tests.helpers import committed

DAY = datetime.timedelta(days=1)


def _counts(*rows):
    for row in rows:
        row.refresh_from_db()
    return [row.figure_count for row in rows]


def _published(**filters):
    return Observation.objects.published().filter(**filters).count()


# Stored counts


@pytest.fixture
def railway(db):
    return ProjectFactory(name="Railway A")


@pytest.fixture
def port(db):
    return ProjectFactory(name="Port B")


def test_counts_follow_creation(railway):
    source = SourceFactory()
    assert _counts(railway, source) == [0, 0]

    ObservationFactory(project=railway, source=source)
    ObservationFactory(project=railway, source=source)
    ObservationFactory(project=railway, status="draft", source=source)

    assert _counts(railway, source) == [2, 2]
    assert railway.figure_count == _published(project=railway)


def test_counts_follow_status_changes(railway):
    source = SourceFactory()
    figure = ObservationFactory(project=railway, source=source)
    ObservationFactory(project=railway, source=source)

    figure.status = "draft"
    figure.save()
    assert _counts(railway, source) == [1, 1]

    figure.status = "published"
    figure.save()
    assert _counts(railway, source) == [2, 2]


def test_counts_follow_a_figure_moved_to_another_project(railway, port):
    figure = ObservationFactory(project=railway)
    ObservationFactory(project=railway)

    figure.project = port
    figure.save()
    assert _counts(railway, port) == [1, 1]

    # Moved by a fresh instance, which never saw the old project.
    moved = Observation.objects.get(pk=figure.pk)
    moved.project = railway
    moved.save()
    assert _counts(railway, port) == [2, 0]


def test_counts_follow_a_figure_moved_to_another_source(railway):
    first, second = SourceFactory(), SourceFactory()
    figure = ObservationFactory(project=railway, source=first)

    figure.source = second
    figure.save()
    assert _counts(first, second, railway) == [0, 1, 1]

    # Moved and drafted at once.
    figure.source = first
    figure.status = "draft"
    figure.save()
    assert _counts(first, second, railway) == [0, 0, 0]


def test_counts_follow_deletion(railway):
    source = SourceFactory()
    figures = ObservationFactory.create_batch(3, project=railway, source=source)

    figures[0].delete()
    assert _counts(railway, source) == [2, 2]

    for figure in figures[1:]:
        figure.delete()
    assert _counts(railway, source) == [0, 0]


def test_latest_as_of_follows_the_newest_published_figure(railway):
    old = ObservationFactory(project=railway, as_of=datetime.date(2021, 6, 30))
    railway.refresh_from_db()
    assert railway.latest_as_of == datetime.date(2021, 6, 30)

    new = ObservationFactory(project=railway, as_of=datetime.date(2024, 3, 31))
    ObservationFactory(
        project=railway, as_of=datetime.date(2025, 1, 31), status="draft"
    )
    railway.refresh_from_db()
    assert railway.latest_as_of == datetime.date(2024, 3, 31)

    new.status = "draft"
    new.save()
    railway.refresh_from_db()
    assert railway.latest_as_of == datetime.date(2021, 6, 30)

    new.status = "published"
    new.as_of = datetime.date(2022, 12, 31)
    new.save()
    railway.refresh_from_db()
    assert railway.latest_as_of == datetime.date(2022, 12, 31)

    new.delete()
    old.delete()
    railway.refresh_from_db()
    assert railway.latest_as_of is None
    assert railway.figure_count == 0


def test_the_project_list_shows_the_stored_counts(client, railway, port):
    ObservationFactory.create_batch(3, project=railway)
    moved = ObservationFactory(project=railway, as_of=datetime.date(2024, 5, 31))
    client.get(reverse("projects:list"))  # cached now

    moved.project = port
    moved.save()
    response = client.get(reverse("projects:list"), {"sort": "-latest"})

    rows = [
        (p.name, p.figure_count, p.latest_as_of) for p in response.context["projects"]
    ]
    assert rows == [
        ("Port B", 1, datetime.date(2024, 5, 31)),
        ("Railway A", 3, datetime.date(2023, 12, 31)),
    ]
    assert "May 2024" in response.text


def test_refresh_repairs_counts_that_bulk_updates_left_behind(railway, port):
    source = SourceFactory()
    ObservationFactory.create_batch(2, project=railway, source=source)
    Observation.objects.update(project=port)  # no signals
    assert _counts(railway, port) == [2, 0]

    Project.objects.all().refresh_figure_summary()
    sources_refresh_figure_count(Source.objects.all())

    assert _counts(railway, port, source) == [0, 2, 2]
    port.refresh_from_db()
    assert port.latest_as_of == datetime.date(2023, 12, 31)


# CachedCountPaginator: the count


def _count_queries(queryset):
    with CaptureQueriesContext(connection) as queries:
        count = CachedCountPaginator(queryset, PAGE_SIZE).count
    return count, len(queries)


def test_the_count_is_computed_once_per_data_generation(db):
    ProjectFactory.create_batch(3)
    queryset = Project.objects.order_by("name", "pk")

    assert _count_queries(queryset) == (3, 1)
    assert _count_queries(Project.objects.order_by("name", "pk")) == (3, 0)

    Project.objects.filter(pk=Project.objects.first().pk).update(name="Renamed")
    with committed():
        data_generation.changed()
    assert _count_queries(queryset) == (3, 1)

    with committed():
        ProjectFactory()  # signals renew the generation on commit
    assert _count_queries(queryset) == (4, 1)
    assert _count_queries(queryset) == (4, 0)


def test_different_queries_are_counted_apart(db):
    ProjectFactory.create_batch(2, sector="port")
    ProjectFactory.create_batch(3, sector="railway")

    assert _count_queries(Project.objects.filter(sector="port"))[0] == 2
    assert _count_queries(Project.objects.filter(sector="railway"))[0] == 3
    assert _count_queries(Project.objects.none()) == (0, 0)


def test_the_count_is_not_cached_when_page_caching_is_off(db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    ProjectFactory.create_batch(2)

    assert _count_queries(Project.objects.all()) == (2, 1)
    assert _count_queries(Project.objects.all()) == (2, 1)


def test_the_list_total_follows_an_added_project(client, db):
    ProjectFactory.create_batch(2)
    assert "2 projects" in client.get(reverse("projects:list")).text

    with committed():
        ProjectFactory()

    assert "3 projects" in client.get(reverse("projects:list")).text


# CachedCountPaginator: deep pages


NAME_WORDS = ["Railway", "Port", "Park", "Line", "Bridge", "Station"]


@pytest.fixture
def many_projects(db):
    """130 projects with names sharing words (ties in search rank), dates
    with ties and gaps (ties and NULLs in the sorts)."""
    rng = random.Random(11)
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"{rng.choice(['Karo', 'Lumo', 'Tesa'])} "
                f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)} {n}",
                slug=f"project-{n}",
                kind="project",
                sector=rng.choice(["railway", "port", "energy"]),
                status="operational",
                opened_on=rng.choice(
                    [None, datetime.date(2020, 1, 1), datetime.date(2021, 5, 1)]
                ),
                latest_as_of=rng.choice(
                    [None, datetime.date(2023, 12, 31), datetime.date(2024, 6, 30)]
                ),
                summary=rng.choice(["A railway line.", "A port and a railway.", ""]),
            )
            for n in range(130)
        ]
    )
    return projects


def _project_list_queryset(params):
    filterset = ProjectFilter(params, queryset=Project.objects.order_by("name", "pk"))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.with_countries()


def _pages_agree(queryset, per_page):
    plain = CachedCountPaginator(queryset, per_page)
    pages = 0
    for number in plain.page_range:
        bottom = (number - 1) * per_page
        expected = [row.pk for row in queryset[bottom : bottom + per_page]]
        got = [row.pk for row in plain.page(number).object_list]
        assert got == expected, (number, queryset.query)
        pages += 1
    everything = [row.pk for row in queryset]
    assert len(everything) == plain.count
    return pages


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-latest"},
        {"sort": "latest"},
        {"sort": "-opened"},
        {"sort": "-name"},
        {"q": "railway"},
        {"q": "railway port"},
        {"q": "Karo", "sort": "-latest"},
        {"sector": "port", "sort": "opened"},
    ],
)
def test_deep_pages_are_the_rows_plain_slicing_gives(
    many_projects, monkeypatch, params
):
    monkeypatch.setattr("bri_tracker.pagination.DEFERRED_JOIN_FROM", 0)
    queryset = _project_list_queryset(params)
    assert queryset.count() > 2 * 7

    assert _pages_agree(queryset, 7) > 2


def test_deep_pages_of_a_country_filter_match_plain_slicing(many_projects, monkeypatch):
    """Filtering by several countries joins them (DISTINCT): a project in
    both is still listed once, in its place."""
    kenya, laos = CountryFactory(iso3="KEN"), CountryFactory(iso3="LAO")
    for n, project in enumerate(many_projects):
        if n % 2 == 0:
            project.countries.add(kenya)
        if n % 3 == 0:
            project.countries.add(laos)
    monkeypatch.setattr("bri_tracker.pagination.DEFERRED_JOIN_FROM", 0)

    for params in (
        {"country": ["KEN", "LAO"]},
        {"country": ["KEN", "LAO"], "sort": "-latest"},
        {"country": ["LAO"], "q": "railway"},
    ):
        queryset = _project_list_queryset(params)
        assert _pages_agree(queryset, 9) > 2
    everything = list(_project_list_queryset({"country": ["KEN", "LAO"]}))
    in_either = sum(1 for n in range(130) if n % 2 == 0 or n % 3 == 0)
    assert len(everything) == len(set(everything)) == in_either


def test_deep_pages_keep_the_prefetched_countries(
    many_projects, monkeypatch, django_assert_max_num_queries
):
    country = CountryFactory()
    for project in many_projects:
        project.countries.add(country)
    monkeypatch.setattr("bri_tracker.pagination.DEFERRED_JOIN_FROM", 0)
    paginator = CachedCountPaginator(_project_list_queryset({}), 10)
    paginator.count  # noqa: B018 - counted beforehand

    with django_assert_max_num_queries(3):
        rows = list(paginator.page(5).object_list)
        assert [list(p.countries.all()) for p in rows] == [[country]] * 10


def test_deep_pages_of_the_figure_list_match_plain_slicing(db, monkeypatch):
    rng = random.Random(5)
    project = ProjectFactory()
    for _ in range(45):
        ObservationFactory(
            project=project,
            value=rng.choice([10, 20, 30]),
            as_of=rng.choice([None, datetime.date(2022, 1, 31)]),
        )
    monkeypatch.setattr("bri_tracker.pagination.DEFERRED_JOIN_FROM", 0)
    figures = Observation.objects.published().order_by(*FIGURE_DEFAULT_ORDER)

    assert _pages_agree(figures.with_related(), 8) == 6
    assert _pages_agree(figures.order_by("-value", "pk").with_related(), 8) == 6


def test_a_page_past_offset_1000_on_the_list_is_the_right_page(client, db):
    """The production threshold, through the list page."""
    Project.objects.bulk_create(
        [
            Project(
                name=f"Project {n:04d}",
                slug=f"project-{n}",
                kind="project",
                sector="railway",
                status="operational",
                latest_as_of=datetime.date(2020, 1, 1) + (n % 7) * DAY,
            )
            for n in range(1040)
        ]
    )
    ordered = Project.objects.order_by("name", "pk")
    by_latest = Project.objects.order_by("-latest_as_of", "pk")

    for params, expected in [
        ({"page": 41}, ordered[1000:1025]),
        ({"page": 42}, ordered[1025:1050]),
        ({"page": 42, "sort": "-latest"}, by_latest[1025:1050]),
        ({"page": 41, "sort": "-latest"}, by_latest[1000:1025]),
    ]:
        response = client.get(reverse("projects:list"), params)
        shown = [p.name for p in response.context["projects"]]
        assert shown == [p.name for p in expected], params
        assert shown[0] in response.text
    assert "1040 projects" in response.text or "1,040 projects" in response.text


# cumulative_partners against a brute-force count


def _brute_force(rows):
    """The docstring's contract, counted day by day: on every date an
    agreement starts or ends, the partners with an agreement in effect
    (signed_on <= day < ended_on, no end = still in effect); a step where
    that set changes."""
    spans = defaultdict(list)
    names = {}
    precision = {}
    rank = {DatePrecision.DAY: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}
    for row in rows:
        if row["signed_on"] is None:
            continue
        if row["country_id"] is not None:
            key = ("country", row["country_id"])
        else:
            key = ("organization", row["organization_id"])
        spans[key].append((row["signed_on"], row["ended_on"]))
        names[key] = row["partner_name"]
        given = row.get("signed_on_precision") or DatePrecision.DAY
        day = row["signed_on"]
        if rank[given] > rank[precision.get(day, DatePrecision.DAY)]:
            precision[day] = given
    days = sorted(
        {start for group in spans.values() for start, _ in group}
        | {end for group in spans.values() for _, end in group if end is not None}
    )
    steps, before = [], set()
    for day in days:
        now = {
            key
            for key, group in spans.items()
            for start, end in group
            if start <= day and (end is None or day < end)
        }
        if now == before:
            continue
        steps.append(
            {
                "date": day,
                "precision": precision.get(day, DatePrecision.DAY),
                "countries": sum(1 for kind, _ in now if kind == "country"),
                "partners": len(now),
                "joined": sorted(names[key] for key in now - before),
                "left": sorted(names[key] for key in before - now),
            }
        )
        before = now
    return steps


def _random_agreements(rng):
    """A few partners, several agreements each, on a short calendar so that
    spans overlap, touch, nest, start and end on the same day."""
    base = datetime.date(2019, 1, 1)
    partners = [("country", n) for n in range(rng.randint(1, 6))]
    partners += [("organization", n) for n in range(rng.randint(0, 3))]
    rows = []
    for _ in range(rng.randint(0, 14)):
        kind, number = rng.choice(partners)
        start = base + rng.randint(0, 25) * DAY
        shape = rng.random()
        if shape < 0.25:
            end = None  # open
        elif shape < 0.35:
            end = start  # zero-length
        else:
            end = start + rng.randint(1, 10) * DAY
        if rng.random() < 0.08:
            start = None  # undated: left out
        rows.append(
            {
                "country_id": number if kind == "country" else None,
                "organization_id": number if kind == "organization" else None,
                "partner_name": f"{kind.title()} {number}",
                "signed_on": start,
                "signed_on_precision": rng.choice(
                    [DatePrecision.DAY, DatePrecision.DAY, DatePrecision.MONTH]
                    + [DatePrecision.YEAR, None]
                ),
                "ended_on": end,
                "status": "in_force" if end is None else "expired",
            }
        )
    # Adjacent spans of one partner: one ends the day the next starts.
    if rows and rng.random() < 0.4:
        row = dict(rng.choice(rows))
        if row["ended_on"] is not None and row["signed_on"] is not None:
            row["signed_on"], row["ended_on"] = (
                row["ended_on"],
                row["ended_on"] + rng.randint(0, 5) * DAY,
            )
            rows.append(row)
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_cumulative_partners_equals_a_brute_force_count(seed):
    rng = random.Random(seed)
    for _ in range(100):
        rows = _random_agreements(rng)
        assert charts.cumulative_partners(rows) == _brute_force(rows), rows


@pytest.mark.parametrize(
    "spans",
    [
        # adjacent: one partner throughout, one step
        [("2019-01-01", "2019-02-01"), ("2019-02-01", None)],
        # zero-length only: never a partner
        [("2019-01-01", "2019-01-01")],
        # nested and overlapping, then a gap
        [
            ("2019-01-01", "2019-06-01"),
            ("2019-02-01", "2019-03-01"),
            ("2019-05-01", "2019-07-01"),
            ("2019-09-01", None),
        ],
        # an open span swallows the later ones
        [("2019-01-01", None), ("2019-03-01", "2019-04-01")],
    ],
)
def test_cumulative_partners_on_one_partners_spans(spans):
    rows = [
        {
            "country_id": 1,
            "organization_id": None,
            "partner_name": "Italy",
            "signed_on": datetime.date.fromisoformat(start),
            "ended_on": end and datetime.date.fromisoformat(end),
            "status": "in_force",
        }
        for start, end in spans
    ]

    assert charts.cumulative_partners(rows) == _brute_force(rows)
    assert charts.cumulative_partners(list(reversed(rows))) == _brute_force(rows)
