"""A caller from China (+86) can still ask for a text: it is queued, and they are told that
texts to China do not always arrive and that the call itself has everything."""

from __future__ import annotations

import pytest

from helpline.store.models import PENDING

CHINA_MOBILE = "+8613812345678"


@pytest.fixture
def settings(settings, tmp_path):
    return {**settings, "HELPLINE_LANGUAGES": "en,zh",
            "HELPLINE_AUDIO_DIR": str(tmp_path / "no-audio")}


def test_a_caller_from_china_is_told_a_text_may_not_arrive(caller, outbox):
    caller.number = CHINA_MOBILE
    caller.dial()
    caller.press("1")  # English

    screen = caller.press("9")

    assert screen.hears("voice.text_sent_filtered")
    assert not screen.hears("voice.text_sent")
    [row] = outbox.rows(to_number=CHINA_MOBILE)
    assert row.state == PENDING  # still sent: many do arrive


def test_they_hear_it_in_their_own_language(caller):
    caller.number = CHINA_MOBILE
    caller.dial()
    caller.press("2")  # 中文

    screen = caller.press("9")

    assert screen.hears("voice.text_sent_filtered", "zh")
    assert any("发到中国手机的短信有时会收不到" in words for words in screen.spoken)


def test_a_caller_from_elsewhere_hears_the_usual_words(caller):
    caller.number = "+447400123123"
    caller.dial()
    caller.press("1")

    screen = caller.press("9")

    assert screen.hears("voice.text_sent")
    assert not screen.hears("voice.text_sent_filtered")
