"""The COPY path (bri_tracker/copy_export.py) gives the same bytes as the
Python path it replaces on PostgreSQL, cell for cell. Issue 16."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from bri_tracker.copy_export import copy_chunks, python_rows
from bri_tracker.exports import WRITERS
from countries.models import Country, PartnerAgreement
from explorer import exports
from projects.counts import countries_with_project_count
from projects.models import Metric, Observation, Project
from sources.models import Source
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    OrganizationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
    ),
]

TRICKY_QUOTE = 'He said "1,000 \\ trains",\tthen\nleft: 中欧班列 — ok'


def _text(chunks):
    return b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode()


@pytest.fixture
def request_():
    return RequestFactory().get("/figures/export.csv")


@pytest.fixture
def tricky(db):
    country_a = CountryFactory(name="Zambia-like", iso3="ZZA", iso2="ZA")
    country_b = CountryFactory(name="Austria-like", iso3="AAB", iso2="AB")
    project = ProjectFactory(name='Line "A", phase 1', is_signature=True)
    project.countries.set([country_a, country_b])
    ProjectFactory(name="=HYPERLINK(x)", started_on=datetime.date(2013, 9, 7))
    source = SourceFactory(title="-minus title", publisher="", published_on=None)
    other = Metric.objects.get(key="other")
    figures = [
        ObservationFactory(
            project=project,
            metric=other,
            counted="=SUM(A1:A9)",
            unit="US$",
            value=Decimal("1000000.00"),
            quote=TRICKY_QUOTE,
            source=source,
        ),
        ObservationFactory(project=project, value=Decimal("12.5000"), unit=""),
        ObservationFactory(
            project=None,
            metric=Metric.objects.get(key="investment_usd"),
            value=Decimal("0.0001"),
            change_percent=Decimal("-18.90"),
            period_start=None,
        ),
        ObservationFactory(metric=other, counted="tonnes moved", unit="tonnes"),
    ]
    PartnerAgreementFactory(country=country_a, title='@mou, "signed"')
    PartnerAgreementFactory(
        country=None, organization=OrganizationFactory(), signed_on=None
    )
    return figures


def _both(fmt, queryset, columns, legacy_rows):
    names = [c.name for c in columns]
    copied = _text(copy_chunks(fmt, queryset, columns))
    python = _text(WRITERS[fmt](legacy_rows, names))
    return copied, python


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_figures_copy_path_equals_the_python_path(fmt, tricky, request_):
    figures = Observation.objects.published().order_by("pk")
    legacy = (
        exports._figure_row(request_, row)
        for row in exports.read_rows(figures, exports.FIGURE_EXPORT)
    )
    columns = exports.figure_columns(exports.site_url(request_))

    copied, python = _both(fmt, figures, columns, legacy)

    assert copied == python
    assert "1000000" in copied and "1000000.00" not in copied
    if fmt == "csv":
        assert "'=SUM(A1:A9)" in copied
        assert copied.count("\n") > len(tricky)  # the quote's newline, quoted


def test_figures_jsonl_keeps_backslashes_tabs_newlines_and_non_ascii(tricky):
    figures = Observation.objects.published().order_by("pk")
    columns = exports.figure_columns("http://testserver")

    lines = _text(copy_chunks("jsonl", figures, columns)).splitlines()

    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(tricky)
    assert rows[0]["quote"] == TRICKY_QUOTE
    assert rows[0]["counted"] == "=SUM(A1:A9)"  # JSON is not neutralised
    assert rows[0]["value"] == "1000000"
    assert rows[0]["unit"] == "USD"
    assert rows[1]["unit"] == "passengers"
    assert rows[0]["permalink"] == f"http://testserver/figures/{tricky[0].pk}/"


def test_projects_copy_path_equals_the_python_path(tricky):
    projects = Project.objects.order_by("name", "pk")
    legacy = exports.project_rows(projects.with_countries())

    copied, python = _both("csv", projects, exports.project_columns(), legacy)

    assert copied == python
    # In the order of the countries' names, as the prefetch lists them.
    assert ",AAB;ZZA," in copied
    assert "'=HYPERLINK(x)" in copied


@pytest.mark.parametrize(
    ("queryset", "spec", "sql"),
    [
        (
            lambda: PartnerAgreement.objects.chronological(),
            exports.AGREEMENT_EXPORT,
            None,
        ),
        (
            lambda: countries_with_project_count(Country.objects.for_list()),
            exports.COUNTRY_EXPORT,
            None,
        ),
        (lambda: Source.objects.for_list(), exports.SOURCE_EXPORT, exports.source_sql),
    ],
    ids=["agreements", "countries", "sources"],
)
def test_list_copy_paths_equal_the_python_path(queryset, spec, sql, tricky, request_):
    rows = exports.read_rows(queryset(), spec)
    if sql is not None:
        rows = (exports.source_row(request_, row) for row in rows)
    derived = sql(exports.site_url(request_)) if sql else None
    columns = exports.sql_columns(spec, derived)

    for fmt in ("csv", "json"):
        copied, python = _both(fmt, queryset(), columns, list(rows))
        assert copied == python
        rows = exports.read_rows(queryset(), spec)
        if sql is not None:
            rows = (exports.source_row(request_, row) for row in rows)


def test_python_rows_read_the_same_columns(tricky):
    figures = Observation.objects.published().order_by("pk")
    columns = exports.figure_columns("http://testserver")

    rows = list(python_rows(figures, columns))

    assert rows[0]["unit"] == "USD"
    assert rows[0]["value"] == Decimal("1000000.0000")


def test_list_exports_stream_from_copy_with_filters(client, tricky):
    response = client.get(reverse("figures:export", args=["csv"]), {"metric": "other"})

    body = _text(response.streaming_content)
    assert response.status_code == 200
    assert body.count("\n") > 2
    assert "'=SUM(A1:A9)" in body
    assert "investment_usd" not in body


def test_list_export_drafts_never_leak(client, tricky):
    draft = ObservationFactory(
        status=Observation.Status.DRAFT, counted="secret draft", metric=tricky[3].metric
    )

    body = _text(client.get(reverse("figures:export", args=["csv"])).streaming_content)

    assert "secret draft" not in body
    assert f"/figures/{draft.pk}/" not in body


def test_copy_stopped_early_leaves_the_connection_usable(tricky):
    figures = Observation.objects.published().order_by("pk")
    chunks = copy_chunks("csv", figures, exports.figure_columns("http://x"))
    next(chunks)
    next(chunks)
    chunks.close()

    assert Observation.objects.count() >= len(tricky)


def _enable_sort():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_sort")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("stop_early", [False, True])
def test_json_rows_stream_in_order_and_leave_the_planner_as_it_was(tricky, stop_early):
    """JSON rows are read in key order without a sort (copy_export._copy);
    the setting that asks for it is reset, also when the reader stops."""
    figures = Observation.objects.published().order_by("pk")
    chunks = copy_chunks("jsonl", figures, exports.figure_columns("http://x"))
    if stop_early:
        next(chunks)
        chunks.close()
    else:
        lines = b"".join(chunks).decode().splitlines()
        ids = [json.loads(line)["id"] for line in lines]
        assert ids == sorted(ids) == list(figures.values_list("pk", flat=True))

    assert _enable_sort() == "on"
    assert Observation.objects.count() >= len(tricky)


def test_dates_stay_iso_under_another_datestyle(tricky):
    figures = Observation.objects.published().order_by("pk")
    columns = exports.figure_columns("http://testserver")
    with connection.cursor() as cursor:
        cursor.execute("SET datestyle = 'SQL, DMY'")
        try:
            body = _text(copy_chunks("csv", figures, columns))
        finally:
            cursor.execute("SET datestyle = 'ISO, MDY'")

    assert ",2023-12-31," in body
    assert "31/12/2023" not in body
