"""Importing figures and projects from CSV: through the resources and through
the admin's preview-then-confirm flow. One bad row writes nothing."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Observation, Project
from projects.resources import ObservationResource, ProjectResource
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    ProjectFactory,
    ReleaseFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:projects_observation_import")
PROCESS = reverse("admin:projects_observation_process_import")
EXPORT = reverse("admin:projects_observation_export")
PROJECT_IMPORT = reverse("admin:projects_project_import")
PROJECT_PROCESS = reverse("admin:projects_project_process_import")

HEADERS = [
    "id",
    "metric",
    "project",
    "value",
    "qualifier",
    "period",
    "period_start",
    "as_of",
    "change_percent",
    "quote",
    "counted",
    "unit",
    "as_of_precision",
    "source",
    "confidence",
    "note",
    "status",
    "value_checked",
]
QUOTE = "served more than 10 million passengers"


@pytest.fixture
def sources():
    return {
        "reference": SourceFactory(url="https://example.org/partners"),
        "release": ReleaseFactory(url="https://example.org/railway-release"),
        "stored": SourceFactory(url="", external_id="nbs-2025-01.txt"),
    }


@pytest.fixture
def projects():
    return (
        ProjectFactory(slug="china-laos-railway"),
        ProjectFactory(slug="jakarta-bandung"),
    )


def _row(**values):
    row = dict.fromkeys(HEADERS, "")
    row.update(
        qualifier="exact",
        period="cumulative",
        as_of_precision="day",
        status="published",
        value_checked="0",
    )
    row.update(values)
    return row


@pytest.fixture
def good_rows(sources, projects):
    """Three figures: one initiative-wide, two for projects; sources by URL
    and by external id."""
    return [
        _row(
            metric="partner_countries",
            value="150",
            qualifier="more_than",
            as_of="2023-10-31",
            source="https://example.org/partners",
        ),
        _row(
            metric="passengers",
            project="china-laos-railway",
            value="10000000",
            qualifier="more_than",
            as_of="2024-06-30",
            source="https://example.org/railway-release",
            quote=QUOTE,
        ),
        _row(
            metric="freight_trips",
            project="jakarta-bandung",
            value="1200",
            period="year",
            as_of="2024-12-31",
            source="nbs-2025-01.txt",
            status="draft",
        ),
    ]


def _dataset(rows, headers=HEADERS):
    dataset = tablib.Dataset(headers=list(headers))
    for row in rows:
        dataset.append([row[header] for header in headers])
    return dataset


def _csv_file(rows, headers=HEADERS, name="figures.csv"):
    content = _dataset(rows, headers).export("csv")
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def _csv_format(client, url):
    """The index of the CSV format among those the import form offers."""
    form = client.get(url).context["form"]
    assert set(form.fields) >= {"import_file", "format", "resource"}
    choices = {label.lower(): value for value, label in form.fields["format"].choices}
    return choices["csv"]


def _upload(client, url, upload):
    return client.post(
        url,
        {"resource": "0", "format": _csv_format(client, url), "import_file": upload},
    )


def _confirm(client, url, preview):
    confirm_form = preview.context["confirm_form"]
    data = {name: confirm_form[name].value() for name in confirm_form.fields}
    return client.post(url, data)


BAD_ROWS = {
    "unknown metric": (
        {"metric": "bogus"},
        "metric",
        "Unknown metric “bogus”: no metric has this key.",
    ),
    "unknown project": (
        {"project": "nowhere-railway"},
        "project",
        "Unknown project “nowhere-railway”: no project has this slug.",
    ),
    "quote not in source": (
        {"quote": "served 99 million passengers"},
        "quote",
        "This quote is not in the text of",
    ),
    "negative value": ({"value": "-5"}, "value", "A figure cannot be negative."),
    "unknown source": (
        {"source": "https://example.org/missing"},
        "source",
        "Unknown source “https://example.org/missing”",
    ),
}


# The resources ------------------------------------------------------------


def test_observation_resource_imports_every_good_row(good_rows):
    result = ObservationResource().import_data(_dataset(good_rows), dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["new"] == 3
    figures = {
        (f.metric.key, f.project.slug if f.project else None): f
        for f in Observation.objects.select_related("metric", "project", "source")
    }
    assert set(figures) == {
        ("partner_countries", None),
        ("passengers", "china-laos-railway"),
        ("freight_trips", "jakarta-bandung"),
    }
    assert figures["passengers", "china-laos-railway"].quote == QUOTE
    trips = figures["freight_trips", "jakarta-bandung"]
    assert trips.source.external_id == "nbs-2025-01.txt"
    assert trips.period_start == date(2024, 1, 1)  # derived for a fixed period
    assert trips.status == "draft"


def test_observation_resource_dry_run_writes_nothing(good_rows):
    result = ObservationResource().import_data(_dataset(good_rows), dry_run=True)

    assert result.totals["new"] == 3
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_observation_resource_bad_row_is_reported_with_its_number(good_rows, case):
    changes, field, message = BAD_ROWS[case]
    good_rows[1].update(changes)

    result = ObservationResource().import_data(_dataset(good_rows), dry_run=True)

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert any(message in error for error in invalid.field_specific_errors[field])
    assert Observation.objects.count() == 0


def test_observation_resource_bad_row_writes_nothing(good_rows):
    good_rows[1]["metric"] = "bogus"

    result = ObservationResource().import_data(_dataset(good_rows), dry_run=False)

    assert result.has_validation_errors()
    assert Observation.objects.count() == 0


def test_observation_resource_export_reimports_unchanged(sources, projects):
    ObservationFactory(project=None, source=sources["reference"], value=150)
    ObservationFactory(
        project=projects[0],
        source=sources["release"],
        value=10_000_000,
        qualifier="more_than",
        quote=QUOTE,
    )
    ObservationFactory(
        project=projects[1],
        source=sources["stored"],
        period="quarter",
        period_start=date(2024, 10, 1),
        as_of=date(2024, 12, 31),
    )
    before = list(Observation.history.values_list("history_id", flat=True))
    exported = ObservationResource().export()

    result = ObservationResource().import_data(
        tablib.Dataset().load(exported.export("csv"), format="csv"), dry_run=False
    )

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 3
    assert result.totals["new"] == result.totals["update"] == 0
    assert list(Observation.history.values_list("history_id", flat=True)) == before


# The admin's two-step import -------------------------------------------------


def test_observation_import_form_offers_csv(admin_client):
    response = admin_client.get(IMPORT)

    assert response.status_code == 200
    form = response.context["form"]
    labels = [label for _, label in form.fields["format"].choices]
    assert "csv" in labels
    assert "xlsx" in labels


def test_observation_import_previews_then_writes_all_rows(admin_client, good_rows):
    preview = _upload(admin_client, IMPORT, _csv_file(good_rows))

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["new", "new", "new"]
    assert "Preview" in preview.text
    assert "china-laos-railway" in preview.text
    assert "https://example.org/railway-release" in preview.text
    assert "Confirm import" in preview.text
    assert Observation.objects.count() == 0  # only previewed

    done = _confirm(admin_client, PROCESS, preview)

    assert done.status_code == 302
    assert done.url == reverse("admin:projects_observation_changelist")
    assert Observation.objects.count() == 3
    assert Observation.objects.filter(project=None).get().value == 150
    trips = Observation.objects.get(project__slug="jakarta-bandung")
    assert trips.source.external_id == "nbs-2025-01.txt"
    changelist = admin_client.get(done.url)
    assert "Import finished: 3 new" in changelist.text


def test_observation_import_preview_shows_a_source_named_by_external_id(
    admin_client, good_rows
):
    preview = _upload(admin_client, IMPORT, _csv_file(good_rows))

    assert "confirm_form" in preview.context
    assert "nbs-2025-01.txt" in preview.text


def test_observation_import_records_the_importer_in_history(
    admin_client, admin_user, good_rows
):
    preview = _upload(admin_client, IMPORT, _csv_file(good_rows))
    _confirm(admin_client, PROCESS, preview)

    figure = Observation.objects.get(project__slug="china-laos-railway")
    record = figure.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin_user


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_observation_import_bad_row_names_it_and_writes_nothing(
    admin_client, good_rows, case
):
    changes, field, message = BAD_ROWS[case]
    good_rows[1].update(changes)

    response = _upload(admin_client, IMPORT, _csv_file(good_rows))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert "Some rows failed to validate" in response.text
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert any(message in error for error in invalid.field_specific_errors[field])
    assert message in response.text
    assert "<td>2 </td>" in response.text  # the Row column
    assert Observation.objects.count() == 0


def test_observation_import_existing_figure_updates_it(admin_client, sources):
    figure = ObservationFactory(source=sources["reference"], value=1000)
    row = _row(
        id=str(figure.pk),
        metric="passengers",
        project=figure.project.slug,
        value="1200",
        as_of="2023-12-31",
        source=sources["reference"].url,
    )

    preview = _upload(admin_client, IMPORT, _csv_file([row]))
    assert [r.import_type for r in preview.context["result"].valid_rows()] == ["update"]
    figure.refresh_from_db()
    assert figure.value == 1000
    _confirm(admin_client, PROCESS, preview)

    figure.refresh_from_db()
    assert figure.value == 1200
    assert figure.history.count() == 2


def _export_csv(client, url=EXPORT):
    form = client.get(url).context["form"]
    choices = {label.lower(): value for value, label in form.fields["format"].choices}
    data = {"resource": "0", "format": choices["csv"]}
    for name, field in form.fields.items():
        if getattr(field, "is_selectable_field", False):
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode("utf-8-sig")


def test_observation_export_csv_reimports_without_changes(
    admin_client, sources, projects
):
    ObservationFactory(project=None, source=sources["reference"], value=150)
    ObservationFactory(
        project=projects[0],
        source=sources["release"],
        value=Decimal("10000000"),
        qualifier="more_than",
        quote=QUOTE,
        note="Line one, with a comma",
    )
    ObservationFactory(
        project=projects[1],
        source=sources["stored"],
        period="year_to_date",
        period_start=date(2024, 1, 1),
        as_of=date(2024, 9, 30),
        status="draft",
    )
    before = {
        f.pk: (f.value, f.version, f.updated_at) for f in Observation.objects.all()
    }

    exported = _export_csv(admin_client)

    rows = list(csv.DictReader(io.StringIO(exported)))
    assert list(rows[0]) == HEADERS
    assert {row["source"] for row in rows} == {
        "https://example.org/partners",
        "https://example.org/railway-release",
        "nbs-2025-01.txt",
    }
    assert {row["project"] for row in rows} == {
        "",
        "china-laos-railway",
        "jakarta-bandung",
    }

    upload = SimpleUploadedFile("export.csv", exported.encode(), "text/csv")
    preview = _upload(admin_client, IMPORT, upload)
    assert "confirm_form" in preview.context, preview.context["result"].invalid_rows
    assert [r.import_type for r in preview.context["result"].valid_rows()] == [
        "skip"
    ] * 3
    _confirm(admin_client, PROCESS, preview)

    after = {
        f.pk: (f.value, f.version, f.updated_at) for f in Observation.objects.all()
    }
    assert after == before
    assert Observation.history.count() == 3


# Projects ---------------------------------------------------------------------

PROJECT_HEADERS = ["slug", "name", "kind", "sector", "status", "countries"]


def _project_csv(countries):
    return _csv_file(
        [
            {
                "slug": "mombasa-nairobi-sgr",
                "name": "Mombasa–Nairobi Standard Gauge Railway",
                "kind": "project",
                "sector": "railway",
                "status": "operational",
                "countries": countries,
            }
        ],
        headers=PROJECT_HEADERS,
        name="projects.csv",
    )


@pytest.fixture
def kenya_china():
    return (
        CountryFactory(iso3="KEN", iso2="KE", name="Kenya"),
        CountryFactory(iso3="CHN", iso2="CN", name="China"),
    )


def test_project_resource_imports_countries_by_iso3(kenya_china):
    dataset = tablib.Dataset().load(_project_csv("KEN;CHN").read().decode(), "csv")

    result = ProjectResource().import_data(dataset, dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    project = Project.objects.get(slug="mombasa-nairobi-sgr")
    assert set(project.countries.all()) == set(kenya_china)


def test_project_import_through_admin_creates_the_project(admin_client, kenya_china):
    preview = _upload(admin_client, PROJECT_IMPORT, _project_csv("KEN;CHN"))

    assert preview.status_code == 200
    assert "confirm_form" in preview.context, preview.context["result"].invalid_rows
    assert "mombasa-nairobi-sgr" in preview.text
    assert not Project.objects.exists()

    done = _confirm(admin_client, PROJECT_PROCESS, preview)

    assert done.status_code == 302
    project = Project.objects.get(slug="mombasa-nairobi-sgr")
    assert project.name == "Mombasa–Nairobi Standard Gauge Railway"
    assert sorted(project.countries.values_list("iso3", flat=True)) == [
        "CHN",
        "KEN",
    ]


def test_project_import_unknown_iso3_is_an_error_and_writes_nothing(
    admin_client, kenya_china
):
    preview = _upload(admin_client, PROJECT_IMPORT, _project_csv("KEN;XXX"))

    assert "confirm_form" not in preview.context
    assert "XXX" in preview.text
    assert not Project.objects.exists()


def test_project_resource_unknown_iso3_is_a_row_error(kenya_china):
    dataset = tablib.Dataset().load(_project_csv("KEN;XXX").read().decode(), "csv")

    result = ProjectResource().import_data(dataset, dry_run=True)

    assert result.has_errors() or result.has_validation_errors()
