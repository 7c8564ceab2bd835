"""HELPLINE_LOOKUP_LINE_TYPE=1: before the first text to a number, Twilio's line type
intelligence (Prism on Twilio's Lookups v2 spec) is asked, and VoIP numbers and landlines are
refused under the sending policy; the answer is kept for the day as a keyed hash."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.store import get_store
from helpline.store.models import SendCount

from ..conftest import Texter
from ..voice.conftest import Caller

MOBILE = "+447400123123"
VOIP = "+447400555666"
LANDLINE = "+14155552671"


@pytest.fixture
def settings(settings, carrier_apis):
    carrier_apis.start("twilio_lookups_v2.json")  # the look-up waits 3 s at most
    carrier_apis.line_types = {MOBILE: "mobile", VOIP: "nonFixedVoip", LANDLINE: "landline"}
    return {**settings, "HELPLINE_LANGUAGES": "en", "HELPLINE_LOOKUP_LINE_TYPE": "1",
            "TWILIO_API_BASE_URL": carrier_apis.url}


def text_me(twilio, app, number: str):
    caller = Caller(twilio, app, number=number)
    caller.dial()
    caller.press("2")
    return caller.press("9")


def lookups(carrier_apis) -> list[str]:
    return [path for _, path in carrier_apis.requests if path.startswith("/v2/PhoneNumbers/")]


def test_a_voip_caller_gets_no_text(twilio, app, outbox, carrier_apis):
    screen = text_me(twilio, app, VOIP)

    assert screen.hears("voice.text_not_possible")
    assert outbox.rows() == []
    assert lookups(carrier_apis) == [f"/v2/PhoneNumbers/{VOIP}"]
    assert carrier_apis.rejected == []


def test_a_share_to_a_landline_is_refused_without_telling_the_sender(twilio, outbox):
    reply = Texter(twilio, MOBILE).send(f"SHARE {LANDLINE}")

    assert "could not send" in " ".join(reply).lower()
    assert outbox.rows(to_number=LANDLINE) == []


def test_a_mobile_is_texted_and_looked_up_once_a_day(twilio, app, outbox, carrier_apis):
    assert text_me(twilio, app, MOBILE).hears("voice.text_sent")
    assert text_me(twilio, app, MOBILE).hears("voice.text_sent")

    assert len({row.batch for row in outbox.rows(to_number=MOBILE)}) == 2
    assert lookups(carrier_apis) == [f"/v2/PhoneNumbers/{MOBILE}"]  # the second used the day's


def test_the_answer_is_kept_as_a_keyed_hash_not_the_number(twilio, app, carrier_apis):
    text_me(twilio, app, VOIP)

    with app.app_context(), Session(get_store().engine) as session:
        rows = [(r.key, r.rule) for r in session.scalars(select(SendCount))]
    kept = [key for key, rule in rows if rule == "line_type:nonFixedVoip"]
    assert len(kept) == 1 and len(kept[0]) == 64
    assert not any("447400555666" in key for key, _ in rows)
    assert ("refused:voip" in {rule for _, rule in rows})  # doctor shows the refusal


def test_a_look_up_without_an_answer_lets_the_text_through(twilio, app, outbox, carrier_apis):
    unknown = "+447400999888"  # Twilio answers without a line type

    assert text_me(twilio, app, unknown).hears("voice.text_sent")
    assert outbox.rows(to_number=unknown)


def test_off_by_default_nothing_is_looked_up(settings, carrier_apis):
    from helpline import create_app
    from tests.conftest import Twilio

    app = create_app({**settings, "HELPLINE_LOOKUP_LINE_TYPE": ""})
    screen = text_me(Twilio(app.test_client()), app, VOIP)

    assert screen.hears("voice.text_sent")
    assert lookups(carrier_apis) == []
