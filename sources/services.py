from django.db import transaction

from sources.ingestion import clean_release, same_article
from sources.models import Source


def source_ingest(*, raw, title="", publisher="", published_on=None, url=""):
    """Store a pasted or uploaded release as a Source, cleaned.

    Returns ``(source, created)``. The same article ingested again (other
    chrome, other spacing, mojibake) is not stored twice: the existing
    original is returned with ``created`` False. A copy published under
    another URL is stored and marked ``duplicate_of`` the original. Raises
    IngestError (a ValueError) with a reason when there is nothing to store.
    """
    release = clean_release(raw)
    with transaction.atomic():
        original = _original_of(release.text)
        if original is not None and (not url or url in ("", original.url)):
            return original, False
        source = Source(
            title=(title or release.headline or "Untitled release")[:500],
            publisher=publisher,
            published_on=published_on or release.published_on,
            url=url,
            text=release.text,
            date_note=f"Dateline: {release.dateline}" if release.dateline else "",
            duplicate_of=original,
        )
        source.full_clean()
        source.save()
    return source, True


def _original_of(text):
    """The stored original this text is a copy of, if any."""
    candidates = Source.objects.with_text().originals().only("pk", "text", "url")
    exact = candidates.filter(content_hash=Source(text=text).fingerprint).first()
    if exact is not None:
        return exact
    return next((s for s in candidates.iterator() if same_article(text, s.text)), None)
