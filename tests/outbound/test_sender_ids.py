"""HELPLINE_SMS_SENDER_IDS: texts to a listed country come from its alphanumeric sender id,
the rest from the number; a value Twilio would refuse stops start-up."""

from __future__ import annotations

import pytest

from helpline import create_app
from helpline.config import ConfigError
from helpline.outbound.transport import TwilioTransport


@pytest.fixture
def settings(settings, twilio_mock):
    return {**settings, "TWILIO_API_BASE_URL": twilio_mock.url,
            "HELPLINE_SMS_SENDER_IDS": "GB=Helpline, fr=Aide Sante"}


def test_each_country_gets_its_own_sender(app, twilio_mock):
    transport = TwilioTransport(app.config, timeout=5)

    for number in ("+447400123456", "+33612345678", "+14155550123"):
        transport.send(number, "Hello")

    senders = {form["To"]: form["From"] for method, _, form in twilio_mock.requests
               if method == "POST"}
    assert senders == {"+447400123456": "Helpline", "+33612345678": "Aide Sante",
                       "+14155550123": "+15005550006"}
    assert twilio_mock.rejected == []


def test_a_messaging_service_chooses_its_own_senders(app, twilio_mock):
    service = "MG" + "1" * 32
    transport = TwilioTransport({**app.config, "TWILIO_MESSAGING_SERVICE_SID": service},
                                timeout=5)

    transport.send("+447400123456", "Hello")

    [(_, _, form)] = [r for r in twilio_mock.requests if r[0] == "POST"]
    assert form["MessagingServiceSid"] == service and "From" not in form


@pytest.mark.parametrize("value", ["GB", "XX=Helpline", "GB=12345", "GB=FarTooLongName",
                                   "GB=Help!"])
def test_a_sender_id_twilio_would_refuse_stops_start_up(settings, value):
    with pytest.raises(ConfigError, match="HELPLINE_SMS_SENDER_IDS"):
        create_app({**settings, "HELPLINE_SMS_SENDER_IDS": value})


def test_a_text_from_a_sender_id_says_which_number_to_send_stop_to(twilio, app, outbox):
    from ..voice.conftest import Caller

    for number in ("+447400123123", "+14155552671"):
        caller = Caller(twilio, app, number=number)
        caller.dial()
        caller.press("1")  # English
        caller.press("9")

    [to_gb] = outbox.bodies_to("+447400123123")
    [to_us] = outbox.bodies_to("+14155552671")
    # A name cannot be replied to: the British text names the number STOP goes to.
    assert to_gb.endswith("Text STOP to +15005550006 to stop.")
    assert to_us.endswith("Text STOP to stop.")


def test_a_caregiver_share_from_a_sender_id_names_the_number_too(twilio, outbox):
    from ..conftest import Texter

    Texter(twilio, "+14155552671").send("SHARE +447400765432")

    bodies = outbox.bodies_to("+447400765432")
    assert bodies and bodies[-1].endswith("Text STOP to +15005550006 to stop.")
