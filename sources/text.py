"""Text work on sources: repair, normalisation, fingerprints, quote lookup."""

import functools
import hashlib
import re

import ftfy
import ftfy.bad_codecs  # noqa: F401  registers the "sloppy-windows-1252" codec

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


def _sloppy_chars(first, last):
    return re.escape(
        "".join(bytes([b]).decode("sloppy-windows-1252") for b in range(first, last))
    )


# UTF-8 bytes read as Windows-1252: a lead byte, then continuation bytes.
_CONTINUATION = f"[{_sloppy_chars(0x80, 0xC0)}]"
_LEFTOVER_MOJIBAKE = re.compile(
    f"[{_sloppy_chars(0xC2, 0xE0)}]{_CONTINUATION}"
    f"|[{_sloppy_chars(0xE0, 0xF0)}]{_CONTINUATION}{{2}}"
    f"|[{_sloppy_chars(0xF0, 0xF5)}]{_CONTINUATION}{{3}}"
)


# A right double quote ” is E2 80 9D in UTF-8: read as Windows-1252 it is
# "â€" and an undefined byte, which copying often drops or turns into U+FFFD
# (or a space); ftfy then reads "â€ " as a dagger, "†". Put the byte back, so
# that the quote is repaired as its neighbours are.
_LOST_QUOTE_BYTE = re.compile(f"â€(?:\ufffd|\x9d|(?!{_CONTINUATION}))")


def _redecode(match):
    try:
        return match.group().encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return match.group()


def repair_text(raw):
    """Fix mojibake and stray control characters, trim trailing blanks.

    ftfy leaves a lone mojibake sequence alone when the rest of the text looks
    clean (release 000 ends in "â–\xa0", a "■" read as Windows-1252), so
    sequences that decode as UTF-8 are re-decoded after it, with ftfy's codec.
    A closing quote whose last byte was lost ("â€", "â€\ufffd") is restored
    first. Curly quotes and paragraph breaks are kept: readers see the text
    as it was published.
    """
    raw = _LOST_QUOTE_BYTE.sub("â€\x9d", raw)
    fixed = _LEFTOVER_MOJIBAKE.sub(_redecode, ftfy.fix_text(raw, uncurl_quotes=False))
    lines = [line.rstrip() for line in fixed.splitlines()]
    return "\n".join(lines).strip() + "\n" if any(lines) else ""


# Cached: an import checks many quotes against the same few source texts.
@functools.lru_cache(maxsize=64)
def normalise_for_match(text):
    """Casefold, unify typographic quotes and dashes, collapse whitespace."""
    return _WHITESPACE.sub(" ", (text or "").translate(_TYPOGRAPHIC)).strip().casefold()


def content_hash(text):
    """SHA-256 of the normalised text: the same words give the same hash."""
    return hashlib.sha256(normalise_for_match(text).encode()).hexdigest()


def quote_in_text(quote, text):
    """True when ``quote`` appears in ``text``, whitespace and case aside."""
    return normalise_for_match(quote) in normalise_for_match(text)
