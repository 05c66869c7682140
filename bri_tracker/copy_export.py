"""Bulk downloads at database speed: CSV and JSON straight from PostgreSQL.

A download is a queryset and its columns (``SqlColumn``: a header and a
typed expression on the queryset's model). Every cell is turned into its
text *in SQL*, the way bri_tracker/exports.py turns a Python value into a
cell (``neutralise``, ``_plain``), so that both paths give the same bytes:

- text: ``""`` is an empty cell, text a spreadsheet reads as a formula gets a
  leading ``'`` (CSV only; JSON keeps the text as it is);
- a decimal: without trailing zeros (``trim_scale``), 1000000.00 is
  ``1000000``; a string in JSON, as ``_plain`` writes it;
- a boolean: ``True``/``False`` in CSV, ``true``/``false`` in JSON;
- a date: ``YYYY-MM-DD``.

On PostgreSQL the rows come from ``COPY (<the queryset's SQL>) TO STDOUT``
through psycopg 3, chunk by chunk as the server sends them: no model
instance, no Python per row, constant memory. CSV is COPY's own CSV writer
(the header is written here, from the column names, as the Python path
writes it); JSON rows are objects built of ``to_json`` values, sent in COPY's
text format, whose one escape in them (a backslash doubled) is undone here.
Anywhere else (SQLite, the ``make run`` default) ``python_rows`` reads
the same columns with ``values()``. Issue 16.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from django.db import connections
from django.db.models import Expression, F, Func, QuerySet, TextField

from bri_tracker.exports import CHUNK_SIZE, CSV_LINE_END, FORMULA_STARTS, WRITERS

# COPY's text format writes a backslash as two; JSON text holds no other
# character COPY escapes (JSON escapes control characters itself).
_COPY_BACKSLASH = b"\\\\"
_BACKSLASH = b"\\"
# COPY sends a message per row: they are joined into writes of about this size.
WRITE_BYTES = 64 * 1024

_TEXT_TYPES = {"CharField", "TextField", "SlugField", "URLField", "EmailField"}
_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


class SqlColumn(NamedTuple):
    """One column of a download: its header and a typed expression (a field
    lookup such as ``"project__name"`` or any Django expression)."""

    name: str
    value: str | Expression


class _Repeated(Func):
    """A Func whose template names its argument more than once: its
    parameters are repeated as often."""

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, tuple(params) * self.template.count("%(expressions)s")


class _Neutralised(_Repeated):
    """Text as a CSV cell: NULL for "", a leading ' before a formula. The
    first character is compared by its code (``ascii``, 0 for ""): integer
    comparisons, the cheapest test per cell."""

    codes = ", ".join(str(ord(start)) for start in FORMULA_STARTS)
    template = (
        f"CASE WHEN ascii(%(expressions)s) IN ({codes}) "
        "THEN '''' || %(expressions)s ELSE NULLIF(%(expressions)s, '') END"
    )
    output_field = TextField()


class _Flag(_Repeated):
    template = (
        "CASE WHEN %(expressions)s THEN 'True' "
        "WHEN NOT %(expressions)s THEN 'False' END"
    )
    output_field = TextField()


class _IsoDate(Func):
    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        # A date's own text output is YYYY-MM-DD under the ISO DateStyle
        # (the server reports it on every connection), and cheaper than
        # to_char.
        style = connection.connection.info.parameter_status("DateStyle") or ""
        if style.upper().startswith("ISO"):
            extra["template"] = "(%(expressions)s)::text"
        return self.as_sql(compiler, connection, **extra)


class _TrimmedDecimal(Func):
    template = "trim_scale(%(expressions)s)::text"
    output_field = TextField()


class _JsonObject(Func):
    """Each row as the text of a JSON object with ``names`` as keys, written
    as Python's ``json.dumps`` writes it (", " and ": " between items, keys
    in column order), each value by PostgreSQL's ``to_json``."""

    output_field = TextField()

    def __init__(self, names: Sequence[str], *values):
        super().__init__(*values)
        self.names = list(names)

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        values = self.get_source_expressions()
        for index, (name, value) in enumerate(zip(self.names, values, strict=True)):
            sql, value_params = compiler.compile(value)
            key = json.dumps(name, ensure_ascii=False)
            parts += ["%s::text", f"COALESCE(to_json({sql})::text, 'null')"]
            params += [("{" if index == 0 else ", ") + key + ": ", *value_params]
        # One concat() call: a chain of || would copy the growing text once
        # per piece.
        return "concat(" + ", ".join(parts) + ", '}')", params


def _kind(field) -> str:
    if field.is_relation:
        field = field.target_field
    kind = field.get_internal_type()
    if kind in _TEXT_TYPES:
        return "text"
    if kind in _INTEGER_TYPES:
        return "integer"
    if kind in {"DecimalField", "BooleanField", "DateField"}:
        return kind
    raise TypeError(f"{field!r}: no download cell for a {kind}")


def _typed(queryset: QuerySet, columns: Sequence[SqlColumn]):
    """``queryset`` with each column annotated as ``_col<i>``, and the kind
    of each column's value."""
    aliases = {
        f"_col{index}": F(c.value) if isinstance(c.value, str) else c.value
        for index, c in enumerate(columns)
    }
    annotated = queryset.annotate(**aliases)
    kinds = [_kind(annotated.query.annotations[a].output_field) for a in aliases]
    return annotated, list(aliases), kinds


# The Table Schema type (Frictionless) of each kind of column.
SCHEMA_TYPES = {
    "text": "string",
    "integer": "integer",
    "DecimalField": "number",
    "BooleanField": "boolean",
    "DateField": "date",
}


def schema_types(queryset: QuerySet, columns: Sequence[SqlColumn]) -> list[str]:
    """The Table Schema type of each column: "string", "number"..."""
    return [SCHEMA_TYPES[kind] for kind in _typed(queryset, columns)[2]]


def _csv_cell(ref: F, kind: str) -> Expression:
    if kind == "text":
        return _Neutralised(ref)
    if kind == "DecimalField":
        return _TrimmedDecimal(ref)
    if kind == "BooleanField":
        return _Flag(ref)
    if kind == "DateField":
        return _IsoDate(ref)
    return ref


def _json_value(ref: F, kind: str) -> Expression:
    # to_json writes a date as YYYY-MM-DD whatever the DateStyle.
    if kind == "DecimalField":
        return _TrimmedDecimal(ref)
    return ref


def csv_queryset(queryset: QuerySet, columns: Sequence[SqlColumn]) -> QuerySet:
    """``values_list`` rows of ``columns`` as CSV cells (text or NULL)."""
    annotated, aliases, kinds = _typed(queryset, columns)
    cells = {
        f"_cell{index}": _csv_cell(F(alias), kind)
        for index, (alias, kind) in enumerate(zip(aliases, kinds, strict=True))
    }
    return annotated.annotate(**cells).values_list(*cells)


def json_queryset(queryset: QuerySet, columns: Sequence[SqlColumn]) -> QuerySet:
    """One ``values_list`` column: each row as a JSON object's text."""
    annotated, aliases, kinds = _typed(queryset, columns)
    values = [
        _json_value(F(alias), kind) for alias, kind in zip(aliases, kinds, strict=True)
    ]
    names = [column.name for column in columns]
    return annotated.annotate(_json=_JsonObject(names, *values)).values_list("_json")


def uses_copy(queryset: QuerySet) -> bool:
    """Whether ``queryset``'s database can COPY (PostgreSQL)."""
    return connections[queryset.db].vendor == "postgresql"


def bound_sql(queryset: QuerySet) -> str:
    """The SQL of ``queryset`` with its parameters bound client-side, by
    psycopg's own quoting (``ClientCursor.mogrify``), never by formatting."""
    from psycopg import ClientCursor

    connection = connections[queryset.db]
    connection.ensure_connection()
    sql, params = queryset.query.sql_with_params()
    with ClientCursor(connection.connection) as cursor:
        return cursor.mogrify(sql, params)


def _copy(
    queryset: QuerySet, options: str, *, streamed_order: bool = False
) -> Iterator[bytes]:
    """The bytes of ``COPY (queryset) TO STDOUT WITH (options)``, as sent.

    ``streamed_order``: read the rows in their order from an index rather
    than sort them all first. A JSON row is one text column, which the
    planner takes for narrow: it would hash-join and sort every row before
    sending the first (13 s to the first byte at 2M figures, the sort
    spilled to disk), where the CSV query, as wide as it is, walks the
    primary key in order and streams at once."""
    sql = bound_sql(queryset)
    connection = connections[queryset.db]
    with connection.connection.cursor() as cursor:
        if streamed_order:
            cursor.execute("SET enable_sort = off")
        try:
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({options})") as copy:
                for data in copy:
                    yield bytes(data)
        finally:
            if streamed_order:
                cursor.execute("RESET enable_sort")


def header_line(names: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=CSV_LINE_END).writerow(names)
    return buffer.getvalue().encode()


def _batched(pieces: Iterable[bytes]) -> Iterator[bytes]:
    batch, size = [], 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= WRITE_BYTES:
            yield b"".join(batch)
            batch, size = [], 0
    if batch:
        yield b"".join(batch)


def copy_csv(queryset: QuerySet, columns: Sequence[SqlColumn]) -> Iterator[bytes]:
    """CSV with a header line, from PostgreSQL's COPY."""
    yield header_line([c.name for c in columns])
    # COPY sends a row per message: joined, a server writes fewer pieces.
    yield from _batched(_copy(csv_queryset(queryset, columns), "FORMAT csv"))


def _json_batches(queryset: QuerySet, columns: Sequence[SqlColumn]) -> Iterator[bytes]:
    """Batches of whole rows, each row's JSON text ending in a newline,
    COPY's escape undone: whole batches at a time, not row by row. A
    backslash pair never straddles two batches (batches end at a row's
    end)."""
    rows = _copy(json_queryset(queryset, columns), "FORMAT text", streamed_order=True)
    for batch in _batched(rows):
        yield batch.replace(_COPY_BACKSLASH, _BACKSLASH)


def copy_jsonl(queryset: QuerySet, columns: Sequence[SqlColumn]) -> Iterator[bytes]:
    """JSON Lines: one object per line."""
    return _json_batches(queryset, columns)


def copy_json_array(
    queryset: QuerySet, columns: Sequence[SqlColumn]
) -> Iterator[bytes]:
    """One JSON array of objects, as bri_tracker.exports.json_lines writes."""
    yield b"["
    separator = b""
    for batch in _json_batches(queryset, columns):
        # Rows end in newlines (JSON text holds none of its own): commas.
        yield separator + batch[:-1].replace(b"\n", b",")
        separator = b","
    yield b"]\n"


def copy_chunks(
    fmt: str, queryset: QuerySet, columns: Sequence[SqlColumn]
) -> Iterator[bytes]:
    """The download of ``queryset`` in ``fmt`` ("csv", "json", "jsonl"), by
    COPY (PostgreSQL only)."""
    writers = {"csv": copy_csv, "json": copy_json_array, "jsonl": copy_jsonl}
    return writers[fmt](queryset, columns)


def python_rows(queryset: QuerySet, columns: Sequence[SqlColumn]) -> Iterator[dict]:
    """Rows {column name: value} of ``columns``, read with ``values()``."""
    annotated, aliases, _ = _typed(queryset, columns)
    names = [c.name for c in columns]
    for values in annotated.values_list(*aliases).iterator(chunk_size=CHUNK_SIZE):
        yield dict(zip(names, values, strict=True))


def download_chunks(
    fmt: str,
    queryset: QuerySet,
    columns: Sequence[SqlColumn],
    *,
    python: Callable[[], Iterable[dict]] | None = None,
) -> Iterator[bytes] | Iterator[str]:
    """The download by COPY on PostgreSQL; elsewhere the Python path:
    ``python()`` rows if given (an export's own per-row code), else the
    columns read with ``values()``, written by bri_tracker.exports."""
    if uses_copy(queryset):
        return copy_chunks(fmt, queryset, columns)
    rows = python() if python is not None else python_rows(queryset, columns)
    return WRITERS[fmt](rows, [c.name for c in columns])
