"""Versioned data releases and the /data/ page and downloads (issue 16)."""

import csv
import io
import json
import stat
from datetime import UTC, datetime
from decimal import Decimal

import frictionless
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from opendata import releases
from opendata.models import Release
from projects.models import Observation
from tests.factories import (
    CountryFactory,
    ObservationFactory,
    PartnerAgreementFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

DECEMBER = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SECRET = "secret draft figure"


@pytest.fixture
def root(settings, tmp_path):
    settings.DATA_RELEASES_ROOT = tmp_path / "releases"
    settings.SITE_URL = "https://bri.example"
    return settings.DATA_RELEASES_ROOT


@pytest.fixture
def data():
    country = CountryFactory(iso3="KEN", iso2="KE", name="Kenya")
    project = ProjectFactory(name="Mombasa-Nairobi Railway", slug="sgr")
    project.countries.set([country])
    kept = ObservationFactory(project=project, value=1000, quote='A "quote", \\ 中')
    changed = ObservationFactory(project=project, value=2000)
    removed = ObservationFactory(project=project, value=3000)
    draft = ObservationFactory(
        project=project,
        status=Observation.Status.DRAFT,
        counted=SECRET,
        metric=kept.metric,
    )
    agreement = PartnerAgreementFactory(country=country)
    return {
        "project": project,
        "kept": kept,
        "changed": changed,
        "removed": removed,
        "draft": draft,
        "agreement": agreement,
    }


def _read(path):
    return path.read_text("utf-8")


def _csv(path):
    return list(csv.DictReader(io.StringIO(_read(path))))


def test_publish_writes_every_file_and_a_valid_datapackage(root, data):
    published = releases.release_publish(now=DECEMBER, note="First one")

    directory = root / "2026.12.0"
    assert published.version == "2026.12.0"
    assert sorted(p.name for p in directory.iterdir()) == [
        "CHANGES.md",
        "countries.csv",
        "datapackage.json",
        "figures.csv",
        "figures.jsonl",
        "metrics.csv",
        "partners.csv",
        "projects-long.csv",
        "projects.csv",
        "sources.csv",
    ]
    report = frictionless.validate(str(directory / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])
    package = json.loads(_read(directory / "datapackage.json"))
    assert package["version"] == "2026.12.0"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    figures = next(r for r in package["resources"] if r["path"] == "figures.csv")
    assert {"name": "value", "type": "number"}.items() <= figures["schema"]["fields"][
        5
    ].items()
    assert all(f["description"] for f in figures["schema"]["fields"])
    release = Release.objects.get()
    assert release.note == "First one"
    assert release.counts["figures.csv"] == 3
    assert release.total_bytes == sum(p.stat().st_size for p in directory.iterdir())
    assert [r["id"] for r in _csv(directory / "figures.csv")] == [
        str(data[k].pk) for k in ("kept", "changed", "removed")
    ]
    assert _csv(directory / "projects-long.csv")[0]["country_iso3"] == "KEN"
    line = json.loads(_read(directory / "figures.jsonl").splitlines()[0])
    assert line["quote"] == 'A "quote", \\ 中'
    assert line["permalink"] == f"https://bri.example/figures/{data['kept'].pk}/"
    assert stat.S_IMODE((directory / "figures.csv").stat().st_mode) == 0o444
    assert stat.S_IMODE(directory.stat().st_mode) == 0o555
    assert "First release" in _read(directory / "CHANGES.md")


def test_a_draft_never_appears_in_a_release_or_a_download(root, data, client):
    releases.release_publish(now=DECEMBER)

    for path in (root / "2026.12.0").iterdir():
        assert SECRET not in _read(path), path.name
        assert f"/figures/{data['draft'].pk}/" not in _read(path), path.name
    for name in ("figures.csv", "figures.jsonl", "projects.csv", "sources.csv"):
        body = b"".join(client.get(f"/data/{name}").streaming_content).decode()
        assert SECRET not in body
        assert f"/figures/{data['draft'].pk}/" not in body


def test_second_release_lists_exactly_what_changed(root, data):
    releases.release_publish(now=DECEMBER)
    changed = data["changed"]
    changed.value = Decimal("2500")
    changed.save()
    added = ObservationFactory(project=data["project"], value=7)
    data["draft"].status = Observation.Status.PUBLISHED
    data["draft"].save()
    removed_ids = sorted([data["removed"].pk, data["kept"].pk])
    data["removed"].delete()
    data["kept"].status = Observation.Status.DRAFT  # unpublished
    data["kept"].save()
    new_project = ProjectFactory(slug="new-line", name="New line")

    published = releases.release_publish(now=DECEMBER)

    assert published.version == "2026.12.1"
    text = _read(root / "2026.12.1" / "CHANGES.md")
    assert "Changes since release 2026.12.0" in text
    new_ids = sorted([added.pk, data["draft"].pk])
    assert f"- Added (2): {new_ids[0]}, {new_ids[1]}" in text
    assert "- Changed (1):" in text
    assert f"  - {changed.pk}: value: 2000 -> 2500" in text
    assert f"- Removed (2): {removed_ids[0]}, {removed_ids[1]}" in text
    assert f"- Added (1): {new_project.slug}" in text
    assert "| figures.csv | 3 | 3 | +0 |" in text
    assert Release.objects.count() == 2


def test_release_refuses_to_overwrite(root, data):
    (root / "2026.12.0").mkdir(parents=True)

    with pytest.raises(releases.ReleaseExists):
        releases.release_publish(now=DECEMBER)

    assert not Release.objects.exists()
    assert [p.name for p in root.iterdir()] == ["2026.12.0"]


def test_command_refuses_an_existing_version(root, data, monkeypatch):
    monkeypatch.setattr(releases.timezone, "now", lambda: DECEMBER)
    call_command("publish_release", stdout=io.StringIO())
    Release.objects.all().delete()  # as if the record were lost

    with pytest.raises(CommandError, match="never rewritten"):
        call_command("publish_release", stdout=io.StringIO())


def test_failure_mid_write_leaves_no_directory_and_no_record(root, data, monkeypatch):
    real = releases.chunks

    def failing(dataset, *, base):
        if dataset.filename == "partners.csv":
            raise OSError("disk full")
        return real(dataset, base=base)

    monkeypatch.setattr(releases, "chunks", failing)

    with pytest.raises(OSError, match="disk full"):
        releases.release_publish(now=DECEMBER)

    assert list(root.iterdir()) == []
    assert not Release.objects.exists()


def test_dry_run_writes_nothing_and_prints_the_summary(root, data, monkeypatch):
    monkeypatch.setattr(releases.timezone, "now", lambda: DECEMBER)
    out = io.StringIO()

    call_command("publish_release", "--dry-run", stdout=out)

    assert "Would publish release 2026.12.0" in out.getvalue()
    assert "figures.csv: 3 rows" in out.getvalue()
    assert list(root.iterdir()) == []
    assert not Release.objects.exists()


def test_release_page_lists_files_changes_and_citation(root, data, client):
    releases.release_publish(now=DECEMBER, note="Quarterly")

    response = client.get("/data/releases/2026.12.0/")

    assert response.status_code == 200
    text = response.text
    assert "figures.csv" in text and "datapackage.json" in text
    assert "First release" in text
    assert (
        "BRI Tracker (2026). BRI Tracker open data, release 2026.12.0 [Data set]. "
        "http://testserver/data/releases/2026.12.0/." in text
    )
    assert "@misc{britracker2026_12_0" in text


def test_release_files_are_served_immutable_with_etag(root, data, client):
    releases.release_publish(now=DECEMBER)
    release = Release.objects.get()

    response = client.get("/data/releases/2026.12.0/figures.csv")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="figures.csv"' in response["Content-Disposition"]
    assert "immutable" in response["Cache-Control"]
    assert response["ETag"] == f'"{release.files["figures.csv"]["sha256"]}"'
    assert body == (root / "2026.12.0" / "figures.csv").read_bytes()
    again = client.get(
        "/data/releases/2026.12.0/figures.csv", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    package = client.get("/data/releases/2026.12.0/datapackage.json")
    assert package["Content-Type"] == "application/json"
    jsonl = client.get("/data/releases/2026.12.0/figures.jsonl")
    assert jsonl["Content-Type"].startswith("application/jsonl")


@pytest.mark.parametrize(
    "path",
    [
        "/data/releases/2026.12.9/",
        "/data/releases/2026.12.9/figures.csv",
        "/data/releases/2026.12.0/secrets.csv",
        "/data/releases/2026.12.0/..%2F..%2Fsettings.py",
        "/data/releases/2026.12.0/../2026.12.0/figures.csv",
        "/data/releases/2026.12.0/.%2Ffigures.csv",
        "/data/nothing.csv",
    ],
)
def test_unknown_releases_files_and_traversal_are_404(root, data, client, path):
    releases.release_publish(now=DECEMBER)

    assert client.get(path).status_code == 404


def test_data_page_lists_downloads_counts_and_releases(root, data, client):
    releases.release_publish(now=DECEMBER)
    releases.release_publish(now=DECEMBER)

    response = client.get(reverse("opendata:index"))

    assert response.status_code == 200
    text = response.text
    assert "/data/figures.jsonl" in text and "/data/projects-long.csv" in text
    assert text.index("2026.12.1") < text.index("2026.12.0")
    assert "CC BY 4.0" in text
    rows = response.context["files"]
    assert {r["dataset"].filename: r["rows"] for r in rows}["figures.csv"] == 3


def test_bulk_download_equals_the_release_file(root, data, client):
    releases.release_publish(now=DECEMBER, base="http://testserver")

    response = client.get("/data/figures.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body == (root / "2026.12.0" / "figures.csv").read_bytes()


def test_admin_lists_releases_read_only(root, data, admin_client):
    releases.release_publish(now=DECEMBER)
    release = Release.objects.get()

    assert admin_client.get("/admin/opendata/release/").status_code == 200
    assert admin_client.get("/admin/opendata/release/add/").status_code == 403
    delete = f"/admin/opendata/release/{release.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Release.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_reads_one_snapshot(root):
    ObservationFactory(value=5)

    published = releases.release_publish(now=DECEMBER)

    assert published.counts["figures.csv"] == 1
    assert Release.objects.get().version == "2026.12.0"
    assert len(_csv(root / "2026.12.0" / "figures.csv")) == 1
