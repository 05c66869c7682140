import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from countries.services import countries_load

FIXTURE = settings.BASE_DIR / "fixtures" / "countries.json"


@pytest.fixture(scope="module")
def rows():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_build_countries_reproduces_committed_fixture(tmp_path):
    pytest.importorskip(
        "country_converter", reason="build_countries needs the dev dependencies"
    )
    output = tmp_path / "countries.json"
    stdout = io.StringIO()

    call_command("build_countries", output=output, stdout=stdout)

    assert output.read_bytes() == FIXTURE.read_bytes()
    assert stdout.getvalue().startswith("Wrote 249 countries, 5 regions")


def test_countries_fixture_lists_every_iso_country_once(rows):
    assert len(rows) == 249
    for field in ("iso3", "iso2", "slug"):
        assert len({row[field] for row in rows}) == 249, field
    assert [row["iso3"] for row in rows] == sorted(row["iso3"] for row in rows)


@pytest.mark.parametrize(
    ("iso3", "subregion", "region"),
    [
        ("CHN", "Eastern Asia", "Asia"),
        ("PER", "South America", "Americas"),
        ("ITA", "Southern Europe", "Europe"),
        ("KEN", "Eastern Africa", "Africa"),
        ("FJI", "Melanesia", "Oceania"),
        # coco's continent is geographic here; M49 nests by sub-region.
        ("CXR", "Australia and New Zealand", "Oceania"),
        ("BVT", "South America", "Americas"),
        ("ATA", "", ""),
    ],
)
def test_countries_fixture_uses_m49_regions(rows, iso3, subregion, region):
    row = next(row for row in rows if row["iso3"] == iso3)
    assert (row["subregion"], row["region"]) == (subregion, region)


def test_countries_fixture_uses_short_common_names(rows):
    names = {row["iso3"]: row["name"] for row in rows}
    assert names["KOR"] == "South Korea"
    assert names["TWN"] == "Taiwan"
    assert names["RUS"] == "Russia"
    assert names["BOL"] == "Bolivia"


@pytest.mark.django_db
def test_countries_load_creates_every_country():
    assert countries_load(path=FIXTURE) == {
        "created": 249,
        "updated": 0,
        "unchanged": 0,
    }
    china = Country.objects.get(iso3="CHN")
    assert (china.iso2, china.numeric_code, china.slug) == ("CN", "156", "china")
    assert Country.objects.count() == 249


@pytest.mark.django_db
def test_countries_load_twice_writes_nothing():
    countries_load(path=FIXTURE)

    with CaptureQueriesContext(connection) as queries:
        counts = countries_load(path=FIXTURE)

    assert counts == {"created": 0, "updated": 0, "unchanged": 249}
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


@pytest.mark.django_db
def test_countries_load_repairs_changed_and_missing_rows():
    countries_load(path=FIXTURE)
    Country.objects.filter(iso3="CHN").update(region="Europe", subregion="")
    Country.objects.filter(iso3="PER").delete()

    assert countries_load(path=FIXTURE) == {
        "created": 1,
        "updated": 1,
        "unchanged": 247,
    }
    china = Country.objects.get(iso3="CHN")
    assert (china.region, china.subregion) == ("Asia", "Eastern Asia")
    assert Country.objects.get(iso3="PER").region == "Americas"
