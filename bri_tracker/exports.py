"""Streamed CSV and JSON downloads: constant memory, whatever the row count;
and formula neutralising for every spreadsheet export, these and the admin's.
"""

import csv
import json
from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, StreamingHttpResponse
from import_export import widgets

CHUNK_SIZE = 2000
EXPORT_FORMATS = ("csv", "json")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP,
# "CSV Injection"); issue 15.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` safe in a spreadsheet cell: text that a spreadsheet would
    read as a formula gets a leading single quote, as OWASP advises. Only
    text is touched: a number such as -18.9 stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# PostgreSQL's COPY ends CSV lines with "\n": the Python path writes the
# same (bri_tracker/copy_export.py).
CSV_LINE_END = "\n"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/jsonl; charset=utf-8",
}


class _Echo:
    def write(self, value):
        return value


def plain(value):
    """A value as a download writes it: a decimal without trailing zeros,
    a date in ISO 8601, anything else as it is."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def csv_lines(rows, columns):
    """``rows`` (dicts) as CSV lines, the header first."""
    writer = csv.writer(_Echo(), lineterminator=CSV_LINE_END)
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(
            ["" if row[c] is None else plain(neutralise(row[c])) for c in columns]
        )


def json_text(row, columns):
    """One row as one JSON object."""
    return json.dumps({c: plain(row[c]) for c in columns}, ensure_ascii=False)


def json_lines(rows, columns):
    """``rows`` as one JSON array of objects."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + json_text(row, columns)
    yield "]\n"


def jsonl_lines(rows, columns):
    """``rows`` as JSON Lines: one object per line."""
    for row in rows:
        yield json_text(row, columns) + "\n"


WRITERS = {"csv": csv_lines, "json": json_lines, "jsonl": jsonl_lines}


def download(chunks, *, fmt, filename):
    """A streamed attachment of ``chunks`` (text or bytes) in ``fmt``."""
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def stream_csv(rows, *, columns, filename):
    """Stream ``rows`` (dicts) as CSV with ``columns`` as the header."""
    return download(csv_lines(rows, columns), fmt="csv", filename=filename)


def stream_json(rows, *, columns, filename):
    """Stream ``rows`` (dicts) as one JSON array of objects with ``columns``."""
    return download(json_lines(rows, columns), fmt="json", filename=filename)


def stream_export(fmt, rows, *, columns, filename):
    """The download in ``fmt`` ("csv" or "json"); any other format is a 404."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Exports come as .csv or .json.")
    stream = stream_csv if fmt == "csv" else stream_json
    return stream(rows, columns=columns, filename=filename)


_TYPED_WIDGETS = (
    widgets.NumberWidget,
    widgets.BooleanWidget,
    widgets.DateWidget,
    widgets.DateTimeWidget,
    widgets.TimeWidget,
    widgets.DurationWidget,
)


class NeutralisedExportMixin:
    """For an import-export ``ModelResource``: exported text cells are
    neutralised, whatever the format; numbers, dates and booleans keep their
    type (import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT would
    turn every cell into text, None into "None", and strips a leading "="
    only)."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, _TYPED_WIDGETS):
            return value
        return neutralise(value)
