"""Sources of the seed: the stored press releases and the referenced articles."""

from urllib.parse import urlsplit

from projects.seeding.mapping import language_of, parse_fact_date
from projects.seeding.upsert import upsert
from sources.dates import DatePrecision, parse_partial_date
from sources.models import Source
from sources.text import repair_text

RELEASE_PREFIX = "press-releases/"


def release_source(report, *, path, meta, language, duplicate_of=None):
    """The Source of one release file, its text repaired (mojibake) on the way in."""
    published_on, precision = parse_partial_date(meta.get("published_on") or "")
    dateline = meta.get("dateline")
    return upsert(
        Source,
        report,
        lookup={"external_id": RELEASE_PREFIX + path.name},
        values={
            "title": meta["title"],
            "publisher": meta.get("publisher") or "",
            "published_on": published_on,
            "published_on_precision": precision or DatePrecision.DAY,
            "date_note": f"Dateline {dateline}" if dateline else "",
            "language": language,
            "text": repair_text(path.read_text(encoding="utf-8")),
            "duplicate_of": duplicate_of,
        },
    )


def reference_sources(report, entries):
    """Reference-only Sources (no text) for facts entries with publisher,
    title, pub_date and url, one per URL. The first entry of a URL gives its
    title and date; a language named by any of them counts.
    Returns {url: Source}."""
    by_url = {}
    for entry in entries:
        by_url.setdefault(entry["url"], []).append(entry)
    return {
        url: _reference_source(
            report,
            group[0],
            language_of(*(text for e in group for text in (e["title"], e.get("note")))),
        )
        for url, group in by_url.items()
    }


def _reference_source(report, entry, language):
    raw_date = entry.get("pub_date") or ""
    published_on, precision, approximate = parse_fact_date(raw_date, end=False)
    clean = (
        published_on is not None
        and not approximate
        and raw_date.strip()
        in (
            published_on.isoformat(),
            published_on.isoformat()[:7],
            published_on.isoformat()[:4],
        )
    )
    return upsert(
        Source,
        report,
        lookup={"url": entry["url"]},
        values={
            "title": entry["title"],
            "publisher": entry.get("publisher") or "",
            "published_on": published_on,
            "published_on_precision": precision or DatePrecision.DAY,
            "date_note": "" if clean else raw_date,
            "language": language,
        },
    )


def url_only_source(report, url, *, title="", publisher=""):
    """The Source for a URL cited by a milestone that no facts entry cites,
    with the headline researched for it (fixtures/SOURCE_TITLES.md).

    Without one, the title says plainly what it is, "<host> page", instead
    of inventing a headline or wearing a bracketed tag.
    """
    existing = Source.objects.filter(url=url).first()
    if existing is not None:
        return existing
    host = urlsplit(url).hostname or url
    host = host.removeprefix("www.")
    return upsert(
        Source,
        report,
        lookup={"url": url},
        values={"title": title or f"{host} page", "publisher": publisher or host},
    )
