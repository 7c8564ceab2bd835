"""A caller asks for a text (9) or a caregiver share (8): queued, or told why not."""

from __future__ import annotations

import logging

import pytest

from helpline.content import SMS
from helpline.core.prompts import deployment_values
from helpline.store.models import PENDING
from helpline.web.content import current_content

from .conftest import Caller

CALLER = "+447400123123"
CAREGIVER = "+447400123456"


@pytest.fixture
def settings(settings, tmp_path):
    settings["HELPLINE_LANGUAGES"] = "en"
    settings["HELPLINE_AUDIO_DIR"] = str(tmp_path / "no-audio")
    return settings


def read_back_of(screen) -> str:
    """The digits a caller hears read back, one prompt each, "," for the pause between groups."""
    words = {screen.words(f"caregiver.digit_{n}"): str(n) for n in range(10)}
    said = []
    for el in screen.gather.iter():
        if el.tag == "Pause":
            said.append(",")
        elif el.tag == "Say" and el.text in words:
            said.append(words[el.text])
        elif el.tag == "Play" and "/caregiver.digit_" in (el.text or ""):
            said.append(el.text.split("/caregiver.digit_")[1][0])
    return "".join(said)


def test_six_on_a_question_queues_that_question_and_says_so(caller, outbox):
    caller.dial()
    caller.press("3")
    caller.press("9")
    caller.press("9")

    offer = caller.press("6")
    asked_first = outbox.rows(to_number=CALLER)
    screen = caller.press("1")

    assert offer.hears("text_me.offer_shared") and asked_first == []
    assert screen.hears("voice.text_sent")
    assert screen.hears("menu.all_keys")  # the caller stays where they were
    assert "i=2" in screen.action and "s=questions" in screen.action
    rows = outbox.rows(to_number=CALLER)
    assert len(rows) == 1 and rows[0].state == PENDING and rows[0].kind == "text_me"
    with caller.app.app_context():
        pack = current_content().pack("en")
        intro, question, footer = (pack.render(text_id, SMS, deployment_values(caller.app.config))
                                   for text_id in ("questions.intro", "questions.q03",
                                                   "sms.stop_footer"))
    # What it is, the question itself, and how to stop, in that order.
    body = rows[0].body
    assert body.index(intro) < body.index(question) < body.index(footer)


def test_six_on_the_main_menu_texts_the_keyword_menu(caller, outbox):
    caller.dial()

    assert caller.press("6").hears("text_me.offer_menu")
    caller.press("1")

    body = outbox.bodies_to(CALLER)[0]
    assert "CHECKLIST" in body and "QUESTIONS" in body


def test_after_stop_a_caller_is_told_texts_are_off_and_nothing_is_queued(caller, outbox, store):
    with store.transaction() as tx:
        tx.contacts.record_opt_out(CALLER, via="STOP")
    caller.dial()
    caller.press("6")

    screen = caller.press("1")

    assert screen.hears("voice.text_opted_out")
    assert outbox.rows() == []


@pytest.mark.parametrize("number", ["anonymous", "+266696687", "", "+442079460000"])
def test_a_caller_without_a_mobile_number_is_told_a_text_is_not_possible(caller, number,
                                                                         outbox):
    caller.number = number
    caller.dial()

    screen = caller.press("6")

    assert screen.hears("voice.text_not_possible")
    assert outbox.rows() == []


def test_six_then_three_sends_all_ten_questions_to_a_caregiver_after_read_back(caller, outbox):
    caller.dial()
    caller.press("3")

    caller.press("6")
    assert caller.press("3").hears("caregiver.ask_number")
    read_back = caller.press("07400123456")
    assert read_back.hears("caregiver.you_typed") and read_back_of(read_back) == "07400,123456"

    done = caller.press("1")

    assert done.hears("caregiver.sent")
    assert done.hears("questions.q01")
    sends = outbox.rows(to_number=CAREGIVER)
    assert [row.kind for row in sends][0] == "share_intro"
    body = "\n".join(row.body for row in sends)
    for n in range(1, 11):
        assert f"{n}. " in body
    assert "STOP" in sends[0].body and "STOP" in sends[-1].body


def test_two_retypes_the_caregiver_number(caller):
    caller.dial()
    caller.press("3")
    caller.press("6")
    caller.press("3")
    caller.press("0770")

    again = caller.press("07400123456")
    assert read_back_of(again) == "07400,123456"
    assert caller.press("2").hears("caregiver.ask_number")


def test_a_caregiver_who_opted_out_is_never_texted_and_the_caller_learns_nothing(
        caller, outbox, store):
    with store.transaction() as tx:
        tx.contacts.record_opt_out(CAREGIVER, via="STOP")
    caller.dial()
    caller.press("3")
    caller.press("6")
    caller.press("3")
    caller.press("07400123456")

    screen = caller.press("1")

    assert screen.hears("caregiver.not_sent")
    assert [r for r in outbox.rows() if r.state == PENDING] == []


def test_a_typed_caregiver_number_is_in_no_url_and_no_log_line(caller, outbox, caplog):
    """Twilio keeps every request URL in its logs, where FORGET cannot reach."""
    caplog.set_level(logging.DEBUG)
    caller.dial()
    caller.press("3")
    caller.press("6")
    caller.press("3")
    screens = [caller.press("07400123456")]
    screens.append(caller.press("1"))

    urls = [url for screen in screens for url in (screen.action, screen.redirect) if url]
    urls += [screen.xml.find(".//Gather").get("action") for screen in screens
             if screen.xml.find(".//Gather") is not None]
    assert screens[-1].hears("caregiver.sent")
    for digits in ("07400123456", "7400123456", "0 7 4 0 0"):
        assert not any(digits in url for url in urls), urls
        assert not any(digits in record.getMessage() for record in caplog.records)


def test_a_sealed_number_from_one_call_is_useless_on_another(twilio, app, caller, outbox):
    caller.dial()
    caller.press("3")
    caller.press("6")
    caller.press("3")
    confirm_url = caller.press("07400123456").action
    other = Caller(twilio, app, number="+447400999888")
    other.dial()
    other.screen.xml.find(".//Gather").set("action", confirm_url)  # replay A's step URL

    stolen = other.press("1")

    assert stolen.hears("caregiver.invalid")  # nothing to confirm: type the number again
    assert outbox.rows() == []


@pytest.mark.parametrize("answer", ["no", None, "*"])
def test_no_or_silence_after_six_sends_nothing(caller, outbox, answer):
    caller.dial()
    caller.press("2")
    caller.press("6")

    if answer is None:
        screen = caller.stay_silent()
    elif answer == "*":
        screen = caller.press("*")
    else:
        screen = caller.say(answer)

    assert outbox.rows(to_number=CALLER) == []
    assert screen.hears("menu.all_keys") and "s=checklist" in screen.action


def test_all_ten_queues_every_question_under_the_heading_that_says_so(caller, outbox):
    caller.dial()
    caller.press("3")
    caller.press("6")

    screen = caller.press("2")

    assert screen.hears("voice.text_sent")
    body = "".join(outbox.bodies_to(CALLER))
    with caller.app.app_context():
        pack = current_content().pack("en")
        values = deployment_values(caller.app.config)
        first, last = (pack.render(i, SMS, values) for i in ("questions.q01", "questions.q10"))
    assert first in body and last in body


def test_a_caregiver_number_that_is_the_callers_own_is_a_text_to_them(caller, outbox):
    caller.dial()
    caller.press("3")
    caller.press("6")
    caller.press("3")
    caller.press("07400123123#")

    screen = caller.press("1")

    assert screen.hears("voice.text_sent")
    rows = outbox.rows(to_number=CALLER)
    assert rows and all(row.kind == "text_me" for row in rows)


def test_silence_while_typing_a_number_goes_back_to_the_question(caller):
    caller.dial()
    caller.press("3")
    caller.press("6")
    caller.press("3")

    screen = caller.stay_silent()

    assert screen.hears("menu.all_keys") and "s=questions" in screen.action

