"""WhatsApp at go-live: `helpline twilio setup` prints the hand steps with this deployment's
URLs and the template wording; `helpline doctor` posts a WhatsApp message to /sms and names
the templates that are missing (those sends go by SMS)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from helpline import create_app
from helpline.cli import cli

from ..conftest import PUBLIC_URL
from .conftest import ACCOUNT, HELPLINE_NUMBER, lines_by_check

TEXT_ME = "HX" + "3c" * 16
VOICE = "HX" + "4d" * 16


@pytest.fixture
def setup(settings, numbers):
    base = {**settings, "TWILIO_API_BASE_URL": numbers.url}

    def run(*args: str, **overrides: object):
        info = ScriptInfo(create_app=lambda: create_app({**base, **overrides}))
        return CliRunner().invoke(cli, ["twilio", "setup", *args], obj=info)

    return run


def test_setup_prints_the_whatsapp_steps_with_this_deployments_urls(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER)

    result = setup("--dry-run", HELPLINE_WHATSAPP_FROM="whatsapp:+15005550006")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"     Webhook URL for incoming messages: {PUBLIC_URL}/sms (POST)" in lines
    assert f"     Status callback URL:               {PUBLIC_URL}/sms/status (POST)" in lines
    # The wording to submit, in English, with the template's variable where the name goes.
    assert any(line.startswith("     en: Hello from {{1}}.") for line in lines)


def test_setup_explains_the_sandbox(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER)

    result = setup("--dry-run", HELPLINE_WHATSAPP_FROM="+14155238886")

    assert f"     When a message comes in: {PUBLIC_URL}/sms (POST)" in result.output.splitlines()
    assert "join code" in result.output


def test_setup_says_nothing_of_whatsapp_when_it_is_off(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER)

    assert "WhatsApp" not in setup("--dry-run").output


def test_doctor_checks_the_whatsapp_webhook_and_names_missing_templates(deployment):
    result = deployment.doctor(HELPLINE_WHATSAPP_FROM="+15005550006",
                               HELPLINE_WHATSAPP_TEMPLATES=f"text_me.en={TEXT_ME}")

    checks = lines_by_check(result.output)
    assert checks["whatsapp webhook"].startswith("ok signed POST /sms")
    assert checks["templates"].startswith("warn none for voice_note.en:")
    assert "go by SMS" in checks["templates"]
    assert result.exit_code == 0, result.output


def test_doctor_passes_whatsapp_with_every_template(deployment):
    result = deployment.doctor(HELPLINE_WHATSAPP_FROM="+15005550006",
                               HELPLINE_WHATSAPP_TEMPLATES=f"text_me.en={TEXT_ME},"
                                                           f"voice_note.en={VOICE}")

    checks = lines_by_check(result.output)
    assert checks["templates"].startswith("ok ")


def test_doctor_fails_when_whatsapp_messages_get_no_answer(deployment):
    """A server that does not know the token refuses the signed WhatsApp message."""
    result = deployment.doctor(HELPLINE_WHATSAPP_FROM="+15005550006",
                               TWILIO_AUTH_TOKEN="f" * 32)

    assert lines_by_check(result.output)["whatsapp webhook"].startswith("FAIL ")
