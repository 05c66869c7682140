import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countries.models import Country

COUNTRY_FIELDS = [
    "iso2",
    "numeric_code",
    "name",
    "official_name",
    "slug",
    "region",
    "subregion",
]


def countries_load(*, path: str | Path) -> dict[str, int]:
    """Upsert the countries in a build_countries JSON file, keyed by iso3.

    Creates missing countries and updates only those whose fields differ;
    equal rows are not written, so a second run writes nothing. Countries
    absent from the file are kept (projects and agreements protect them).
    Returns {"created": n, "updated": n, "unchanged": n}.
    """
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        existing = Country.objects.in_bulk(field_name="iso3")
        to_create, to_update, changed_fields = [], [], set()
        for row in rows:
            country = existing.get(row["iso3"])
            if country is None:
                to_create.append(
                    Country(
                        iso3=row["iso3"],
                        **{field: row[field] for field in COUNTRY_FIELDS},
                    )
                )
                continue
            changed = [f for f in COUNTRY_FIELDS if getattr(country, f) != row[f]]
            for field in changed:
                setattr(country, field, row[field])
            if changed:
                # A new version, so that an editor's open form of the
                # country is refused instead of saved over this.
                country.version += 1
                country.updated_at = timezone.now()
                to_update.append(country)
                changed_fields.update(changed)
        # Update before creating, so a new row may take a slug an old one gave up.
        if to_update:
            bulk_update_with_history(
                to_update,
                Country,
                [
                    "version",
                    "updated_at",
                    *(f for f in COUNTRY_FIELDS if f in changed_fields),
                ],
            )
        bulk_create_with_history(to_create, Country)
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(rows) - len(to_create) - len(to_update),
    }
