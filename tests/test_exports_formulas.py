"""Spreadsheet formula injection: every CSV download and the admin's
exports write text that a spreadsheet would run as a formula with a leading
quote (OWASP); numbers stay numbers. Issue 15."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django import forms
from django.urls import reverse

from bri_tracker.exports import neutralise
from countries.models import Country
from projects.models import Observation, Project
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1"]


def _csv(response):
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def hostile():
    """A signature railway, a country, an agreement and a source named with
    each hostile string; each project with two passenger counts, the later
    one a change of -18.9 %."""
    projects = []
    for n, name in enumerate(HOSTILE):
        country = CountryFactory(name=name)
        project = ProjectFactory(
            name=name, slug=f"hostile-{n}", is_signature=True, region=name
        )
        project.countries.add(country)
        source = SourceFactory(title=name, publisher=name)
        PartnerAgreementFactory(country=country, title=name, source=source)
        ObservationFactory(project=project, as_of=date(2023, 1, 1), value=1000)
        ObservationFactory(
            project=project,
            as_of=date(2024, 1, 1),
            value=811,
            change_percent=Decimal("-18.9"),
            source=source,
        )
        projects.append(project)
    return projects


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Laos = railway", "Laos = railway"),
        (Decimal("-18.9"), Decimal("-18.9")),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise_quotes_formula_text_only(value, expected):
    assert neutralise(value) == expected


def test_public_csv_exports_quote_formula_text(client, hostile):
    checks = [
        (reverse("projects:export", args=["csv"]), "name"),
        (reverse("projects:export", args=["csv"]), "region"),
        (reverse("figures:export", args=["csv"]), "project_name"),
        (reverse("figures:export", args=["csv"]), "source_title"),
        (reverse("countries:export", args=["csv"]), "name"),
        (reverse("agreements:export", args=["csv"]), "title"),
        (reverse("agreements:export", args=["csv"]), "country_name"),
        (reverse("sources:export", args=["csv"]), "title"),
        (reverse("sources:export", args=["csv"]), "publisher"),
        (reverse("chart_csv", args=["passengers"]), "series"),
        (reverse("chart_csv", args=["partner-map"]), "Country"),
        (reverse("chart_csv", args=["projects-by-region"]), "Region"),
    ]
    for n, project in enumerate(hostile):
        checks += [
            (reverse("projects:detail_export", args=[project.slug, "csv"]), n),
            (
                reverse(
                    "countries:detail_export",
                    args=[project.countries.get().iso3, "csv"],
                ),
                n,
            ),
        ]
    for url, column in checks:
        rows = _csv(client.get(url))
        if isinstance(column, int):  # one project's figures
            cells = {row["project_name"] for row in rows}
            assert cells == {"'" + HOSTILE[column]}, url
            continue
        cells = {row[column] for row in rows}
        for name in HOSTILE:
            assert "'" + name in cells, (url, column, cells)
            assert name not in cells, (url, column)


def test_public_csv_keeps_negative_numbers_numeric(client, hostile):
    rows = _csv(client.get(reverse("figures:export", args=["csv"])))
    changes = {row["change_percent"] for row in rows}
    assert changes == {"", "-18.9"}


def test_json_export_keeps_text_as_it_is(client, hostile):
    response = client.get(reverse("projects:export", args=["json"]))
    body = b"".join(response.streaming_content).decode()
    assert '"name": "@SUM(1)"' in body


def _admin_export(client, model, extension):
    url = reverse(f"admin:projects_{model}_export")
    form = client.get(url).context["form"]
    data = {
        "format": next(
            value
            for value, label in form.fields["format"].choices
            if str(label).lower() == extension
        )
    }
    for name, field in form.fields.items():
        if isinstance(field, forms.BooleanField):
            data[name] = "on"
        elif name == "resource":
            data[name] = field.choices[0][0]
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def _xlsx_cells(content, header):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    column = headers.index(header) + 1
    return [sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)]


def test_admin_xlsx_export_writes_formulas_as_text(admin_client, hostile):
    cells = _xlsx_cells(_admin_export(admin_client, "project", "xlsx"), "name")
    assert {cell.data_type for cell in cells} == {"s"}
    assert sorted(cell.value for cell in cells) == sorted("'" + n for n in HOSTILE)


def test_admin_xlsx_export_keeps_numbers_numeric(admin_client, hostile):
    Observation.objects.update(counted="=1+1")
    content = _admin_export(admin_client, "observation", "xlsx")
    changes = [c for c in _xlsx_cells(content, "change_percent") if c.value]
    assert {c.value for c in changes} == {-18.9}
    assert {c.data_type for c in changes} == {"n"}
    counted = _xlsx_cells(content, "counted")
    assert {(c.value, c.data_type) for c in counted} == {("'=1+1", "s")}


def test_admin_csv_export_quotes_text_but_not_numbers(admin_client, hostile):
    Observation.objects.update(counted="-1 stations")
    content = _admin_export(admin_client, "observation", "csv").decode()
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))
    assert {row["counted"] for row in rows} == {"'-1 stations"}
    changes = {row["change_percent"] for row in rows} - {""}
    assert {Decimal(change) for change in changes} == {Decimal("-18.9")}
    names = _admin_export(admin_client, "project", "csv").decode()
    assert "'@SUM(1)" in names
    assert Project.objects.count() == Country.objects.count() == len(HOSTILE)


def test_an_exported_formula_text_imports_back_unchanged():
    from projects.imports import read_csv, restore_formula_text

    assert restore_formula_text('\'=HYPERLINK("http://x","y")') == (
        '=HYPERLINK("http://x","y")'
    )
    assert restore_formula_text("'plain") == "'plain"  # an apostrophe of the text
    assert restore_formula_text("-18.9") == "-18.9"
    dataset = read_csv("name,value\n'@SUM(1),-18.9\n")
    assert dataset.dict == [{"name": "@SUM(1)", "value": "-18.9"}]
