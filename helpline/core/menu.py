"""The phone menu as plain data: where a caller is, what they hear, where each key takes them.

No Flask, no Twilio, no database: the voice blueprint turns a ``Step`` into TwiML and carries
the ``Position`` in its action URLs, so any instance can answer any step of any call. The
sections, their keys, position texts and choosers come from the catalogue, and so does the
key card (``keys:`` in catalogue.yaml): one key for each navigation meaning, the same on every
screen, so a caller learns it once. In the shipped catalogue:

  every screen   * back, # hear it again, 6 text me, 7 slower, 8 main menu,
                 9 next (on a piece) or more (on a menu), 0 a person (when configured)
  main menu      1-5 the sections; more (9): 1 language, 2 reminders, 3 questions people ask,
                 4 be remembered next time
  a chooser      1, 2, 3 ... pick a piece (the scripts)
  text me (6)    asks first: 1 this piece, 2 the whole section, 3 a family member's phone (where
                 the section can be shared), 4 a WhatsApp voice note (where the caller uses it)
  yes or no      1 yes, 2 no; only back and repeat are kept
  a number       every digit is the number, # ends it, * goes back
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..content import SectionEntry
from .position import (
    MAIN,
    PAUSE,
    Effect,
    Forget,
    Position,
    Remember,
    Say,
    ShareWithCaregiver,
    Step,
    TextMe,
    VoiceNote,
    from_query,
    to_query,
)
from .screens import (
    BACK,
    CAREGIVER_CONFIRM,
    CAREGIVER_NUMBER,
    CONTINUE,
    FORGET,
    GOODBYE,
    GOODBYE_KEY,
    LANGUAGE,
    LANGUAGE_KEY,
    LAST_PREFIX,
    MAIN_MENU,
    MAX_SILENCES,
    MORE,
    NEXT_OR_MORE,
    NO,
    NO_SCREEN,
    NOT_UNDERSTOOD,
    PERSON,
    REMEMBER,
    REMEMBER_CONFIRM,
    REMINDERS,
    REPEAT,
    SEND_TO_CAREGIVER,
    SLOWER,
    START_AGAIN,
    TEXT_ME,
    TEXT_ME_PREFIX,
    TEXT_ME_SCREEN,
    TEXT_THIS,
    TRANSFER,
    WELCOME_BACK,
    WHATSAPP,
    WHOLE_SECTION,
    YES,
    YES_NO,
    MenuConfig,
    expects_number,
    navigation,
    offer_section,
    piece_keys,
    screen_prompts,
    speech_keys,
)

#: The data of a call live in ``position`` and ``screens``; the channels reach them through
#: ``menu``.
__all__ = ["CAREGIVER_CONFIRM", "CAREGIVER_NUMBER", "GOODBYE", "GOODBYE_KEY", "LANGUAGE",
           "LANGUAGE_KEY", "LAST_PREFIX", "MAIN", "MORE", "NOT_UNDERSTOOD", "PAUSE",
           "REMEMBER_CONFIRM", "REMINDERS", "TEXT_ME", "TEXT_ME_PREFIX", "TRANSFER",
           "WELCOME_BACK", "Forget", "MenuConfig", "Position", "Remember", "Say",
           "ShareWithCaregiver", "Step", "TextMe", "VoiceNote", "expects_number", "from_query",
           "speech_keys", "to_query"]


def _show(position: Position, config: MenuConfig, before: Sequence[Say] = (),
          effect: Effect | None = None) -> Step:
    return Step(tuple(before) + screen_prompts(position, config), position, effect=effect,
                reached=config.screen_id(position))


def start(config: MenuConfig, returning: Position | None = None) -> Step:
    """A new call: the language menu, or straight to the main menu with one language.

    ``returning``: where a caller who asked to be remembered stopped last time; they are
    welcomed back in their language and offered to go on from there.
    """
    if returning is not None:
        back = normalise(returning, config)
        resume = back.screen if config.section_at(back) or config.chooser_at(back) else MAIN
        welcome = Position(WELCOME_BACK, back.language, index=back.index, slow=back.slow,
                           remembered=True, resume=resume)
        return _show(welcome, config, (Say("remember.welcome_back"), Say("safety")))
    if len(config.languages) > 1:
        return _show(Position(LANGUAGE, config.languages[0]), config)
    return _enter_main(config.languages[0], config)


def _enter_main(language: str, config: MenuConfig, before: Sequence[Say] = (),
                like: Position | None = None) -> Step:
    main = Position(MAIN, language)
    if like is not None:
        main = replace(main, slow=like.slow, remembered=like.remembered)
    return _show(main, config, (*before, Say("welcome"), Say("safety")))


def _main(position: Position) -> Position:
    """The main menu, keeping how the call is heard (slower) and whether it is remembered."""
    return Position(MAIN, position.language, slow=position.slow, remembered=position.remembered)


def _moved(position: Position, screen: str, index: int = 0, digits: str = "") -> Position:
    return replace(position, screen=screen, index=index, silences=0, digits=digits, resume="")


def _enter_section(section: SectionEntry, position: Position, config: MenuConfig) -> Step:
    if section.chooser:
        return _show(_moved(position, section.chooser_screen), config, (Say(section.intro),))
    return _show(_moved(position, section.id), config, (Say(section.intro),))


def _known_screens(config: MenuConfig) -> set[str]:
    screens = {LANGUAGE, MAIN, MORE, CAREGIVER_NUMBER, CAREGIVER_CONFIRM, REMEMBER_CONFIRM,
               WELCOME_BACK, *config.catalogue.ids, TEXT_ME_PREFIX + MAIN}
    choosers = {s.chooser_screen for s in config.catalogue if s.chooser}
    screens |= {TEXT_ME_PREFIX + section for section in (*config.catalogue.ids, *choosers)}
    return screens | choosers


def normalise(position: Position, config: MenuConfig) -> Position:
    """Any stale or forged position becomes a real one (unknown screens go to the main menu)."""
    language = position.language if position.language in config.languages else (
        config.languages[0])
    position = replace(position, language=language, silences=max(0, min(position.silences,
                                                                          MAX_SILENCES)))
    if position.screen not in _known_screens(config):
        return _main(position)
    if position.screen == LANGUAGE and len(config.languages) < 2:
        return _main(position)
    if position.screen == REMEMBER_CONFIRM and not config.can_remember:
        return _main(position)
    if position.screen == WELCOME_BACK and position.resume not in _known_screens(config):
        return _main(position)
    section = config.section_at(position) or offer_section(position, config)
    if position.screen == WELCOME_BACK:
        section = config.catalogue.get(position.resume)
    if section is not None:
        size = config.size(section.id)
        if size == 0:
            return _main(position)
        if not 0 <= position.index < size:
            return replace(position, index=0)
    if position.screen in (CAREGIVER_NUMBER, CAREGIVER_CONFIRM):
        shared = config.catalogue.shared
        if shared is None or not config.size(shared.id):
            return _main(position)
        if position.screen == CAREGIVER_CONFIRM and not position.digits.isdecimal():
            return replace(position, screen=CAREGIVER_NUMBER, digits="")
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
    if expects_number(position):
        return _answer_caregiver_number(position, key, config)
    if key == NOT_UNDERSTOOD:
        if position.screen == LANGUAGE:
            return _show(position, config,
                         _in_every_language("voice.not_understood", position, config))
        return _again(position, config, Say("voice.not_understood"))
    if key == GOODBYE_KEY:
        return Step((Say("voice.goodbye"),), None, hangup=True, reached=GOODBYE)
    if key == LANGUAGE_KEY and len(config.languages) > 1:
        return _show(_moved(position, LANGUAGE), config)
    if position.screen == LANGUAGE:
        return _answer_language(position, key, config)
    meaning = navigation(position, key, config)
    if meaning == REPEAT:
        return _show(position, config)
    if meaning == SLOWER:
        return _show(replace(position, slow=True), config)
    if meaning == MAIN_MENU:
        return _show(_main(position), config)
    if meaning == PERSON:
        if config.transfer_open:
            return Step((Say("transfer.connecting"),), None, transfer=True, reached=TRANSFER)
        return _show(position, config, (Say("transfer.closed"), Say("transfer.hours")))
    if meaning == BACK:
        return _back(position, config)
    if meaning == TEXT_ME:
        return _offer_text(position, config)
    if position.screen.startswith(TEXT_ME_PREFIX):
        return _answer_text_me(position, key, config)
    if position.screen in (CAREGIVER_CONFIRM, REMEMBER_CONFIRM, WELCOME_BACK):
        return _answer_yes_no(position, key, config)
    if meaning == NEXT_OR_MORE:
        if config.section_at(position) is not None:
            return _next_piece(position, config)
        return _show(_moved(position, MORE), config)
    if position.screen == MAIN:
        section = config.catalogue.by_key(key)
        if section is not None and section in config.on_main_menu():
            return _enter_section(section, position, config)
    if position.screen == MORE:
        return _answer_more(position, key, config)
    chooser = config.chooser_at(position)
    if chooser is not None and key.isdecimal() and 1 <= int(key) <= config.size(chooser.id):
        return _show(_moved(position, chooser.id, index=int(key) - 1), config)
    return _wrong_key(position, config)


def replay(position: Position, config: MenuConfig, before: Sequence[Say] = ()) -> Step:
    """Show a screen again, e.g. after an error or a finished transfer."""
    return _show(normalise(position, config), config, before)


def _silence(position: Position, config: MenuConfig) -> Step:
    """Silence never ends a call away from a menu: someone looking up a number, or thinking
    about what they heard, is taken back one step; at a menu the call ends kindly after a few."""
    if position.screen == CAREGIVER_NUMBER or position.screen.startswith(TEXT_ME_PREFIX):
        return _back(position, config)
    section = config.section_at(position)
    if section is not None:
        if position.silences >= MAX_SILENCES:
            return _show(_main(position), config)
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
    """On a piece, the keys in full, not the whole piece again."""
    return Step((*before, *piece_keys(position, config, full=True)), position,
                reached=config.screen_id(position))


def _again(position: Position, config: MenuConfig, before: Say) -> Step:
    """The screen's choices again after ``before`` (on a piece: its keys only)."""
    if config.section_at(position) is not None:
        return _keys_again(position, config, before)
    return _show(position, config, (before,))


def _wrong_key(position: Position, config: MenuConfig) -> Step:
    if config.section_at(position) is not None:
        return _keys_again(position, config, Say("voice.wrong_key"))
    return _show(position, config, _in_every_language("voice.wrong_key", position, config))


def _answer_language(position: Position, key: str, config: MenuConfig) -> Step:
    if key.isdecimal() and 1 <= int(key) <= len(config.languages):
        return _enter_main(config.languages[int(key) - 1], config, like=position)
    if key == "#":
        return _show(position, config)
    return _wrong_key(position, config)


def _back(position: Position, config: MenuConfig, *before: Say,
          effect: Effect | None = None) -> Step:
    """One step back the way the caller came: the piece before, a section's chooser, the main
    menu, the language menu (a text-me offer or a typed number back to where it was asked)."""
    screen = position.screen
    offer = offer_section(position, config)
    if screen.startswith(TEXT_ME_PREFIX) or screen in (CAREGIVER_NUMBER, CAREGIVER_CONFIRM):
        if screen.startswith(TEXT_ME_PREFIX) and offer is not None and (
                screen == TEXT_ME_PREFIX + offer.chooser_screen):
            return _show(_moved(position, offer.chooser_screen), config, before, effect=effect)
        section = offer or (config.catalogue.shared if not screen.startswith(TEXT_ME_PREFIX)
                            else None)
        if section is None:
            return _show(_main(position), config, before, effect=effect)
        piece = _moved(position, section.id, index=position.index)
        return replace(_keys_again(piece, config, *before), effect=effect)
    if screen in (REMEMBER_CONFIRM, MORE):
        return _show(_main(position), config, before, effect=effect)
    section = config.section_at(position)
    if section is not None and position.index > 0:
        return _show(replace(position, index=position.index - 1), config, before, effect=effect)
    if section is not None and section.chooser:
        return _show(_moved(position, section.chooser_screen), config, before, effect=effect)
    if screen == MAIN and len(config.languages) > 1:
        return _show(_moved(position, LANGUAGE), config, before, effect=effect)
    return _show(_main(position), config, before, effect=effect)


def _next_piece(position: Position, config: MenuConfig) -> Step:
    section = config.section_at(position)
    assert section is not None
    if position.index + 1 >= config.size(section.id):
        return Step((Say("nav.last"), *piece_keys(position, config, full=True)), position,
                    reached=LAST_PREFIX + section.id)
    return _show(replace(position, index=position.index + 1), config)


def _answer_more(position: Position, key: str, config: MenuConfig) -> Step:
    meaning = dict(config.under_more()).get(key)
    if meaning == LANGUAGE:
        return _show(_moved(position, LANGUAGE), config)
    if meaning == REMINDERS:
        return Step((), None, reached=REMINDERS, hand_off=REMINDERS)
    if meaning == REMEMBER:
        return _show(_moved(position, REMEMBER_CONFIRM), config)
    section = config.catalogue.get(meaning)
    if section is not None:
        return _enter_section(section, position, config)
    return _wrong_key(position, config)


def _offer_text(position: Position, config: MenuConfig) -> Step:
    """Key 6: what would be sent, asked first. Only on a phone that can get texts."""
    if not config.can_text:
        return _again(position, config, Say("voice.text_not_possible"))
    if position.screen.startswith(TEXT_ME_PREFIX):
        return _show(position, config)
    section = config.section_at(position)
    if section is not None or config.chooser_at(position) is not None:
        offer = _moved(position, TEXT_ME_PREFIX + position.screen, index=position.index)
    else:
        offer = _moved(position, TEXT_ME_PREFIX + MAIN)
    return _show(offer, config)


def _answer_text_me(position: Position, key: str, config: MenuConfig) -> Step:
    """The caller confirms what to send by choosing it; anything else sends nothing."""
    section = offer_section(position, config)
    meaning = (config.keys.screens.get(TEXT_ME_SCREEN) or NO_SCREEN).keys.get(key)
    if section is None:
        if meaning == TEXT_THIS:
            return _back(position, config, effect=TextMe("menu.main"))
        return _wrong_key(position, config)
    if position.screen == TEXT_ME_PREFIX + section.chooser_screen:
        if meaning == TEXT_THIS:
            return _back(position, config, effect=TextMe(section.id))
        return _wrong_key(position, config)
    if meaning == TEXT_THIS:
        return _back(position, config,
                     effect=TextMe(config.sections[section.id][position.index]))
    if meaning == WHOLE_SECTION:
        return _back(position, config, effect=TextMe(section.id))
    if meaning == SEND_TO_CAREGIVER and section.share:
        return _show(_moved(position, CAREGIVER_NUMBER, index=position.index), config)
    if meaning == WHATSAPP and config.whatsapp:
        return _back(position, config,
                     effect=VoiceNote(config.sections[section.id][position.index]))
    return _wrong_key(position, config)


def _shared_piece(position: Position, config: MenuConfig) -> Position:
    shared = config.catalogue.shared
    assert shared is not None
    return _moved(position, shared.id, index=position.index)


def _answer_caregiver_number(position: Position, key: str, config: MenuConfig) -> Step:
    """Every digit is part of the number; # ends it; * goes back (announced in the prompt)."""
    digits = key.replace("#", "")
    if digits.startswith("*") or digits == "":
        return _back(position, config)
    if not digits.isdecimal() or not 6 <= len(digits) <= 15:
        return _show(position, config, (Say("caregiver.invalid"),))
    return _show(_moved(position, CAREGIVER_CONFIRM, index=position.index, digits=digits),
                 config)


def _answer_yes_no(position: Position, key: str, config: MenuConfig) -> Step:
    """1 yes, 2 no (3 to be forgotten on the welcome back)."""
    meaning = (config.keys.screens.get(YES_NO) or NO_SCREEN).keys.get(key)
    if position.screen == WELCOME_BACK:
        if key == CONTINUE:
            resumed = _moved(position, position.resume, index=position.index)
            return _show(normalise(resumed, config), config)
        if key == START_AGAIN:
            return _enter_main(position.language, config, like=position)
        if key == FORGET:
            step = _enter_main(position.language, config, (Say("remember.forgotten"),),
                               like=replace(position, remembered=False))
            return replace(step, effect=Forget())
        return _wrong_key(position, config)
    if position.screen == REMEMBER_CONFIRM:
        if meaning == YES:
            return _show(replace(_main(position), remembered=True), config,
                         (Say("remember.done"),), effect=Remember())
        if meaning == NO:
            return _show(_main(position), config)
        return _wrong_key(position, config)
    if meaning == YES:
        return _show(_shared_piece(position, config), config,
                     effect=ShareWithCaregiver(position.digits))
    if meaning == NO:
        return _show(_moved(position, CAREGIVER_NUMBER, index=position.index), config)
    return _wrong_key(position, config)
