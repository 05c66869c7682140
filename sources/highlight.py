"""Quotes found in a source's text, as segments a template can mark up.

Matching uses the normalisation of ``sources.text.quote_in_text`` (case,
whitespace runs, typographic quotes and dashes aside), so a quote that
validates is also highlighted; matches are mapped back to the original
characters, so readers see the text exactly as it was published.
"""

from itertools import pairwise

from sources.text import normalise_for_match


def _normalised_with_offsets(text):
    """``normalise_for_match(text)`` without the final strip, and for each of
    its characters the index of the original character it comes from.

    Characters are normalised one at a time with ``normalise_for_match``
    itself: whitespace comes out empty (it is stripped), and a run of it
    becomes one space pointing at the run's first character. Casefolding may
    expand a character ("ß" -> "ss"); every piece points at that character.
    """
    pieces, offsets, cache = [], [], {}
    in_space = False
    for index, char in enumerate(text):
        folded = cache.get(char)
        if folded is None:
            folded = cache[char] = normalise_for_match(char)
        if not folded:
            if not in_space:
                pieces.append(" ")
                offsets.append(index)
            in_space = True
            continue
        in_space = False
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(pieces), offsets


def quote_spans(text, quotes):
    """``[(start, end, anchor)]``: where each ``(anchor, quote)`` first occurs
    in ``text``, as original character offsets (end exclusive). Quotes that
    are empty or not in the text are left out."""
    normalised, offsets = _normalised_with_offsets(text or "")
    spans = []
    for anchor, quote in quotes:
        needle = normalise_for_match(quote)
        position = normalised.find(needle) if needle else -1
        if position < 0:
            continue
        start = offsets[position]
        end = offsets[position + len(needle) - 1] + 1
        spans.append((start, end, anchor))
    return spans


def highlight_quotes(text, quotes):
    """Split ``text`` into segments around the ``(anchor, quote)`` pairs.

    Returns ``[{"text", "anchors", "starts"}]`` covering the whole text in
    order. ``anchors`` lists the anchors whose quote covers the segment (empty
    for plain text), in the order they were given; ``starts`` lists those
    whose quote begins at this segment, so each anchor appears in exactly one
    ``starts`` and a page can give its element id there. Overlapping and
    identical quotes split the text where any of them starts or ends.
    """
    text = text or ""
    spans = quote_spans(text, quotes)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments, started = [], set()
    for start, end in pairwise(cuts):
        covering = [i for i, (s, e, _) in enumerate(spans) if s <= start and end <= e]
        starts = [i for i in covering if i not in started]
        started.update(starts)
        segments.append(
            {
                "text": text[start:end],
                "anchors": [spans[i][2] for i in covering],
                "starts": [spans[i][2] for i in starts],
            }
        )
    return segments
