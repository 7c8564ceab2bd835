"""Words that would be mistaken for one another, found before any texter meets them.

``helpline content check`` runs this over every language file. Each word of every kind is read
by the real matcher, alone, as a texter (or, for words heard on calls, a caller) would send it,
and must come back as itself: a keyword that holds an opt-out phrasing, a command that is
another language's keyword, a safety phrase inside a harmless word all show up here. Then every
word is held against the reserved words and the opt-out phrasings and their one-edit
neighbours (a typo of STOP must never be a keyword), and typo-tolerant keywords against each
other. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..content import Content, Problem
from .keywords import (
    CALLS_ONLY,
    DIGIT_PREFIX,
    KEYWORD,
    LANGUAGE_NAME,
    OPT_OUT,
    SAFETY,
    TWILIO_RESERVED,
    WITH_DATE,
    WITH_LANGUAGE,
    WITH_NUMBER,
    Intent,
    KeywordTable,
)
from .normalise import normalise
from .phrases import fuzzy_eligible, within_one_edit

#: What follows a command with an argument when it is tried alone.
SAMPLE_ARGUMENTS = {WITH_NUMBER: "+44 7700 900123", WITH_DATE: "12 5"}

#: The answers of a yes-or-no screen, which keeps only back besides (the key card): their words
#: are heard there and nowhere else, so "again" may mean "no, type it again" there and
#: "repeat" on every other screen.
YES_NO = frozenset({"yes", "no"})
BACK = "previous"

#: Shorter words than this are not held against their one-edit neighbours: at two or three
#: letters almost every word is one edit from another (EN, ES, END), and none is matched
#: with a typo.
NEIGHBOUR_MIN_LENGTH = 4


@dataclass(frozen=True)
class Word:
    """One word of one language, with the list it is in and what it must be read as."""

    path: Path
    language: str
    where: str  # the list in the file, e.g. intents.more
    text: str  # as written
    intent: str
    kind: str


def words_of(content: Content, table: KeywordTable) -> Iterator[Word]:
    for pack in content:
        for name, words in pack.intents.items():
            for word in words:
                yield Word(pack.path, pack.code, f"intents.{name}", word, name, table.kind(name))
        yield Word(pack.path, pack.code, "language.name", pack.meta.name, "language",
                   table.kind("language"))
        for key, words in pack.spoken_digits.items():
            for word in words:
                name = DIGIT_PREFIX + key
                yield Word(pack.path, pack.code, f"spoken_digits.{key}", word, name,
                           table.kind(name))
        for kind, words in pack.reserved.items():
            for word in words:
                yield Word(pack.path, pack.code, f"reserved.{kind}", word, kind, "reserved")
        for word in pack.opt_out_phrases:
            yield Word(pack.path, pack.code, "opt_out_phrases", word, OPT_OUT, "opt-out phrasing")
        for word in pack.safety_words:
            yield Word(pack.path, pack.code, "safety_words", word, SAFETY, "safety phrase")


def collision_problems(content: Content) -> list[Problem]:
    """Every collision in the enabled languages, worded for the content editor."""
    table = KeywordTable.from_content(content)
    words = list(words_of(content, table))
    problems = [p for word in words if (p := _misread(word, table, content)) is not None]
    problems += _near_reserved(words)
    problems += _near_keywords(words)
    return problems


def _describe(intent: Intent) -> str:
    if intent.name == "unknown":
        return "nothing (no rule finds it)"
    where = f" ({intent.language})" if intent.language else ""
    urgent = " with a safety phrase" if intent.urgent else ""
    return f"{intent.name}{where}{urgent}"


def _misread(word: Word, table: KeywordTable, content: Content) -> Problem | None:
    """The word alone must be read as its own intent."""
    allowed = None
    message = word.text
    if word.kind in CALLS_ONLY:
        heard = {w for w, k in table.kinds().items() if k in CALLS_ONLY}
        allowed = YES_NO | {BACK} if word.intent in YES_NO else (heard - YES_NO) | {word.intent}
    elif word.kind == WITH_LANGUAGE:
        message = f"{word.text} {content.default.meta.name}"
    elif word.kind in SAMPLE_ARGUMENTS:
        message = f"{word.text} {SAMPLE_ARGUMENTS[word.kind]}"
    got = table.match(message, allowed)
    if got.name == word.intent and not got.urgent:
        return None
    return Problem(word.path, word.where,
                   f"{word.text!r} ({word.kind}) is read as {_describe(got)}.",
                   "Remove or change one of the two words: each word must mean one thing in "
                   "every language (see vocabulary: in catalogue.yaml).")


def _deletes(text: str) -> set[str]:
    return {text} | {text[:i] + text[i + 1:] for i in range(len(text))}


class _Neighbours:
    """Texts one edit from a text (symmetric-delete lookup), so no pair is tried twice."""

    def __init__(self, texts: list[str]):
        self._keys: dict[str, set[str]] = {}
        for text in texts:
            for key in _deletes(text):
                self._keys.setdefault(key, set()).add(text)

    def of(self, text: str) -> set[str]:
        found: set[str] = set()
        for key in _deletes(text):
            found |= self._keys.get(key, set())
        return {other for other in found if within_one_edit(text, other)}


def _near_reserved(words: list[Word]) -> list[Problem]:
    """No word is a reserved word or an opt-out phrasing, or one edit from one, unless it
    means the same."""
    guarded: dict[str, list[tuple[str, str]]] = {}  # normalised -> (intent, where it is from)
    for kind, twilio in TWILIO_RESERVED.items():
        for text in twilio:
            guarded.setdefault(normalise(text), []).append((kind, "Twilio's reserved words"))
    for word in words:
        if word.kind in ("reserved", "opt-out phrasing"):
            guarded.setdefault(normalise(word.text), []).append(
                (word.intent, f"{word.path.name} {word.where}"))
    near = _Neighbours([t for t in guarded if len(t) >= NEIGHBOUR_MIN_LENGTH])
    problems = []
    for word in words:
        if word.kind in CALLS_ONLY or word.kind == "safety phrase":
            continue  # heard on calls only / matched before any reserved word could be meant
        text = normalise(word.text)
        if len(text) < NEIGHBOUR_MIN_LENGTH:
            continue
        clash = next(((other, intent, source) for other in sorted(near.of(text))
                      for intent, source in guarded[other] if intent != word.intent), None)
        if clash is None:
            continue
        other, intent, source = clash
        how = "the same as" if other == text else "one typing slip from"
        problems.append(Problem(
            word.path, word.where,
            f"{word.text!r} ({word.kind}) is {how} {other!r} ({intent}, {source}).",
            "Choose a word further from the words that stop, start or ask for help."))
    return problems


def _near_keywords(words: list[Word]) -> list[Problem]:
    """Keywords are read with one typo per word: two keywords of different meanings one edit
    apart would catch each other's typos."""
    tolerant: dict[str, list[Word]] = {}
    for word in words:
        text = normalise(word.text)
        if word.kind in (KEYWORD, LANGUAGE_NAME) and fuzzy_eligible(text):
            tolerant.setdefault(text, []).append(word)
    near = _Neighbours(list(tolerant))
    problems = []
    for text in sorted(tolerant):
        for other in sorted(near.of(text)):
            if other <= text:
                continue  # each pair once; the same word twice is for _misread
            word = tolerant[text][0]
            clash = next((w for w in tolerant[other] if w.intent != word.intent), None)
            if clash is None:
                continue
            problems.append(Problem(
                word.path, word.where,
                f"{word.text!r} ({word.intent}) is one typing slip from {clash.text!r} "
                f"({clash.intent}, {clash.path.name}).",
                "Drop one of them, or choose a word that differs more."))
    return problems
