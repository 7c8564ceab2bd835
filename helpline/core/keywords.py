"""Understand what a texter (or a caller's speech) asks for, in any enabled language.

The words come from the language packs (scripts_content/<lang>.yaml), each under its kind as
the catalogue's ``vocabulary:`` block declares; only Twilio's own English opt-out, opt-in and
help words live here, because Twilio itself acts on them in every language.

Pure: no Flask, no Twilio, no database. ``KeywordTable.from_content`` does all the work on the
tables once, so ``match`` (called on every webhook) only normalises the one message, and every
step is linear in its length.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from ..content import Content, LanguagePack
from .normalise import normalise, split_numbers
from .phrases import (
    Hit,
    Phrase,
    PhraseIndex,
    make_phrase,
    marked,
    rank,
    unspaced_keyword,
    unspaced_phrase,
)

# --- intents -----------------------------------------------------------------------------------

OPT_OUT = "opt_out"
OPT_IN = "opt_in"
HELP = "help"
SAFETY = "safety"
LANGUAGE = "language"
SHARE = "share"
UNKNOWN = "unknown"
#: A spoken digit is intent "digit_<key>" ("digit_2", "digit_star"), for a call screen.
DIGIT = "digit_"

#: Twilio's default opt-out, opt-in and help keywords. Twilio acts on these itself (it blocks
#: every later message after STOP), so the helpline must agree with it whatever the language.
TWILIO_RESERVED: Mapping[str, tuple[str, ...]] = {
    OPT_OUT: ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
    OPT_IN: ("START", "UNSTOP", "YES"),
    HELP: ("HELP", "INFO"),
}

#: Twilio's opt-out words that ask to stop whatever follows them ("STOP ALL", "stop texting
#: me"); the helpline honours them as STOP in every language. (CANCEL, END and QUIT start too
#: many other sentences: "end of treatment".)
TWILIO_STOP_FIRST = ("STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT")


#: Intents only a caller says (spoken navigation, yes/no, a person): a text never matches them,
#: so "fewer texts please" is not French "texto" and switches no one's language.
SPOKEN_ONLY = frozenset({"repeat", "next", "previous", "text_me", "caregiver", "operator", "yes",
                         "no"})


@dataclass(frozen=True)
class Intent:
    """What a message asks for; ``language`` is the pack whose words matched (None: unknown).

    ``urgent``: the message also holds a safety phrase (only set on an opt-out, which wins
    but must still be answered with the urgent-care text)."""

    name: str
    language: str | None = None
    argument: str = ""
    urgent: bool = False


def is_piece_intent(name: str) -> bool:
    """Words for one piece of a section are filed under its text id (``scripts.direct``)."""
    return "." in name


# --- the table ---------------------------------------------------------------------------------


class KeywordTable:
    """Every word of every enabled language, ready to match a message.

    Order of matching by kind (the first that applies wins; see the catalogue's vocabulary):

    1. reserved words: the whole message is one opt-out, opt-in or help word (Twilio's English
       words, language None, or a pack's ``reserved`` words);
    2. opt-out phrasings: a pack's ``words.opt_out`` phrase anywhere in the message, or the
       message starting with an opt-out word that stops whatever follows ("STOP ALL"); a
       safety phrase in the same message sets ``urgent``;
    3. safety: a pack's safety phrase anywhere in the message, with no typo tolerance, a
       one-word phrase only as a whole word (several words of a script without spaces, or
       that glues endings on, also inside words);
    4. a language's name or code alone (intent ``language``);
    5. whole-message commands (MORE, ALL, LISTEN ...): exactly the whole message, no typos;
    6. commands with an argument: SHARE <number> and the pack's ``words.with_argument``
       starting the message, the rest as the argument; a section keyword followed by a
       language's name ("QUESTIONS FRENCH") is that section, with the language code as the
       argument;
    7. a bare main-menu number (the catalogue's keys), or the whole message being a piece's
       own words (SCRIPT 1, DIRECT: intents named ``<section>.<piece>``);
    8. any other intent phrase: exact whole message, then a phrase inside the message as
       whole words, then the same two with one edit per word of 5+ letters;
    9. otherwise ``unknown``.

    Spoken navigation words and spoken digits are only looked for on a call screen that
    allows them (``allowed``). Within a step: a longer phrase beats a shorter one, fewer typos
    beat more; a tie between languages goes to ``prefer`` (the texter's language) and then to
    the pack given first (the menu order of HELPLINE_LANGUAGES, so the default language); a
    tie inside one language goes to the intent listed first in its file.
    """

    def __init__(self, *, reserved: Mapping[str, Intent], opt_out: PhraseIndex,
                 opt_out_first: PhraseIndex, safety: PhraseIndex,
                 languages: Mapping[str, list[Phrase]], commands: PhraseIndex,
                 with_argument: PhraseIndex, direct: Mapping[str, list[Phrase]],
                 intents: PhraseIndex, spoken: PhraseIndex):
        self._reserved = reserved
        self._opt_out = opt_out
        self._opt_out_first = opt_out_first
        self._safety = safety
        self._languages = languages
        self._commands = commands
        self._with_argument = with_argument
        self._direct = direct
        self._intents = intents
        self._spoken = spoken

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
        kinds: dict[str, list[Phrase]] = {
            name: [] for name in ("opt_out", "first", "safety", "commands", "argument",
                                  "intents", "spoken")}
        kinds["first"] = [p for word in TWILIO_STOP_FIRST
                          if (p := make_phrase(OPT_OUT, None, word, 0, unspaced_keyword))]
        order = 0

        def add(kind: str, intent: str, code: str, words: Iterable[str],
                unspaced: Callable[[str], bool] = unspaced_keyword, **how: bool) -> None:
            nonlocal order
            for word in words:
                order += 1
                phrase = make_phrase(intent, code, word, order, unspaced, **how)
                if phrase is not None:
                    kinds[kind].append(phrase)

        for pack in packs:
            for kind, words in pack.reserved.items():
                for word in words:
                    reserved.setdefault(normalise(word), Intent(kind, pack.code))
            add("opt_out", OPT_OUT, pack.code, pack.words.opt_out, unspaced_phrase)
            add("first", OPT_OUT, pack.code, pack.words.opt_out_first)
            add("safety", SAFETY, pack.code, pack.safety_words, unspaced_phrase)
            intents = dict(pack.intents)
            intents[LANGUAGE] = (*intents.get(LANGUAGE, ()), pack.meta.name)
            for name, words in intents.items():
                # A language code such as "en" is a word in French and Spanish: only alone it
                # names one.
                add("intents", name, pack.code, words, containable=name != LANGUAGE)
            for name, words in pack.words.commands.items():
                add("commands", name, pack.code, words, containable=False)
            add("argument", SHARE, pack.code, pack.intents.get(SHARE, ()))
            for name, words in pack.words.with_argument.items():
                add("argument", name, pack.code, words)
            for name, words in pack.words.navigation.items():
                add("spoken", name, pack.code, words)
            for key, words in pack.words.digits.items():
                add("spoken", DIGIT + key, pack.code, words)
        phrases = kinds["intents"]
        direct: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if is_piece_intent(phrase.intent):
                direct.setdefault(phrase.text, []).append(phrase)
        for text, name in (menu_numbers or {}).items():
            if text not in direct:
                direct[text] = [Phrase(name, None, text, (text,), True, False, 0)]
        languages: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if phrase.intent == LANGUAGE:
                languages.setdefault(phrase.text, []).append(phrase)
        return cls(
            reserved=reserved,
            opt_out=PhraseIndex(kinds["opt_out"]),
            opt_out_first=PhraseIndex(kinds["first"]),
            safety=PhraseIndex(kinds["safety"]),
            languages=languages,
            commands=PhraseIndex(kinds["commands"]),
            with_argument=PhraseIndex(kinds["argument"]),
            direct=direct,
            intents=PhraseIndex(p for p in phrases if p.intent not in SPOKEN_ONLY),
            spoken=PhraseIndex(phrases + kinds["spoken"]),
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
        a few words; reserved words, opt-out phrasings and safety phrases are only looked for
        when it is None. ``prefer`` is the texter's current language, which wins ties between
        languages.
        """
        text = normalise(message)
        if not text:
            return Intent(UNKNOWN)
        words = text.split(" ")
        # Accents are evidence of a language only when the message has some.
        accents = marked(message)
        accents = "" if accents == text else accents

        def permitted(name: str) -> bool:
            return allowed is None or name in allowed

        def best(hits: Iterable[Hit]) -> Hit | None:
            usable = [hit for hit in hits if permitted(hit.phrase.intent)]
            return min(usable, key=lambda hit: rank(hit, prefer, accents), default=None)

        def found_intent(hit: Hit, argument: str = "") -> Intent:
            return Intent(hit.phrase.intent, hit.phrase.language, argument)

        if allowed is None:
            if text in self._reserved:
                return self._reserved[text]
            danger = best(self._safety.contained(text, words))
            stop = best(self._opt_out.contained(text, words)
                        + self._opt_out_first.starting(words))
            if stop:
                return Intent(OPT_OUT, stop.phrase.language, urgent=danger is not None)
            if danger:
                return Intent(SAFETY, danger.phrase.language)
        found = best(Hit(p, 0) for p in self._languages.get(text, ()))
        if found:
            return found_intent(found)
        found = best(self._commands.whole(text))
        if found:
            return found_intent(found)
        argued = self._match_argument(message, text, words, best)
        if argued:
            return argued
        split = split_numbers(text)
        found = best(Hit(p, 0) for p in self._direct.get(text) or self._direct.get(split, ()))
        if found:
            return found_intent(found)
        index = self._intents if allowed is None else self._spoken
        stages: tuple[Callable[[], list[Hit]], ...] = (
            lambda: index.whole(text),
            lambda: index.contained(text, words),
            lambda: index.fuzzy_whole(text, words),
            lambda: index.fuzzy_contained(words),
        )
        for stage in stages:
            found = best(stage())
            if found:
                return found_intent(found)
        return Intent(UNKNOWN)

    def _match_argument(self, message: str, text: str, words: list[str],
                        best: Callable[[Iterable[Hit]], Hit | None]) -> Intent | None:
        """A command with an argument starting the message (SHARE +44..., QUESTIONS FR)."""
        if any(p.intent != SHARE for p in self._spoken.exact.get(text, ())):
            return None  # "send to family" is its own intent, not SHARE with "family"
        split = split_numbers(text).split(" ")
        found = best(self._with_argument.starting(words) + self._with_argument.starting(split))
        if found:
            return Intent(found.phrase.intent, found.phrase.language,
                          _after_keyword(message, found.phrase.text))
        if len(words) < 2:
            return None
        for size in range(1, len(words)):  # a section keyword, then a language's name alone
            language = best(Hit(p, 0) for p in self._languages.get(" ".join(words[size:]), ()))
            section = best(self._intents.whole(" ".join(words[:size])))
            if language and section and not is_piece_intent(section.phrase.intent) and (
                    section.phrase.intent not in (LANGUAGE, SHARE)):
                return Intent(section.phrase.intent, section.phrase.language,
                              language.phrase.language or "")
            if size >= 4:
                break
        return None


def _after_keyword(message: str, keyword: str) -> str:
    """The original words after a keyword that starts the message ("+1 555 0100").

    Each stretch of the message up to the next word end is normalised once and added to the
    head read so far, and reading stops as soon as the head is no longer the keyword's start,
    so the work is linear in the message (a run of letters that normalise to nothing, such as
    Arabic tatweel, cannot make it quadratic)."""
    head, start = "", 0
    for end in _word_ends(message):
        stretch = message[start:end]
        start = end
        piece = normalise(stretch)
        if not piece:
            continue
        glued = bool(head) and stretch[0].isalnum()  # "SHARE5551234": no break between
        head = head + piece if glued or not head else f"{head} {piece}"
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
