"""Key 0 reaches a person only when a number and opening hours are set; outside the hours the
caller hears when to call."""

from __future__ import annotations

from datetime import datetime

import pytest

from helpline.voice.hours import HoursError, is_open, parse_hours

ALWAYS = "mon-sun 00:00-24:00"
NEVER = "mon 00:00-00:01"


@pytest.fixture
def settings(settings, tmp_path):
    settings["HELPLINE_LANGUAGES"] = "en"
    settings["HELPLINE_AUDIO_DIR"] = str(tmp_path / "no-audio")
    settings["HELPLINE_TRANSFER_NUMBER"] = "+442071234567"
    settings["HELPLINE_OPENING_HOURS"] = ALWAYS
    return settings


def test_zero_during_opening_hours_dials_the_transfer_number(caller):
    assert caller.dial().hears("menu.transfer")

    screen = caller.press("0")

    assert screen.hears("transfer.connecting")
    assert screen.dial is not None and screen.dial.text == "+442071234567"
    assert screen.dial.get("action").startswith("/voice/transfer-done?")


def test_after_a_completed_transfer_the_call_ends_kindly(caller):
    caller.dial()
    action = caller.press("0").dial.get("action")

    screen = caller._post(action, DialCallStatus="completed")

    assert screen.hears("voice.goodbye") and screen.hangup


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_an_unanswered_transfer_returns_to_the_menu(caller, status):
    caller.dial()
    action = caller.press("0").dial.get("action")

    screen = caller._post(action, DialCallStatus=status)

    assert screen.hears("transfer.failed") and screen.hears("menu.main")


def test_outside_the_hours_the_caller_hears_when_to_call(settings, twilio):
    from helpline import create_app

    from .conftest import Caller

    settings["HELPLINE_OPENING_HOURS"] = NEVER
    app = create_app(settings)
    caller = Caller(twilio.__class__(app.test_client()), app)
    caller.dial()

    screen = caller.press("0")

    assert screen.dial is None
    assert screen.hears("transfer.closed") and screen.hears("transfer.hours")
    assert screen.hears("menu.main")


def test_without_hours_zero_is_not_offered(settings, twilio):
    from helpline import create_app

    from .conftest import Caller

    settings["HELPLINE_OPENING_HOURS"] = ""
    app = create_app(settings)
    caller = Caller(twilio.__class__(app.test_client()), app)

    assert not caller.dial().hears("menu.transfer")
    assert caller.press("0").hears("voice.wrong_key")


@pytest.mark.parametrize(
    "spec, moment, expected",
    [
        ("mon-fri 09:00-17:00", datetime(2026, 11, 25, 10, 0), True),  # a Wednesday
        ("mon-fri 09:00-17:00", datetime(2026, 11, 25, 17, 0), False),
        ("mon-fri 09:00-17:00", datetime(2026, 11, 28, 10, 0), False),  # Saturday
        ("mon-fri 09:00-17:00; sat 10:00-13:00", datetime(2026, 11, 28, 10, 0), True),
        ("fri-mon 20:00-24:00", datetime(2026, 11, 30, 23, 0), True),  # Monday, wraps
        ("fri-mon 20:00-24:00", datetime(2026, 11, 25, 23, 0), False),
    ],
)
def test_opening_hours(spec, moment, expected):
    assert is_open(parse_hours(spec), moment) is expected


@pytest.mark.parametrize("spec", ["weekdays 9-5", "mon-fri 25:00-26:00", "xyz 09:00-10:00"])
def test_unreadable_hours_are_refused_with_the_expected_form(spec):
    with pytest.raises(HoursError, match="mon-fri 09:00-17:00"):
        parse_hours(spec)


def test_the_app_refuses_to_start_with_unreadable_hours(settings):
    from helpline import create_app

    settings["HELPLINE_OPENING_HOURS"] = "weekdays"

    with pytest.raises(HoursError):
        create_app(settings)


def test_the_app_refuses_an_unknown_time_zone(settings):
    from helpline import create_app
    from helpline.config import ConfigError

    settings["HELPLINE_TIMEZONE"] = "Mars/Olympus"

    with pytest.raises(ConfigError, match="Europe/London"):
        create_app(settings)
