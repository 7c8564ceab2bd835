"""The screens of a call as plain data: their names, the menu's settings for one call, and
the words each screen says, ending with the keys it offers.

The keys come from the key card in catalogue.yaml (``keys:``); ``menu.py`` decides where each
key goes. No Flask, no Twilio, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..content import Catalogue, Content, SectionEntry
from ..content.vocabulary import KeyCard, Screen
from . import phone
from .position import MAIN, PAUSE, Position, Say

LANGUAGE = "language"
MORE = "more"
CAREGIVER_NUMBER = "caregiver_number"
CAREGIVER_CONFIRM = "caregiver_confirm"
#: The returning-caller offer: agree to be remembered, and the welcome back.
REMEMBER_CONFIRM = "remember_confirm"
WELCOME_BACK = "welcome_back"
TRANSFER = "transfer"
GOODBYE = "goodbye"
#: Where a caller asks for reminders: the channel hands the call to the reminder screens.
REMINDERS = "reminders"
#: Screens reached after the last piece of a section: ``last:<section>``.
LAST_PREFIX = "last:"
#: The offer before a text is sent: ``text_me:<screen>`` (index: the piece).
TEXT_ME_PREFIX = "text_me:"
#: What the channel passes as the key when a caller said something the screen does not know.
NOT_UNDERSTOOD = "~"
#: What the channel passes when a caller names a language anywhere: back to the language menu.
LANGUAGE_KEY = "language"
#: ... and when they say goodbye: a kind goodbye, and the call ends.
GOODBYE_KEY = "goodbye"

#: Silences tolerated on one screen before a kind goodbye (the menu is repeated each time).
MAX_SILENCES = 2

#: Navigation meanings of the key card (catalogue.yaml keys: navigation).
BACK, REPEAT, PERSON, TEXT_ME, SLOWER, MAIN_MENU, NEXT_OR_MORE = (
    "back", "repeat", "person", "text_me", "slower", "main_menu", "next_or_more")
#: Screens of the key card with keys of their own.
TEXT_ME_SCREEN, MORE_SCREEN, YES_NO, NUMBER_ENTRY = "text_me", "more", "yes_no", "number_entry"
#: Meanings on the text-me screen and on the more screen.
TEXT_THIS, WHOLE_SECTION, SEND_TO_CAREGIVER, WHATSAPP = (
    "text_this", "whole_section", "send_to_caregiver", "whatsapp_voice_note")
REMEMBER = "remember"
YES, NO = "yes", "no"
#: On the welcome back: go on where the last call stopped, start again, or be forgotten.
CONTINUE, START_AGAIN, FORGET = "1", "2", "3"

#: The text that offers a section listed under "more" (menu.more_faq).
MORE_TEXT = "menu.more_{}"


@dataclass(frozen=True)
class MenuConfig:
    """What the menu needs to know about a deployment, its content and this caller.

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
    #: The caller's number is known (not withheld), so it can be remembered if they ask.
    can_remember: bool = False
    #: The deployment sends reminders (the channel has the screens for setting one).
    reminders: bool = False
    #: The caller is known to use WhatsApp: a voice note can be offered.
    whatsapp: bool = False

    @classmethod
    def for_content(cls, content: Content, **deployment: bool) -> MenuConfig:
        return cls(content.codes, content.catalogue, content.section_items(), **deployment)

    @property
    def keys(self) -> KeyCard:
        card = self.catalogue.keys
        if card is None:  # the loader refuses a catalogue without one
            raise ValueError("the catalogue has no key card (keys:)")
        return card

    def key(self, meaning: str) -> str:
        """The key of a navigation meaning ("" if the card gives it none)."""
        return self.keys.key_for(meaning) or ""

    def screen_key(self, screen: str, meaning: str) -> str:
        """The key a screen of the key card gives ``meaning`` ("" if none)."""
        own = self.keys.screens.get(screen)
        return next((k for k, m in own.keys.items() if m == meaning), "") if own else ""

    def size(self, section: str) -> int:
        return len(self.sections.get(section, ()))

    def section_at(self, position: Position) -> SectionEntry | None:
        """The section whose pieces the caller is hearing, if any."""
        return self.catalogue.get(position.screen)

    def chooser_at(self, position: Position) -> SectionEntry | None:
        """The section whose chooser the caller is on, if any."""
        return next((s for s in self.catalogue if s.chooser and s.chooser_screen ==
                     position.screen), None)

    def on_main_menu(self) -> list[SectionEntry]:
        return [s for s in self.catalogue if s.key != MORE and self.size(s.id)]

    def under_more(self) -> list[tuple[str, str]]:
        """(key, meaning) of what the more screen offers this caller, in key order."""
        offered = []
        for key, meaning in sorted((self.keys.screens.get(MORE_SCREEN) or NO_SCREEN).keys
                                   .items()):
            section = self.catalogue.get(meaning)
            if ((meaning == LANGUAGE and len(self.languages) > 1)
                    or (meaning == REMINDERS and self.reminders and self.can_text)
                    or (meaning == REMEMBER and self.can_remember)
                    or (section is not None and section.key == MORE and self.size(section.id))):
                offered.append((key, meaning))
        return offered

    def screen_id(self, position: Position) -> str:
        """The name a screen is counted under: a piece's content id, or the screen's name."""
        section = self.section_at(position)
        if section is not None:
            return self.sections[section.id][position.index]
        return position.screen


# --- screens -----------------------------------------------------------------------------------


def screen_prompts(position: Position, config: MenuConfig) -> tuple[Say, ...]:
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
    if screen == MORE:
        return (*(Say(MORE_TEXT.format(meaning)) for _, meaning in config.under_more()),
                *((Say("menu.more_text"),) if config.can_text else ()), Say("menu.back"))
    chooser = config.chooser_at(position)
    if chooser is not None:
        return (Say(chooser.chooser or ""),)
    if screen.startswith(TEXT_ME_PREFIX):
        return _offer_prompts(position, config)
    if screen == CAREGIVER_NUMBER:
        return (Say("caregiver.ask_number"),)
    if screen == CAREGIVER_CONFIRM:
        return (Say("caregiver.you_typed"), *_read_back(position.digits, config),
                Say("caregiver.confirm_number"))
    if screen == REMEMBER_CONFIRM:
        return (Say("remember.offer"),)
    if screen == WELCOME_BACK:
        return (Say("remember.choices"),)
    section = config.section_at(position)
    if section is not None:
        pieces = config.sections[section.id]
        return (
            Say(section.position, {"n": position.index + 1, "total": len(pieces)}),
            Say(pieces[position.index]),
            # The keys in full after a section's first and last pieces; between them only the
            # next one (the rest come back after a silence).
            *piece_keys(position, config, full=position.index in (0, len(pieces) - 1)),
        )
    raise ValueError(f"no such screen: {screen}")


def _read_back(digits: str, config: MenuConfig) -> tuple[Say, ...]:
    """A typed number digit by digit, each its own recorded prompt, with a pause between the
    groups the caller's country writes it in ("0 7 7 0 0, 9 0 0 1 2 3")."""
    said: list[Say] = []
    for group in phone.spoken_groups(digits, config.caller_region or None).split(", "):
        if said:
            said.append(PAUSE)
        said.extend(Say(f"caregiver.digit_{digit}") for digit in group.split())
    return tuple(said)


def piece_keys(position: Position, config: MenuConfig, full: bool) -> tuple[Say, ...]:
    last = position.index + 1 >= config.size(position.screen)
    keys = () if last else (Say("menu.piece_keys"),)
    return (*keys, Say("menu.all_keys")) if full else keys


def _offer_prompts(position: Position, config: MenuConfig) -> tuple[Say, ...]:
    section = offer_section(position, config)
    if section is None:
        return (Say("text_me.offer_menu"),)
    if position.screen == TEXT_ME_PREFIX + section.chooser_screen:
        return (Say("text_me.offer_section"),)
    offer = Say("text_me.offer_shared" if section.share else "text_me.offer_piece")
    return (offer, *((Say("text_me.offer_whatsapp"),) if config.whatsapp else ()))


def offer_section(position: Position, config: MenuConfig) -> SectionEntry | None:
    """The section a text-me offer is about (None: the menu's offer)."""
    if not position.screen.startswith(TEXT_ME_PREFIX):
        return None
    screen = position.screen[len(TEXT_ME_PREFIX):]
    return config.catalogue.get(screen) or config.chooser_at(replace(position, screen=screen))


def expects_number(position: Position) -> bool:
    """The caregiver number screen takes many digits ended by #, not one key."""
    return position.screen == CAREGIVER_NUMBER


NO_SCREEN = Screen({})


def navigation(position: Position, key: str, config: MenuConfig) -> str | None:
    """What a key means on this screen as navigation (None: it is one of the screen's own)."""
    meaning = config.keys.navigation.get(key)
    if meaning is None:
        return None
    own = config.keys.screens.get(card_screen(position, config))
    if own is not None and own.keeps is not None and meaning not in own.keeps:
        return None  # a yes-or-no screen keeps only back (and its own keys)
    if meaning == PERSON and not config.transfer_available:
        return None
    return meaning


def card_screen(position: Position, config: MenuConfig) -> str:
    """The key card's name for the kind of screen ``position`` is."""
    if position.screen.startswith(TEXT_ME_PREFIX):
        return TEXT_ME_SCREEN
    if position.screen in (CAREGIVER_CONFIRM, REMEMBER_CONFIRM, WELCOME_BACK):
        return YES_NO
    if expects_number(position):
        return NUMBER_ENTRY
    return position.screen


# --- what a caller may say ---------------------------------------------------------------------

#: Spoken navigation words and the meaning they have on every screen.
SPOKEN_NAVIGATION = {"repeat": REPEAT, "menu": MAIN_MENU, "slower": SLOWER, "text_me": TEXT_ME,
                     "operator": PERSON, "previous": BACK}


def speech_keys(position: Position, config: MenuConfig) -> Mapping[str, str]:
    """Intent -> key for what a caller may say on this screen."""
    keys: dict[str, str] = {}
    if expects_number(position):
        return {}
    for intent, meaning in SPOKEN_NAVIGATION.items():
        if navigation(position, config.key(meaning), config) == meaning:
            keys[intent] = config.key(meaning)
    if position.screen == MAIN:
        keys.update({section.id: section.key for section in config.on_main_menu()})
        keys["next"] = config.key(NEXT_OR_MORE)
    elif position.screen == MORE:
        keys.update({meaning: key for key, meaning in config.under_more()})
    elif position.screen in (CAREGIVER_CONFIRM, REMEMBER_CONFIRM):
        keys.update({YES: "1", NO: "2"})
    elif position.screen == WELCOME_BACK:
        keys.update({YES: CONTINUE, NO: START_AGAIN})
    elif position.screen.startswith(TEXT_ME_PREFIX):
        keys.update({YES: "1", NO: config.key(BACK)})
        section = offer_section(position, config)
        if section is not None and section.share:
            keys.update({section.id: "2", "caregiver": "3"})
    elif (chooser := config.chooser_at(position)) is not None:
        pieces = config.sections[chooser.id]
        keys.update({piece: str(n) for n, piece in enumerate(pieces, start=1)})
    elif config.section_at(position) is not None:
        keys["next"] = config.key(NEXT_OR_MORE)
        if config.section_at(position).share and config.can_text:
            keys["caregiver"] = config.key(TEXT_ME)
    return keys
