"""Bad uploads are refused with a reason a reader can act on, and write nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from helpline.audio.manifest import read_manifest
from helpline.studio import views

from .conftest import files_under, speech_like, take_for, wav


@pytest.fixture
def audio_dir(studio_settings) -> Path:
    return Path(studio_settings["HELPLINE_AUDIO_DIR"])


def refused(response, status: int, words: str) -> str:
    assert response.status_code == status, (response.status_code, response.data[:300])
    message = response.get_json()["error"]
    assert words in message, message
    return message


def test_an_empty_upload_is_refused(studio, audio_dir):
    before = files_under(audio_dir)
    refused(studio.keep("welcome", b""), 422, "The recording is empty")
    assert files_under(audio_dir) == before


def test_fifty_megabytes_are_refused_before_they_are_read(studio, audio_dir):
    before = files_under(audio_dir)
    message = refused(studio.keep("welcome", b"\0" * (50 * 1024 * 1024)), 413,
                      "larger than 12 MB")
    assert "one prompt at a time" in message
    assert files_under(audio_dir) == before


@pytest.mark.parametrize(("body", "words"), [
    (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 5000, "not a WAV recording"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, "not a WAV recording"),
    (b"just some words, not sound at all " * 100, "not a WAV recording"),
], ids=["mp3", "png", "text"])
def test_something_that_is_not_audio_is_refused(studio, audio_dir, body, words):
    before = files_under(audio_dir)
    refused(studio.keep("welcome", body), 422, words)
    assert files_under(audio_dir) == before


def test_a_take_sent_as_another_type_is_refused(studio, audio_dir):
    before = files_under(audio_dir)
    take = take_for(studio.text("welcome"))
    refused(studio.keep("welcome", take, content_type="text/plain"), 415, "audio/wav")
    refused(studio.keep("welcome", take, content_type="multipart/form-data; boundary=x"), 415,
            "audio/wav")
    assert files_under(audio_dir) == before


@pytest.mark.parametrize("language", ["xx", "de", "EN", "es-ES", "e"])
def test_a_language_that_is_not_enabled_is_refused(studio, audio_dir, language):
    before = files_under(audio_dir)
    take = take_for(studio.text("welcome"))
    refused(studio.keep("welcome", take, language=language), 404, "is not an enabled language")
    assert files_under(audio_dir) == before


@pytest.mark.parametrize("key", [
    "../../../../etc/passwd", "../en/welcome", "welcome/../../x", "../recorded/en/welcome",
    ".hidden", "welcome.wav", "/tmp/welcome", "es/welcome", "welcome\x00", "%2e%2e/welcome",
    "", "welcome ", "nav.question", "*", "menu.*",
])
def test_a_prompt_id_that_names_no_prompt_is_refused(studio, audio_dir, key):
    before = files_under(audio_dir)
    take = take_for(studio.text("welcome"))
    refused(studio.keep(key, take), 404, "is not a prompt of Español")
    assert files_under(audio_dir) == before


def test_a_path_in_the_url_reaches_no_upload(studio, audio_dir):
    take = take_for(studio.text("welcome"))
    for path in ("/admin/studio/../es/take", "/admin/studio/es/../../en/take",
                 "/admin/studio/es%2F..%2Fen/take"):
        response = studio.client.post(path, query_string={"prompt": "welcome"}, data=take,
                                      content_type="audio/wav",
                                      headers={**studio.auth, "X-Studio-Token": studio.token()})
        assert response.status_code in (404, 405), path
    assert files_under(audio_dir) == {}


def test_a_take_never_replaces_another_languages_prompt(studio, audio_dir):
    english = studio.text("welcome", "en")
    assert studio.keep("welcome", take_for(english), language="en").status_code == 200
    english_files = files_under(audio_dir / "recorded" / "en")
    english_entry = read_manifest(audio_dir)[("en", "welcome")]

    assert studio.keep("welcome", take_for(studio.text("welcome"), seed=3)).status_code == 200
    assert files_under(audio_dir / "recorded" / "en") == english_files
    entries = read_manifest(audio_dir)
    assert entries[("en", "welcome")] == english_entry
    assert entries[("es", "welcome")].file.startswith("es/")
    assert entries[("es", "welcome")].sha256 != english_entry.sha256


def test_a_take_for_words_that_changed_since_the_page_opened_is_refused(studio, audio_dir):
    take = take_for(studio.text("welcome"))
    refused(studio.keep("welcome", take, text="0123456789abcdef"), 404,
            "changed since the page was opened")
    assert files_under(audio_dir) == {}


# --- the upload token and where a request comes from -------------------------------------------


@pytest.mark.parametrize("token", [
    "", "nonsense", "1700000000.0123456789abcdef0123456789abcdef", "x.y", "99999999999999.a",
])
def test_an_upload_without_the_pages_token_is_refused(studio, audio_dir, token):
    take = take_for(studio.text("welcome"))
    refused(studio.keep("welcome", take, token=token), 403, "Reload the studio page")
    assert files_under(audio_dir) == {}


def test_a_token_from_yesterday_is_refused(studio, audio_dir):
    with studio.app.app_context():
        old = views.upload_token(time.time() - views.TOKEN_SECONDS - 60)
        fresh = views.upload_token(time.time() - 60)
    take = take_for(studio.text("welcome"))
    refused(studio.keep("welcome", take, token=old), 403, "expired")
    assert studio.keep("welcome", take, token=fresh).status_code == 200


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
])
def test_an_upload_from_another_site_is_refused(studio, audio_dir, headers):
    take = take_for(studio.text("welcome"))
    refused(studio.keep("welcome", take, headers=headers), 403, "another site")
    assert files_under(audio_dir) == {}


def test_an_upload_from_the_studio_page_itself_is_taken(studio):
    take = take_for(studio.text("welcome"))
    response = studio.keep("welcome", take, headers={
        "Origin": "https://helpline.example.org", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200, response.get_json()


# --- size limits: the studio's own, and 64 KB everywhere else -----------------------------------


def test_only_the_upload_takes_more_than_64_kilobytes(studio, twilio):
    # About 11 s of 48 kHz sound: far over the helpline's 64 KB, well under the studio's 12 MB.
    take = take_for(studio.text("welcome"))
    assert 64 * 1024 < len(take) < views.UPLOAD_MAX_BYTES
    assert studio.keep("welcome", take).status_code == 200
    for path, kind in (("/sms", "audio/wav"), ("/voice", "audio/wav"),
                       ("/simulator/api/sms", "application/json")):
        response = studio.client.post(path, data=take, content_type=kind, headers=studio.auth)
        assert response.status_code == 413, path
    form = {"Body": "x" * (70 * 1024), "From": "+447400123001"}
    assert twilio.post("/sms", form).status_code == 413


def test_the_upload_limit_is_twelve_megabytes(studio, audio_dir):
    just_over = wav(speech_like(0.1)) + b"\0" * views.UPLOAD_MAX_BYTES
    refused(studio.keep("welcome", just_over), 413, "larger than 12 MB")
    assert files_under(audio_dir) == {}


def test_an_audio_folder_that_cannot_be_written_is_said_plainly(studio_settings, tmp_path):
    from helpline import create_app

    from .conftest import Studio

    not_a_folder = tmp_path / "audio-is-a-file"
    not_a_folder.write_text("not a folder\n")
    studio = Studio(create_app({**studio_settings, "HELPLINE_AUDIO_DIR": str(not_a_folder)}))
    message = refused(studio.keep("welcome", take_for(studio.text("welcome"))), 500,
                      "must be able to write to its audio folder")
    assert str(not_a_folder) in message
    assert not_a_folder.read_text() == "not a folder\n"
