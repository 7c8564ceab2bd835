"""The phone menu as plain data: where a caller is, what they hear, where each key takes them.

No Flask, no Twilio, no database: the voice blueprint turns a ``Step`` into TwiML and carries
the ``Position`` in its action URLs, so any instance can answer any step of any call. The
sections, their keys, position texts and choosers come from the catalogue.

One key map everywhere, so a caller learns it once:
  main menu      each section's key (1-5 in the shipped catalogue), 9 text me this menu,
                 * repeat, 0 a person (when configured)
  a chooser      1, 2, 3 ... pick a piece (the scripts), * main menu
  every piece    1 repeat, 2 next, 3 previous, 9 text me this, * main menu
                 (in the section a caregiver can be sent: 8, send it to their phone)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..content import Catalogue, Content, SectionEntry

LANGUAGE = "language"
MAIN = "main"
CAREGIVER_NUMBER = "caregiver_number"
CAREGIVER_CONFIRM = "caregiver_confirm"
TRANSFER = "transfer"
GOODBYE = "goodbye"
#: Screens reached after the last piece of a section: ``last:<section>``.
LAST_PREFIX = "last:"

#: Silences tolerated on one screen before a kind goodbye (the menu is repeated each time).
MAX_SILENCES = 2

TEXT_ME_KEY = "9"
REPEAT_MAIN_KEY = "*"
PERSON_KEY = "0"
PIECE_KEYS = {"1": "repeat", "2": "next", "3": "previous", TEXT_ME_KEY: "text_me", "*": "menu"}
CAREGIVER_KEY = "8"
YES_KEY, NO_KEY = "1", "2"


@dataclass(frozen=True)
class Position:
    """Where a caller is. Everything a step needs rides in the URL as these fields."""

    screen: str
    language: str
    index: int = 0
    silences: int = 0
    digits: str = ""


@dataclass(frozen=True)
class Say:
    """One prompt: a text id and the values for its placeholders."""

    text_id: str
    values: Mapping[str, object] = field(default_factory=dict)
    #: Speak in this language rather than the call's (the language menu offers each
    #: language in its own words and voice).
    language: str | None = None


@dataclass(frozen=True)
class TextMe:
    """Send the content of ``text_id`` (a piece, or the menu) to the caller by SMS."""

    text_id: str


@dataclass(frozen=True)
class ShareWithCaregiver:
    """Send the catalogue's shared section to the caregiver number the caller typed."""

    digits: str


@dataclass(frozen=True)
class Step:
    """What to do next: speak ``prompts``, then listen on ``listen`` (or hang up / transfer)."""

    prompts: tuple[Say, ...]
    listen: Position | None
    effect: TextMe | ShareWithCaregiver | None = None
    transfer: bool = False
    hangup: bool = False
    #: The screen the caller reached, for anonymous usage counts.
    reached: str = ""


@dataclass(frozen=True)
class MenuConfig:
    """What the menu needs to know about a deployment and its content.

    ``sections`` holds the ids of each section's pieces in reading order; ids are the same in
    every language (the loader makes sure of it).
    """

    languages: Sequence[str]
    catalogue: Catalogue
    sections: Mapping[str, Sequence[str]]
    transfer_available: bool = False
    transfer_open: bool = False

    @classmethod
    def for_content(cls, content: Content, **deployment: bool) -> MenuConfig:
        return cls(content.codes, content.catalogue, content.section_items(), **deployment)

    def size(self, section: str) -> int:
        return len(self.sections.get(section, ()))

    def section_at(self, position: Position) -> SectionEntry | None:
        """The section whose pieces the caller is hearing, if any."""
        return self.catalogue.get(position.screen)

    def chooser_at(self, position: Position) -> SectionEntry | None:
        """The section whose chooser the caller is on, if any."""
        return next((s for s in self.catalogue if s.chooser and s.chooser_screen ==
                     position.screen), None)

    def screen_id(self, position: Position) -> str:
        """The name a screen is counted under: a piece's content id, or the screen's name."""
        section = self.section_at(position)
        if section is not None:
            return self.sections[section.id][position.index]
        return position.screen


# --- screens -----------------------------------------------------------------------------------


def _screen_prompts(position: Position, config: MenuConfig) -> tuple[Say, ...]:
    """The words of a screen, ending with the keys it offers."""
    screen = position.screen
    if screen == LANGUAGE:
        return tuple(Say("language.choose", {"key": n}, language=code)
                     for n, code in enumerate(config.languages, start=1))
    if screen == MAIN:
        prompts = [Say("menu.main")]
        if config.transfer_available:
            prompts.append(Say("menu.transfer"))
        return tuple(prompts)
    chooser = config.chooser_at(position)
    if chooser is not None:
        return (Say(chooser.chooser or ""),)
    if screen == CAREGIVER_NUMBER:
        return (Say("caregiver.ask_number"),)
    if screen == CAREGIVER_CONFIRM:
        return (Say("caregiver.read_back", {"digits": " ".join(position.digits)}),)
    section = config.section_at(position)
    if section is not None:
        pieces = config.sections[section.id]
        prompts = [
            Say(section.position, {"n": position.index + 1, "total": len(pieces)}),
            Say(pieces[position.index]),
            Say("menu.content_keys"),
        ]
        if section.share:
            prompts.append(Say("menu.question_keys"))
        return tuple(prompts)
    raise ValueError(f"no such screen: {screen}")


def _show(position: Position, config: MenuConfig, before: Sequence[Say] = (),
          effect: TextMe | ShareWithCaregiver | None = None) -> Step:
    return Step(tuple(before) + _screen_prompts(position, config), position, effect=effect,
                reached=config.screen_id(position))


def start(config: MenuConfig) -> Step:
    """A new call: the language menu, or straight to the main menu with one language."""
    if len(config.languages) > 1:
        return _show(Position(LANGUAGE, config.languages[0]), config)
    return _enter_main(config.languages[0], config)


def _enter_main(language: str, config: MenuConfig, before: Sequence[Say] = ()) -> Step:
    return _show(Position(MAIN, language), config, (*before, Say("welcome"), Say("safety")))


def _enter_section(section: SectionEntry, language: str, config: MenuConfig) -> Step:
    if section.chooser:
        return _show(Position(section.chooser_screen, language), config, (Say(section.intro),))
    return _show(Position(section.id, language), config, (Say(section.intro),))


def _known_screens(config: MenuConfig) -> set[str]:
    screens = {LANGUAGE, MAIN, CAREGIVER_NUMBER, CAREGIVER_CONFIRM, *config.catalogue.ids}
    return screens | {s.chooser_screen for s in config.catalogue if s.chooser}


def normalise(position: Position, config: MenuConfig) -> Position:
    """Any stale or forged position becomes a real one (unknown screens go to the main menu)."""
    language = position.language if position.language in config.languages else (
        config.languages[0])
    position = replace(position, language=language, silences=max(0, min(position.silences,
                                                                          MAX_SILENCES)))
    if position.screen not in _known_screens(config):
        return Position(MAIN, language)
    if position.screen == LANGUAGE and len(config.languages) < 2:
        return Position(MAIN, language)
    section = config.section_at(position)
    if section is not None:
        size = config.size(section.id)
        if size == 0:
            return Position(MAIN, language)
        if not 0 <= position.index < size:
            return replace(position, index=0)
    if position.screen in (CAREGIVER_NUMBER, CAREGIVER_CONFIRM):
        shared = config.catalogue.shared
        if shared is None or not config.size(shared.id):
            return Position(MAIN, language)
        if position.screen == CAREGIVER_CONFIRM and not position.digits.isdecimal():
            return Position(CAREGIVER_NUMBER, language, index=position.index)
        if not 0 <= position.index < config.size(shared.id):
            position = replace(position, index=0)
    return position


# --- answering a key ---------------------------------------------------------------------------


def answer(position: Position, key: str | None, config: MenuConfig) -> Step:
    """The next step after the caller pressed ``key`` (None: silence) on ``position``."""
    position = normalise(position, config)
    if key is None or key == "":
        return _silence(position, config)
    position = replace(position, silences=0)
    if position.screen == LANGUAGE:
        return _answer_language(position, key, config)
    if position.screen == MAIN:
        return _answer_main(position, key, config)
    if position.screen == CAREGIVER_NUMBER:
        return _answer_caregiver_number(position, key, config)
    if position.screen == CAREGIVER_CONFIRM:
        return _answer_caregiver_confirm(position, key, config)
    chooser = config.chooser_at(position)
    if chooser is not None:
        return _answer_chooser(chooser, position, key, config)
    return _answer_piece(position, key, config)


def replay(position: Position, config: MenuConfig, before: Sequence[Say] = ()) -> Step:
    """Show a screen again, e.g. after an error or a finished transfer."""
    return _show(normalise(position, config), config, before)


def _silence(position: Position, config: MenuConfig) -> Step:
    if position.silences >= MAX_SILENCES:
        return Step((Say("voice.goodbye_no_input"),), None, hangup=True, reached=GOODBYE)
    return _show(replace(position, silences=position.silences + 1), config,
                 (Say("voice.no_input"),))


def _wrong_key(position: Position, config: MenuConfig) -> Step:
    return _show(position, config, (Say("voice.wrong_key"),))


def _answer_language(position: Position, key: str, config: MenuConfig) -> Step:
    if key.isdecimal() and 1 <= int(key) <= len(config.languages):
        return _enter_main(config.languages[int(key) - 1], config)
    return _wrong_key(position, config)


def _answer_main(position: Position, key: str, config: MenuConfig) -> Step:
    language = position.language
    section = config.catalogue.by_key(key)
    if section is not None and config.size(section.id):
        return _enter_section(section, language, config)
    if key == TEXT_ME_KEY:
        return _show(position, config, effect=TextMe("menu.main"))
    if key == REPEAT_MAIN_KEY:
        return _show(position, config)
    if key == PERSON_KEY and config.transfer_available:
        if config.transfer_open:
            return Step((Say("transfer.connecting"),), None, transfer=True, reached=TRANSFER)
        return _show(position, config, (Say("transfer.closed"), Say("transfer.hours")))
    return _wrong_key(position, config)


def _answer_chooser(section: SectionEntry, position: Position, key: str,
                    config: MenuConfig) -> Step:
    if key.isdecimal() and 1 <= int(key) <= config.size(section.id):
        return _show(Position(section.id, position.language, index=int(key) - 1), config)
    if key == "*":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


def _answer_piece(position: Position, key: str, config: MenuConfig) -> Step:
    section = config.section_at(position)
    assert section is not None
    index, size = position.index, config.size(section.id)
    action = PIECE_KEYS.get(key)
    if key == CAREGIVER_KEY and section.share:
        return _show(Position(CAREGIVER_NUMBER, position.language, index=index), config)
    if action == "repeat":
        return _show(position, config)
    if action == "next":
        if index + 1 >= size:
            return Step((Say("nav.last"), Say("menu.content_keys"),
                         *((Say("menu.question_keys"),) if section.share else ())),
                        replace(position, silences=0), reached=LAST_PREFIX + section.id)
        return _show(replace(position, index=index + 1), config)
    if action == "previous":
        if index == 0:
            return _show(position, config, (Say("nav.first"),))
        return _show(replace(position, index=index - 1), config)
    if action == "text_me":
        return _show(position, config, effect=TextMe(config.sections[section.id][index]))
    if action == "menu":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


def _shared_piece(position: Position, config: MenuConfig) -> Position:
    shared = config.catalogue.shared
    assert shared is not None
    return Position(shared.id, position.language, index=position.index)


def _answer_caregiver_number(position: Position, key: str, config: MenuConfig) -> Step:
    digits = key.replace("#", "")
    if digits.startswith("*") or digits == "":
        return _show(_shared_piece(position, config), config)
    if not digits.isdecimal() or not 6 <= len(digits) <= 15:
        return _show(position, config, (Say("caregiver.invalid"),))
    return _show(replace(position, screen=CAREGIVER_CONFIRM, digits=digits), config)


def _answer_caregiver_confirm(position: Position, key: str, config: MenuConfig) -> Step:
    if key == YES_KEY:
        return _show(_shared_piece(position, config), config,
                     effect=ShareWithCaregiver(position.digits))
    if key == NO_KEY:
        return _show(replace(position, screen=CAREGIVER_NUMBER, digits=""), config)
    if key == "*":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


# --- what a caller may say ---------------------------------------------------------------------


def speech_keys(position: Position, config: MenuConfig) -> Mapping[str, str]:
    """Intent -> key for what a caller may say on this screen."""
    if position.screen == MAIN:
        keys = {section.id: section.key for section in config.catalogue}
        keys.update({"text_me": TEXT_ME_KEY, "repeat": REPEAT_MAIN_KEY,
                     "menu": REPEAT_MAIN_KEY, "operator": PERSON_KEY})
        return keys
    chooser = config.chooser_at(position)
    if chooser is not None:
        pieces = config.sections[chooser.id]
        return {**{piece: str(n) for n, piece in enumerate(pieces, start=1)}, "menu": "*"}
    if position.screen == CAREGIVER_CONFIRM:
        return {"yes": YES_KEY, "no": NO_KEY, "menu": "*"}
    section = config.section_at(position)
    if section is not None:
        keys = {name: key for key, name in PIECE_KEYS.items()}
        if section.share:
            keys["caregiver"] = CAREGIVER_KEY
        return keys
    return {}


def expects_number(position: Position) -> bool:
    """The caregiver number screen takes many digits ended by #, not one key."""
    return position.screen == CAREGIVER_NUMBER


# --- carrying a position in a URL --------------------------------------------------------------


def to_query(position: Position) -> dict[str, str]:
    """The query string that brings a caller back to ``position`` on the next request,
    except typed digits: a URL is logged by Twilio, so the channel seals them separately."""
    query = {"s": position.screen, "l": position.language}
    if position.index:
        query["i"] = str(position.index)
    if position.silences:
        query["r"] = str(position.silences)
    return query  # typed digits are the channel's to carry, sealed: never plain in a URL


def from_query(args: Mapping[str, str]) -> Position:
    """Read a position back from a URL, whatever junk it holds (``normalise`` cleans it up)."""

    def number(name: str) -> int:
        value = str(args.get(name, "") or "")
        return int(value) if value.isdecimal() and len(value) < 4 else 0

    return Position(
        screen=str(args.get("s", "") or MAIN)[:40],
        language=str(args.get("l", "") or "")[:10].lower(),
        index=number("i"),
        silences=number("r"),
    )
