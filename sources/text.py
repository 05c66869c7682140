"""Text work on sources: repair, normalisation, fingerprints, quote lookup."""

import hashlib
import re

import ftfy

_WHITESPACE = re.compile(r"\s+")
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def repair_text(raw):
    """Fix mojibake and stray control characters, trim trailing blanks.

    Paragraph breaks are kept: the text is shown to readers as it was
    published.
    """
    fixed = ftfy.fix_text(raw)
    lines = [line.rstrip() for line in fixed.splitlines()]
    return "\n".join(lines).strip() + "\n" if any(lines) else ""


def normalise_for_match(text):
    """Casefold, unify typographic quotes and dashes, collapse whitespace."""
    return _WHITESPACE.sub(" ", (text or "").translate(_TYPOGRAPHIC)).strip().casefold()


def content_hash(text):
    """SHA-256 of the normalised text: the same words give the same hash."""
    return hashlib.sha256(normalise_for_match(text).encode()).hexdigest()


def quote_in_text(quote, text):
    """True when ``quote`` appears in ``text``, whitespace and case aside."""
    return normalise_for_match(quote) in normalise_for_match(text)
