"""Reading import files safely, and the admin's import screens around them.

A file is refused, with a message that says why, before anything large is
built from it: above ``IMPORT_MAX_BYTES`` (checked on the upload's size), an
XLSX whose declared uncompressed size is above ``IMPORT_MAX_XLSX_BYTES``
(read from the zip's directory before openpyxl opens it), and more data rows
than ``IMPORT_MAX_ROWS`` (counted while the rows stream in; reading stops at
the first row too many). Issue 15: a 2.9 MB XLSX bomb, a 1M-row CSV and a
50 MB junk file each tied a worker up for minutes and hundreds of MB.

Cells are read as text; projects/resources.py turns them into numbers, dates
and choices with the formats editors write.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from bri_tracker.exports import FORMULA_STARTS

# Defaults of the settings of the same name (issue 15). 10 MB holds about
# 50,000 figures as CSV; a sheet of 50,000 figures is about 30 MB unzipped.
IMPORT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_MAX_ROWS = 50_000
IMPORT_MAX_XLSX_BYTES = 100 * 1024 * 1024
# An XLSX has a dozen parts; thousands are a trick, not a workbook.
XLSX_MAX_PARTS = 1_000
# Rows of a valid file shown before it is confirmed, and errors listed.
PREVIEW_ROWS = 100
MAX_LISTED_ERRORS = 1_000


def limit(name):
    """The setting ``name``, or this module's default of the same name."""
    return getattr(settings, name, globals()[name])


class ImportRefused(ValueError):
    """A file that is not read: the message tells the editor why."""


def _size(n):
    if n < 1024 * 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n / 1024 / 1024:,.1f} MB"


def check_size(size):
    if size > limit("IMPORT_MAX_BYTES"):
        raise ImportRefused(
            f"The file is {_size(size)}: an import takes at most "
            f"{_size(limit('IMPORT_MAX_BYTES'))} (about "
            f"{limit('IMPORT_MAX_ROWS'):,} rows). Split it into smaller files."
        )


def _too_many_rows():
    return ImportRefused(
        f"The file has more than {limit('IMPORT_MAX_ROWS'):,} rows: an import "
        "takes at most that many. Split it into smaller files."
    )


# Reading -------------------------------------------------------------------


def restore_formula_text(cell):
    """A cell as it was before an export quoted it: "'=SUM(1)" → "=SUM(1)",
    so that exporting, editing and importing again changes nothing."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _dataset(rows):
    """A tablib Dataset from (line number, cells) pairs, the first being the
    header. Blank rows are dropped; each data row's line in the file is kept
    in ``dataset.file_lines`` so that errors can point at it."""
    header = None
    body, lines = [], []
    most = limit("IMPORT_MAX_ROWS")
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = [cell.strip() for cell in cells]
            while header and not header[-1]:
                header.pop()
            continue
        if len(body) == most:
            raise _too_many_rows()
        extra = cells[len(header) :]
        if any(cell.strip() for cell in extra):
            raise ImportRefused(
                f"Line {line} has {len(cells)} cells but the header names "
                f"{len(header)} columns."
            )
        cells = [restore_formula_text(cell) for cell in cells[: len(header)]]
        cells += [""] * (len(header) - len(cells))
        body.append(cells)
        lines.append(line)
    if header is None:
        raise ImportRefused("The file is empty: no header row and no rows.")
    dataset = tablib.Dataset(*body, headers=header)
    dataset.file_lines = lines
    return dataset


def read_csv(text):
    reader = csv.reader(io.StringIO(text))
    try:
        return _dataset((reader.line_num, row) for row in reader)
    except csv.Error as error:
        raise ImportRefused(
            f"Line {reader.line_num} is not valid CSV ({error})."
        ) from error


def check_xlsx(data):
    """Refuse a workbook that would unzip to too much, from the sizes its
    zip directory declares. Python's zipfile never inflates a part beyond
    its declared size (a lying header ends in a CRC error), so these sizes
    bound what openpyxl can read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportRefused(
            "This is not an XLSX file: save it from your spreadsheet as "
            "“Excel Workbook (.xlsx)”, or choose the CSV format."
        ) from error
    with archive:
        parts = archive.infolist()
        total = sum(part.file_size for part in parts)
    if len(parts) > XLSX_MAX_PARTS or total > limit("IMPORT_MAX_XLSX_BYTES"):
        raise ImportRefused(
            f"This workbook unzips to {_size(total)} in {len(parts)} parts: an "
            f"import reads at most {_size(limit('IMPORT_MAX_XLSX_BYTES'))}. "
            "Save the sheet as CSV, or split it."
        )


def xlsx_cell_text(value):
    """A cell as the text an editor would type: dates ISO, whole numbers
    without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else (value.isoformat(sep=" "))
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_xlsx(data):
    import openpyxl  # only needed here, and slow to import

    check_xlsx(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a bad file
        raise ImportRefused(
            f"This workbook cannot be read ({type(error).__name__}): save it "
            "again from your spreadsheet, or as CSV."
        ) from error
    try:
        rows = book.active.iter_rows(values_only=True)
        return _dataset(
            (line, [xlsx_cell_text(cell) for cell in cells])
            for line, cells in enumerate(rows, 1)
        )
    finally:
        book.close()


class LimitedCSV(base_formats.CSV):
    def create_dataset(self, in_stream):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return read_csv(in_stream)


class LimitedXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return read_xlsx(in_stream)


# Cell values ----------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}([, \u00a0\u202f']\d{3})+(\.\d+)?")
DATE_FORMATS = (
    "%Y-%m-%d",  # 2025-09-15
    "%d/%m/%Y",  # 15/09/2025, as the admin shows dates
    "%d.%m.%Y",
    "%d %b %Y",  # 15 Sep 2025
    "%d %B %Y",  # 15 September 2025
    "%b %d, %Y",  # Sep 15, 2025
    "%B %d, %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
TRUE_WORDS = {"1", "true", "yes", "y", "x", "checked", "ticked"}
FALSE_WORDS = {"", "0", "false", "no", "n"}


def parse_decimal(text):
    """None for an empty cell; 1234.5, 1,234.5, 1 234.5 and 1.2e6 are
    numbers."""
    text = text.strip()
    if not text:
        return None
    if _GROUPED_NUMBER.fullmatch(text):
        text = re.sub(r"[, \u00a0\u202f']", "", text)
    elif not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(
            f"“{text}” is not a number: write it with digits and a decimal "
            "point, like 1234567.5 or 1,234,567.5."
        )
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the regexes allow
        raise ValueError(f"“{text}” is not a number.") from error


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def parse_date(text):
    text = " ".join(text.split())
    if not text:
        return None
    # The usual forms without strptime, which costs as much as a whole row.
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_DAY_FIRST_DATE, (2, 1, 0))):
        if match := pattern.fullmatch(text):
            parts = [int(part) for part in match.groups()]
            try:
                return date(*(parts[i] for i in order))
            except ValueError:
                break
    for form in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, form)
        except ValueError:
            continue
        return parsed.date()
    raise ValueError(
        f"“{text}” is not a date: write it as 2025-09-15, 15/09/2025 (day "
        "first) or 15 Sep 2025."
    )


def parse_bool(text):
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"“{text}” is not yes or no: write yes, no, 1 or 0.")


def parse_int(text):
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0*)?", text):
        return int(text.split(".")[0])
    raise ValueError(f"“{text}” is not a whole number.")


def header_key(text):
    """ "As of", "as_of" and "AS-OF" are one header: "as_of"."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


# The admin's import screens ---------------------------------------------------


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
        except ImportRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload


def error_lines(result, resource, most=MAX_LISTED_ERRORS):
    """ "Row 6 (line 7), column “value”, “-5”: A figure cannot be negative."
    for every error of every row of ``result``, at most ``most`` of them."""
    lines = [str(error.error) for error in result.base_errors]
    headers = getattr(resource, "file_headers", {})
    file_lines = getattr(resource, "file_lines", [])
    for row in result.invalid_rows:
        where = f"Row {row.number}"
        if row.number <= len(file_lines):
            where += f" (line {file_lines[row.number - 1]})"
        values = dict(zip(result.diff_headers, row.values, strict=False))
        for name, problems in row.field_specific_errors.items():
            column = resource.column_of(name)
            shown = headers.get(column, column)
            value = values.get(column, "")
            for problem in problems:
                lines.append(f"{where}, column “{shown}”, “{value}”: {problem}")
        for problem in row.non_field_specific_errors:
            lines.append(f"{where}: {problem}")
    for row in result.error_rows:
        for error in row.errors:
            lines.append(f"Row {row.number}: {error.error}")
    if len(lines) > most:
        lines = [*lines[:most], f"… and {len(lines) - most:,} more errors."]
    return lines


class LimitedImportMixin(ImportExportMixin):
    """django-import-export's admin import, with the limits above, readable
    errors for every row, a preview of the first rows, and a confirm step
    that says when the file stopped being valid meanwhile."""

    import_form_class = LimitedImportForm
    import_template_name = "admin/projects/import.html"

    def get_import_formats(self):
        return [LimitedCSV, LimitedXLSX]

    def write_to_tmp_storage(self, import_file, input_format):
        # django-import-export concatenates chunk by chunk (quadratic).
        tmp_storage = self.get_tmp_storage_class()(
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        tmp_storage.save(b"".join(import_file.chunks()))
        return tmp_storage

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportRefused):
            form.add_error("import_file", str(e))
        elif isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                "This file is not UTF-8 text: save it as “CSV UTF-8”, or "
                "choose the XLSX format for a workbook.",
            )
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None:
            return response
        context["import_limits"] = {
            "rows": f"{limit('IMPORT_MAX_ROWS'):,}",
            "size": _size(limit("IMPORT_MAX_BYTES")),
        }
        result = context.get("result")
        if result is not None and getattr(result, "resource", None) is not None:
            context["error_lines"] = error_lines(result, result.resource)
            context["preview_rows"] = PREVIEW_ROWS
            context["preview_slice"] = f":{PREVIEW_ROWS}"
            context["more_rows"] = max(0, len(result.valid_rows()) - PREVIEW_ROWS)
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            lines = error_lines(result, result.resource, most=20)
            messages.error(
                request,
                "Nothing was imported: the file is no longer valid. " + " ".join(lines),
            )
            url = reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)
