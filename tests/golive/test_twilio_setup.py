"""`helpline twilio setup` against Twilio's API (Prism serving Twilio's spec, behind our proxy)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from helpline import create_app
from helpline.cli import cli

from ..conftest import AUTH_TOKEN, PUBLIC_URL
from ..twilio_mock import free_port
from .conftest import ACCOUNT, HELPLINE_NUMBER

WANTED = {
    "voice_url": f"{PUBLIC_URL}/voice",
    "voice_fallback_url": f"{PUBLIC_URL}/voice/fallback",
    "status_callback": f"{PUBLIC_URL}/voice/status",
    "sms_url": f"{PUBLIC_URL}/sms",
    "sms_fallback_url": f"{PUBLIC_URL}/sms/fallback",
}


@pytest.fixture
def setup(settings, numbers):
    """Run `helpline twilio setup ARGS` with the test settings plus overrides."""
    base = {**settings, "TWILIO_API_BASE_URL": numbers.url, "HELPLINE_LANGUAGES": "en"}

    def run(*args: str, **overrides: object):
        info = ScriptInfo(create_app=lambda: create_app({**base, **overrides}))
        return CliRunner().invoke(cli, ["twilio", "setup", *args], obj=info)

    return run


def row(output: str, field: str) -> list[str]:
    """One line of the before/after table, split into its columns."""
    (line,) = [line for line in output.splitlines() if line[2:].split(" ")[0] == field]
    return line.split()


def number_updates(numbers) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _ in numbers.requests if method == "POST"]


def test_it_shows_the_change_without_making_it_on_a_dry_run(setup, numbers):
    number = numbers.add_number(ACCOUNT, HELPLINE_NUMBER)

    result = setup("--dry-run")

    assert result.exit_code == 0, result.output
    assert f"Twilio number {HELPLINE_NUMBER} ({number['sid']})" in result.output
    for field, url in WANTED.items():
        assert row(result.output, field) == ["*", field, "(none)", url]
    assert "Dry run" in result.output
    assert number_updates(numbers) == []
    assert number["voice_url"] is None


def test_it_points_every_webhook_at_the_public_url(setup, numbers):
    number = numbers.add_number(ACCOUNT, HELPLINE_NUMBER,
                                voice_url="https://demo.twilio.com/welcome/voice/",
                                voice_method="GET")

    result = setup()

    assert result.exit_code == 0, result.output
    assert numbers.rejected == []  # Prism accepted the update as Twilio's spec describes it
    assert number_updates(numbers) == [
        ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{number['sid']}.json")]
    for field, url in WANTED.items():
        assert number[field] == url
    assert number["voice_method"] == "POST"
    assert row(result.output, "voice_url") == [
        "*", "voice_url", "https://demo.twilio.com/welcome/voice/", WANTED["voice_url"]]
    assert row(result.output, "voice_method") == ["*", "voice_method", "GET", "POST"]
    assert row(result.output, "sms_method") == ["sms_method", "POST", "POST"]  # unchanged
    assert "Updated" in result.output


def test_it_changes_nothing_when_the_number_already_points_here(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER, **WANTED)

    result = setup()

    assert result.exit_code == 0
    assert "Already pointing here" in result.output
    assert number_updates(numbers) == []


def test_it_refuses_a_public_url_without_https(setup, numbers):
    """Twilio would post callers' numbers across the internet in clear: not even when asked."""
    number = numbers.add_number(ACCOUNT, HELPLINE_NUMBER)

    refused = setup("--allow-http", HELPLINE_PUBLIC_URL="http://helpline.example.org")

    assert refused.exit_code != 0
    assert "HELPLINE_PUBLIC_URL must start with https://" in str(refused.exception or "") + \
        refused.output
    assert number_updates(numbers) == [] and number.get("sms_url") != \
        "http://helpline.example.org/sms"


def test_it_says_so_when_twilio_refuses_the_token(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER)
    numbers.credentials = (ACCOUNT, AUTH_TOKEN)

    result = setup(TWILIO_AUTH_TOKEN="0" * 32)

    assert result.exit_code == 1
    assert "Twilio refused the credentials" in result.output
    assert "TWILIO_AUTH_TOKEN" in result.output
    assert "Traceback" not in result.output


def test_it_works_with_an_api_key_instead_of_the_auth_token(setup, numbers):
    number = numbers.add_number(ACCOUNT, HELPLINE_NUMBER)
    key = ("SK" + "1" * 32, "api-key-secret")
    numbers.credentials = key

    # The auth token stays set (it checks webhook signatures); the REST calls use the key.
    result = setup(TWILIO_API_KEY_SID=key[0], TWILIO_API_KEY_SECRET=key[1])

    assert result.exit_code == 0, result.output
    assert number["voice_url"] == WANTED["voice_url"]


def test_it_names_the_account_numbers_when_the_number_is_not_there(setup, numbers):
    numbers.add_number(ACCOUNT, "+14155550142")

    result = setup()

    assert result.exit_code == 1
    assert f"{HELPLINE_NUMBER} is not a phone number of Twilio account {ACCOUNT}" \
        in result.output
    assert "+14155550142" in result.output


def test_it_says_so_when_twilio_cannot_be_reached(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER)
    numbers.network_faults.extend(["drop"] * 3)

    dropped = setup()
    nowhere = setup(TWILIO_API_BASE_URL=f"http://127.0.0.1:{free_port()}")

    for result in (dropped, nowhere):
        assert result.exit_code == 1
        assert "Could not reach Twilio" in result.output
        assert "Traceback" not in result.output


def test_it_refuses_a_number_answered_by_a_twiml_app(setup, numbers):
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER, voice_application_sid="AP" + "2" * 32)

    result = setup()

    assert result.exit_code == 1
    assert "TwiML App AP" in result.output and "would be ignored" in result.output
    assert number_updates(numbers) == []


@pytest.mark.parametrize(("args", "shown"), [((), False), (("-v",), True)])
def test_twilios_request_log_is_shown_with_v_only(setup, numbers, caplog, args, shown):
    import logging

    numbers.add_number(ACCOUNT, HELPLINE_NUMBER)

    with caplog.at_level(logging.INFO):
        result = setup("--dry-run", *args)

    assert result.exit_code == 0, result.output
    requests = [r for r in caplog.records if r.name.startswith("twilio.http_client")]
    assert bool(requests) is shown
    assert logging.getLogger("twilio.http_client").level == logging.NOTSET  # put back after
