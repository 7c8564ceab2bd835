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
