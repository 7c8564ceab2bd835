"""Abuse of texts the helpline starts, tried as an attacker would, over signed webhooks.

Caller ids are easy to spoof: each attack here is one an adversarial review reproduced against
the helpline before the sending policy existed.
"""

from __future__ import annotations

import pytest

from helpline.config import ConfigError

from ..conftest import Texter
from ..voice.conftest import Caller

SATELLITE = "+881612345678"
STRANGER = "+447400765432"


@pytest.fixture
def settings(settings):
    settings["HELPLINE_LANGUAGES"] = "en"
    return settings


def text_me_from_the_checklist(caller: Caller):
    caller.dial()
    caller.press("2")
    return caller.text_me()


def test_twenty_text_me_from_one_caller_id_queue_only_the_daily_limit(twilio, app, outbox):
    heard = []
    for _ in range(20):
        caller = Caller(twilio, app, number="+447400123123")  # a new call each time
        heard.append(text_me_from_the_checklist(caller))
    batches = {row.batch for row in outbox.rows(to_number="+447400123123")}
    assert len(batches) == 3
    assert all(screen.hears("voice.text_sent") for screen in heard[:3])
    assert all(screen.hears("voice.text_limit") for screen in heard[3:])


def test_a_satellite_caller_id_gets_no_text(twilio, app, outbox):
    screen = text_me_from_the_checklist(Caller(twilio, app, number=SATELLITE))
    assert screen.hears("voice.text_not_possible")
    assert outbox.rows() == []


@pytest.mark.parametrize("recipient", [SATELLITE, "+870773123456", "+19005551234",
                                       "+18765551234"])
def test_a_share_to_a_satellite_premium_or_unlisted_country_is_refused(twilio, outbox, recipient):
    reply = Texter(twilio).send(f"SHARE {recipient}")
    assert "could not send" in " ".join(reply).lower()
    assert outbox.rows() == []


def test_forget_between_shares_does_not_reset_the_limits(twilio, outbox):
    attacker = Texter(twilio, "+447400123001")
    for _ in range(3):
        attacker.send(f"SHARE {STRANGER}")
        attacker.send("FORGET")
    kinds = [row.kind for row in outbox.rows(to_number=STRANGER)]
    assert kinds.count("share_intro") == 1  # one share in a day, however often FORGET runs


@pytest.mark.parametrize("value", ["GB,UK", "england"])
def test_a_wrong_country_list_stops_start_up_with_the_fix(settings, value):
    from helpline import create_app

    settings["HELPLINE_SMS_COUNTRIES"] = value
    with pytest.raises(ConfigError, match="HELPLINE_SMS_COUNTRIES.*ISO"):
        create_app(settings)


def test_a_negative_limit_stops_start_up(settings):
    from helpline import create_app

    settings["HELPLINE_TEXT_ME_PER_DAY"] = "-1"
    with pytest.raises(ConfigError, match="HELPLINE_TEXT_ME_PER_DAY must be a whole number"):
        create_app(settings)


def test_refusals_show_in_readyz_and_the_doctor_flags_a_burst(twilio, app, client, outbox):
    from helpline.golive.doctor import sending_verdict

    for _ in range(25):
        Texter(twilio, "+447400123001").send(f"SHARE {SATELLITE}")
    figures = client.get("/readyz").get_json()["sending_today"]
    assert figures == {"refused:non_geographic": 25}
    ok, detail = sending_verdict(figures, daily_total=1000)
    assert not ok and "non_geographic 25" in detail and "SMS pumping" in detail
    assert sending_verdict({"texts_in_all": 12}, 1000) == (True, "12 of at most 1000 texts "
                                                                 "started today")
