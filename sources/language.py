"""Is a release's text English? A rough check from the scripts its letters are
written in and from its commonest words. Pure functions.

The extractor reads English only, so a release in another language yields no
figures; these say why, instead of an empty result without a word.
"""

import re
import unicodedata
from collections import Counter

MOSTLY = 0.5  # a text whose letters are under half Latin is not English
MIN_WORDS = 40  # too few words to judge by the commonest English ones
MIN_ENGLISH_WORDS = 0.04  # share of "the", "and", "of"... in English prose

# Scripts named by the first word of a letter's Unicode name, grouped as
# readers name them: Chinese, Japanese and Korean letters are all "CJK".
_CJK = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC"}
_ENGLISH_WORDS = frozenset(
    "the and of to in a is was for on with has have by that from at as it "
    "are this were be its which or an will".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def script_of(letter):
    """ "Latin", "CJK", "Cyrillic", "Arabic"...: the script of one letter."""
    first = unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]
    if first in _CJK:
        return "CJK"
    return first.capitalize()


def letter_shares(text):
    """{script: share of the text's letters}, largest first; {} without
    letters."""
    counts = Counter(script_of(c) for c in text if c.isalpha())
    total = sum(counts.values())
    return {script: n / total for script, n in counts.most_common()}


def not_english(text):
    """Why ``text`` is not English ("the text is mostly not English: 85% of
    its letters are CJK"), or "" when it may well be."""
    shares = letter_shares(text)
    if not shares:
        return "the text has no letters"
    if shares.get("Latin", 0) < MOSTLY:
        script, share = next((s, v) for s, v in shares.items() if s != "Latin")
        return (
            f"the text is mostly not English: {share:.0%} of its letters are {script}"
        )
    words = [w.casefold() for w in _WORD.findall(text)]
    english = sum(w in _ENGLISH_WORDS for w in words)
    if len(words) >= MIN_WORDS and english / len(words) < MIN_ENGLISH_WORDS:
        return (
            "the text is mostly not English: it is in Latin letters, but only "
            f"{english} of its {len(words)} words are common English ones "
            "(the, and, of…)"
        )
    return ""


def no_figures_reason(text):
    """What to tell an editor when the extractor found no figure in
    ``text``: not English, or English without a counted number."""
    reason = not_english(text)
    if reason:
        return f"No English figures found: {reason}."
    if not re.search(r"\d", text):
        return "No figures found: the text is in English but states no numbers."
    return (
        "No figures found: the text is in English, but none of its numbers "
        "counts anything the tracker records (passengers, trains, cargo, "
        "investment, jobs, partners…)."
    )
