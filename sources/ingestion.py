"""Turn a pasted or uploaded press release into clean text with its headline
and dateline, and recognise an article already stored. Pure functions."""

import codecs
import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser

from sources.text import normalise_for_match, repair_text

MAX_BYTES = 2_000_000  # a press release is a few kB; 2 MB is generous
SAME_ARTICLE = 0.8  # share of word 5-grams two copies of one article share

_CHROME = [
    re.compile(p, re.IGNORECASE)
    for p in [
        r"^share (this|on)\b.*$",
        r"^please enter your (comment|name).*$",
        r"^(add|latest|leave a) comments?\b.*$",
        r"^latest$",
        r"^already collect$",
        r"^(print|email|tweet|facebook|twitter|wechat|weibo)$",
        r"^[■□▪•|>\s-]+$",
        # breadcrumbs: "the Belt and Road > Policy"
        r"^[\w &'-]{1,40}( > [\w &'-]{1,40})+$",
    ]
]
_DATELINE = re.compile(
    r"\b(?P<place>[A-Z][A-Z .'-]{2,}), (?P<month>[A-Z][a-z]{2,8})\.? (?P<day>\d{1,2})"
    r" \((?P<agency>[A-Za-z ]+)\) --"
)
_DATE_FORMATS = ["%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%d %b %Y"]
_DATE_LINE = re.compile(
    # "Date: Dec 3, 2024", "2021-06-18 16:50", "Xinhua) 08:55, July 23, 2025"
    r"^(?:date:\s*|[\w ]{0,30}\)\s*)?(?:\d{1,2}:\d{2},?\s*)?(?P<date>"
    r"\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}"
    r"|\d{1,2} [A-Z][a-z]{2,8} \d{4})(?:\s+\d{1,2}:\d{2})?$",
    re.IGNORECASE,
)


class IngestError(ValueError):
    """The input is not a press release we can store; the message says why."""


@dataclass(frozen=True)
class Release:
    text: str
    headline: str
    dateline: str  # "BEIJING, July 22 (Xinhua) --", or ""
    published_on: date | None  # from a date line in the text, if any


def too_big(what, size):
    """ "The file is 50.0 MB; a press release must be under 2 MB." """
    return (
        f"The {what} is {size / 1e6:.1f} MB; a press release must be under "
        f"{MAX_BYTES / 1e6:.0f} MB."
    )


def decode_upload(data):
    """Text of an uploaded file, or an IngestError saying what is wrong."""
    if not data:
        raise IngestError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise IngestError(too_big("file", len(data)))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode": UTF-16 with a byte-order mark, NULs and all.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise IngestError(
                f"The file says it is UTF-16 text, but byte {error.start} is not "
                "valid UTF-16: save it as UTF-8 and upload it again."
            ) from None
    if b"\x00" in data:
        raise IngestError("This is a binary file, not text: upload .txt or .html.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"The file is not UTF-8 text (byte {error.start} is not valid): save it "
            "as UTF-8 and upload it again."
        ) from None


class _TextOfHTML(HTMLParser):
    _SKIP = {"script", "style", "noscript", "nav", "header", "footer", "form"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html):
    """Visible text of an HTML page: scripts, styles and navigation dropped."""
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def clean_release(raw):
    """Repair, de-HTML and de-chrome a release; find headline and dateline."""
    text = repair_text(raw)
    if re.search(r"<(html|body|p|div|script)\b", text, re.IGNORECASE):
        text = repair_text(html_to_text(text))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if not any(p.match(line) for p in _CHROME)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        raise IngestError("There is no text left to store.")
    published_on = next(filter(None, map(_date_of_line, lines)), None)
    dateline = _DATELINE.search(text)
    return Release(
        text=text + "\n",
        headline=_headline(lines),
        dateline=dateline.group(0) if dateline else "",
        published_on=published_on,
    )


def _headline(lines):
    for line in lines:
        if line:
            line = re.sub(r"^title:\s*", "", line, flags=re.IGNORECASE)
            # "… spokesperson-Xinhua BEIJING, July 22 …": cut the site suffix.
            line = _DATELINE.split(line)[0]
            return re.sub(
                r"\s*[-|]\s*(xinhua|people's daily|cgtn)\b.*$",
                "",
                line,
                flags=re.IGNORECASE,
            ).strip()[:300]
    return ""


def _date_of_line(line):
    match = _DATE_LINE.match(line)
    if not match:
        return None
    value = match.group("date").replace(".", "")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def shingles(text, size=5):
    words = normalise_for_match(text).split()
    return {" ".join(words[i : i + size]) for i in range(max(len(words) - size + 1, 1))}


def same_article(text, other):
    """True when two texts are copies of one article (chrome, spacing and
    mojibake aside): most of the shorter one's word 5-grams are in the other."""
    mine, theirs = shingles(text), shingles(other)
    shared = len(mine & theirs)
    return shared / max(min(len(mine), len(theirs)), 1) >= SAME_ARTICLE
