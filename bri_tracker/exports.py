"""Streamed CSV and JSON downloads: constant memory, whatever the row count."""

import csv
import json
from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, StreamingHttpResponse

CHUNK_SIZE = 2000
EXPORT_FORMATS = ("csv", "json")


class _Echo:
    def write(self, value):
        return value


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def stream_csv(rows, *, columns, filename):
    """Stream ``rows`` (dicts) as CSV with ``columns`` as the header."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(columns)
        for row in rows:
            yield writer.writerow(
                ["" if row[c] is None else _plain(row[c]) for c in columns]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def stream_json(rows, *, columns, filename):
    """Stream ``rows`` (dicts) as one JSON array of objects with ``columns``."""

    def chunks():
        yield "["
        for index, row in enumerate(rows):
            item = {c: _plain(row[c]) for c in columns}
            yield ("," if index else "") + json.dumps(item, ensure_ascii=False)
        yield "]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def stream_export(fmt, rows, *, columns, filename):
    """The download in ``fmt`` ("csv" or "json"); any other format is a 404."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Exports come as .csv or .json.")
    stream = stream_csv if fmt == "csv" else stream_json
    return stream(rows, columns=columns, filename=filename)
