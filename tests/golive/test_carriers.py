"""`helpline doctor`'s carrier checks against Twilio's Messaging API spec (Prism): each cause
of blocked texts injected in turn, as a fresh account meets it."""

from __future__ import annotations

import pytest

from helpline.golive.carriers import number_kind

from .conftest import HELPLINE_NUMBER, SERVICE, lines_by_check

TOLL_FREE = "+18005550100"


def carrier_lines(result) -> dict[str, str]:
    return {name: line for name, line in lines_by_check(result.output).items()
            if name in ("us/ca texting", "sender ids", "china")}


def test_a_registered_number_passes(deployment, carriers):
    lines = carrier_lines(deployment.doctor())

    assert lines["us/ca texting"] == (f"ok A2P 10DLC campaign approved for {HELPLINE_NUMBER} "
                                      f"(service {SERVICE})")
    assert carriers.rejected == []
    asked = {path for _, path in carriers.requests}
    assert f"/v1/Services/{SERVICE}/Compliance/Usa2p" in asked


def test_a_number_in_no_messaging_service_fails_with_the_console_path(deployment, carriers):
    carriers.services = {}

    result = deployment.doctor()

    line = carrier_lines(result)["us/ca texting"]
    assert line.startswith(f"FAIL {HELPLINE_NUMBER} is in no messaging service")
    assert "error 30034" in line
    assert "Messaging > Regulatory Compliance > Onboarding (A2P 10DLC)" in line
    assert result.exit_code == 1


@pytest.mark.parametrize(("statuses", "expected"), [
    ([], "no A2P 10DLC campaign for"),
    (["IN_PROGRESS"], "is waiting for approval (IN_PROGRESS)"),
    (["PENDING"], "is waiting for approval (PENDING)"),
    (["FAILED"], "was rejected"),
])
def test_a_campaign_not_approved_fails_and_says_why(deployment, carriers, statuses, expected):
    carriers.campaigns = {SERVICE: statuses}

    result = deployment.doctor()

    line = carrier_lines(result)["us/ca texting"]
    assert line.startswith("FAIL ") and expected in line
    assert result.exit_code == 1


def test_a_messaging_service_is_checked_directly(deployment, carriers):
    other = "MG" + "7" * 32
    carriers.services[other] = []
    carriers.campaigns[other] = ["VERIFIED"]

    lines = carrier_lines(deployment.doctor(TWILIO_MESSAGING_SERVICE_SID=other))

    assert lines["us/ca texting"] == f"ok A2P 10DLC campaign approved for messaging service {other}"


@pytest.mark.parametrize(("verification", "expected"), [
    (None, f"FAIL toll-free number {TOLL_FREE} is not verified"),
    (("PENDING_REVIEW", ""), f"FAIL the verification of {TOLL_FREE} is PENDING_REVIEW"),
    (("TWILIO_REJECTED", "opt-in not shown"),
     f"FAIL the verification of {TOLL_FREE} was rejected: opt-in not shown"),
    (("TWILIO_APPROVED", ""), f"ok toll-free number {TOLL_FREE} is verified"),
])
def test_a_toll_free_number_needs_its_verification(deployment, carriers, verification,
                                                   expected):
    assert number_kind(TOLL_FREE) == "toll_free"
    if verification:
        carriers.toll_free = {TOLL_FREE: verification}

    lines = carrier_lines(deployment.doctor(TWILIO_FROM_NUMBER=TOLL_FREE))

    assert lines["us/ca texting"].startswith(expected)
    assert carriers.rejected == []


def test_sender_ids_required_or_forbidden_per_country(deployment):
    result = deployment.doctor(HELPLINE_SMS_COUNTRIES="US,GB,AE,SA",
                               HELPLINE_SMS_SENDER_IDS="US=Helpline,GB=Helpline")

    line = carrier_lines(result)["sender ids"]
    assert line.startswith("FAIL AE, SA require a registered alphanumeric sender id")
    assert "US does not accept alphanumeric sender ids: remove US=" in line
    assert result.exit_code == 1


def test_configured_sender_ids_pass(deployment):
    lines = carrier_lines(deployment.doctor(HELPLINE_SMS_COUNTRIES="US,GB,AE",
                                            HELPLINE_SMS_SENDER_IDS="GB=Helpline,AE=Helpline"))

    assert lines["sender ids"] == ("ok texts to AE as 'Helpline', GB as 'Helpline' use their "
                                   "sender id")


def test_china_is_a_warning_with_what_callers_hear(deployment):
    lines = carrier_lines(deployment.doctor())

    assert lines["china"].startswith("warn texts to mobiles in China (+86) are filtered")
    assert "error 30007" in lines["china"]
    assert "told, in their language, that a text may not arrive" in lines["china"]


def test_without_china_there_is_no_china_line(deployment):
    lines = carrier_lines(deployment.doctor(HELPLINE_SMS_COUNTRIES="US,GB"))

    assert "china" not in lines


def test_no_twilio_skips_the_registration_but_not_the_local_rules(deployment, carriers):
    lines = carrier_lines(deployment.doctor("--no-twilio"))

    assert "us/ca texting" not in lines
    assert lines["sender ids"].startswith("ok ")
    assert not any(path.startswith("/v1/") for _, path in carriers.requests)


def test_a_number_outside_north_america_is_warned_about_us_and_canadian_texts(deployment,
                                                                            carriers):
    lines = carrier_lines(deployment.doctor("--no-twilio", TWILIO_FROM_NUMBER="+447400100200"))
    assert "us/ca texting" not in lines  # --no-twilio: nothing asked of Twilio

    lines = carrier_lines(deployment.doctor(TWILIO_FROM_NUMBER="+447400100200"))

    assert lines["us/ca texting"].startswith("warn texts to US and Canadian numbers from "
                                             "+447400100200")
    assert not any(path.startswith("/v1/") for _, path in carriers.requests)
    lines = carrier_lines(deployment.doctor(TWILIO_FROM_NUMBER="+447400100200",
                                            HELPLINE_SMS_COUNTRIES="GB,FR"))
    assert "us/ca texting" not in lines
