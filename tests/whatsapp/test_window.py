"""The 24-hour window: free-form inside it; outside it an approved template (Prism checks the
ContentSid against Twilio's spec) invites a reply, and without one the text goes by SMS."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from helpline.outbound.transport import TwilioTransport
from helpline.outbound.worker import OutboxWorker
from helpline.store.models import utcnow
from helpline.web.content import loaded_content
from helpline.whatsapp import sending

from .conftest import ADDRESS, NUMBER, rows_to

TEMPLATE = "HX" + "1a" * 16
VOICE_TEMPLATE = "HX" + "2b" * 16


@pytest.fixture
def settings(settings, twilio_mock):
    return {**settings, "TWILIO_API_BASE_URL": twilio_mock.url,
            "HELPLINE_WHATSAPP_TEMPLATES": f"text_me.en={TEMPLATE},voice_note.en={VOICE_TEMPLATE}"}


def _wrote_in(store, hours_ago: float) -> None:
    with store.transaction() as tx:
        tx.whatsapp.touch(ADDRESS, now=utcnow() - timedelta(hours=hours_ago))


def _send(app, content_id: str, *, voice: bool = False, caller: str = NUMBER) -> str:
    with app.test_request_context("/voice"):
        return sending.send_to_caller(caller, content_id, "en", voice=voice)


def _created(twilio_mock) -> list[dict]:
    return [form for method, path, form in twilio_mock.requests
            if method == "POST" and path.endswith("/Messages.json")]


def test_outside_the_window_a_text_me_uses_the_approved_template(app, store, outbox,
                                                                 twilio_mock, words):
    _wrote_in(store, hours_ago=30)
    assert _send(app, "checklist.pathology") == sending.OFFERED

    [row] = rows_to(outbox)
    assert row.content_sid == TEMPLATE and row.kind == "template_text_me"
    assert row.body == words("whatsapp.template_invite")
    OutboxWorker(store, TwilioTransport(app.config, timeout=5)).run_once()

    [form] = _created(twilio_mock)
    assert twilio_mock.rejected == []  # Prism: the request is valid for Twilio's spec
    assert form["ContentSid"] == TEMPLATE and "Body" not in form
    with app.app_context():
        loaded = loaded_content()
        name = loaded.content.pack("en").name(loaded.values)
    assert json.loads(form["ContentVariables"]) == {"1": name}
    assert form["To"] == ADDRESS and form["From"] == "whatsapp:+15005550006"


def test_a_template_sid_prism_refuses_is_caught(app, store, twilio_mock):
    """The check has teeth: a ContentSid outside Twilio's pattern is refused by the spec."""
    transport = TwilioTransport(app.config, timeout=5)
    with pytest.raises(Exception):  # noqa: B017 - SendError, from Prism's 4xx
        transport.send(ADDRESS, "x", channel="whatsapp", content_sid="not-a-sid")
    assert twilio_mock.rejected


def test_the_reply_to_a_template_brings_what_it_offered(app, store, outbox, twilio, words):
    from ..conftest import Texter

    _wrote_in(store, hours_ago=30)
    _send(app, "checklist.pathology")

    assert words("sms.unknown") not in Texter(twilio, ADDRESS).send("OK")

    template, offered = rows_to(outbox)
    assert offered.kind == "text_me" and offered.channel == "whatsapp"
    assert offered.content_sid is None and "*1. Pathology reports and slides*" in offered.body


def test_a_voice_note_offered_from_a_call_comes_after_the_reply(app, store, outbox, twilio):
    from ..conftest import Texter

    _wrote_in(store, hours_ago=30)
    assert _send(app, "questions", voice=True) == sending.OFFERED
    Texter(twilio, ADDRESS).send("CHECKLIST")  # any message opens the window

    template, note = rows_to(outbox)
    assert template.content_sid == VOICE_TEMPLATE
    assert note.kind == "voice_note" and note.media_url.endswith(".mp3")
    assert "/whatsapp/audio/en/questions." in note.media_url


def test_inside_the_window_a_text_me_is_free_form(app, store, outbox):
    _wrote_in(store, hours_ago=2)
    assert _send(app, "checklist") == sending.SENT

    [row] = rows_to(outbox)
    assert row.content_sid is None and row.channel == "whatsapp"
    assert row.body.startswith("RECORDS TO GET") and "(1 of" not in row.body


def test_without_a_template_it_falls_back_to_sms_and_says_so(settings, caplog):
    from helpline import create_app

    from ..conftest import Outbox

    app = create_app({**settings, "HELPLINE_WHATSAPP_TEMPLATES": ""})
    with app.app_context():
        from helpline.store import get_store

        _wrote_in(get_store(), hours_ago=30)
    with caplog.at_level(logging.WARNING, logger="helpline.whatsapp"):
        assert _send(app, "checklist.pathology") == sending.SENT_BY_SMS

    assert rows_to(Outbox(app)) == []
    rows = Outbox(app).rows(to_number=NUMBER)
    assert rows and {(row.channel, row.kind) for row in rows} == {("sms", "text_me")}
    assert any("no WhatsApp template for text_me.en" in r.getMessage() for r in caplog.records)


def test_a_caller_who_never_used_whatsapp_is_not_offered_it(app, store):
    with app.test_request_context("/voice"):
        assert not sending.uses_whatsapp(NUMBER)
    _wrote_in(store, hours_ago=100)
    with app.test_request_context("/voice"):
        assert sending.uses_whatsapp(NUMBER)


def test_forget_on_whatsapp_drops_the_window(app, store, twilio):
    from ..conftest import Texter

    Texter(twilio, ADDRESS).send("CHECKLIST")
    Texter(twilio, ADDRESS).send("FORGET")

    with store.reading() as tx:
        assert not tx.whatsapp.known(ADDRESS)
        assert tx.whatsapp.last_content(ADDRESS) is None


def test_a_bad_template_setting_stops_start_up(settings):
    from helpline import create_app
    from helpline.config import ConfigError

    with pytest.raises(ConfigError, match="HELPLINE_WHATSAPP_TEMPLATES"):
        create_app({**settings, "HELPLINE_WHATSAPP_TEMPLATES": "text_me.en=SM123"})


@pytest.mark.parametrize("voice", [False, True])
def test_stop_on_whatsapp_stops_what_a_call_queued(app, store, twilio, twilio_mock, voice):
    from ..conftest import Texter

    whatsapp = Texter(twilio, ADDRESS)
    whatsapp.send("CHECKLIST")  # the window is open
    assert _send(app, "checklist", voice=voice) == sending.SENT
    whatsapp.send("STOP")

    OutboxWorker(store, TwilioTransport(app.config, timeout=5)).run_once()

    assert _created(twilio_mock) == []
    assert _send(app, "checklist", voice=voice) == sending.OPTED_OUT


def test_start_on_whatsapp_opens_the_window_again(app, store, twilio):
    from ..conftest import Texter

    _wrote_in(store, hours_ago=30)
    Texter(twilio, ADDRESS).send("START")

    with store.reading() as tx:
        assert tx.whatsapp.is_open(ADDRESS)


def test_a_whatsapp_number_silent_for_ninety_days_is_forgotten(app, store):
    _wrote_in(store, hours_ago=2)
    with store.transaction() as tx:
        assert tx.housekeeping.clean_up(utcnow() + timedelta(days=89))[
            "whatsapp_windows_expired"] == 0
        assert tx.housekeeping.clean_up(utcnow() + timedelta(days=91))[
            "whatsapp_windows_expired"] == 1
    with app.test_request_context("/voice"):
        assert not sending.uses_whatsapp(NUMBER)
