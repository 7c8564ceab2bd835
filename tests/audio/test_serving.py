"""GET /audio/...: what Twilio and a CDN need, and nothing outside audio/."""

from __future__ import annotations

import pytest

from helpline.audio.manifest import read_manifest
from helpline.audio.serving import EXTENSION, audio_url, current_library, init_app
from helpline.content import ContentError
from helpline.web.content import loaded_content


class Client:
    """The test client, reading each response whole so its file is closed as a server would."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, path, **kwargs):
        return self.client.get(path, buffered=True, **kwargs)

    def head(self, path, **kwargs):
        return self.client.head(path, buffered=True, **kwargs)


@pytest.fixture
def served(copy_built, kit):
    content_dir, audio_dir = copy_built
    app = kit.make_app(content_dir, audio_dir)
    entry = read_manifest(audio_dir)[("en", "welcome")]
    return Client(app), entry, audio_dir, app


def test_it_serves_a_listed_file_as_immutable_mpeg_audio(served):
    client, entry, audio_dir, _ = served
    response = client.get(f"/audio/{entry.file}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.data == (audio_dir / entry.file).read_bytes()
    assert response.headers["ETag"] == f'"{entry.sha256}"'  # strong: no W/
    cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert cache == {"public", "max-age=31536000", "immutable"}
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_it_answers_304_when_the_copy_is_current(served):
    client, entry, _, _ = served
    response = client.get(f"/audio/{entry.file}",
                          headers={"If-None-Match": f'"{entry.sha256}"'})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{entry.sha256}"'
    stale = client.get(f"/audio/{entry.file}", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("range_header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", None, None)],
)
def test_it_serves_byte_ranges(served, range_header, start, end):
    client, entry, audio_dir, _ = served
    data = (audio_dir / entry.file).read_bytes()
    response = client.get(f"/audio/{entry.file}", headers={"Range": range_header})
    assert response.status_code == 206
    assert response.headers["Content-Type"] == "audio/mpeg"
    if start is None:
        expected = data[-50:]
        first = len(data) - 50
    else:
        expected = data[start:(end + 1 if end is not None else None)]
        first = start
    assert response.data == expected
    assert response.headers["Content-Range"] == (
        f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    )


def test_it_refuses_an_unsatisfiable_range(served):
    client, entry, _, _ = served
    response = client.get(f"/audio/{entry.file}", headers={"Range": "bytes=999999-"})
    assert response.status_code == 416


def test_it_answers_head_without_a_body(served):
    client, entry, _, _ = served
    response = client.head(f"/audio/{entry.file}")
    assert response.status_code == 200
    assert response.data == b""
    assert int(response.headers["Content-Length"]) == entry.bytes


@pytest.mark.parametrize(
    "path",
    [
        "/audio/manifest.json",
        "/audio/../helpline/__init__.py",
        "/audio/..%2fmanifest.json",
        "/audio/en/..%2f..%2fcontent%2fen.yaml",
        "/audio/en/%2e%2e/manifest.json",
        "/audio/%2e%2e/%2e%2e/etc/passwd",
        "/audio//etc/passwd",
        "/audio/recorded/en/welcome.wav",
        "/audio/en/welcome.00000000.mp3",  # not listed
        "/audio/en/",
        "/audio/en",
    ],
)
def test_it_serves_nothing_outside_the_listed_files(served, path):
    client, _, _, _ = served
    # Werkzeug redirects '//' to '/' first; wherever it lands, nothing is served.
    assert client.get(path, follow_redirects=True).status_code == 404


def test_it_does_not_serve_a_file_dropped_into_audio_after_start_up(served):
    client, _, audio_dir, _ = served
    (audio_dir / "en" / "extra.12345678.mp3").write_bytes(b"\xff\xf3")
    assert client.get("/audio/en/extra.12345678.mp3").status_code == 404


def test_it_answers_404_not_500_when_a_listed_file_vanished(served):
    client, entry, audio_dir, _ = served
    (audio_dir / entry.file).unlink()
    assert client.get(f"/audio/{entry.file}").status_code == 404


def test_init_app_loads_min_tiers_from_the_content_and_can_run_twice(served):
    _, entry, _, app = served
    library = app.extensions[EXTENSION]
    assert library.min_tiers == {"en": "robotic"}
    init_app(app, loaded_content(app).content)  # the factory and a test may both call it
    assert app.extensions[EXTENSION] is not library
    with app.app_context():
        assert current_library().path_for("en", "welcome",
                                          "Hello, and welcome to the Test Line.") == entry.file


def test_the_tier_rule_sends_the_voice_flow_to_say_below_the_min_tier(copy_built, kit):
    content_dir, audio_dir = copy_built
    kit.edit_voice(content_dir, "audio_min_tier: robotic", "audio_min_tier: neural")
    app = kit.make_app(content_dir, audio_dir)
    library = app.extensions[EXTENSION]
    assert library.path_for("en", "welcome", "Hello, and welcome to the Test Line.") is None
    # ... but the file is still served (a CDN or an operator may fetch it).
    entry = read_manifest(audio_dir)[("en", "welcome")]
    assert Client(app).get(f"/audio/{entry.file}").status_code == 200


def test_a_misspelt_min_tier_stops_start_up_with_a_content_problem(content_dir, audio_dir, kit):
    kit.edit_voice(content_dir, "audio_min_tier: robotic", "audio_min_tier: nueral")
    with pytest.raises(ContentError, match="audio_min_tier.*not an audio tier"):
        kit.make_app(content_dir, audio_dir)


@pytest.mark.parametrize(
    ("config", "url"),
    [
        ({"HELPLINE_AUDIO_BASE_URL": "https://cdn.example.net/help"},
         "https://cdn.example.net/help/en/welcome.3f2a9c1d.mp3"),
        ({"HELPLINE_PUBLIC_URL": "https://helpline.example.org"},
         "https://helpline.example.org/audio/en/welcome.3f2a9c1d.mp3"),
        ({}, "/audio/en/welcome.3f2a9c1d.mp3"),
    ],
)
def test_it_points_twilio_at_the_cdn_when_one_is_configured(config, url):
    assert audio_url("en/welcome.3f2a9c1d.mp3", config) == url


def test_with_a_cdn_the_manifest_is_trusted_without_local_files(content_dir, audio_dir, kit,
                                                                built):
    _, built_audio, _ = built
    audio_dir.mkdir()
    (audio_dir / "manifest.json").write_bytes((built_audio / "manifest.json").read_bytes())
    app = kit.make_app(content_dir, audio_dir,
                       HELPLINE_AUDIO_BASE_URL="https://cdn.example.net/audio")
    assert app.extensions[EXTENSION].path_for("en", "welcome",
                                              "Hello, and welcome to the Test Line.")
