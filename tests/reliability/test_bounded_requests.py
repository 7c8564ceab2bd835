"""Bounded work per request: an oversized body is refused before it is read, and free text
is cut to a sane length before it is matched."""

from __future__ import annotations

import pytest

from ..voice.conftest import Caller


@pytest.mark.parametrize("path", ["/voice", "/sms", "/voice/step?s=main&l=en"])
def test_a_one_megabyte_body_is_refused_before_it_is_parsed(client, twilio, path):
    body = {"CallSid": "CA" + "1" * 32, "From": "+447400123123", "Body": "x" * 1_000_000}

    refused = twilio.post(path, body)

    assert refused.status_code == 413


def test_a_huge_speech_result_is_answered_like_any_unclear_speech(twilio, app):
    caller = Caller(twilio, app)
    caller.dial()
    caller.press("1")  # English

    screen = caller.say("ـ " * 8_000)  # 56 KB encoded: under the body limit, far over a phrase

    assert screen.hears("voice.not_understood")
