"""The TwiML built from prepared pieces and screens is the document twilio's own builder would
write."""

from __future__ import annotations

import pytest
from twilio.twiml.voice_response import VoiceResponse

from helpline.core import menu
from helpline.voice.twiml import PreparedResponse
from helpline.voice.views import EXTENSION


def twilio_xml(response: VoiceResponse) -> str:
    """The same tree written by twilio's ElementTree serialiser."""
    return VoiceResponse.to_xml(response)


@pytest.fixture
def renderer(app):
    return app.extensions[EXTENSION].renderer


def steps(config: menu.MenuConfig) -> list[menu.Step]:
    position = menu.Position("questions", "en", 5)
    return [
        menu.start(config),
        menu.answer(position, "2", config),  # question 7
        menu.answer(menu.Position(menu.LANGUAGE, "en"), "3", config),
        menu.answer(position, "8", config),  # the caregiver number screen
        menu.answer(menu.Position(menu.CAREGIVER_NUMBER, "es", 2), "07700900123#", config),
        menu.Step((menu.Say("voice.goodbye"),), None, hangup=True),
    ]


def test_it_writes_every_screen_as_twilio_would(app, renderer):
    with app.app_context():
        config = app.extensions[EXTENSION].menu_config()
    for step in steps(config):
        for language in ("en", "zh", "ar"):
            response = renderer.render(step, language, "https://helpline.example.org/")
            assert isinstance(response, PreparedResponse)
            response.dial("+441234567890", action="/voice/transfer-done?s=main&l=en")
            assert str(response) == twilio_xml(response)
            again = renderer.render(step, language, "https://helpline.example.org/")
            again.dial("+441234567890", action="/voice/transfer-done?s=main&l=en")
            assert str(again) == str(response)  # the prepared screen, the same document


def test_it_escapes_what_twilio_escapes():
    response = PreparedResponse()
    gather = response.gather(action='/voice/step?s=main&l=en&x="1"', hints="a\tb\nc\r<d>",
                             action_on_empty_result=True, timeout=8)
    gather.say('Fish & chips < 5 > "3"\nnext', voice="Polly.Joanna", language="en-GB")
    gather.play("https://cdn.example.org/a&b.mp3")
    response.say("")
    response.hangup()
    assert str(response) == twilio_xml(response)
    assert "&amp;" in str(response) and "&#10;" in str(response)
