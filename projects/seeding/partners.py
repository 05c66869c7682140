"""The partner register (fixtures/partners.json): every country and
international organisation with a Belt and Road cooperation document, its
first document, later ones, its status and its sources (fixtures/PARTNERS.md
says how it was compiled).

Each record becomes a PartnerAgreement for its first document, citing the
record's first source, plus one per later document; every other source of
the record is named in the agreement's note, so no source is lost where
they disagree.
"""

import json
from datetime import timedelta

from django.utils.text import slugify

from countries.models import Country, Organization, PartnerAgreement
from projects.seeding.upsert import upsert
from sources.dates import DatePrecision, parse_partial_date
from sources.models import Source

# Two reports of one document: the signing and its announcement weeks later.
SAME_DOCUMENT_WITHIN = timedelta(days=62)
# The register's own words for how sure a date is, as the models store it.
_PRECISIONS = {
    "day": DatePrecision.DAY,
    "month": DatePrecision.MONTH,
    "year": DatePrecision.YEAR,
    None: DatePrecision.DAY,
}


def load_partners(report, *, path):
    """Agreements, organisations and sources of the register at ``path``."""
    register = json.loads(path.read_text(encoding="utf-8"))
    countries = {c.iso3: c for c in Country.objects.all()}
    for record in register["countries"]:
        _record(report, record, country=countries[record["iso3"]])
    for record in register["organizations"]:
        organization = upsert(
            Organization,
            report,
            lookup={"name": record["name"]},
            values={
                "acronym": record.get("acronym") or "",
                "slug": slugify(record["name"])[:100],
            },
        )
        _record(report, record, organization=organization)


def _record(report, record, *, country=None, organization=None):
    sources = [_source(report, entry) for entry in record["sources"]]
    partner = {"country": country, "organization": organization}
    signed_on, precision = _date(record["first_signed_on"])
    status = record["status"]
    ended_on = _date(record.get("ended_on"))[0]
    upsert(
        PartnerAgreement,
        report,
        lookup={**partner, "title": record["title"], "source": sources[0]},
        values={
            "kind": record["kind"],
            "signed_on": signed_on,
            "signed_on_precision": _PRECISIONS[record["first_signed_precision"]]
            if signed_on
            else DatePrecision.DAY,
            "status": status,
            "ended_on": ended_on,
            "note": _note(record, sources[1:]),
        },
    )
    for document in record.get("later_documents", []):
        signed_on, _ = _date(document.get("signed_on"))
        # A later document ends with the first when the partner left, but
        # never before it was signed.
        ends = (
            ended_on if ended_on and (not signed_on or ended_on >= signed_on) else None
        )
        upsert(
            PartnerAgreement,
            report,
            lookup={
                **partner,
                "title": document["title"],
                "source": _source(report, document["source"]),
            },
            values={
                "kind": document["kind"],
                "signed_on": signed_on,
                "signed_on_precision": _PRECISIONS[document.get("signed_precision")],
                "status": status,
                "ended_on": ends,
                "note": "",
            },
        )


def _date(text):
    if not text:
        return None, None
    return parse_partial_date(text)


def _note(record, other_sources):
    parts = [record.get("status_note", ""), record.get("date_note", "")]
    if other_sources:
        cited = "; ".join(
            f"{s.publisher or s.title}"
            + (f" ({s.published_display})" if s.published_on else "")
            + f", {s.url}"
            for s in other_sources
        )
        parts.append(f"Also cited: {cited}.")
    return " ".join(part for part in parts if part)


def _source(report, entry):
    """A reference Source per URL; the first record citing a URL names it."""
    existing = Source.objects.filter(url=entry["url"]).first()
    if existing is not None:
        return existing
    published_on, precision = _date(entry.get("published_on"))
    return upsert(
        Source,
        report,
        lookup={"url": entry["url"]},
        values={
            "title": entry["title"],
            "publisher": entry.get("publisher") or "",
            "published_on": published_on,
            "published_on_precision": precision or DatePrecision.DAY,
        },
    )


def already_recorded(country, signed_on, precision):
    """True when ``country`` has an agreement that is the same document as
    one signed on ``signed_on``: the same year where either date is known
    only to the year, otherwise within SAME_DOCUMENT_WITHIN."""
    if signed_on is None:
        return False
    dated = PartnerAgreement.objects.filter(country=country).exclude(signed_on=None)
    for other, other_precision in dated.values_list("signed_on", "signed_on_precision"):
        if DatePrecision.YEAR in (precision, other_precision):
            if other.year == signed_on.year:
                return True
        elif abs(other - signed_on) <= SAME_DOCUMENT_WITHIN:
            return True
    return False
