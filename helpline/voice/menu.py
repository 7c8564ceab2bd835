"""The phone menu as plain data: where a caller is, what they hear, where each key takes them.

No Flask, no Twilio, no database: the voice blueprint turns a ``Step`` into TwiML and carries
the ``Position`` in its action URLs, so any instance can answer any step of any call.

One key map everywhere, so a caller learns it once:
  main menu      1 scripts, 2 checklist, 3 questions, 4 international, 5 support,
                 9 text me this menu, * repeat, 0 a person (when configured)
  scripts menu   1, 2, 3 pick a script, * main menu
  every piece    1 repeat, 2 next, 3 previous, 9 text me this, * main menu
                 (questions add 8: send all ten to a caregiver's phone)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..content.model import SECTIONS
from ..content.prompts import POSITION_TEXT

LANGUAGE = "language"
MAIN = "main"
SCRIPTS_MENU = "scripts_menu"
CAREGIVER_NUMBER = "caregiver_number"
CAREGIVER_CONFIRM = "caregiver_confirm"
TRANSFER = "transfer"

#: Silences tolerated on one screen before a kind goodbye (the menu is repeated each time).
MAX_SILENCES = 2

MAIN_KEYS = {
    "1": SCRIPTS_MENU,
    "2": "checklist",
    "3": "questions",
    "4": "international",
    "5": "support",
}
PIECE_KEYS = {"1": "repeat", "2": "next", "3": "previous", "9": "text_me", "*": "menu"}
CAREGIVER_KEY = "8"

#: What a caller may say instead of pressing a key, per kind of screen (intent -> key).
SPEECH = {
    MAIN: {"scripts": "1", "checklist": "2", "questions": "3", "international": "4",
           "support": "5", "text_me": "9", "repeat": "*", "menu": "*", "operator": "0"},
    SCRIPTS_MENU: {"script_direct": "1", "script_emotional": "2", "script_calm": "3",
                   "menu": "*"},
    "piece": {"repeat": "1", "next": "2", "previous": "3", "text_me": "9", "menu": "*",
              "caregiver": CAREGIVER_KEY},
    CAREGIVER_CONFIRM: {"yes": "1", "no": "2", "menu": "*"},
}


@dataclass(frozen=True)
class Position:
    """Where a caller is. Everything a step needs rides in the URL as these fields."""

    screen: str
    language: str
    index: int = 0
    silences: int = 0
    digits: str = ""

    @property
    def section(self) -> str | None:
        return self.screen if self.screen in SECTIONS else None


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
class ShareQuestions:
    """Send the ten questions to the caregiver number the caller typed."""

    digits: str


@dataclass(frozen=True)
class Step:
    """What to do next: speak ``prompts``, then listen on ``listen`` (or hang up / transfer)."""

    prompts: tuple[Say, ...]
    listen: Position | None
    effect: TextMe | ShareQuestions | None = None
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
    sections: Mapping[str, Sequence[str]]
    transfer_available: bool = False
    transfer_open: bool = False

    def size(self, section: str) -> int:
        return len(self.sections.get(section, ()))


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
    if screen == SCRIPTS_MENU:
        return (Say("menu.scripts"),)
    if screen == CAREGIVER_NUMBER:
        return (Say("caregiver.ask_number"),)
    if screen == CAREGIVER_CONFIRM:
        return (Say("caregiver.read_back", {"digits": " ".join(position.digits)}),)
    section = position.section
    if section is not None:
        pieces = config.sections[section]
        prompts = [
            Say(POSITION_TEXT[section], {"n": position.index + 1, "total": len(pieces)}),
            Say(pieces[position.index]),
            Say("menu.content_keys"),
        ]
        if section == "questions":
            prompts.append(Say("menu.question_keys"))
        return tuple(prompts)
    raise ValueError(f"no such screen: {screen}")


def _show(position: Position, config: MenuConfig, before: Sequence[Say] = (),
          effect: TextMe | ShareQuestions | None = None) -> Step:
    reached = (config.sections[position.section][position.index] if position.section
               else position.screen)
    return Step(tuple(before) + _screen_prompts(position, config), position, effect=effect,
                reached=reached)


def start(config: MenuConfig) -> Step:
    """A new call: the language menu, or straight to the main menu with one language."""
    if len(config.languages) > 1:
        return _show(Position(LANGUAGE, config.languages[0]), config)
    return _enter_main(config.languages[0], config)


def _enter_main(language: str, config: MenuConfig, before: Sequence[Say] = ()) -> Step:
    return _show(Position(MAIN, language), config, (*before, Say("welcome"), Say("safety")))


def _enter_section(section: str, language: str, config: MenuConfig) -> Step:
    return _show(Position(section, language), config, (Say(f"{section}.intro"),))


def normalise(position: Position, config: MenuConfig) -> Position:
    """Any stale or forged position becomes a real one (unknown screens go to the main menu)."""
    language = position.language if position.language in config.languages else (
        config.languages[0])
    position = replace(position, language=language, silences=max(0, min(position.silences,
                                                                          MAX_SILENCES)))
    known = {LANGUAGE, MAIN, SCRIPTS_MENU, CAREGIVER_NUMBER, CAREGIVER_CONFIRM, *SECTIONS}
    if position.screen not in known:
        return Position(MAIN, language)
    if position.screen == LANGUAGE and len(config.languages) < 2:
        return Position(MAIN, language)
    if position.section is not None:
        size = config.size(position.section)
        if size == 0:
            return Position(MAIN, language)
        if not 0 <= position.index < size:
            return replace(position, index=0)
    if position.screen == CAREGIVER_CONFIRM and not position.digits.isdecimal():
        return Position(CAREGIVER_NUMBER, language, index=position.index)
    if position.screen in (CAREGIVER_NUMBER, CAREGIVER_CONFIRM):
        size = config.size("questions")
        if not 0 <= position.index < max(size, 1):
            position = replace(position, index=0)
    return position


# --- answering a key ---------------------------------------------------------------------------


def answer(position: Position, key: str | None, config: MenuConfig) -> Step:
    """The next step after the caller pressed ``key`` (None: silence) on ``position``."""
    position = normalise(position, config)
    if key is None or key == "":
        return _silence(position, config)
    position = replace(position, silences=0)
    handler = {
        LANGUAGE: _answer_language,
        MAIN: _answer_main,
        SCRIPTS_MENU: _answer_scripts_menu,
        CAREGIVER_NUMBER: _answer_caregiver_number,
        CAREGIVER_CONFIRM: _answer_caregiver_confirm,
    }.get(position.screen, _answer_piece)
    return handler(position, key, config)


def replay(position: Position, config: MenuConfig, before: Sequence[Say] = ()) -> Step:
    """Show a screen again, e.g. after an error or a finished transfer."""
    return _show(normalise(position, config), config, before)


def _silence(position: Position, config: MenuConfig) -> Step:
    if position.silences >= MAX_SILENCES:
        return Step((Say("voice.goodbye_no_input"),), None, hangup=True, reached="goodbye")
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
    if key in MAIN_KEYS:
        target = MAIN_KEYS[key]
        if target == SCRIPTS_MENU:
            return _show(Position(SCRIPTS_MENU, language), config, (Say("scripts.intro"),))
        return _enter_section(target, language, config)
    if key == "9":
        return _show(position, config, effect=TextMe("menu.main"))
    if key == "*":
        return _show(position, config)
    if key == "0" and config.transfer_available:
        if config.transfer_open:
            return Step((Say("transfer.connecting"),), None, transfer=True, reached=TRANSFER)
        return _show(position, config, (Say("transfer.closed"), Say("transfer.hours")))
    return _wrong_key(position, config)


def _answer_scripts_menu(position: Position, key: str, config: MenuConfig) -> Step:
    size = config.size("scripts")
    if key.isdecimal() and 1 <= int(key) <= size:
        return _show(Position("scripts", position.language, index=int(key) - 1), config)
    if key == "*":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


def _answer_piece(position: Position, key: str, config: MenuConfig) -> Step:
    section, index = position.section, position.index
    assert section is not None
    size = config.size(section)
    action = PIECE_KEYS.get(key)
    if key == CAREGIVER_KEY and section == "questions":
        return _show(Position(CAREGIVER_NUMBER, position.language, index=index), config)
    if action == "repeat":
        return _show(position, config)
    if action == "next":
        if index + 1 >= size:
            return Step((Say("nav.last"), Say("menu.content_keys"),
                         *((Say("menu.question_keys"),) if section == "questions" else ())),
                        replace(position, silences=0), reached="last:" + section)
        return _show(replace(position, index=index + 1), config)
    if action == "previous":
        if index == 0:
            return _show(position, config, (Say("nav.first"),))
        return _show(replace(position, index=index - 1), config)
    if action == "text_me":
        return _show(position, config, effect=TextMe(config.sections[section][index]))
    if action == "menu":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


def _answer_caregiver_number(position: Position, key: str, config: MenuConfig) -> Step:
    digits = key.replace("#", "")
    if digits.startswith("*") or digits == "":
        return _show(Position("questions", position.language, index=position.index), config)
    if not digits.isdecimal() or not 6 <= len(digits) <= 15:
        return _show(position, config, (Say("caregiver.invalid"),))
    return _show(replace(position, screen=CAREGIVER_CONFIRM, digits=digits), config)


def _answer_caregiver_confirm(position: Position, key: str, config: MenuConfig) -> Step:
    questions = Position("questions", position.language, index=position.index)
    if key == "1":
        return _show(questions, config, effect=ShareQuestions(position.digits))
    if key == "2":
        return _show(replace(position, screen=CAREGIVER_NUMBER, digits=""), config)
    if key == "*":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


def speech_keys(position: Position) -> Mapping[str, str]:
    """Intent -> key for what a caller may say on this screen."""
    if position.section is not None:
        keys = dict(SPEECH["piece"])
        if position.section != "questions":
            keys.pop("caregiver")
        return keys
    return SPEECH.get(position.screen, {})


def expects_number(position: Position) -> bool:
    """The caregiver number screen takes many digits ended by #, not one key."""
    return position.screen == CAREGIVER_NUMBER


# --- carrying a position in a URL --------------------------------------------------------------


def to_query(position: Position) -> dict[str, str]:
    """The query string that brings a caller back to ``position`` on the next request."""
    query = {"s": position.screen, "l": position.language}
    if position.index:
        query["i"] = str(position.index)
    if position.silences:
        query["r"] = str(position.silences)
    if position.digits:
        query["d"] = position.digits
    return query


def from_query(args: Mapping[str, str]) -> Position:
    """Read a position back from a URL, whatever junk it holds (``normalise`` cleans it up)."""

    def number(name: str) -> int:
        value = str(args.get(name, "") or "")
        return int(value) if value.isdecimal() and len(value) < 4 else 0

    digits = str(args.get("d", "") or "")
    return Position(
        screen=str(args.get("s", "") or MAIN)[:40],
        language=str(args.get("l", "") or "")[:10].lower(),
        index=number("i"),
        silences=number("r"),
        digits=digits if digits.isdecimal() and len(digits) <= 15 else "",
    )
