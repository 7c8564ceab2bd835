"""`helpline doctor` says what is missing in the operator's words: the settings production
needs, and never a library's exception class name as a reason."""

from __future__ import annotations

import re

import pytest
import requests

from helpline.golive.reasons import missing_for_production, unreachable

from ..twilio_mock import free_port
from .conftest import Deployment, lines_by_check

#: A word like MissingSchema, ConnectionError, OperationalError: a class name, not a reason.
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")


def class_names(output: str) -> list[str]:
    return [word for word in CLASS_NAME.findall(output) if word not in ("TwiML", "PostgreSQL")]


def test_a_missing_public_url_is_named_not_missing_schema(deployment):
    result = deployment.doctor("--no-twilio", HELPLINE_PUBLIC_URL="")

    checks = lines_by_check(result.output)
    assert checks["public URL"] == "FAIL HELPLINE_PUBLIC_URL is not set"
    assert checks["signatures"] == "FAIL HELPLINE_PUBLIC_URL is not set"
    assert "MissingSchema" not in result.output and class_names(result.output) == []
    assert result.exit_code == 1


def test_a_server_that_does_not_answer_is_said_in_words(deployment):
    nobody = f"http://127.0.0.1:{free_port()}"

    result = deployment.doctor("--no-twilio", HELPLINE_PUBLIC_URL=nobody)

    assert lines_by_check(result.output)["public URL"] == (
        f"FAIL {nobody} not reachable: nothing answers there (is the server running, and does "
        "the proxy forward to it?)")
    assert class_names(result.output) == []


def test_the_settings_check_names_what_production_still_needs(deployment):
    result = deployment.doctor("--no-twilio", HELPLINE_ADMIN_PASSWORD="", TWILIO_FROM_NUMBER="",
                               TWILIO_MESSAGING_SERVICE_SID="")

    line = lines_by_check(result.output)["settings"]
    assert line.startswith("FAIL not set for production: ")
    assert "HELPLINE_ADMIN_PASSWORD (opens the simulator and reports)" in line
    assert "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID (who texts are sent from)" in line
    assert "HELPLINE_SECRET_KEY" not in line and "TWILIO_AUTH_TOKEN" not in line
    assert result.exit_code == 1


def test_a_messaging_service_is_as_good_as_a_from_number(deployment):
    result = deployment.doctor("--no-twilio", TWILIO_FROM_NUMBER="",
                               TWILIO_MESSAGING_SERVICE_SID="MG" + "0" * 32)

    assert lines_by_check(result.output)["settings"] == "ok everything production needs is set"


def test_a_missing_secret_key_is_the_settings_check_failing(deployment):
    result = deployment.doctor(HELPLINE_SECRET_KEY="")

    lines = result.output.splitlines()
    assert lines[0].startswith("FAIL  settings         HELPLINE_SECRET_KEY is not set.")
    assert lines[-1] == ("1 check(s) failed: settings. The other checks need the helpline to "
                         "start.")
    assert result.exit_code == 1


def test_checks_that_need_the_token_are_skipped_without_it(settings, tmp_path):
    local = Deployment({**settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "",
                        "HELPLINE_SECRET_KEY": ""})
    try:
        result = local.doctor()
    finally:
        local.stop()

    checks = lines_by_check(result.output)
    for name in ("signatures", "voice webhook", "sms webhook", "twilio number"):
        assert checks[name] == "skip skipped: no token (TWILIO_AUTH_TOKEN is not set)", name
    assert "signed POST" not in result.output
    assert "TWILIO_AUTH_TOKEN (checks that requests come from Twilio)" in checks["settings"]
    assert "HELPLINE_SECRET_KEY (the key phone numbers are hashed with)" in checks["settings"]
    assert result.exit_code == 1


def test_missing_for_production_lists_each_gap_once():
    assert missing_for_production({}) == [
        "TWILIO_ACCOUNT_SID (your Twilio account)",
        "TWILIO_AUTH_TOKEN (checks that requests come from Twilio)",
        "HELPLINE_PUBLIC_URL (the https:// address Twilio calls)",
        "HELPLINE_SECRET_KEY (the key phone numbers are hashed with)",
        "HELPLINE_ADMIN_PASSWORD (opens the simulator and reports)",
        "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID (who texts are sent from)",
    ]


@pytest.mark.parametrize(("url", "exc", "said"), [
    ("", requests.exceptions.MissingSchema("Invalid URL '/healthz'"),
     "HELPLINE_PUBLIC_URL is not set"),
    ("help.example.org", requests.exceptions.MissingSchema("no scheme"),
     "help.example.org is not a web address: check HELPLINE_PUBLIC_URL"),
    ("https://h.example", requests.exceptions.ReadTimeout("read timed out"),
     "https://h.example did not answer within 5 s"),
    ("https://h.example", requests.exceptions.SSLError("certificate verify failed"),
     "https://h.example: its HTTPS certificate was refused"),
    ("https://nowhere.invalid", requests.exceptions.ConnectionError(
        "Failed to resolve 'nowhere.invalid' ([Errno -2] Name or service not known)"),
     "no such host name"),
])
def test_each_request_failure_reads_as_a_reason(url, exc, said):
    reason = unreachable(url, exc, 5.0)

    assert said in reason
    assert type(exc).__name__ not in reason


@pytest.mark.parametrize(("args", "shown"), [((), False), (("-v",), True)])
def test_twilios_request_log_is_shown_with_v_only(deployment, caplog, args, shown):
    import logging

    with caplog.at_level(logging.INFO):
        result = deployment.doctor(*args)

    assert lines_by_check(result.output)["twilio number"].startswith("ok "), result.output
    requests_logged = [r for r in caplog.records if r.name.startswith("twilio.http_client")]
    assert bool(requests_logged) is shown
