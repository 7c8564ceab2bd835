"""Who may open the simulator, and what its traffic does (and does not) leave behind."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from helpline import create_app
from helpline.outbound.transport import TwilioTransport
from helpline.outbound.worker import OutboxWorker
from helpline.store import SENT, get_store
from helpline.web.usage import recorder
from helpline.web.webhook import SIMULATED_HEADER

from ..conftest import Outbox, Twilio
from .conftest import ADMIN_PASSWORD

CALLER = "+447700900123"  # fictional: the production simulator acts only on such numbers


@pytest.fixture(scope="module")
def module_settings(tmp_path_factory) -> dict:
    """Settings for apps shared by the read-only tests of this module (an app takes seconds)."""
    from ..conftest import AUTH_TOKEN, DATABASES, PUBLIC_URL

    folder = tmp_path_factory.mktemp("simulator-access")
    DATABASES.append(folder / "helpline.sqlite3")
    return {"TESTING": True, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_FROM_NUMBER": "+15005550006",
            "HELPLINE_PUBLIC_URL": PUBLIC_URL, "HELPLINE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "HELPLINE_SECRET_KEY": "test-secret-key-for-hashing-numbers",
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'helpline.sqlite3'}"}


@pytest.fixture(scope="module")
def operator_client(module_settings):
    return create_app(module_settings).test_client()


@pytest.fixture(scope="module")
def local_client(module_settings):
    return create_app({**module_settings, "TWILIO_AUTH_TOKEN": "", "HELPLINE_PUBLIC_URL": "",
                       "TWILIO_ACCOUNT_SID": ""}).test_client()


def basic(password: str) -> dict[str, str]:
    token = base64.b64encode(f"operator:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def step(client, url: str, headers: dict | None = None, **fields) -> dict:
    """One step of a simulated call through the page's endpoint."""
    params = {"CallSid": "CA" + "1" * 32, "From": CALLER, **fields}
    response = client.post("/simulator/api/voice", json={"url": url, "params": params},
                           headers=headers or {})
    assert response.status_code == 200, response.data
    return response.get_json()


def action_of(answer: dict) -> str:
    return ET.fromstring(answer["twiml"]).find("Gather").get("action")


def usage_counts(app, include_simulated: bool = False):
    recorder(app).flush()
    with app.app_context(), get_store().reading() as tx:
        return tx.usage.counts(include_simulated=include_simulated)


def test_it_is_open_in_local_mode(local_client):
    client = local_client

    page = client.get("/simulator")
    answer = step(client, "/voice")

    assert page.status_code == 200 and b"Hang up" in page.data
    with client.get("/simulator/static/simulator.js") as script:
        assert script.status_code == 200 and b"DOMParser" in script.data
    assert answer["status"] == 200
    # No public URL: audio is fetched from the address the page was opened at.
    plays = [el.text for el in ET.fromstring(answer["twiml"]).iter("Play")]
    assert plays and all(url.startswith("http://localhost/audio/en/") for url in plays)
    assert answer["transcripts"][plays[0]] == "For English, press 1."


@pytest.mark.parametrize("path", ["/simulator", "/simulator/static/simulator.js"])
def test_it_asks_for_the_operator_password_in_production(operator_client, path):
    client = operator_client

    with client.get(path) as anonymous, client.get(
            path, headers=basic("not-the-password")) as wrong, client.get(
            path, headers=basic(ADMIN_PASSWORD)) as right:
        assert anonymous.status_code == 401
        assert "Basic" in anonymous.headers["WWW-Authenticate"]
        assert wrong.status_code == 401
        assert right.status_code == 200


def test_its_endpoints_need_the_password_too(operator_client):
    client = operator_client

    refused = client.post("/simulator/api/voice", json={"url": "/voice", "params": {}})
    answer = step(client, "/voice", basic(ADMIN_PASSWORD))

    assert refused.status_code == 401
    # The webhook checks signatures in production: a 200 means the simulator signed it.
    assert answer["status"] == 200 and "<Gather" in answer["twiml"]


def test_it_is_off_in_production_without_a_password(settings):
    client = create_app(settings).test_client()

    assert client.get("/simulator").status_code == 404
    assert client.post("/simulator/api/sms", json={"from": CALLER, "body": "HELP"}
                       ).status_code == 404


def test_the_auth_token_never_reaches_the_browser(operator_client, module_settings):
    client = operator_client
    token = module_settings["TWILIO_AUTH_TOKEN"]

    page = client.get("/simulator", headers=basic(ADMIN_PASSWORD)).get_data(as_text=True)
    answer = client.post("/simulator/api/voice", headers=basic(ADMIN_PASSWORD),
                         json={"url": "/voice", "params": {"From": CALLER}})

    assert token not in page and token not in answer.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/simulator/api/voice", "/admin/reports", "/audio/x.mp3",
                                 "https://evil.example.org/steal"])
def test_it_only_posts_to_the_helplines_webhooks(local_client, url):
    client = local_client

    response = client.post("/simulator/api/voice", json={"url": url, "params": {"From": CALLER}})

    assert response.status_code == 400 and "not a Twilio webhook" in response.get_json()["error"]


def test_it_refuses_a_form_post_from_another_site(local_client):
    client = local_client

    response = client.post("/simulator/api/sms", data={"from": CALLER, "body": "STOP"})

    assert response.status_code == 400
    with client.application.app_context(), get_store().reading() as tx:
        assert not tx.contacts.is_opted_out(CALLER)


def test_simulated_calls_and_texts_are_not_counted_in_usage(operator_settings):
    app = create_app(operator_settings)
    client = app.test_client()
    auth = basic(ADMIN_PASSWORD)

    first = step(client, "/voice", auth, CallStatus="ringing")
    step(client, action_of(first), auth, Digits="1")
    step(client, "/voice/status", auth, CallStatus="completed", CallDuration="42")
    client.post("/simulator/api/sms", json={"from": CALLER, "body": "CHECKLIST"}, headers=auth)

    assert usage_counts(app) == []
    counted = {(c.channel, c.kind, c.content_id) for c in usage_counts(app, True)}
    assert {("voice", "call_started", None), ("voice", "screen", "main"),
            ("voice", "call_ended", None), ("sms", "checklist", None)} <= counted


def test_a_real_call_is_still_counted_even_with_a_forged_simulated_header(app, twilio):
    params = {"CallSid": "CA" + "2" * 32, "From": CALLER, "To": "+15005550006"}
    headers = {"X-Twilio-Signature": twilio.sign("/voice", params), SIMULATED_HEADER: "0" * 64}

    response = twilio.client.post("/voice", data=params, headers=headers)

    assert response.status_code == 200
    assert [(c.kind, c.count) for c in usage_counts(app)] == [("call_started", 1),
                                                              ("screen", 1)]


def test_texts_from_simulated_calls_are_shown_and_never_reach_twilio(
        operator_settings, twilio_mock):
    operator_settings["TWILIO_API_BASE_URL"] = twilio_mock.url
    app = create_app(operator_settings)
    client = app.test_client()
    auth = basic(ADMIN_PASSWORD)
    real_caller = "+447400123999"
    # A simulated caller asks for the main menu by text...
    first = step(client, "/voice", auth)
    menu = step(client, action_of(first), auth, Digits="1")
    offer = step(client, action_of(menu), auth, Digits="6")
    step(client, action_of(offer), auth, Digits="1")
    # ... and so does a real one, through Twilio.
    twilio = Twilio(client)
    real = {"CallSid": "CA" + "3" * 32, "From": real_caller, "To": "+15005550006"}
    root = ET.fromstring(twilio.post("/voice", real).data)
    root = ET.fromstring(twilio.post(root.find("Gather").get("action"),
                                     {**real, "Digits": "1"}).data)
    root = ET.fromstring(twilio.post(root.find("Gather").get("action"),
                                     {**real, "Digits": "6"}).data)
    twilio.post(root.find("Gather").get("action"), {**real, "Digits": "1"})

    shown = client.post("/simulator/api/outbox", json={"from": CALLER}, headers=auth)
    rows = Outbox(app).rows()
    with app.app_context():
        report = OutboxWorker(get_store(), TwilioTransport(app.config, timeout=2)).run_once()

    messages = shown.get_json()["messages"]
    simulated = [row for row in rows if row.simulated]
    assert [m["text"] for m in messages] == [row.body for row in simulated]
    assert messages[0]["part"] == f"1/{len(messages)}" and messages[0]["encoding"] == "GSM-7"
    real_bodies = [row.body for row in rows if not row.simulated]
    assert real_bodies and report.sent == len(rows)
    sent_to_twilio = [form["Body"] for method, _, form in twilio_mock.requests
                      if method == "POST"]
    assert sent_to_twilio == real_bodies
    assert {row.state for row in Outbox(app).rows()} == {SENT}


@pytest.mark.parametrize("path, payload", [
    ("/simulator/api/sms", {"from": "+447400123456", "body": "STOP"}),
    ("/simulator/api/voice", {"url": "/voice", "params": {"From": "+447400123456"}}),
    ("/simulator/api/outbox", {"from": "+14155552671"}),
])
def test_in_production_it_acts_only_on_fictional_numbers(operator_client, path, payload):
    answer = operator_client.post(path, json=payload, headers=basic(ADMIN_PASSWORD))

    assert answer.status_code == 400
    assert "only fictional numbers" in answer.get_json()["error"]


@pytest.mark.parametrize("after", [10**40, -1, True, "5", 1.5])
def test_the_outbox_refuses_an_after_that_is_not_a_message_id(operator_client, after):
    answer = operator_client.post("/simulator/api/outbox", json={"from": CALLER, "after": after},
                                  headers=basic(ADMIN_PASSWORD))

    assert answer.status_code == 400
    assert answer.get_json()["error"] == "after must be a message id"


@pytest.mark.parametrize(("from_number", "heading", "note"), [
    ("", "Calling the helpline on +15005550006", "A stand-in for the helpline's number"),
    ("+14155550100", "Calling the helpline on +14155550100", "Your Twilio number"),
])
def test_the_heading_says_which_number_is_called(module_settings, from_number, heading, note):
    client = create_app({**module_settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "",
                         "HELPLINE_PUBLIC_URL": "", "TWILIO_FROM_NUMBER": from_number,
                         "HELPLINE_LOCAL_MODE": "1"}).test_client()

    import re

    page = client.get("/simulator").data.decode()

    def text_of(pattern: str) -> str:
        match = re.search(pattern + r">(.*?)</", page, re.DOTALL)
        assert match, pattern
        return " ".join(match.group(1).split())

    assert text_of(r'<h2 id="phone-title"') == heading
    assert text_of(r'<p class="number-note"').startswith(note)
