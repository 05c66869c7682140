"""Regenerate fixtures/countries.json from pycountry and country_converter.

The country list, codes and official names come from pycountry (ISO 3166-1);
short names and UN M49 sub-regions come from country_converter. Both are
dev-only dependencies, so they are imported inside handle().
"""

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from countries.models import Country
from countries.services import COUNTRY_FIELDS

FIELDS = ["iso3", *COUNTRY_FIELDS]

# country_converter's continents are M49 regions except for this spelling.
M49_SPELLING = {"America": "Americas"}
M49_REGIONS = {"Africa", "Americas", "Asia", "Europe", "Oceania"}
# Antarctica is in no M49 region; coco gives it a pseudo sub-region of its own.
NO_REGION = "Antarctica"


class Command(BaseCommand):
    help = (
        "Build the list of all ISO 3166-1 countries with their UN M49 region "
        "from pycountry and country_converter, and write it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Where to write the JSON (default: fixtures/countries.json).",
        )

    def handle(self, *args, **options):
        try:
            import country_converter
            import pandas
            import pycountry
        except ImportError as exc:
            raise CommandError(
                f"build_countries needs the dev dependencies ({exc.name} is "
                "missing): pip install -e '.[dev]'"
            ) from exc

        output = options["output"] or Path(settings.BASE_DIR) / "fixtures" / (
            "countries.json"
        )
        coco = country_converter.CountryConverter().data
        rows = _build_rows(pycountry.countries, coco, pandas)
        text = json.dumps(rows, indent=1, ensure_ascii=False) + "\n"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8", newline="\n")

        regions = {row["region"] for row in rows if row["region"]}
        subregions = {row["subregion"] for row in rows if row["subregion"]}
        self.stdout.write(
            f"Wrote {len(rows)} countries, {len(regions)} regions, "
            f"{len(subregions)} sub-regions to {output}"
        )


def _build_rows(iso_countries, coco, pandas) -> list[dict]:
    """Rows {FIELDS...}, one per ISO 3166-1 country, sorted by iso3."""

    def text(value) -> str:
        return "" if value is None or pandas.isna(value) else str(value).strip()

    if coco["ISO3"].duplicated().any():
        dupes = sorted(coco.loc[coco["ISO3"].duplicated(), "ISO3"])
        raise CommandError(f"country_converter repeats ISO3 codes: {dupes}")
    by_iso3 = coco.set_index("ISO3")
    missing = sorted(c.alpha_3 for c in iso_countries if c.alpha_3 not in by_iso3.index)
    if missing:
        raise CommandError(f"ISO3 codes missing from country_converter: {missing}")

    region_of = _subregion_regions(coco, text)
    rows = []
    for country in iso_countries:
        info = by_iso3.loc[country.alpha_3]
        name = (
            text(info["name_short"])
            or getattr(country, "common_name", "")
            or country.name
        )
        official_name = (
            getattr(country, "official_name", "") or text(info["name_official"]) or name
        )
        subregion = text(info["UNregion"])
        region = region_of[subregion]
        if not region:
            subregion = ""
        rows.append(
            {
                "iso3": country.alpha_3,
                "iso2": country.alpha_2,
                "numeric_code": str(country.numeric).zfill(3),
                "name": name,
                "official_name": official_name,
                "slug": slugify(name),
                "region": region,
                "subregion": subregion,
            }
        )
    rows.sort(key=lambda row: row["iso3"])
    _check(rows)
    return rows


def _subregion_regions(coco, text) -> dict[str, str]:
    """Map each coco UNregion to its M49 region ("" for Antarctica).

    M49 nests every sub-region in one region, but coco's ``continent`` is
    geographic for a few territories (Christmas Island: Asia, yet M49 puts
    it in Australia and New Zealand, Oceania; Bouvet Island: Antarctica, yet
    South America, Americas). A sub-region's region is the continent most of
    its countries share, so every country of a sub-region gets one region.
    """
    votes: dict[str, Counter] = {}
    for subregion, continent in zip(coco["UNregion"], coco["continent"], strict=True):
        subregion, continent = text(subregion), text(continent)
        if not subregion or not continent:
            raise CommandError(
                f"country_converter row lacks UNregion or continent: "
                f"{subregion!r}, {continent!r}"
            )
        continent = M49_SPELLING.get(continent, continent)
        votes.setdefault(subregion, Counter())[continent] += 1

    region_of = {}
    for subregion, counter in votes.items():
        (top, top_count), *rest = counter.most_common()
        if rest and rest[0][1] == top_count:
            raise CommandError(
                f"Cannot tell the M49 region of {subregion!r}: {dict(counter)}"
            )
        if top == NO_REGION:
            region_of[subregion] = ""
        elif top in M49_REGIONS:
            region_of[subregion] = top
        else:
            raise CommandError(f"Unknown continent {top!r} for {subregion!r}")
    return region_of


def _check(rows: list[dict]) -> None:
    for field in ("iso3", "iso2", "slug"):
        counts = Counter(row[field] for row in rows)
        dupes = sorted(value for value, n in counts.items() if n > 1)
        if dupes:
            raise CommandError(f"Duplicate {field} values: {dupes}")
    for row in rows:
        if not row["slug"]:
            raise CommandError(f"{row['iso3']}: name {row['name']!r} has no slug")
        for field in FIELDS:
            max_length = Country._meta.get_field(field).max_length
            if len(row[field]) > max_length:
                raise CommandError(
                    f"{row['iso3']}: {field} {row[field]!r} is longer than "
                    f"{max_length} characters"
                )
