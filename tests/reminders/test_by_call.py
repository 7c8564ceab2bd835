"""Setting a reminder on a call: days typed, read back, confirmed; the texts then go at the
caller's local times. Only a mobile the helpline may text can set one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import time, timedelta

import pytest

from helpline.core import emergency

from .conftest import LONDON, appointment_in, at

MOBILE = "+447400123001"
LANDLINE = "+442079460123"


class Call:
    """A call on the reminder screens, signed as Twilio signs it."""

    def __init__(self, twilio, number: str) -> None:
        self.twilio = twilio
        self.number = number
        self.path = "/voice/remind?l=en"

    def post(self, **form: str) -> ET.Element:
        response = self.twilio.post(self.path, {"CallSid": "CA" + "7" * 32, "From": self.number,
                                                "To": "+15005550006", **form})
        assert response.status_code == 200 and response.mimetype == "text/xml"
        root = ET.fromstring(response.data)
        gather = root.find("Gather")
        redirect = root.find("Redirect")
        if gather is not None:
            self.path = gather.get("action")
        elif redirect is not None:
            self.path = redirect.text
        return root

    @staticmethod
    def said(root: ET.Element) -> str:
        return " ".join((el.text or "") for el in root.iter("Say"))


@pytest.fixture
def spoken(app):
    from helpline.content.model import VOICE
    from helpline.core.prompts import deployment_values
    from helpline.web.content import current_content

    def render(text_id: str, **values: object) -> str:
        with app.app_context():
            return current_content().pack("en").render(
                text_id, VOICE, {**deployment_values(app.config), **values})

    return render


def test_a_reminder_set_on_a_call_sends_its_texts_at_local_times(twilio, worker, spoken, words):
    call = Call(twilio, MOBILE)
    asked = call.post()
    assert asked.find("Gather").get("finishOnKey") == "#"
    assert call.said(asked) == spoken("reminder.call_ask")

    day = appointment_in(20)
    read_back = call.post(Digits="20")
    assert call.said(read_back) == spoken("reminder.call_read_back", days=20,
                                          date=day.strftime("%A %-d %B"))
    assert "d=20" in call.path and MOBILE[1:] not in call.path  # days ride, never the number

    done = call.post(Digits="1")
    assert call.said(done) == spoken("reminder.call_done")
    assert "s=main" in done.find("Redirect").text

    checklist_at = at(LONDON, day - timedelta(days=14), time(10))
    assert worker.run_at(checklist_at - timedelta(hours=3)) == []  # 07:00: not yet
    sent = worker.run_at(checklist_at)
    assert {to for to, _ in sent} == {MOBILE}
    assert words("reminder.checklist", date=day.strftime("%A %-d %B")) in sent[0][1]
    questions_at = at(LONDON, day - timedelta(days=1), time(9))
    assert worker.run_at(questions_at - timedelta(minutes=1)) == []
    assert words("reminder.questions", date=day.strftime("%A %-d %B")) in \
        worker.run_at(questions_at)[0][1]


def test_two_types_the_days_again_and_star_goes_back(twilio, spoken):
    call = Call(twilio, MOBILE)
    call.post()
    call.post(Digits="9")
    assert call.said(call.post(Digits="2")) == spoken("reminder.call_ask")
    back = call.post(Digits="*")
    assert "s=main" in back.find("Redirect").text


@pytest.mark.parametrize("typed", ["999", "12345", "0000"])
def test_a_number_of_days_out_of_range_is_asked_again(twilio, spoken, typed):
    call = Call(twilio, MOBILE)
    call.post()
    root = call.post(Digits=typed)
    assert call.said(root) == spoken("reminder.call_invalid") + " " + spoken("reminder.call_ask")


def test_silence_while_typing_goes_back_to_the_main_menu(twilio):
    call = Call(twilio, MOBILE)
    call.post()
    assert "s=main" in call.post().find("Redirect").text


def test_a_landline_cannot_set_a_reminder(twilio, spoken, store):
    root = Call(twilio, LANDLINE).post()
    assert Call.said(root) == spoken("reminder.call_not_mobile")
    assert root.find("Gather") is None
    with store.reading() as tx:
        assert tx.reminders.waiting() == 0


def test_danger_words_are_answered_first_on_the_number_screen(twilio, spoken):
    call = Call(twilio, MOBILE)
    call.post()
    root = call.post(SpeechResult="I can't breathe")
    heard = list(root.find("Gather"))
    # First the guidance, naming the UK's 999; then the same screen.
    assert heard[0].text == spoken("voice.urgent_care", emergency_number=emergency.spoken("999"))
    assert " ".join(el.text or "" for el in heard[1:]) == spoken("reminder.call_ask")
