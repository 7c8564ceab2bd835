"""The factory builds a working app, or refuses to start with a message that says why."""

from __future__ import annotations

import base64
import logging
import re

import pytest

from helpline import create_app
from helpline.config import ConfigError
from helpline.content import ContentError
from helpline.web.content import current_content


def test_it_loads_the_shipped_content_once_at_start_up(app):
    with app.app_context():
        content = current_content()

    assert content.default.code == "en"
    assert "questions.q10" in content.default.texts


def test_it_enables_only_languages_that_have_content_by_default(settings):
    settings.pop("HELPLINE_LANGUAGES", None)

    app = create_app(settings)

    with app.app_context():
        codes = current_content().codes
    assert codes[0] == "en"
    assert all(code in ("en", "zh", "es", "ar", "ru", "fr") for code in codes)


def test_it_refuses_a_language_the_operator_names_without_content(settings):
    settings["HELPLINE_LANGUAGES"] = "en,xx"

    with pytest.raises(ContentError, match=r"xx.yaml: \(file\): does not exist"):
        create_app(settings)


def test_it_refuses_to_start_on_broken_content_naming_file_id_and_problem(settings, content_dir):
    english = content_dir / "en.yaml"
    english.write_text(english.read_text().replace("{total}.", "{totl}.", 1))
    settings["HELPLINE_CONTENT_DIR"] = str(content_dir)

    with pytest.raises(ContentError) as refused:
        create_app(settings)

    message = str(refused.value)
    assert "en.yaml:" in message
    assert "nav.script (voice): uses unknown placeholder(s) {totl}" in message
    assert "Fix:" in message


@pytest.mark.parametrize(
    "name, value, complaint",
    [
        ("HELPLINE_PUBLIC_URL", "helpline.example.org", "must start with https://"),
        ("HELPLINE_TRUSTED_PROXIES", "two", "must be a whole number"),
        ("HELPLINE_PUBLIC_URL", "http://helpline.example.org", "must start with https://"),
    ],
)
def test_it_refuses_settings_it_cannot_use(settings, name, value, complaint):
    settings[name] = value

    with pytest.raises(ConfigError, match=complaint):
        create_app(settings)


@pytest.mark.parametrize("credentials", [
    {"TWILIO_API_KEY_SID": "SK" + "1" * 32, "TWILIO_API_KEY_SECRET": "secret"},
    {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32},
])
def test_twilio_credentials_without_the_auth_token_refuse_to_start(settings, credentials):
    """Unsigned webhooks accepted while real texts go out: the review's attack."""
    settings.update({"TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "", **credentials})

    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN is not.*HELPLINE_LOCAL_MODE=1"):
        create_app(settings)


def test_explicit_local_mode_with_credentials_sends_nothing(settings):
    from helpline.outbound.transport import LocalTransport, transport_for

    settings.update(TWILIO_AUTH_TOKEN="", TWILIO_ACCOUNT_SID="AC" + "1" * 32,
                    TWILIO_API_KEY_SID="SK" + "1" * 32, TWILIO_API_KEY_SECRET="secret",
                    HELPLINE_LOCAL_MODE="1")

    app = create_app(settings)

    assert app.config["LOCAL_MODE"]
    assert isinstance(transport_for(app.config), LocalTransport)


def test_plain_http_is_allowed_only_where_twilio_cannot_reach(settings):
    settings["HELPLINE_PUBLIC_URL"] = "http://127.0.0.1:8000"
    assert create_app(settings).config["HELPLINE_PUBLIC_URL"] == "http://127.0.0.1:8000"


def test_settings_come_from_the_environment_and_the_mapping_wins(settings, monkeypatch):
    monkeypatch.setenv("HELPLINE_NAME", "Hope Line")
    monkeypatch.setenv("HELPLINE_TRANSFER_NUMBER", "+15005550006")
    settings["HELPLINE_NAME"] = "Second Look"

    app = create_app(settings)

    assert app.config["HELPLINE_NAME"] == "Second Look"
    assert app.config["HELPLINE_TRANSFER_NUMBER"] == "+15005550006"


def test_without_an_auth_token_it_runs_in_local_mode(settings):
    settings.update(TWILIO_AUTH_TOKEN="", TWILIO_ACCOUNT_SID="")

    assert create_app(settings).config["LOCAL_MODE"] is True


def test_log_lines_never_carry_a_phone_number(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("anything.at.all").info("call from %s to +44 7700 900123", "+14155554567")

    assert re.search(r"call from \+1\[[0-9a-f]{6}\] to \+44\[[0-9a-f]{6}\]", caplog.text)
    assert "4155554567" not in caplog.text
    assert "7700 900123" not in caplog.text


def test_behind_a_proxy_a_forwarded_prefix_or_host_moves_no_link(settings):
    settings.update(HELPLINE_TRUSTED_PROXIES=1, HELPLINE_ADMIN_PASSWORD="a long operator password")
    client = create_app(settings).test_client()
    token = base64.b64encode(b"operator:a long operator password").decode()
    headers = {"Authorization": f"Basic {token}", "X-Forwarded-Prefix": "/elsewhere",
               "X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "https"}

    page = client.get("/simulator", headers=headers)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="/simulator/static/simulator.js"' in html and "elsewhere" not in html
