"""Understand what a texter (or a caller's speech) asks for, in any enabled language.

The words come from the language packs (scripts_content/<lang>.yaml) and the catalogue; only
Twilio's own English opt-out, opt-in and help words live here, because Twilio itself acts on
them in every language.

Pure: no Flask, no Twilio, no database. ``KeywordTable.from_content`` does all the work on the
tables once, so ``match`` (called on every webhook) only normalises the one message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from ..content import Content, LanguagePack
from .normalise import has_unspaced_script, latin_only, normalise, split_numbers

# --- intents -----------------------------------------------------------------------------------

OPT_OUT = "opt_out"
OPT_IN = "opt_in"
HELP = "help"
SAFETY = "safety"
LANGUAGE = "language"
SHARE = "share"
UNKNOWN = "unknown"

#: Twilio's default opt-out, opt-in and help keywords. Twilio acts on these itself (it blocks
#: every later message after STOP), so the helpline must agree with it whatever the language.
TWILIO_RESERVED: Mapping[str, tuple[str, ...]] = {
    OPT_OUT: ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
    OPT_IN: ("START", "UNSTOP", "YES"),
    HELP: ("HELP", "INFO"),
}

#: Typo tolerance: one edit (insert, delete, substitute, swap two neighbours) in a word this long.
FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class Intent:
    """What a message asks for; ``language`` is the pack whose words matched (None: unknown)."""

    name: str
    language: str | None = None
    argument: str = ""


# --- typo tolerance ----------------------------------------------------------------------------


def _within_one_edit(a: str, b: str) -> bool:
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


def _fuzzy_eligible(word: str) -> bool:
    return len(word.replace(" ", "")) >= FUZZY_MIN_LENGTH and not any(c.isdigit() for c in word)


class _NearIndex:
    """Finds the known words one edit away from a word (symmetric-delete lookup)."""

    def __init__(self, words: Iterable[str]):
        self._keys: dict[str, set[str]] = {}
        self._longest = 0
        for word in words:
            if _fuzzy_eligible(word):
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
        return {known for known in found if known != word and _within_one_edit(word, known)}


# --- phrase tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    intent: str
    language: str | None
    text: str  # normalised
    words: tuple[str, ...]
    spaced: bool  # found on word boundaries; False: found anywhere (scripts without spaces)
    containable: bool  # may be found inside a longer message
    order: int  # earlier pack, then earlier intent and phrase, wins a tie
    marked: str = ""  # as written, accents kept: "menú" tells Spanish from English "menu"


@dataclass(frozen=True)
class _Hit:
    phrase: _Phrase
    edits: int


class _PhraseIndex:
    """Every phrase of one kind, indexed for the four ways a message may match it."""

    def __init__(self, phrases: Iterable[_Phrase]):
        self.exact: dict[str, list[_Phrase]] = {}
        self._by_first: dict[str, list[_Phrase]] = {}
        self._unspaced: list[_Phrase] = []
        for phrase in phrases:
            self.exact.setdefault(phrase.text, []).append(phrase)
            if not phrase.containable:
                continue
            if phrase.spaced:
                self._by_first.setdefault(phrase.words[0], []).append(phrase)
            else:
                self._unspaced.append(phrase)
        self._near_word = _NearIndex(self._by_first_words())
        self._near_text = _NearIndex(
            text for text, found in self.exact.items() if any(p.spaced for p in found)
        )

    def _by_first_words(self) -> set[str]:
        return {word for group in self._by_first.values() for p in group for word in p.words}

    def whole(self, message: str) -> list[_Hit]:
        return [_Hit(p, 0) for p in self.exact.get(message, ())]

    def contained(self, message: str, words: list[str]) -> list[_Hit]:
        hits = [_Hit(p, 0) for p in self._unspaced if p.text in message]
        for start, word in enumerate(words):
            for phrase in self._by_first.get(word, ()):
                end = start + len(phrase.words)
                if tuple(words[start:end]) == phrase.words:
                    hits.append(_Hit(phrase, 0))
        return hits

    def fuzzy_whole(self, message: str, words: list[str]) -> list[_Hit]:
        hits = [
            _Hit(p, 1)
            for text in self._near_text.near(message)
            for p in self.exact[text]
            if p.spaced
        ]
        return hits + self._windows(words, whole=True)

    def fuzzy_contained(self, words: list[str]) -> list[_Hit]:
        return self._windows(words, whole=False)

    def _windows(self, words: list[str], *, whole: bool) -> list[_Hit]:
        """Phrases whose every word matches a run of message words, each within one edit."""
        near: dict[str, set[str]] = {}

        def near_words(word: str) -> set[str]:
            if word not in near:
                near[word] = self._near_word.near(word)
            return near[word]

        hits: list[_Hit] = []
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
                            hits.append(_Hit(phrase, edits))
        return hits


def is_piece_intent(name: str) -> bool:
    """Words for one piece of a section are filed under its text id (``scripts.direct``)."""
    return "." in name


# --- the table ---------------------------------------------------------------------------------


class KeywordTable:
    """Every keyword of every enabled language, ready to match a message.

    Order of matching (the first that applies wins):

    1. reserved words: the whole message is one opt-out, opt-in or help word (Twilio's English
       words, language None, or a pack's ``reserved`` words);
    2. safety: a pack's safety phrase anywhere in the message (on word boundaries for Latin
       script, within one edit in words of 5+ letters);
    3. a language's name or code alone (intent ``language``);
    4. SHARE <number>: a ``share`` phrase starting the message, the rest as the argument;
    5. a bare main-menu number (the catalogue's keys), or the whole message being a piece's
       own words (SCRIPT 1, DIRECT: intents named ``<section>.<piece>``);
    6. any intent phrase: exact whole message, then a phrase inside the message as whole words,
       then the same two with one edit per word of 5+ letters;
    7. otherwise ``unknown``.

    Within a step: a longer phrase beats a shorter one, fewer typos beat more; a tie between
    languages goes to ``prefer`` (the texter's language) and then to the pack given first (the
    menu order of HELPLINE_LANGUAGES, so the default language); a tie inside one language goes
    to the intent listed first in its file.
    """

    def __init__(
        self,
        *,
        reserved: Mapping[str, Intent],
        safety: _PhraseIndex,
        languages: Mapping[str, list[_Phrase]],
        share: list[_Phrase],
        direct: Mapping[str, list[_Phrase]],
        intents: _PhraseIndex,
    ):
        self._reserved = reserved
        self._safety = safety
        self._languages = languages
        self._share = share
        self._direct = direct
        self._intents = intents

    @classmethod
    def from_content(cls, content: Content) -> KeywordTable:
        """The table of every enabled language, with the catalogue's menu numbers."""
        menu_numbers = {section.key: section.id for section in content.catalogue}
        return cls.from_packs(content, menu_numbers)

    @classmethod
    def from_packs(cls, packs: Iterable[LanguagePack],
                   menu_numbers: Mapping[str, str] | None = None) -> KeywordTable:
        """Normalise and index every pack's words once, in the order the packs are given.

        ``menu_numbers`` maps a bare number a texter sends to the section it opens.
        """
        reserved: dict[str, Intent] = {}
        for kind, words in TWILIO_RESERVED.items():
            for word in words:
                reserved[normalise(word)] = Intent(kind)
        phrases: list[_Phrase] = []
        safety: list[_Phrase] = []
        order = 0
        for pack in packs:
            for kind, words in pack.reserved.items():
                for word in words:
                    reserved.setdefault(normalise(word), Intent(kind, pack.code))
            intents = dict(pack.intents)
            intents[LANGUAGE] = (*intents.get(LANGUAGE, ()), pack.meta.name)
            for name, words in intents.items():
                for word in words:
                    order += 1
                    phrase = _make_phrase(name, pack.code, word, order, has_unspaced_script)
                    if phrase is not None:
                        phrases.append(phrase)
            for word in pack.safety_words:
                order += 1
                phrase = _make_phrase(SAFETY, pack.code, word, order, _not_latin)
                if phrase is not None:
                    safety.append(phrase)
        direct: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            if is_piece_intent(phrase.intent):
                direct.setdefault(phrase.text, []).append(phrase)
        for text, name in (menu_numbers or {}).items():
            if text not in direct:
                direct[text] = [_Phrase(name, None, text, (text,), True, False, 0)]
        languages: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            if phrase.intent == LANGUAGE:
                languages.setdefault(phrase.text, []).append(phrase)
        share = [p for p in phrases if p.intent == SHARE]
        return cls(
            reserved=reserved,
            safety=_PhraseIndex(safety),
            languages=languages,
            share=share,
            direct=direct,
            intents=_PhraseIndex(phrases),
        )

    def match(
        self,
        message: str,
        allowed: Collection[str] | None = None,
        *,
        prefer: str | None = None,
    ) -> Intent:
        """The intent of one message (an SMS body or a speech result).

        ``allowed`` limits the intents that may match, for a voice menu screen that only knows
        a few words; reserved words and safety phrases are only looked for when it is None.
        ``prefer`` is the texter's current language, which wins ties between languages.
        """
        text = normalise(message)
        if not text:
            return Intent(UNKNOWN)
        words = text.split(" ")
        # Accents are evidence of a language only when the message has some.
        marked = _marked(message)
        marked = "" if marked == text else marked

        def permitted(name: str) -> bool:
            return allowed is None or name in allowed

        def best(hits: Iterable[_Hit]) -> _Hit | None:
            usable = [hit for hit in hits if permitted(hit.phrase.intent)]
            return min(usable, key=lambda hit: _rank(hit, prefer, marked), default=None)

        if allowed is None:
            if text in self._reserved:
                return self._reserved[text]
            found = best(
                self._safety.contained(text, words)
                + self._safety.fuzzy_contained(words)
            )
            if found:
                return Intent(SAFETY, found.phrase.language)
        found = best(_Hit(p, 0) for p in self._languages.get(text, ()))
        if found:
            return Intent(LANGUAGE, found.phrase.language)
        shared = self._match_share(message, text, permitted, prefer, marked)
        if shared:
            return shared
        split = split_numbers(text)
        found = best(_Hit(p, 0) for p in self._direct.get(text) or self._direct.get(split, ()))
        if found:
            return Intent(found.phrase.intent, found.phrase.language)
        stages: tuple[Callable[[], list[_Hit]], ...] = (
            lambda: self._intents.whole(text),
            lambda: self._intents.contained(text, words),
            lambda: self._intents.fuzzy_whole(text, words),
            lambda: self._intents.fuzzy_contained(words),
        )
        for stage in stages:
            found = best(stage())
            if found:
                return Intent(found.phrase.intent, found.phrase.language)
        return Intent(UNKNOWN)

    def _match_share(
        self, message: str, text: str, permitted: Callable[[str], bool], prefer: str | None,
        marked: str,
    ) -> Intent | None:
        if not permitted(SHARE):
            return None
        if any(p.intent != SHARE for p in self._intents.exact.get(text, ())):
            return None  # "send to family" is its own intent, not SHARE with "family"
        split = split_numbers(text)
        starting = [
            _Hit(p, 0)
            for p in self._share
            if any(t == p.text or t.startswith(p.text + " ") for t in (text, split))
        ]
        if not starting:
            return None
        phrase = min(starting, key=lambda hit: _rank(hit, prefer, marked)).phrase
        return Intent(SHARE, phrase.language, _after_keyword(message, phrase.text))


def _rank(hit: _Hit, prefer: str | None, marked: str = "") -> tuple[int, int, int, int, int]:
    """Longer phrase, fewer typos, written with that language's accents, the texter's
    language, then file order."""
    phrase = hit.phrase
    accents = 0 if marked and phrase.marked == marked else 1
    return (-len(phrase.text), hit.edits, accents, 0 if phrase.language == prefer else 1,
            phrase.order)


_NOT_WORD = re.compile(r"[\W_]+")


def _marked(text: str) -> str:
    """Case and punctuation folded but accents kept, to tell "menú" from "menu"."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _not_latin(text: str) -> bool:
    return not latin_only(text)


def _make_phrase(
    intent: str, language: str, word: str, order: int, unspaced: Callable[[str], bool]
) -> _Phrase | None:
    text = normalise(word)
    if not text:
        return None
    return _Phrase(
        intent=intent,
        language=language,
        text=text,
        words=tuple(text.split(" ")),
        spaced=not unspaced(text),
        # A language code such as "en" is a word in French and Spanish: only alone it names one.
        containable=intent != LANGUAGE,
        order=order,
        marked=_marked(word),
    )


def _after_keyword(message: str, keyword: str) -> str:
    """The original words after a keyword that starts the message ("+1 555 0100")."""
    for end in _word_ends(message):
        head = normalise(message[:end])
        if head == keyword:
            return message[end:].strip().lstrip(":;,=").strip()
        if not keyword.startswith(head):
            break
    return ""


def _word_ends(message: str) -> Iterable[int]:
    for index in range(1, len(message) + 1):
        before = message[index - 1]
        after = message[index] if index < len(message) else ""
        if not before.isalnum():
            continue
        if not after or not after.isalnum() or before.isdigit() != after.isdigit():
            yield index
