"""Whole calls through signed webhooks, as Twilio places them, with TwiML read as XML."""

from __future__ import annotations

import pytest

from helpline import create_app


@pytest.fixture
def settings(settings, tmp_path):
    settings["HELPLINE_LANGUAGES"] = "en"
    settings["HELPLINE_AUDIO_DIR"] = str(tmp_path / "no-audio")
    return settings


def test_a_call_is_welcomed_and_hears_the_main_menu(caller):
    screen = caller.dial()

    assert screen.hears("welcome") and screen.hears("safety") and screen.hears("menu.main")
    gather = screen.gather
    assert gather.get("input") == "dtmf speech"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("language") == "en-US"
    assert "checklist" in gather.get("hints").lower()
    # the prompts are inside the Gather, so a key interrupts them
    assert len(gather.findall("Say")) == 3


NUMBER = "447400123001"


@pytest.mark.parametrize("presses", [
    [], ["1"], ["1", "*"], ["1", "1"], ["1", "2"], ["1", "2", "9"], ["1", "3", "*"], ["2"],
    ["2", "9"], ["2", "9", "*"], ["2", "6"], ["2", "6", "1"], ["3"], ["3", "6", "3"],
    ["3", "6", "3", NUMBER], ["3", "6", "3", NUMBER, "1"], ["3", "6", "3", NUMBER, "2"],
    ["3", "6", "3", "12"], ["3", "6", "3", "*"], ["3", "6"], ["3", "7"], ["3", "8"], ["4"],
    ["5"], ["9"], ["9", "3"], ["9", "4"], ["9", "4", "1"], ["9", "*"], ["0"], ["#"], ["7"],
    ["6"], [None], [None, None], [None, None, None],
], ids=repr)
def test_every_screen_ends_listening_or_saying_goodbye(caller, presses):
    """After any path through the menu the answer either listens (a Gather whose action is
    also where the call goes if Twilio falls through it) or ends the call: never dead air."""
    screen = caller.dial()
    for key in presses:
        screen = caller.stay_silent() if key is None else caller.press(key)
        if screen.gather is None:
            break

    if screen.gather is not None:
        assert screen.redirect == screen.action
        assert screen.prompts, "a listening screen says something"
    else:
        assert screen.hangup or screen.dial is not None


def test_the_questions_are_read_one_at_a_time_with_where_the_caller_is(caller):
    caller.dial()
    screen = caller.press("3")
    assert screen.hears("questions.intro")
    assert screen.hears("nav.question", n=1, total=10)
    assert screen.hears("questions.q01")
    assert screen.hears("menu.piece_keys") and screen.hears("menu.all_keys")

    for n in range(2, 11):
        screen = caller.press("9")
        assert screen.hears("nav.question", n=n, total=10)
        assert screen.hears(f"questions.q{n:02d}")
        assert screen.hears("menu.all_keys") == (n == 10)  # in full again on the last

    screen = caller.press("9")
    assert screen.hears("nav.last")


def test_the_whole_checklist_is_read_and_previous_goes_back(caller):
    caller.dial()
    screen = caller.press("2")
    heard = []
    for _ in range(6):
        heard += [t for t in ("checklist.pathology", "checklist.imaging",
                              "checklist.operative_notes", "checklist.treatment_summaries",
                              "checklist.molecular_tests", "checklist.medications")
                  if screen.hears(t)]
        screen = caller.press("9")
    assert heard == ["checklist.pathology", "checklist.imaging", "checklist.operative_notes",
                     "checklist.treatment_summaries", "checklist.molecular_tests",
                     "checklist.medications"]

    screen = caller.press("*")
    assert screen.hears("checklist.molecular_tests")


@pytest.mark.parametrize("key, script", [("1", "scripts.direct"), ("2", "scripts.emotional"),
                                         ("3", "scripts.calm")])
def test_each_script_is_reached_from_the_scripts_menu(caller, key, script):
    caller.dial()
    assert caller.press("1").hears("menu.scripts")

    screen = caller.press(key)

    assert screen.hears(script)


@pytest.mark.parametrize(
    "speech, expected",
    [("the checklist please", "checklist.intro"), ("questions", "questions.intro"),
     ("how do I ask", "scripts.intro"), ("China", "international.intro")],
)
def test_speech_reaches_the_same_places_as_keys(caller, speech, expected):
    caller.dial()

    assert caller.say(speech).hears(expected)


def test_speech_inside_a_piece_moves_like_keys(caller):
    caller.dial()
    caller.press("3")

    assert caller.say("next").hears("questions.q02")
    assert caller.say("go back").hears("questions.q01")


def test_a_wrong_key_says_so_and_repeats_the_menu(caller):
    caller.dial()

    screen = caller.press("0")

    assert screen.hears("voice.wrong_key") and screen.hears("menu.main")


def test_slower_plays_the_slow_rendering_and_the_call_stays_slow(caller):
    caller.dial()
    caller.press("3")

    slow = caller.press("7")
    later = caller.press("9")

    for screen in (slow, later):
        says = [el for el in screen.gather.iter("Say")]
        assert says and all(el.find("prosody") is not None for el in says)
        assert all(el.find("prosody").get("rate") == "80%" for el in says)
    assert "".join(slow.gather.itertext()).count(slow.words("questions.q01")) == 1
    assert later.hears("questions.q02") or slow.words("questions.q02") in "".join(
        later.gather.itertext())


def test_silence_twice_then_a_kind_goodbye_with_the_sms_hint(caller):
    caller.dial()

    first, second = caller.stay_silent(), caller.stay_silent()
    last = caller.stay_silent()

    assert first.hears("voice.no_input") and first.hears("menu.main")
    assert second.hears("voice.no_input") and second.hears("menu.main")
    assert last.hears("voice.goodbye_no_input") and last.hangup and last.gather is None
    assert "checklist" in last.text().lower()


@pytest.mark.parametrize("query", ["s=gone&l=en", "s=questions&i=abc", "s=%00&l=%ff", ""])
def test_junk_in_the_url_gets_the_main_menu_not_an_error(caller, query):
    caller.dial()
    screen = caller._post(f"/voice/step?{query}", Digits="*")

    assert screen.hears("menu.main")


@pytest.mark.parametrize("digits", ["", "99999999", "#*#", "\u0661", "1" * 5000])
def test_any_digits_get_an_answer(caller, digits):
    caller.dial()

    screen = caller.press(digits) if digits else caller.stay_silent()

    assert screen.gather is not None


def test_an_unsigned_or_mis_signed_request_is_refused(twilio, caller):
    unsigned = twilio.client.post("/voice", data=caller.params())
    wrong = twilio.post("/voice", caller.params(), signature="bm90IGEgc2lnbmF0dXJl")
    other_url = twilio.client.post("/voice/step?s=questions", data=caller.params(),
                                   headers={"X-Twilio-Signature": twilio.sign("/voice",
                                                                              caller.params())})

    assert unsigned.status_code == 403
    assert wrong.status_code == 403
    assert other_url.status_code == 403


def test_a_failing_handler_still_answers_with_an_apology_and_the_menu(caller, app, monkeypatch):
    from helpline.core import menu

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")

    caller.dial()
    monkeypatch.setattr(menu, "answer", broken)
    screen = caller.press("3")

    assert screen.hears("voice.error")
    assert screen.hears("menu.main")


def test_local_mode_accepts_unsigned_requests(settings):
    settings.update(TWILIO_AUTH_TOKEN="", TWILIO_ACCOUNT_SID="")
    client = create_app(settings).test_client()

    response = client.post("/voice", data={"CallSid": "CA1", "From": "+447400123123"})

    assert response.status_code == 200
    assert b"<Gather" in response.data


def test_more_then_two_asks_a_mobile_caller_for_the_days_until_the_appointment(caller):
    caller.dial()
    more = caller.press("9")

    asked = caller.press("2")

    assert more.hears("menu.more_reminders")
    assert asked.hears("reminder.call_ask") and asked.action.startswith("/voice/remind/")


def test_a_caller_who_asked_to_be_remembered_goes_on_where_they_stopped(caller, twilio, app):
    from .conftest import Caller

    caller.dial()
    caller.press("9")
    assert caller.press("4").hears("remember.offer")
    assert caller.press("1").hears("remember.done")
    caller.press("3")
    caller.press("9")  # question 2, then the call ends

    again = Caller(twilio, app, number=caller.number)
    back = again.dial()
    assert back.hears("remember.welcome_back") and back.hears("safety")
    assert again.press("1").hears("questions.q02")
    stranger = Caller(twilio, app, number="+447400123999").dial()
    assert not stranger.hears("remember.welcome_back") and stranger.hears("welcome")
