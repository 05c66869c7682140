"""The downloads of the public lists: each one's columns, defined once.

A column names its header and where its value comes from: a field of the
model (no ``value``), a lookup across relations (``"project__name"``) or an
expression, all read with one ``values()`` query streamed in chunks, or
``DERIVED``: filled per row in Python (a permalink, say). The header order
is the order of the definition.
"""

from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.db.models import Expression, F, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse

from bri_tracker.exports import CHUNK_SIZE, EXPORT_FORMATS, stream_export

DERIVED = object()


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


def export(request, fmt, queryset, *, spec, filename, derive: Callable | None = None):
    """Stream ``queryset`` as CSV or JSON with the columns of ``spec``;
    ``derive(request, row)`` fills its DERIVED columns."""
    rows = read_rows(queryset, spec)
    if derive is not None:
        rows = (derive(request, row) for row in rows)
    return stream_export(fmt, rows, columns=columns_of(spec), filename=filename)


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


def _figure_row(request, row):
    # The unit of the value: an “Other figure” states its own, a currency
    # metric's values are US dollars, any other is in its metric's unit.
    metric_unit = row.pop("metric_unit")
    if row.pop("metric_is_currency"):
        row["unit"] = "USD"
    elif not row["unit"]:
        row["unit"] = metric_unit
    elif row["unit"] == "US$":
        row["unit"] = "USD"
    row["permalink"] = _permalink(request, "figures:detail", row["id"])
    return row


def figure_export(request, fmt, figures, *, filename):
    """Stream ``figures`` (an Observation queryset) as CSV or JSON."""
    rows = (_figure_row(request, row) for row in read_rows(figures, FIGURE_EXPORT))
    return stream_export(fmt, rows, columns=FIGURE_COLUMNS, filename=filename)


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
