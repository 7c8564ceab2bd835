"""POST /voice/fallback and POST /sms/fallback: where Twilio goes when the main webhook failed.

They must answer from memory (the database may be what failed) and only to Twilio.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import pytest

from .conftest import database_down

CALL = {"CallSid": "CA" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": "+447400123001",
        "To": "+15005550006", "CallStatus": "in-progress", "ErrorCode": "11200",
        "ErrorUrl": "https://helpline.example.org/voice"}
TEXT = {"MessageSid": "SM" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": "+447400123001",
        "To": "+15005550006", "Body": "CHECKLIST", "ErrorCode": "11205",
        "ErrorUrl": "https://helpline.example.org/sms"}


def test_the_voice_fallback_apologises_and_hangs_up(twilio, settings, caplog):
    with database_down(settings), caplog.at_level(logging.ERROR):
        response = twilio.post("/voice/fallback", CALL)

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    verbs = [child.tag for child in root]
    assert verbs[-1] == "Hangup"
    assert {"Say", "Play"} & set(verbs[:-1])
    assert "ErrorCode=11200" in caplog.text


def test_the_sms_fallback_answers_with_a_short_apology(twilio, settings, caplog):
    with database_down(settings), caplog.at_level(logging.ERROR):
        response = twilio.post("/sms/fallback", TEXT)

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    messages = ET.fromstring(response.data).findall("Message")
    assert len(messages) == 1 and messages[0].text
    assert "ErrorCode=11205" in caplog.text


@pytest.mark.parametrize("path, params", [("/voice/fallback", CALL), ("/sms/fallback", TEXT)])
@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_the_fallbacks_refuse_requests_twilio_did_not_sign(twilio, path, params, signature):
    response = twilio.post(path, params, signature=signature)

    assert response.status_code == 403
    assert b"<Response" not in response.data
