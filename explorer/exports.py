"""The downloads of the public lists: each one's columns, defined once.

A column names its header and where its value comes from: a field of the
model (no ``value``), a lookup across relations (``"project__name"``) or an
expression, all read with one ``values()`` query streamed in chunks, or
``DERIVED``: filled per row in Python (a permalink, say). The header order
is the order of the definition.

On PostgreSQL the downloads are written by the database (COPY,
bri_tracker/copy_export.py): there a DERIVED column, and any column that
Python rewrites per row, is an SQL expression (``*_sql`` below) that gives
the same cell. The Python path stays for SQLite; tests/test_copy_export.py
checks that both give the same bytes. Issue 16.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse

from bri_tracker.copy_export import SqlColumn, download_chunks
from bri_tracker.exports import CHUNK_SIZE, EXPORT_FORMATS, download
from projects.models import Project

DERIVED = object()
# A page's address with this id in it is split around it: the permalink of
# every row is then the two halves around its own id, joined in SQL.
_ID_MARKER = 987654321


class Column(NamedTuple):
    name: str
    value: str | Expression | object | None = None


def columns_of(spec: tuple[Column, ...]) -> list[str]:
    return [column.name for column in spec]


def read_rows(queryset: QuerySet, spec: tuple[Column, ...]) -> Iterator[dict]:
    """The database columns of ``spec`` for every row, streamed in chunks."""
    plain = [c.name for c in spec if c.value is None]
    named = {
        c.name: F(c.value) if isinstance(c.value, str) else c.value
        for c in spec
        if c.value is not None and c.value is not DERIVED
    }
    return queryset.values(*plain, **named).iterator(chunk_size=CHUNK_SIZE)


def site_url(request) -> str:
    """The site's scheme and host, as the request names them."""
    return request.build_absolute_uri("/").rstrip("/")


def permalink_sql(base: str, name: str, field: str = "id") -> Expression:
    """The absolute address of the page ``name`` of each row, in SQL: what
    ``request.build_absolute_uri(reverse(name, args=[id]))`` gives."""
    before, after = reverse(name, args=[_ID_MARKER]).split(str(_ID_MARKER))
    return Concat(
        Value(base + before),
        Cast(field, CharField()),
        Value(after),
        output_field=TextField(),
    )


def sql_columns(
    spec: tuple[Column, ...],
    derived: dict[str, Expression] | None = None,
    names: list[str] | None = None,
) -> list[SqlColumn]:
    """The columns of ``spec`` (only ``names``, if given) for the COPY path;
    ``derived`` gives the SQL of DERIVED columns and of any rewritten one."""
    derived = derived or {}
    columns = []
    for column in spec:
        if names is not None and column.name not in names:
            continue
        if column.name in derived:
            value = derived[column.name]
        elif column.value is DERIVED:
            raise ValueError(f"{column.name}: a DERIVED column needs its SQL")
        else:
            value = column.name if column.value is None else column.value
        columns.append(SqlColumn(column.name, value))
    return columns


def export(
    request,
    fmt,
    queryset,
    *,
    spec,
    filename,
    derive: Callable | None = None,
    sql: Callable[[str], dict[str, Expression]] | None = None,
    names: list[str] | None = None,
    python: Callable[[], Iterable[dict]] | None = None,
):
    """Stream ``queryset`` as CSV or JSON with the columns of ``spec`` (only
    ``names``, if given). COPY on PostgreSQL, where ``sql(site_url)`` gives
    the SQL of the DERIVED columns; elsewhere ``python()`` rows, or
    ``values()`` rows with ``derive(request, row)`` filling DERIVED ones."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Exports come as .csv or .json.")
    columns = sql_columns(spec, sql(site_url(request)) if sql else None, names)

    def python_rows():
        if python is not None:
            return python()
        rows = read_rows(queryset, spec)
        return rows if derive is None else (derive(request, row) for row in rows)

    chunks = download_chunks(fmt, queryset, columns, python=python_rows)
    return download(chunks, fmt=fmt, filename=filename)


def invalid_filters(fmt, filterset):
    """A 400 saying which filters are invalid, in the export's format: an
    empty file would read as "no rows match". Issue 15."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Exports come as .csv or .json.")
    errors = filterset.form.errors
    if fmt == "json":
        return JsonResponse({"errors": errors.get_json_data()}, status=400)
    lines = [
        f"{name}: {message}"
        for name, messages in errors.items()
        for message in messages
    ]
    return HttpResponse(
        "Invalid filters:\n" + "\n".join(lines) + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _permalink(request, name, pk):
    return request.build_absolute_uri(reverse(name, args=[pk]))


# Figures: every figure list (all figures, a project's, a country's).

FIGURE_EXPORT = (
    Column("id"),
    Column("project_name", "project__name"),
    Column("project_slug", "project__slug"),
    Column("metric_key", "metric__key"),
    Column("metric_name", "metric__name"),
    Column("value"),
    Column("qualifier"),
    Column("unit"),
    Column("counted"),
    Column("period"),
    Column("period_start"),
    Column("as_of"),
    Column("as_of_precision"),
    Column("change_percent"),
    Column("source_id"),
    Column("source_title", "source__title"),
    Column("source_publisher", "source__publisher"),
    Column("source_published_on", "source__published_on"),
    Column("source_url", "source__url"),
    Column("quote"),
    Column("metric_unit", "metric__unit"),
    Column("metric_is_currency", "metric__is_currency"),
    Column("permalink", DERIVED),
)
_READ_ONLY = {"metric_unit", "metric_is_currency"}
FIGURE_COLUMNS = [c for c in columns_of(FIGURE_EXPORT) if c not in _READ_ONLY]


CURRENCY_UNIT = "USD"


def value_unit(unit: str, metric_unit: str, metric_is_currency: bool) -> str:
    """The unit of a figure's value: a currency metric's values are US
    dollars, an “Other figure” states its own, any other is in its metric's
    unit. ``figure_sql`` says the same in SQL."""
    if metric_is_currency or unit == "US$":
        return CURRENCY_UNIT
    return unit or metric_unit


def _figure_row(request, row):
    row["unit"] = value_unit(
        row["unit"], row.pop("metric_unit"), row.pop("metric_is_currency")
    )
    row["permalink"] = _permalink(request, "figures:detail", row["id"])
    return row


def figure_sql(base: str) -> dict[str, Expression]:
    """``_figure_row`` in SQL: the unit and the permalink."""
    return {
        "unit": Case(
            When(metric__is_currency=True, then=Value(CURRENCY_UNIT)),
            When(unit="", then=F("metric__unit")),
            When(unit="US$", then=Value(CURRENCY_UNIT)),
            default=F("unit"),
            output_field=CharField(),
        ),
        "permalink": permalink_sql(base, "figures:detail"),
    }


def figure_columns(base: str) -> list[SqlColumn]:
    return sql_columns(FIGURE_EXPORT, figure_sql(base), FIGURE_COLUMNS)


def figure_export(request, fmt, figures, *, filename):
    """Stream ``figures`` (an Observation queryset) as CSV or JSON."""
    return export(
        request,
        fmt,
        figures,
        spec=FIGURE_EXPORT,
        filename=filename,
        derive=_figure_row,
        sql=figure_sql,
        names=FIGURE_COLUMNS,
    )


# Projects: one row per project, its countries as ISO3 codes joined by ";".

PROJECT_EXPORT = (
    Column("slug"),
    Column("name"),
    Column("kind"),
    Column("sector"),
    Column("status"),
    Column("countries", DERIVED),
    Column("region"),
    Column("started_on"),
    Column("opened_on"),
    Column("is_signature"),
    Column("figure_count"),
    Column("latest_as_of"),
)


def project_sql(base: str = "") -> dict[str, Expression]:
    """The countries of each project in SQL: ISO3 codes in the order of the
    countries' names (the prefetch's order), joined by ";"."""
    links = Project.countries.through.objects.filter(project=OuterRef("pk"))
    codes = (
        links.order_by()
        .values("project")
        .annotate(
            codes=StringAgg(
                "country__iso3", ";", order_by=("country__name", "country__iso3")
            )
        )
        .values("codes")
    )
    return {"countries": Subquery(codes, output_field=TextField())}


def project_columns(base: str = "") -> list[SqlColumn]:
    return sql_columns(PROJECT_EXPORT, project_sql(base))


def project_export(request, fmt, projects, *, filename):
    """Stream ``projects`` as CSV or JSON, one row per project."""
    return export(
        request,
        fmt,
        projects,
        spec=PROJECT_EXPORT,
        filename=filename,
        sql=project_sql,
        python=lambda: project_rows(projects.with_countries()),
    )


def project_rows(projects: QuerySet) -> Iterator[dict]:
    """``projects`` (with their countries prefetched) as PROJECT_EXPORT rows."""
    names = columns_of(PROJECT_EXPORT)
    for project in projects.iterator(chunk_size=CHUNK_SIZE):
        row = {name: getattr(project, name) for name in names if name != "countries"}
        row["countries"] = ";".join(c.iso3 for c in project.countries.all())
        yield row


# Countries: needs the country list's annotations.

COUNTRY_EXPORT = (
    Column("iso3"),
    Column("iso2"),
    Column("name"),
    Column("region"),
    Column("subregion"),
    Column("partner_status"),
    Column("first_signed_on"),
    Column("first_signed_precision"),
    Column("withdrawn_on"),
    Column("agreement_count"),
    Column("project_count"),
)

AGREEMENT_EXPORT = (
    Column("id"),
    Column("country_iso3", "country__iso3"),
    Column("country_name", "country__name"),
    Column("organization_name", "organization__name"),
    Column("title"),
    Column("kind"),
    Column("signed_on"),
    Column("signed_on_precision"),
    Column("status"),
    Column("ended_on"),
    Column("source_id"),
    Column("source_title", "source__title"),
    Column("source_url", "source__url"),
    Column("quote"),
)

# Sources: the text itself stays out; whether one is stored is a column.

SOURCE_EXPORT = (
    Column("id"),
    Column("title"),
    Column("publisher"),
    Column("published_on"),
    Column("published_on_precision"),
    Column("date_note"),
    Column("url"),
    Column("language"),
    Column("has_text", "text_stored"),
    Column("duplicate_of_id"),
    Column("figure_count"),
    Column("permalink", DERIVED),
)


def source_row(request, row):
    row["permalink"] = _permalink(request, "sources:detail", row["id"])
    return row


def source_sql(base: str) -> dict[str, Expression]:
    return {"permalink": permalink_sql(base, "sources:detail")}
