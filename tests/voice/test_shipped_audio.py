"""The English audio shipped in audio/ covers every prompt: an English call never hears <Say>."""

from __future__ import annotations

import pytest

from helpline.content.model import VOICE

KEYS = [*"0123456789*#", None]


@pytest.fixture
def settings(settings):
    settings["HELPLINE_LANGUAGES"] = "en"
    return settings


def test_an_english_call_plays_recorded_audio_for_every_prompt(caller, app):
    """Visit every screen a caller can reach and collect what they hear."""
    start = caller.dial()
    queue, seen, heard = [start], set(), []
    while queue:
        screen = queue.pop()
        heard.append(screen)
        if screen.action is None or screen.action in seen:
            continue
        seen.add(screen.action)
        for key in KEYS:
            caller.screen = screen
            queue.append(caller.press(key) if key else caller.stay_silent())
        caller.screen = screen
        if "caregiver_number" in screen.action:
            queue.append(caller.press("07400123456"))

    played = {url for screen in heard for url in screen.played}
    said = {text for screen in heard for text in screen.spoken}
    # Every prompt, a typed number read back digit by digit and the slow renderings included;
    # only a reminder's date, known during the call, is spoken by Twilio.
    with app.app_context():
        from helpline.web.content import current_content

        read_back = current_content().default.texts["reminder.call_read_back"].voice
    assert all(text.startswith(read_back.split("{")[0]) for text in said), said
    assert len(played) >= 140
    assert any(".slow." in url for url in played)
    assert all(url.startswith("https://helpline.example.org/audio/en/") for url in played)


def test_audio_urls_answer_with_an_audio_file(caller, client):
    url = caller.dial().played[0]

    with client.get(url.removeprefix("https://helpline.example.org")) as response:
        assert response.status_code == 200
        assert response.mimetype == "audio/mpeg"
        assert "immutable" in response.headers["Cache-Control"]
        assert response.data[:3] == b"ID3" or response.data[0] == 0xFF


def test_changed_words_fall_back_to_say_until_the_audio_is_rebuilt(settings, content_dir):
    from helpline import create_app

    english = content_dir / "en.yaml"
    english.write_text(english.read_text().replace("voice: Welcome.", "voice: Hello, welcome.", 1))
    settings["HELPLINE_CONTENT_DIR"] = str(content_dir)
    app = create_app(settings)

    with app.app_context():
        from helpline.core.prompts import deployment_values
        from helpline.web.content import current_content

        words = current_content().default.render("welcome", VOICE,
                                                 deployment_values(app.config))
    from ..conftest import Twilio
    from .conftest import Caller

    screen = Caller(Twilio(app.test_client()), app).dial()
    assert words in screen.spoken
    assert len(screen.played) >= 2
