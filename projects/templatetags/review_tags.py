"""The release review list (the FigureCandidate changelist): each proposal's
row of fields with the sentence it was read from under it."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def review_rows(cl, results):
    """[(cells, sentence)]: each changelist row's cells, in the page's order,
    with its proposal's sentence (quote marked)."""
    return list(zip(results, map(sentence_html, cl.result_list), strict=True))


def sentence_html(candidate):
    """The sentence a proposal was read from, its quote marked."""
    before, quote, after = in_sentence(candidate.source.text, candidate.quote)
    return format_html("…{}<mark>{}</mark>{}…", before, quote, after)


def in_sentence(text, quote):
    """The sentence around ``quote`` in ``text``, as (before, quote, after)."""
    start = text.find(quote)
    if start < 0:
        return "", quote, ""
    end = start + len(quote)
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right_stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_stops, default=len(text))
    return text[left:start].lstrip()[-200:], quote, text[end : right + 1][:200]
