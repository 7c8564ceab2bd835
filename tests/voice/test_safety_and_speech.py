"""Calls as a frightened caller makes them: danger said on any screen, keys said aloud,
sentences that are not commands, and a country's own emergency number."""

from __future__ import annotations

import pytest

from helpline.web.content import current_content

from .conftest import Caller

LANGUAGES = ("en", "zh", "es", "ar", "ru", "fr")
KEY_FOR = {code: str(n) for n, code in enumerate(LANGUAGES, start=1)}
#: A caller from each language's country, so each hears a number they know.
CALLERS = {"en": "+447400123123", "zh": "+8613800138000", "es": "+34612345678",
           "ar": "+201001234567", "ru": "+79161234567", "fr": "+33612345678"}
SPOKEN = {"en": "9 9 9", "zh": "1 2 0", "es": "1 1 2", "ar": "1 2 3", "ru": "1 0 3",
          "fr": "1 1 2"}


@pytest.fixture
def settings(settings, tmp_path):
    settings["HELPLINE_LANGUAGES"] = ",".join(LANGUAGES)
    settings["HELPLINE_AUDIO_DIR"] = str(tmp_path / "no-audio")
    return settings


def danger_phrase(app, code: str) -> str:
    with app.app_context():
        return current_content().pack(code).safety_words[0]


def in_language(twilio, app, code: str) -> Caller:
    caller = Caller(twilio, app, number=CALLERS[code])
    caller.dial()
    caller.press(KEY_FOR[code])
    return caller


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("screen", ["main menu", "checklist item", "question", "number entry"])
def test_danger_said_on_any_screen_gets_urgent_care_with_the_countrys_number(
        twilio, app, code, screen):
    caller = in_language(twilio, app, code)
    for key in {"main menu": "", "checklist item": "2", "question": "3",
                "number entry": "363"}[screen]:
        caller.press(key)
    listening = caller.screen.action

    heard = caller.say(danger_phrase(app, code))

    assert heard.hears("voice.urgent_care", code, emergency_number=SPOKEN[code])
    assert heard.spoken[0] == heard.words("voice.urgent_care", code,
                                          emergency_number=SPOKEN[code])  # first
    assert not heard.hears("voice.not_understood", code)
    if screen != "number entry":  # the number entry takes the caller back to the question
        assert heard.action.split("&t=")[0] == listening.split("&t=")[0]


def test_a_caller_from_a_country_not_in_the_table_hears_local_words(twilio, app):
    caller = Caller(twilio, app, number="+8801712345678")  # Bangladesh
    caller.dial()
    caller.press("1")

    assert caller.say(danger_phrase(app, "en")).hears("voice.urgent_care_local")


@pytest.mark.parametrize("said, key", [("two", "2"), ("next", "9"), ("nine", "9"),
                                       ("repeat", "#"), ("star", "*"), ("slower", "7"),
                                       ("main menu", "8")])
def test_a_key_said_aloud_does_what_the_key_does(twilio, app, said, key):
    spoken = in_language(twilio, app, "en")
    spoken.press("3")
    pressed = in_language(twilio, app, "en")
    pressed.press("3")

    by_voice, by_key = spoken.say(said), pressed.press(key)

    assert by_voice.spoken == by_key.spoken
    assert by_voice.action == by_key.action


def test_a_sentence_read_aloud_on_a_piece_is_not_a_command(twilio, app):
    caller = in_language(twilio, app, "en")
    caller.press("1")
    caller.press("1")
    here = caller.screen.action

    heard = caller.say("I would like to talk about my cancer and my choices")

    assert heard.hears("voice.not_understood") and heard.action == here
    assert heard.hears("menu.all_keys") and not heard.hears("menu.main")


def test_unclear_speech_is_not_called_a_wrong_key(twilio, app):
    caller = in_language(twilio, app, "en")

    heard = caller.say("purple elephant")

    assert heard.hears("voice.not_understood") and not heard.hears("voice.wrong_key")


def test_naming_another_language_on_any_screen_goes_back_to_the_language_choice(twilio, app):
    caller = in_language(twilio, app, "en")
    caller.press("2")

    heard = caller.say("Español")

    assert "s=language" in heard.action
    assert all(heard.hears("language.choose", code, key=int(KEY_FOR[code]))
               for code in LANGUAGES)


@pytest.mark.parametrize("answer", ["9", None])
def test_at_the_language_menu_a_wrong_key_or_silence_is_said_in_every_language(
        twilio, app, answer):
    caller = Caller(twilio, app, number=CALLERS["en"])
    caller.dial()

    heard = caller.press(answer) if answer else caller.stay_silent()

    said = "voice.wrong_key" if answer else "voice.no_input"
    assert all(heard.hears(said, code) for code in LANGUAGES)


@pytest.mark.parametrize("code, words", [("en", "goodbye"), ("es", "adiós"), ("fr", "au revoir")])
def test_saying_goodbye_ends_the_call_kindly(twilio, app, code, words):
    caller = in_language(twilio, app, code)
    caller.press("2")

    heard = caller.say(words)

    assert heard.hears("voice.goodbye", code) and heard.hangup
