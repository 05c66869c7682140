"""Imports that are safe (issue 15): limits checked before a file is parsed,
a zip bomb refused unread, every row's errors named at once, the formats and
headers editors use, the unusual-value column, all or nothing, and no lock
held while rows are checked."""

import io
import threading
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from projects import imports
from projects.models import Metric, Observation
from projects.resources import ObservationResource
from tests.factories import ObservationFactory, ProjectFactory, SourceFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:projects_observation_import")
PROCESS = reverse("admin:projects_observation_process_import")
SOURCE = "https://example.org/partners"


@pytest.fixture
def named():
    return (
        ProjectFactory(slug="china-laos-railway"),
        SourceFactory(url=SOURCE),
    )


def _figure(**values):
    row = {
        "metric": "passengers",
        "project": "china-laos-railway",
        "value": "1000",
        "as_of": "2024-06-30",
        "source": SOURCE,
    }
    row.update(values)
    return row


def _csv(rows, headers=None):
    headers = headers or list(rows[0])
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append(list(row.values()))
    return dataset.export("csv")


def _format(client, label):
    form = client.get(IMPORT).context["form"]
    return {text.lower(): value for value, text in form.fields["format"].choices}[label]


def _upload(client, content, name="figures.csv", label="csv"):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(
        IMPORT,
        {"resource": "0", "format": _format(client, label), "import_file": upload},
    )


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form[name].value() for name in form.fields})


# Limits -----------------------------------------------------------------------


def test_import_refuses_a_file_above_the_size_limit(admin_client, named, settings):
    settings.IMPORT_MAX_BYTES = 2_000
    content = _csv([_figure(value=str(n)) for n in range(1, 60)]).encode()
    assert len(content) > 2_000

    response = _upload(admin_client, content)

    assert response.status_code == 200
    assert "result" not in response.context  # never parsed
    assert "an import takes at most 2 KB" in response.text
    assert "Split it into smaller files" in response.text
    assert not Observation.objects.exists()


def test_import_refuses_more_rows_than_the_limit(admin_client, named, settings):
    settings.IMPORT_MAX_ROWS = 10
    content = _csv([_figure(value=str(n)) for n in range(1, 12)]).encode()

    response = _upload(admin_client, content)

    assert "The file has more than 10 rows" in response.text
    assert "result" not in response.context
    assert not Observation.objects.exists()


def test_read_csv_stops_at_the_first_row_too_many(settings):
    settings.IMPORT_MAX_ROWS = 3
    lines = ["metric"] + ["passengers"] * 3
    assert len(imports.read_csv("\n".join(lines))) == 3

    with pytest.raises(imports.ImportRefused, match="more than 3 rows"):
        imports.read_csv("\n".join([*lines, "passengers", "not, read"]))


def _bomb():
    """An XLSX-shaped zip of a few hundred KB whose sheet unzips to 120 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row><c><v>1</v></c></row>" * 40_000  # about 1 MB
            for _ in range(120):
                sheet.write(chunk)
    return buffer.getvalue()


def test_import_refuses_an_xlsx_bomb_before_opening_it(
    admin_client, named, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    bomb = _bomb()
    assert len(bomb) < 1_000_000

    response = _upload(admin_client, bomb, name="figures.xlsx", label="xlsx")

    assert response.status_code == 200
    assert "This workbook unzips to 119.0 MB in 2 parts" in response.text
    assert "an import reads at most 100.0 MB" in response.text
    assert not Observation.objects.exists()


def test_import_refuses_a_file_that_is_not_a_workbook(admin_client, named):
    response = _upload(admin_client, b"metric,value\n", "figures.xlsx", "xlsx")

    assert "This is not an XLSX file" in response.text


def test_import_reads_an_xlsx_with_friendly_headers_and_date_cells(admin_client, named):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Metric", "Project", "Value", "As of", "Source"])
    sheet.append(["passengers", "china-laos-railway", 1200, date(2024, 9, 15), SOURCE])
    sheet.append([])  # blank rows are left out
    sheet.append(["passengers", "china-laos-railway", 1500.5, "15/10/2024", SOURCE])
    content = io.BytesIO()
    book.save(content)

    preview = _upload(admin_client, content.getvalue(), "figures.xlsx", "xlsx")
    assert "confirm_form" in preview.context, preview.context.get("error_lines")
    _confirm(admin_client, preview)

    assert sorted(Observation.objects.values_list("as_of", "value")) == [
        (date(2024, 9, 15), Decimal("1200")),
        (date(2024, 10, 15), Decimal("1500.5")),
    ]


# Errors -----------------------------------------------------------------------


def test_import_lists_every_bad_row_with_column_value_and_reason(admin_client, named):
    rows = [
        _figure(value="abc"),
        _figure(value="2000"),
        _figure(as_of="31/02/2024", metric="bogus"),
        _figure(value="-5"),
    ]

    response = _upload(admin_client, _csv(rows).encode())

    assert "confirm_form" not in response.context
    lines = response.context["error_lines"]
    assert lines == [
        "Row 1 (line 2), column “value”, “abc”: “abc” is not a number: write it "
        "with digits and a decimal point, like 1234567.5 or 1,234,567.5.",
        "Row 3 (line 4), column “metric”, “bogus”: Unknown metric “bogus”: no "
        "metric has this key.",
        "Row 3 (line 4), column “as_of”, “31/02/2024”: “31/02/2024” is not a date: "
        "write it as 2025-09-15, 15/09/2025 (day first) or 15 Sep 2025.",
        "Row 4 (line 5), column “value”, “-5”: A figure cannot be negative.",
    ]
    for line in lines:
        assert line.replace("“", "&ldquo;") in response.text or line in response.text
    assert "ConversionSyntax" not in response.text
    assert "class" not in " ".join(lines)
    assert not Observation.objects.exists()


def test_import_reports_unknown_headers_instead_of_skipping_them(named):
    dataset = tablib.Dataset(headers=["Metric", "Valeur", "As of", "Source"])
    dataset.append(["passengers", "1000", "2024-06-30", SOURCE])

    result = ObservationResource().import_data(dataset, dry_run=False)

    assert result.has_errors()
    [error] = result.base_errors
    assert str(error.error).startswith("Unknown column(s): “Valeur”. The columns are:")
    assert not Observation.objects.exists()


def test_import_refuses_one_column_named_twice(named):
    dataset = tablib.Dataset(headers=["metric", "As of", "as_of", "value", "source"])
    dataset.append(["passengers", "2024-06-30", "2024-06-30", "1", SOURCE])

    result = ObservationResource().import_data(dataset, dry_run=True)

    assert "The columns “As of” and “as_of” are the same column" in str(
        result.base_errors[0].error
    )


# Formats and headers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["2024-09-15", "15/09/2024", "15 Sep 2024", "15 September 2024", "Sep 15, 2024"],
)
def test_import_reads_the_dates_editors_write(named, written):
    dataset = tablib.Dataset().load(_csv([_figure(as_of=written)]), format="csv")

    result = ObservationResource().import_data(dataset, dry_run=False)

    assert not result.has_validation_errors(), imports.error_lines(
        result, result.resource
    )
    assert Observation.objects.get().as_of == date(2024, 9, 15)


def test_import_reads_31_oct_and_choices_by_label(named):
    row = _figure(as_of="31 Oct 2024", value="1,234,567")
    row.update(qualifier="More than", period="Cumulative to date", status="Published")
    dataset = tablib.Dataset().load(_csv([row]), format="csv")

    result = ObservationResource().import_data(dataset, dry_run=False)

    assert not result.has_validation_errors(), imports.error_lines(
        result, result.resource
    )
    figure = Observation.objects.get()
    assert (figure.as_of, figure.value) == (date(2024, 10, 31), 1_234_567)
    assert (figure.qualifier, figure.period, figure.status) == (
        "more_than",
        "cumulative",
        "published",
    )


@pytest.mark.parametrize(
    "headers",
    [
        ["Metric", "Project", "Value", "As of", "Source"],
        ["METRIC", "project", "value", "as_of", "source"],
        ["metric", "Project ", "Value", "As-of", "Source"],
    ],
)
def test_import_matches_headers_by_key_or_label(named, headers):
    dataset = tablib.Dataset(headers=headers)
    dataset.append(["passengers", "china-laos-railway", "900", "2024-06-30", SOURCE])

    result = ObservationResource().import_data(dataset, dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert Observation.objects.get().value == 900


def test_import_unusual_value_needs_the_checked_column(named):
    Metric.objects.filter(key="passengers").update(plausible_max=1_000_000)
    rows = [_figure(value="5000000")]

    refused = ObservationResource().import_data(
        tablib.Dataset().load(_csv(rows), format="csv"), dry_run=False
    )
    [invalid] = refused.invalid_rows
    assert "is unusually large" in invalid.field_specific_errors["value"][0]
    assert not Observation.objects.exists()

    rows[0]["Unusual value checked"] = "yes"
    accepted = ObservationResource().import_data(
        tablib.Dataset().load(_csv(rows), format="csv"), dry_run=False
    )

    assert not accepted.has_validation_errors()
    figure = Observation.objects.get()
    assert (figure.value, figure.value_checked) == (5_000_000, True)


# All or nothing ---------------------------------------------------------------


def test_import_one_bad_row_last_writes_nothing(named):
    rows = [_figure(value=str(n)) for n in range(1, 30)] + [_figure(value="x")]

    result = ObservationResource().import_data(
        tablib.Dataset().load(_csv(rows), format="csv"), dry_run=False
    )

    assert [row.number for row in result.invalid_rows] == [30]
    assert not Observation.objects.exists()


def test_import_duplicates_are_refused_in_the_file_and_in_the_database(named):
    project, source = named
    ObservationFactory(
        project=project, source=source, value=700, as_of=date(2024, 6, 30)
    )
    rows = [_figure(value="1"), _figure(value="700"), _figure(value="1")]

    result = ObservationResource().import_data(
        tablib.Dataset().load(_csv(rows), format="csv"), dry_run=True
    )

    errors = {row.number: row.non_field_specific_errors for row in result.invalid_rows}
    assert list(errors) == [2, 3]
    assert errors[2][0].startswith("This figure is already recorded (figure #")
    assert errors[3] == [
        "This figure repeats row 1 of this file: same metric, project, as-of "
        "date, period, source and value."
    ]
    assert Observation.objects.count() == 1


def test_import_confirm_refuses_a_file_that_became_invalid(admin_client, named):
    project, source = named
    preview = _upload(admin_client, _csv([_figure(value="42")]).encode())
    assert "confirm_form" in preview.context
    ObservationFactory(
        project=project, source=source, value=42, as_of=date(2024, 6, 30)
    )

    done = _confirm(admin_client, preview)

    assert done.status_code == 302
    assert done.url == IMPORT
    page = admin_client.get(done.url)
    assert "Nothing was imported: the file is no longer valid." in page.text
    assert "This figure is already recorded" in page.text
    assert Observation.objects.count() == 1


def test_import_writes_history_and_recounts_the_project(admin_client, named):
    project, _ = named
    rows = [_figure(value=str(n), status="published") for n in (10, 20, 30)]
    preview = _upload(admin_client, _csv(rows).encode())

    _confirm(admin_client, preview)

    project.refresh_from_db()
    assert project.figure_count == 3
    assert Observation.history.filter(history_type="+").count() == 3


# Locks --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_import_being_checked_does_not_block_another_editors_save():
    """While an import checks its rows (in its own transaction, on its own
    connection), another editor adds a figure to the same project and
    source: that save updates the same project and source rows, and must not
    wait for the import (lock_timeout turns waiting into a failure)."""
    project = ProjectFactory(slug="china-laos-railway")
    source = SourceFactory(url=SOURCE)
    rows = [_figure(value=str(n)) for n in range(1, 201)]
    dataset = tablib.Dataset().load(_csv(rows), format="csv")
    halfway, resume, results = threading.Event(), threading.Event(), []

    class PausingResource(ObservationResource):
        def before_import_row(self, row, **kwargs):
            if kwargs["row_number"] == 100:
                halfway.set()
                resume.wait(20)

    def run_import():
        try:
            results.append(PausingResource().import_data(dataset, dry_run=False))
        finally:
            resume.set()
            connection.close()

    worker = threading.Thread(target=run_import)
    worker.start()
    try:
        assert halfway.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        ObservationFactory(project=project, source=source, value=5000)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        resume.set()
        worker.join(60)

    [result] = results
    assert not result.has_errors() and not result.has_validation_errors()
    assert Observation.objects.filter(project=project).count() == 201
    project.refresh_from_db()
    assert project.figure_count == 1  # the editor's; imported ones are drafts
