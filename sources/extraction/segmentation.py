"""Headline, paragraphs, sentences and clauses of a release, as spans of its
text, so every quote is an exact substring."""

import re
from dataclasses import dataclass

HEADLINE_MAX_WORDS = 25
SHORT_QUOTE_WORDS = 5  # a clause this short takes the piece before it too
JOINED_FIGURE_WORDS = 3  # "7 million X and 3 million Y": words after "and"

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "u.s", "u.k", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "inc",
    "co", "ltd", "gov", "govt", "corp", "bros", "u.n", "e.g", "i.e",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"“'‘(]?[A-Z0-9])|\n+")
_CLAUSE_BREAK = re.compile(r"[;:]\s+|,\s+|\s+[-–—]+\s+|\s+\(|\)\s*")
_REPORTED = re.compile(
    r"\b(?:said|says|say|showed|shows|show|noted|notes|added|adding|stated|"
    r"announced|revealed|reported|indicated)\b[^,;]{0,40}?\bthat\s+",
    re.IGNORECASE,
)
_LEADING_JOINERS = re.compile(
    r"^(?:and|while|whereas|with|but|as|which|of\s+which|or)\s+", re.IGNORECASE
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    headline: bool = False


def _is_headline(line):
    words = line.split()
    return 0 < len(words) <= HEADLINE_MAX_WORDS and not line.rstrip().endswith(".")


def sentences(text):
    """The sentences of ``text``: split on end punctuation and line breaks;
    a blank line starts a new paragraph; the first line is the headline."""
    found, start, paragraph = [], 0, 0
    first_line = text.split("\n", 1)[0]
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            word = re.search(r"([\w.]+)\.$", text[start : match.start() + 1])
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
        end = match.start() if match.group().startswith("\n") else match.end()
        if text[start:end].strip():
            found.append(
                Sentence(
                    start,
                    end,
                    paragraph,
                    headline=start == 0 and _is_headline(first_line),
                )
            )
        if match.group().startswith("\n"):
            paragraph += 1
        start = match.end()
    if text[start:].strip():
        found.append(Sentence(start, len(text), paragraph))
    return found


def clause_breaks(text, start, end):
    """(start, end) spans of the clause breaks in text[start:end]."""
    return [
        (m.start() + start, m.end() + start)
        for m in _CLAUSE_BREAK.finditer(text[start:end])
    ]


def quote_span(text, sentence, number_start, number_end, other_numbers):  # noqa: C901
    """The shortest clause around a number, as an exact (start, end) span."""
    start, end = sentence.start, sentence.end
    breaks = clause_breaks(text, start, end)
    left, right = start, end
    for b_start, b_end in breaks:
        if b_end <= number_start:
            left = b_end
        elif b_start >= number_end:
            right = b_start
            break
    while len(text[left:right].split()) < SHORT_QUOTE_WORDS and left > start:
        earlier = [b_end for _b_start, b_end in breaks if b_end < left]
        left = earlier[-1] if earlier else start
    for other_start, other_end in other_numbers:
        if left <= other_start < number_start:
            for joint in re.finditer(r"\s+and\s+", text[other_end:number_start]):
                cut = other_end + joint.end()
                if len(text[cut:number_start].split()) <= JOINED_FIGURE_WORDS:
                    left = other_end + joint.start() + 1
        elif number_end < other_start < right:
            for joint in re.finditer(r"\s+and\s+", text[number_end:other_start]):
                cut = number_end + joint.end()
                if len(text[cut:other_start].split()) <= JOINED_FIGURE_WORDS:
                    right = number_end + joint.start()
                    break
    attributions = list(_REPORTED.finditer(text, left, number_start))
    if attributions:
        left = attributions[-1].end()
    lead = _LEADING_JOINERS.match(text[left:right])
    if lead:
        left += lead.end()
    while right > left and text[right - 1] in ' .,;:\n"”)':
        right -= 1
    while left < right and text[left] in ' \n"“(-–—':
        left += 1
    return left, right


def clause_index(breaks, position):
    """Which clause of a sentence a position falls in (0 for the first)."""
    return sum(1 for _start, b_end in breaks if b_end <= position)
