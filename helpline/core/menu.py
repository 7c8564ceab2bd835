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
  text me this   asks first: 1 this piece (2 the whole section, 3 a family member's phone,
                 where the section can be shared), * back; silence sends nothing
  anywhere       # hears the screen again (never counted as silence)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..content import Catalogue, Content, SectionEntry
from . import phone
from .position import (
    MAIN,
    Position,
    Say,
    ShareWithCaregiver,
    Step,
    TextMe,
    from_query,
    to_query,
)

#: The data of a call live in ``position``; the channels reach them through ``menu``.
__all__ = ["Position", "Say", "ShareWithCaregiver", "Step", "TextMe", "from_query", "to_query"]

LANGUAGE = "language"
CAREGIVER_NUMBER = "caregiver_number"
CAREGIVER_CONFIRM = "caregiver_confirm"
TRANSFER = "transfer"
GOODBYE = "goodbye"
#: Screens reached after the last piece of a section: ``last:<section>``.
LAST_PREFIX = "last:"
#: The offer before a text is sent: ``text_me:<section>`` (index: the piece) or ``text_me:main``.
TEXT_ME_PREFIX = "text_me:"
#: What the channel passes as the key when a caller said something the screen does not know.
NOT_UNDERSTOOD = "~"
#: Hears the screen again, on every screen but the number entry (where it ends the number).
REPEAT_KEY = "#"
#: What the channel passes when a caller names a language anywhere: back to the language menu.
LANGUAGE_KEY = "language"
#: ... and when they say goodbye: a kind goodbye, and the call ends.
GOODBYE_KEY = "goodbye"

#: Silences tolerated on one screen before a kind goodbye (the menu is repeated each time).
MAX_SILENCES = 2

TEXT_ME_KEY = "9"
REPEAT_MAIN_KEY = "*"
PERSON_KEY = "0"
PIECE_KEYS = {"1": "repeat", "2": "next", "3": "previous", TEXT_ME_KEY: "text_me", "*": "menu"}
CAREGIVER_KEY = "8"
YES_KEY, NO_KEY = "1", "2"
#: Choices on the text-me offer; star goes back.
TEXT_THIS, TEXT_SECTION, TEXT_CAREGIVER, BACK_KEY = "1", "2", "3", "*"


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
    #: The caller's phone can get a text (a mobile we may text); else no text is offered.
    can_text: bool = True
    #: The caller's country, for reading a typed number back in its groups.
    caller_region: str = ""

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
    if screen.startswith(TEXT_ME_PREFIX):
        section = config.catalogue.get(screen[len(TEXT_ME_PREFIX):])
        if section is None:
            return (Say("text_me.offer_menu"),)
        return (Say("text_me.offer_shared" if section.share else "text_me.offer_piece"),)
    if screen == CAREGIVER_NUMBER:
        return (Say("caregiver.ask_number"),)
    if screen == CAREGIVER_CONFIRM:
        digits = phone.spoken_groups(position.digits, config.caller_region or None)
        return (Say("caregiver.read_back", {"digits": digits}),)
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
    screens = {LANGUAGE, MAIN, CAREGIVER_NUMBER, CAREGIVER_CONFIRM, *config.catalogue.ids,
               TEXT_ME_PREFIX + MAIN}
    screens |= {TEXT_ME_PREFIX + section for section in config.catalogue.ids}
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
    section = config.section_at(position) or _offer_section(position, config)
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
    if key == REPEAT_KEY and not expects_number(position):
        return _show(position, config)
    if key == NOT_UNDERSTOOD:
        if position.screen == LANGUAGE:
            return _show(position, config,
                         _in_every_language("voice.not_understood", position, config))
        return _again(position, config, Say("voice.not_understood"))
    if key == GOODBYE_KEY:
        return Step((Say("voice.goodbye"),), None, hangup=True, reached=GOODBYE)
    if key == LANGUAGE_KEY and len(config.languages) > 1:
        return _show(Position(LANGUAGE, position.language), config)
    if position.screen.startswith(TEXT_ME_PREFIX):
        return _answer_text_me(position, key, config)
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
    """Silence never ends a call away from a menu: someone looking up a number, or thinking
    about what they heard, is taken back one step; at a menu the call ends kindly after a few."""
    if position.screen == CAREGIVER_NUMBER or position.screen.startswith(TEXT_ME_PREFIX):
        return _back_from_offer(position, config)
    section = config.section_at(position)
    if section is not None:
        if position.silences >= MAX_SILENCES:
            return _show(Position(MAIN, position.language), config)
        return _keys_again(replace(position, silences=position.silences + 1), config)
    if position.silences >= MAX_SILENCES:
        return Step(_in_every_language("voice.goodbye_no_input", position, config), None,
                    hangup=True, reached=GOODBYE)
    return _show(replace(position, silences=position.silences + 1), config,
                 _in_every_language("voice.no_input", position, config))


def _in_every_language(text_id: str, position: Position, config: MenuConfig) -> tuple[Say, ...]:
    """At the language menu nobody has chosen yet: say it in every language, each in its
    own voice. Elsewhere, in the caller's language."""
    if position.screen != LANGUAGE:
        return (Say(text_id),)
    return tuple(Say(text_id, language=code) for code in config.languages)


def _keys_again(position: Position, config: MenuConfig, *before: Say) -> Step:
    """On a piece, only the short list of keys, not the whole piece again."""
    section = config.section_at(position)
    assert section is not None
    keys = (Say("menu.content_keys"), *((Say("menu.question_keys"),) if section.share else ()))
    return Step((*before, *keys), position, reached=config.screen_id(position))


def _again(position: Position, config: MenuConfig, before: Say) -> Step:
    """The screen's choices again after ``before`` (on a piece: its keys only)."""
    if config.section_at(position) is not None:
        return _keys_again(position, config, before)
    return _show(position, config, (before,))


def _wrong_key(position: Position, config: MenuConfig) -> Step:
    return _show(position, config, _in_every_language("voice.wrong_key", position, config))


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
        if not config.can_text:
            return _show(position, config, (Say("voice.text_not_possible"),))
        return _show(Position(TEXT_ME_PREFIX + MAIN, language), config)
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
        if not config.can_text:
            return _keys_again(position, config, Say("voice.text_not_possible"))
        return _show(replace(position, screen=TEXT_ME_PREFIX + section.id), config)
    if action == "menu":
        return _show(Position(MAIN, position.language), config)
    return _wrong_key(position, config)


def _offer_section(position: Position, config: MenuConfig) -> SectionEntry | None:
    """The section a text-me offer is about (None: the main menu's offer)."""
    if not position.screen.startswith(TEXT_ME_PREFIX):
        return None
    return config.catalogue.get(position.screen[len(TEXT_ME_PREFIX):])


def _back_from_offer(position: Position, config: MenuConfig, *before: Say,
                     effect: TextMe | None = None) -> Step:
    """Back where the caller asked from: the piece's keys, or the main menu."""
    section = _offer_section(position, config) or (
        config.catalogue.shared if position.screen == CAREGIVER_NUMBER else None)
    if section is None:
        return _show(Position(MAIN, position.language), config, before, effect=effect)
    piece = Position(section.id, position.language, index=position.index)
    return replace(_keys_again(piece, config, *before), effect=effect)


def _answer_text_me(position: Position, key: str, config: MenuConfig) -> Step:
    """The caller confirms what to send by choosing it; anything else sends nothing."""
    section = _offer_section(position, config)
    if key == TEXT_THIS:
        text_id = config.sections[section.id][position.index] if section else "menu.main"
        return _back_from_offer(position, config, effect=TextMe(text_id))
    if section is not None and section.share and key == TEXT_SECTION:
        return _back_from_offer(position, config, effect=TextMe(section.id))
    if section is not None and section.share and key == TEXT_CAREGIVER:
        return _show(Position(CAREGIVER_NUMBER, position.language, index=position.index), config)
    if key == BACK_KEY:
        return _back_from_offer(position, config)
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
    if position.screen.startswith(TEXT_ME_PREFIX):
        keys = {"yes": TEXT_THIS, "text_me": TEXT_THIS, "no": BACK_KEY, "menu": BACK_KEY}
        section = _offer_section(position, config)
        if section is not None and section.share:
            keys.update({section.id: TEXT_SECTION, "caregiver": TEXT_CAREGIVER})
        return keys
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
