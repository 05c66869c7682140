from pathlib import Path

import pytest

from sources.highlight import _normalised_with_offsets, highlight_quotes, quote_spans
from sources.text import normalise_for_match, quote_in_text, repair_text

RELEASES = Path(__file__).resolve().parent.parent / "fixtures" / "press_releases"


def _marked(segments):
    """{anchor: the text its quote covers}, rebuilt from the segments."""
    covered = {}
    for segment in segments:
        for anchor in segment["anchors"]:
            covered[anchor] = covered.get(anchor, "") + segment["text"]
    return covered


def test_highlight_quotes_segments_rebuild_the_original_text():
    text = "One.\n\nThe railway  carried 10 million passengers.\nTwo."

    segments = highlight_quotes(text, [(1, "carried 10 million")])

    assert "".join(s["text"] for s in segments) == text
    assert segments == [
        {"text": "One.\n\nThe railway  ", "anchors": [], "starts": []},
        {"text": "carried 10 million", "anchors": [1], "starts": [1]},
        {"text": " passengers.\nTwo.", "anchors": [], "starts": []},
    ]


def test_highlight_quotes_ignores_case_and_whitespace_but_keeps_the_original():
    text = "It has SERVED more\n   than 10\tmillion passengers."

    segments = highlight_quotes(text, [("a", "served more than 10 million")])

    assert _marked(segments) == {"a": "SERVED more\n   than 10\tmillion"}


def test_highlight_quotes_unifies_typographic_quotes_and_dashes():
    text = "China\u2019s \u201cBelt and Road\u201d \u2013 a decade\u00a0on."

    segments = highlight_quotes(text, [(7, 'China\'s "Belt and Road" - a decade on')])

    assert _marked(segments) == {7: text[:-1]}


def test_highlight_quotes_maps_casefold_expansion_to_the_original_characters():
    text = "Die Straße ist 12 km lang."

    segments = highlight_quotes(text, [(1, "STRASSE ist 12 km")])

    assert _marked(segments) == {1: "Straße ist 12 km"}


def test_highlight_quotes_identical_quotes_share_one_segment():
    text = "Before. A total of 171 countries signed. After."
    quote = "a total of 171 countries signed"

    segments = highlight_quotes(text, [(8, quote), (9, quote)])

    marked = [s for s in segments if s["anchors"]]
    assert marked == [
        {"text": "A total of 171 countries signed", "anchors": [8, 9], "starts": [8, 9]}
    ]


def test_highlight_quotes_overlapping_quotes_split_into_segments():
    text = "Xi said 171 countries signed 205 agreements in total."

    segments = highlight_quotes(
        text, [("a", "171 countries signed"), ("b", "signed 205 agreements")]
    )

    assert [(s["text"], s["anchors"], s["starts"]) for s in segments] == [
        ("Xi said ", [], []),
        ("171 countries ", ["a"], ["a"]),
        ("signed", ["a", "b"], ["b"]),
        (" 205 agreements", ["b"], []),
        (" in total.", [], []),
    ]
    assert _marked(segments) == {
        "a": "171 countries signed",
        "b": "signed 205 agreements",
    }


def test_highlight_quotes_nested_quote_starts_inside_the_outer_one():
    text = "The line carried more than 10 million passengers last year."

    segments = highlight_quotes(
        text, [("outer", "carried more than 10 million passengers"), ("inner", "10")]
    )

    assert [(s["text"], s["anchors"], s["starts"]) for s in segments] == [
        ("The line ", [], []),
        ("carried more than ", ["outer"], ["outer"]),
        ("10", ["outer", "inner"], ["inner"]),
        (" million passengers", ["outer"], []),
        (" last year.", [], []),
    ]


def test_highlight_quotes_each_anchor_starts_exactly_once():
    text = "aaa bbb ccc ddd"
    quotes = [(1, "aaa bbb"), (2, "bbb ccc"), (3, "aaa bbb ccc ddd"), (4, "ccc")]

    segments = highlight_quotes(text, quotes)

    starts = [anchor for s in segments for anchor in s["starts"]]
    assert sorted(starts) == [1, 2, 3, 4]
    assert _marked(segments) == {
        1: "aaa bbb",
        2: "bbb ccc",
        3: "aaa bbb ccc ddd",
        4: "ccc",
    }


@pytest.mark.parametrize("quote", ["not in this text at all", "", "   "])
def test_highlight_quotes_missing_or_empty_quote_marks_nothing(quote):
    text = "The railway opened in 2023."

    segments = highlight_quotes(text, [(1, quote)])

    assert segments == [{"text": text, "anchors": [], "starts": []}]


def test_highlight_quotes_first_occurrence_only():
    text = "10 million here, 10 million there."

    assert quote_spans(text, [(1, "10 MILLION")]) == [(0, 10, 1)]


def test_highlight_quotes_empty_text_gives_no_segments():
    assert highlight_quotes("", [(1, "anything")]) == []
    assert highlight_quotes(None, []) == []


def test_highlight_quotes_keeps_markup_as_plain_text():
    # Segments are text; the template escapes them.
    text = 'He said <b>"10 million"</b> & more.'

    segments = highlight_quotes(text, [(1, '"10 million"</b> &')])

    assert _marked(segments) == {1: '"10 million"</b> &'}


@pytest.mark.parametrize("path", sorted(RELEASES.glob("*.txt")), ids=lambda p: p.name)
def test_normalisation_is_the_same_as_quote_in_text(path):
    text = repair_text(path.read_text(encoding="utf-8"))

    normalised, offsets = _normalised_with_offsets(text)

    assert normalised.strip() == normalise_for_match(text)
    assert len(offsets) == len(normalised)


@pytest.mark.parametrize("path", sorted(RELEASES.glob("*.txt")), ids=lambda p: p.name)
def test_every_found_quote_matches_its_original_text(path):
    text = repair_text(path.read_text(encoding="utf-8"))
    # Every sentence of the release, with its whitespace re-flowed.
    sentences = [" ".join(s.split()) for s in text.split(".") if s.strip()]

    spans = quote_spans(text, list(enumerate(sentences)))

    assert len(spans) == len(sentences)
    for start, end, index in spans:
        original = text[start:end]
        assert normalise_for_match(original) == normalise_for_match(sentences[index])
        assert quote_in_text(original, text)
