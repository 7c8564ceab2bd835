"""Who may open the studio, what its pages say, and how a kept take reaches every worker."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpline import create_app
from helpline.audio import serving
from helpline.audio.commands import audio_cli
from helpline.audio.manifest import read_manifest
from helpline.web.admin import SECURITY_HEADERS

from ..conftest import Twilio
from ..simulator.conftest import ADMIN_PASSWORD
from .conftest import Studio, take_for

PAGES = ["/admin/studio", "/admin/studio/es", "/admin/studio/es/script"]


@pytest.mark.parametrize("path", PAGES)
def test_production_pages_ask_for_the_operator_password(studio, path):
    assert studio.client.get(path).status_code == 401
    response = studio.client.get(path, headers=studio.auth)
    assert response.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script


def test_an_upload_without_the_password_is_challenged(studio, studio_settings):
    take = take_for(studio.text("welcome"))
    response = studio.client.post("/admin/studio/es/take", query_string={"prompt": "welcome"},
                                  data=take, content_type="audio/wav",
                                  headers={"X-Studio-Token": studio.token()})
    assert response.status_code == 401
    assert not (Path(studio_settings["HELPLINE_AUDIO_DIR"]) / "recorded").exists()


def test_without_a_password_in_production_the_studio_does_not_exist(studio_settings):
    client = create_app({**studio_settings, "HELPLINE_ADMIN_PASSWORD": ""}).test_client()
    for path in PAGES:
        assert client.get(path).status_code == 404


def test_local_mode_opens_the_studio_on_this_machine(studio_settings):
    client = create_app({**studio_settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "",
                         "HELPLINE_PUBLIC_URL": "", "HELPLINE_ADMIN_PASSWORD": ""}).test_client()
    assert client.get("/admin/studio/es").status_code == 200


def test_the_index_shows_each_languages_progress(studio):
    kept = studio.keep("welcome", take_for(studio.text("welcome")))
    assert kept.status_code == 200
    html = studio.client.get("/admin/studio", headers=studio.auth).get_data(as_text=True)
    progress = dict(re.findall(r'<span class="language-name">[^<]*\((\w+)\)</span>\s*'
                               r'<span class="progress"[^>]*>([^<]+)</span>', html))
    assert set(progress) == {"en", "zh", "es", "ar", "ru", "fr"}
    assert progress["es"] == f"1 of {kept.get_json()['total']} recorded"
    assert progress["fr"].startswith("0 of ")


def test_the_language_page_lists_every_prompt_in_the_scripts_order(studio):
    html = studio.page().get_data(as_text=True)
    keys = re.findall(r'<li class="prompt" id="prompt-\d+" data-key="([^"]+)"', html)
    script = studio.app.test_cli_runner().invoke(
        audio_cli, ["script", "--lang", "es", "--format", "csv"]).output.splitlines()[1:]
    assert keys == [line.split(",")[1] for line in script]
    assert f"0 of {len(keys)} recorded" in html
    assert html.count('data-source="spoken by Twilio"') == len(keys)


def test_the_printed_script_agrees_with_the_command(studio):
    kept = studio.keep("welcome", take_for(studio.text("welcome")))
    assert kept.status_code == 200
    html = studio.page(suffix="/script").get_data(as_text=True)
    rows = re.findall(r'data-key="([^"]+)" data-state="([^"]+)"', html)
    printed = studio.app.test_cli_runner().invoke(audio_cli, ["script", "--lang", "es"]).output
    listed = re.findall(r"^\d+\. (\S+)\.wav  \[([^\]]+)\]$", printed, re.M)
    assert rows == listed
    assert ("welcome", "recorded") in rows
    assert 'data-print' in html


def test_a_later_audio_build_finds_the_kept_recording_up_to_date(studio, studio_settings):
    assert studio.keep("welcome", take_for(studio.text("welcome"))).status_code == 200
    audio_dir = Path(studio_settings["HELPLINE_AUDIO_DIR"])
    before = read_manifest(audio_dir)[("es", "welcome")]
    result = studio.app.test_cli_runner().invoke(
        audio_cli, ["build", "--lang", "es", "--only", "welcome"])
    assert "0 files to make, 1 unchanged" in result.output, result.output
    assert read_manifest(audio_dir)[("es", "welcome")] == before


def test_recording_again_replaces_the_take(studio, studio_settings):
    audio_dir = Path(studio_settings["HELPLINE_AUDIO_DIR"])
    text = studio.text("welcome")
    assert studio.keep("welcome", take_for(text, seed=1)).status_code == 200
    first = read_manifest(audio_dir)[("es", "welcome")]
    assert studio.keep("welcome", take_for(text, wpm=130, seed=2)).status_code == 200
    second = read_manifest(audio_dir)[("es", "welcome")]
    assert second.file != first.file and second.duration > first.duration
    assert sorted(p.name for p in (audio_dir / "recorded" / "es").iterdir()
                  if not p.name.startswith(".")) == ["welcome.json", "welcome.wav"]


CALL = {"CallSid": "CA" + "4" * 32, "AccountSid": "AC" + "0" * 32, "From": "+34600111444",
        "To": "+15005550006"}


def spanish_menu_plays(app) -> list[str]:
    twilio = Twilio(app.test_client())
    first = twilio.post("/voice", CALL)
    action = ET.fromstring(first.data).find("Gather").get("action")
    answer = ET.fromstring(twilio.post(action, {**CALL, "Digits": "3"}).data)
    return [play.text for play in answer.iter("Play")]


def test_another_worker_plays_the_recording_once_it_sees_the_new_manifest(studio_settings):
    recorder = Studio(create_app(studio_settings))
    other = create_app(studio_settings)  # another gunicorn worker: its own copy of the library
    assert spanish_menu_plays(other) == []
    assert recorder.keep("welcome", take_for(recorder.text("welcome"))).status_code == 200
    # Within a second of its last look, a worker does not even stat the manifest.
    watch = other.extensions[serving.WATCH]
    watch.checked = __import__("time").monotonic()
    assert spanish_menu_plays(other) == []
    watch.checked -= serving.CHECK_SECONDS
    plays = spanish_menu_plays(other)
    assert len(plays) == 1 and "/audio/es/welcome." in plays[0]


def test_a_page_open_for_the_wrong_password_is_turned_away(studio_settings):
    import base64

    client = create_app(studio_settings).test_client()
    wrong = base64.b64encode(b"operator:not-the-password").decode()
    assert client.get("/admin/studio", headers={"Authorization": f"Basic {wrong}"}
                      ).status_code == 401
    right = base64.b64encode(f"operator:{ADMIN_PASSWORD}".encode()).decode()
    assert client.get("/admin/studio", headers={"Authorization": f"Basic {right}"}
                      ).status_code == 200
