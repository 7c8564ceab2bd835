"""Phrases as they are matched: normalised once, indexed, found whole, inside or within a typo.

The rules that decide which kind of word wins live in keywords.py; this module only knows how
one phrase is found in one message. Pure: no Flask, no Twilio, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .normalise import has_unspaced_script, latin_only, normalise

#: Typo tolerance: one edit (insert, delete, substitute, swap two neighbours) in a word this long.
FUZZY_MIN_LENGTH = 5


# --- typo tolerance ----------------------------------------------------------------------------


def within_one_edit(a: str, b: str) -> bool:
    """Damerau (optimal string alignment) distance of at most 1, in linear time."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < la and i < lb and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def _deletes(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def fuzzy_eligible(word: str) -> bool:
    """Whether a typo in this word is forgiven (5+ letters, no digits)."""
    return len(word.replace(" ", "")) >= FUZZY_MIN_LENGTH and not any(c.isdigit() for c in word)


class NearIndex:
    """Finds the known words one edit away from a word (symmetric-delete lookup)."""

    def __init__(self, words: Iterable[str]):
        self._keys: dict[str, set[str]] = {}
        self._longest = 0
        for word in words:
            if fuzzy_eligible(word):
                self._longest = max(self._longest, len(word))
                for key in _deletes(word):
                    self._keys.setdefault(key, set()).add(word)

    def near(self, word: str) -> set[str]:
        if not FUZZY_MIN_LENGTH - 1 <= len(word) <= self._longest + 1:
            return set()  # also keeps a long message from costing a delete per character
        if any(c.isdigit() for c in word):
            return set()
        found: set[str] = set()
        for key in _deletes(word):
            found |= self._keys.get(key, set())
        return {known for known in found if known != word and within_one_edit(word, known)}


# --- phrases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    intent: str
    language: str | None
    text: str  # normalised
    words: tuple[str, ...]
    spaced: bool  # found on word boundaries; False: found anywhere (scripts without spaces)
    containable: bool  # may be found inside a longer message
    order: int  # earlier pack, then earlier intent and phrase, wins a tie
    marked: str = ""  # as written, accents kept: "menú" tells Spanish from English "menu"


@dataclass(frozen=True)
class Hit:
    phrase: Phrase
    edits: int


_NOT_WORD = re.compile(r"[\W_]+")


def marked(text: str) -> str:
    """Case and punctuation folded but accents kept, to tell "menú" from "menu"."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def unspaced_keyword(text: str) -> bool:
    """Keywords: found anywhere only in scripts written without spaces (Chinese)."""
    return has_unspaced_script(text)


def unspaced_phrase(text: str) -> bool:
    """Opt-out and safety phrases: also anywhere when they are several words of a script that
    glues endings and particles to words (Cyrillic, Arabic: "не могу дышать", "الم في الصدر");
    a one-word phrase is only ever a whole word ("хватит" is not in "хватитли")."""
    return has_unspaced_script(text) or (" " in text and not latin_only(text))


def make_phrase(intent: str, language: str | None, word: str, order: int,
                unspaced: Callable[[str], bool], *, containable: bool = True) -> Phrase | None:
    text = normalise(word)
    if not text:
        return None
    return Phrase(
        intent=intent,
        language=language,
        text=text,
        words=tuple(text.split(" ")),
        spaced=not unspaced(text),
        containable=containable,
        order=order,
        marked=marked(word),
    )


def rank(hit: Hit, prefer: str | None, accents: str = "") -> tuple[int, int, int, int, int]:
    """Longer phrase, fewer typos, written with that language's accents, the texter's
    language, then file order."""
    phrase = hit.phrase
    unaccented = 0 if accents and phrase.marked == accents else 1
    return (-len(phrase.text), hit.edits, unaccented, 0 if phrase.language == prefer else 1,
            phrase.order)


class PhraseIndex:
    """Every phrase of one kind, indexed for the four ways a message may match it."""

    def __init__(self, phrases: Iterable[Phrase]):
        self.exact: dict[str, list[Phrase]] = {}
        self._by_first: dict[str, list[Phrase]] = {}
        self._unspaced: list[Phrase] = []
        for phrase in phrases:
            self.exact.setdefault(phrase.text, []).append(phrase)
            if not phrase.containable:
                continue
            if phrase.spaced:
                self._by_first.setdefault(phrase.words[0], []).append(phrase)
            else:
                self._unspaced.append(phrase)
        self._near_word = NearIndex(
            {word for group in self._by_first.values() for p in group for word in p.words}
        )
        self._near_text = NearIndex(
            text for text, found in self.exact.items() if any(p.spaced for p in found)
        )

    def whole(self, message: str) -> list[Hit]:
        return [Hit(p, 0) for p in self.exact.get(message, ())]

    def starting(self, words: list[str]) -> list[Hit]:
        """Phrases that are the first words of the message."""
        return [Hit(p, 0) for p in self._by_first.get(words[0], ())
                if tuple(words[: len(p.words)]) == p.words]

    def contained(self, message: str, words: list[str]) -> list[Hit]:
        hits = [Hit(p, 0) for p in self._unspaced if p.text in message]
        for start, word in enumerate(words):
            for phrase in self._by_first.get(word, ()):
                end = start + len(phrase.words)
                if tuple(words[start:end]) == phrase.words:
                    hits.append(Hit(phrase, 0))
        return hits

    def fuzzy_whole(self, message: str, words: list[str]) -> list[Hit]:
        hits = [
            Hit(p, 1)
            for text in self._near_text.near(message)
            for p in self.exact[text]
            if p.spaced
        ]
        return hits + self._windows(words, whole=True)

    def fuzzy_contained(self, words: list[str]) -> list[Hit]:
        return self._windows(words, whole=False)

    def _windows(self, words: list[str], *, whole: bool) -> list[Hit]:
        """Phrases whose every word matches a run of message words, each within one edit."""
        near: dict[str, set[str]] = {}

        def near_words(word: str) -> set[str]:
            if word not in near:
                near[word] = self._near_word.near(word)
            return near[word]

        hits: list[Hit] = []
        starts = range(1) if whole else range(len(words))
        for start in starts:
            if start >= len(words):
                break
            for first in {words[start], *near_words(words[start])}:
                for phrase in self._by_first.get(first, ()):
                    end = start + len(phrase.words)
                    if end > len(words) or (whole and end != len(words)):
                        continue
                    edits = 0
                    for said, known in zip(words[start:end], phrase.words, strict=True):
                        if said == known:
                            continue
                        if known not in near_words(said):
                            break
                        edits += 1
                    else:
                        if edits:
                            hits.append(Hit(phrase, edits))
        return hits
