"""Understand what a texter (or a caller's speech) asks for, in any enabled language.

The words come from the language packs (scripts_content/<lang>.yaml), each list with its kind
from the catalogue's ``vocabulary:``; only Twilio's own English opt-out, opt-in and help words
live here, because Twilio itself acts on them in every language. Each kind has its own rule
(see ``KeywordTable``), so a short command never hides inside a sentence and a request to stop
is never answered with content.

Pure: no Flask, no Twilio, no database. ``KeywordTable.from_content`` does all the work on the
tables once, so ``match`` (called on every webhook) only normalises the one message, and its
work grows linearly with the message.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from ..content import Content, LanguagePack
from ..content.vocabulary import SPOKEN_DIGITS
from .normalise import has_unspaced_script, normalise, script_of, split_numbers
from .phrases import (
    ANYWHERE,
    WORD_START,
    WORDS,
    Hit,
    Phrase,
    PhraseIndex,
    make_phrase,
    marked,
)

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

#: Twilio's opt-out words that ask to stop whatever follows them ("STOP ALL", "stop texting
#: me"), honoured as STOP whatever languages are enabled. (CANCEL, END and QUIT start too many
#: other sentences: "end of treatment", "end my life".)
TWILIO_STOP_FIRST = ("STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT")

# --- kinds (as written in catalogue.yaml's vocabulary:) ----------------------------------------

KEYWORD = "keyword"
COMMAND = "command"
WITH_NUMBER = "command with a number"
WITH_DATE = "command with a date"
WITH_LANGUAGE = "command with a language"
LANGUAGE_NAME = "language name"
NAVIGATION = "spoken navigation"
DIGIT = "spoken digit"
KINDS = (KEYWORD, COMMAND, WITH_NUMBER, WITH_DATE, WITH_LANGUAGE, LANGUAGE_NAME, NAVIGATION,
         DIGIT)
#: Kinds matched only as the whole message, exactly (no typo, no sentence around them).
WHOLE_MESSAGE = frozenset({COMMAND, DIGIT})
#: Kinds that are followed by what they act on: "SHARE +44 7700 900123".
WITH_ARGUMENT = frozenset({WITH_NUMBER, WITH_DATE, WITH_LANGUAGE})
#: Kinds heard on calls only: a text never matches them (a screen names them in ``allowed``).
CALLS_ONLY = frozenset({NAVIGATION, DIGIT})

#: The kinds the code relies on, for a catalogue without vocabulary: (a small test catalogue).
DEFAULT_KINDS: Mapping[str, str] = {SHARE: WITH_NUMBER, LANGUAGE: LANGUAGE_NAME}

#: A pack's spoken digits become intents "key_1", "key_star", ...
DIGIT_PREFIX = "key_"


@dataclass(frozen=True)
class Intent:
    """What a message asks for; ``language`` is the pack whose words matched (None: unknown).

    ``urgent`` marks an opt-out that also holds a safety phrase: both are answered.
    """

    name: str
    language: str | None = None
    argument: str = ""
    urgent: bool = False


def is_piece_intent(name: str) -> bool:
    """Words for one piece of a section are filed under its text id (``scripts.direct``)."""
    return "." in name


def _keyword_place(text: str) -> str:
    return ANYWHERE if has_unspaced_script(text) else WORDS


def _safety_place(text: str) -> str:
    """Latin safety phrases as whole words; Cyrillic from a word start (case endings vary);
    Arabic and scripts without spaces anywhere (Arabic words carry their clitics)."""
    scripts = {script_of(ch) for ch in text if ch != " " and not ch.isdigit()}
    if scripts <= {"latin"}:
        return WORDS
    if scripts <= {"latin", "cyrillic", "greek"}:
        return WORD_START
    return ANYWHERE


# --- the table ---------------------------------------------------------------------------------


class KeywordTable:
    """Every word of every enabled language, ready to match a message.

    Rules by kind, in this order (the first that applies wins):

    1. reserved words: the whole message is one opt-out, opt-in or help word (Twilio's English
       words, language None, or a pack's ``reserved`` words);
    2. opt-out phrasings (a pack's ``opt_out_phrases``): a one-word phrasing as the whole
       message or its first word ("STOP ALL", "Stop please"), a longer one anywhere as whole
       words ("please stop all messages"). If the message also holds a safety phrase, the
       intent is ``urgent``: the texter gets the urgent-care text and the opt-out;
    3. safety phrases anywhere, without typo tolerance, one-word phrases only as whole words;
    4. a language's name or code alone (intent ``language``);
    5. whole-message commands (MORE, ALL, LISTEN, REMIND OFF, FORGET, ...): exactly the whole
       message, no typo;
    6. commands with an argument (SHARE <number>, REMIND <date>, QUESTIONS <language>): the
       command starting the message, the rest as the argument;
    7. a bare main-menu number (the catalogue's keys), or the whole message being a piece's
       own words (SCRIPT 1, DIRECT: intents named ``<section>.<piece>``);
    8. section keywords and the menu: exact whole message, then inside the message as whole
       words, then the same two with one edit per word of 5+ letters;
    9. otherwise ``unknown``.

    Spoken navigation and spoken digits are for calls: only a screen that lists them in
    ``allowed`` hears them (digits only as the whole message).

    Within a step: a longer phrase beats a shorter one, fewer typos beat more; a tie between
    languages goes to ``prefer`` (the texter's language), then to the pack given first (menu
    order, so the default language), inside one language to the intent listed first. A typo
    of another language's word keeps ``prefer`` as the intent's language ("meny").
    """

    def __init__(self, *, reserved: Mapping[str, Intent], opt_out_first: Mapping[str, Phrase],
                 opt_out: PhraseIndex, safety: PhraseIndex, languages: Mapping[str, list[Phrase]],
                 whole: Mapping[str, list[Phrase]], arguments: list[Phrase],
                 direct: Mapping[str, list[Phrase]], intents: PhraseIndex,
                 kinds: Mapping[str, str]):
        self._reserved = reserved
        self._opt_out_first = opt_out_first
        self._opt_out = opt_out
        self._safety = safety
        self._languages = languages
        self._whole = whole
        self._arguments = arguments
        self._direct = direct
        self._intents = intents
        self._kinds = kinds

    @classmethod
    def from_content(cls, content: Content) -> KeywordTable:
        """The table of every enabled language, with the catalogue's menu numbers and kinds."""
        menu_numbers = {section.key: section.id for section in content.catalogue}
        return cls.from_packs(content, menu_numbers, content.catalogue.vocabulary)

    @classmethod
    def from_packs(cls, packs: Iterable[LanguagePack],
                   menu_numbers: Mapping[str, str] | None = None,
                   kinds: Mapping[str, str] | None = None) -> KeywordTable:
        """Normalise and index every pack's words once, in the order the packs are given.

        ``menu_numbers`` maps a bare number a texter sends to the section it opens; ``kinds``
        gives each word list's kind (a list not named is a keyword).
        """
        kinds = {**DEFAULT_KINDS, **(kinds or {})}
        reserved: dict[str, Intent] = {}
        for kind, words in TWILIO_RESERVED.items():
            for word in words:
                reserved[normalise(word)] = Intent(kind)
        phrases: list[Phrase] = []
        safety: list[Phrase] = []
        opt_out: list[Phrase] = []
        order = 0
        for pack in packs:
            for kind, words in pack.reserved.items():
                for word in words:
                    reserved.setdefault(normalise(word), Intent(kind, pack.code))
            intents = dict(pack.intents)
            intents[LANGUAGE] = (*intents.get(LANGUAGE, ()), pack.meta.name)
            for key, words in pack.spoken_digits.items():
                intents[DIGIT_PREFIX + key] = words
            for name, words in intents.items():
                for word in words:
                    order += 1
                    # A language code such as "en" is a word in French and Spanish: only
                    # alone it names one.
                    phrase = make_phrase(name, pack.code, word, order, _keyword_place,
                                         containable=name != LANGUAGE)
                    if phrase is not None:
                        phrases.append(phrase)
            for name, source, place, into in (
                    (SAFETY, pack.safety_words, _safety_place, safety),
                    (OPT_OUT, pack.opt_out_phrases, _keyword_place, opt_out)):
                for word in source:
                    order += 1
                    phrase = make_phrase(name, pack.code, word, order, place)
                    if phrase is not None:
                        into.append(phrase)
        for name in list(kinds):
            if name.startswith(DIGIT_PREFIX) or name == SPOKEN_DIGITS:
                kinds.pop(name)
        kinds.update({p.intent: DIGIT for p in phrases if p.intent.startswith(DIGIT_PREFIX)})

        def kind(phrase: Phrase) -> str:
            return kinds.get(phrase.intent, KEYWORD)

        direct: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if is_piece_intent(phrase.intent):
                direct.setdefault(phrase.text, []).append(phrase)
        for text, name in (menu_numbers or {}).items():
            if text not in direct:
                direct[text] = [Phrase(name, None, text, (text,), WORDS, False, 0)]
        languages: dict[str, list[Phrase]] = {}
        whole: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if kind(phrase) == LANGUAGE_NAME:
                languages.setdefault(phrase.text, []).append(phrase)
            elif kind(phrase) in WHOLE_MESSAGE:
                whole.setdefault(phrase.text, []).append(phrase)
        first = {p.text: p for p in reversed(opt_out) if p.spaced and len(p.words) == 1}
        for word in TWILIO_STOP_FIRST:
            text = normalise(word)
            first.setdefault(text, Phrase(OPT_OUT, None, text, (text,), WORDS, True, 0))
        return cls(
            reserved=reserved,
            opt_out_first=first,
            opt_out=PhraseIndex(p for p in opt_out if p.text not in first),
            safety=PhraseIndex(safety),
            languages=languages,
            whole=whole,
            arguments=[p for p in phrases if kind(p) in WITH_ARGUMENT],
            direct=direct,
            intents=PhraseIndex(p for p in phrases
                                if kind(p) in (KEYWORD, NAVIGATION, LANGUAGE_NAME)),
            kinds=kinds,
        )

    def danger(self, message: str) -> str | None:
        """The language of a safety phrase anywhere in ``message`` (a caller's speech on any
        screen), or None. The same phrases and rules as a text's."""
        text = normalise(message)
        if not text:
            return None
        hits = self._safety.contained(text, text.split(" "))
        return hits[0].phrase.language or "" if hits else None

    def language_named(self, text: str) -> str | None:
        """The language whose name or code ``text`` is ("ZH", "中文", "français"), or None."""
        named = self._languages.get(normalise(text))
        return named[0].language if named else None

    def kind(self, intent: str) -> str:
        """The kind of an intent's words (reserved, opt-out and safety are their own)."""
        return self._kinds.get(intent, KEYWORD)

    def kinds(self) -> Mapping[str, str]:
        """Every intent given a kind other than keyword, with its kind."""
        return dict(self._kinds)

    def match(
        self,
        message: str,
        allowed: Collection[str] | None = None,
        *,
        prefer: str | None = None,
    ) -> Intent:
        """The intent of one message (an SMS body or a speech result).

        ``allowed`` limits the intents that may match, for a voice menu screen that only knows
        a few words; reserved words, opt-out phrasings and safety phrases are only looked for
        when it is None, and spoken navigation and digits only when it names them.
        ``prefer`` is the texter's current language, which wins ties between languages.
        """
        text = normalise(message)
        if not text:
            return Intent(UNKNOWN)
        words = text.split(" ")
        # Accents are evidence of a language only when the message has some.
        accents = _marked_if_accented(message, text)

        def permitted(name: str) -> bool:
            if allowed is None:
                return self.kind(name) not in CALLS_ONLY
            return name in allowed

        def best(hits: Iterable[Hit]) -> Hit | None:
            usable = [hit for hit in hits if permitted(hit.phrase.intent)]
            return min(usable, key=lambda hit: _rank(hit, prefer, accents), default=None)

        def found_intent(hit: Hit, argument: str = "") -> Intent:
            return Intent(hit.phrase.intent, hit.phrase.language, argument)

        if allowed is None:
            early = self._match_reserved(text, words, prefer, accents)
            if early:
                return early
        found = best(Hit(p, 0) for p in self._languages.get(text, ()))
        if found:
            return Intent(LANGUAGE, found.phrase.language)
        split = split_numbers(text)
        found = best(Hit(p, 0) for p in self._whole.get(text) or self._whole.get(split, ()))
        if found:
            return found_intent(found)
        argued = self._match_argument(message, text, permitted, prefer, accents)
        if argued:
            return argued
        found = best(Hit(p, 0) for p in self._direct.get(text) or self._direct.get(split, ()))
        if found:
            return found_intent(found)
        stages: tuple[Callable[[], list[Hit]], ...] = (
            lambda: self._intents.whole(text),
            lambda: self._intents.contained(text, words),
            lambda: self._intents.fuzzy_whole(text, words),
            lambda: self._intents.fuzzy_contained(words),
        )
        for stage in stages:
            found = best(stage())
            if found:
                if found.edits and prefer and found.phrase.language not in (None, prefer):
                    return Intent(found.phrase.intent, prefer)  # "meny": a typo keeps English
                return found_intent(found)
        return Intent(UNKNOWN)

    def item_request(self, message: str, sections: Collection[str]) -> tuple[str, int] | None:
        """("checklist", 3) for "CHECKLIST 3" or "question 7": one of a section's own words,
        exactly (no typo), then a number, as the whole message."""
        text = split_numbers(normalise(message))
        head, _, number = text.rpartition(" ")
        if not head or not number.isdigit() or len(number) > 3:
            return None
        for phrase in self._intents.exact.get(head, ()):
            if phrase.intent in sections:
                return phrase.intent, int(number)
        return None

    def topics(self, message: str, sections: Collection[str]) -> list[str]:
        """The sections a message names, as whole words and without typos, in the order it
        names them ("my records and the questions": checklist, then questions)."""
        text = normalise(message)
        first: dict[str, int] = {}
        for hit in self._intents.contained(text, text.split(" ")) if text else ():
            if hit.phrase.intent in sections:
                at = text.find(hit.phrase.text)
                first[hit.phrase.intent] = min(first.get(hit.phrase.intent, at), at)
        return sorted(first, key=first.__getitem__)

    def _match_reserved(self, text: str, words: list[str], prefer: str | None,
                        accents: str) -> Intent | None:
        """Steps 1 to 3: reserved words, opt-out phrasings, safety phrases."""
        if text in self._reserved:
            return self._reserved[text]

        def best(hits: Iterable[Hit]) -> Hit | None:
            return min(hits, key=lambda hit: _rank(hit, prefer, accents), default=None)

        stop = self._opt_out_first.get(words[0])
        if stop is None:
            found = best(self._opt_out.contained(text, words))
            stop = found.phrase if found else None
        danger = best(self._safety.contained(text, words))
        if stop is not None:
            return Intent(OPT_OUT, stop.language, urgent=danger is not None)
        if danger is not None:
            return Intent(SAFETY, danger.phrase.language)
        return None

    def _match_argument(
        self, message: str, text: str, permitted: Callable[[str], bool], prefer: str | None,
        accents: str,
    ) -> Intent | None:
        """Step 6: a command starting the message, followed by what it acts on."""
        if any(permitted(p.intent) for p in self._intents.exact.get(text, ())
               if self.kind(p.intent) not in WITH_ARGUMENT):
            return None  # "send to family" is its own intent, not SHARE with "family"
        split = split_numbers(text)
        starting: list[tuple[Hit, str]] = []
        for phrase in self._arguments:
            if not permitted(phrase.intent):
                continue
            rest = next((t[len(phrase.text):].strip() for t in (text, split)
                         if t == phrase.text or t.startswith(phrase.text + " ")), None)
            if rest is None:
                continue
            if self.kind(phrase.intent) == WITH_LANGUAGE:
                named = self._languages.get(rest)
                if not named:
                    continue
                starting.append((Hit(phrase, 0), named[0].language or ""))
            else:
                starting.append((Hit(phrase, 0), ""))
        if not starting:
            return None
        hit, language = min(starting, key=lambda pair: _rank(pair[0], prefer, accents))
        phrase = hit.phrase
        argument = language or after_keyword(message, phrase.text)
        return Intent(phrase.intent, phrase.language, argument)


def _rank(hit: Hit, prefer: str | None, accents: str = "") -> tuple[int, int, int, int, int]:
    """Longer phrase, fewer typos, written with that language's accents, the texter's
    language, then file order."""
    phrase = hit.phrase
    accented = 0 if accents and phrase.marked == accents else 1
    return (-len(phrase.text), hit.edits, accented, 0 if phrase.language == prefer else 1,
            phrase.order)


def _marked_if_accented(message: str, text: str) -> str:
    folded = marked(message)
    return "" if folded == text else folded


def after_keyword(message: str, keyword: str) -> str:
    """The original words after a keyword that starts the message ("+1 555 0100").

    Linear in the message: a piece that normalises to nothing (tatweel, emoji, punctuation)
    adds nothing to the head, so only pieces that add letters cost a normalisation of the head,
    and there are at most as many of those as the keyword has letters.
    """
    start, budget = 0, len(keyword) + 1
    for end in _word_ends(message):
        piece, start = message[start:end], end
        if not normalise(piece):
            continue
        budget -= 1
        if budget < 0:
            break
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
