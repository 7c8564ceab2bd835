"""Keeping a take: the recording, its sidecar, its phone file and manifest entry, the next call."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

from helpline.audio import dsp
from helpline.audio.commands import audio_cli
from helpline.audio.manifest import read_manifest
from helpline.audio.status import audio_status

from ..conftest import Twilio
from .conftest import Studio, edit_text, take_for

CALL = {"CallSid": "CA" + "2" * 32, "AccountSid": "AC" + "0" * 32, "From": "+34600111222",
        "To": "+15005550006"}


def spanish_main_menu(app) -> ET.Element:
    """A signed call that chooses Spanish: the TwiML of the Spanish main menu."""
    twilio = Twilio(app.test_client())
    first = twilio.post("/voice", CALL)
    action = ET.fromstring(first.data).find("Gather").get("action")
    answer = twilio.post(action, {**CALL, "Digits": "3"})
    assert answer.status_code == 200
    return ET.fromstring(answer.data)


def test_it_keeps_a_take_and_the_next_call_plays_it(studio, studio_settings):
    text = studio.text("welcome")
    before = spanish_main_menu(studio.app)
    assert text in [say.text for say in before.iter("Say")]

    kept = studio.keep("welcome", take_for(text),
                      headers={"X-Reader-Name": quote("Lucía Gómez")})
    assert kept.status_code == 200, kept.get_json()
    result = kept.get_json()
    assert result["state"] == "recorded"
    assert result["source"] == "recorded"
    # A four-word welcome: a few hundredths of a second either way move its pace a lot.
    assert 120 <= result["pace"]["per_minute"] <= 170
    assert result["pace"]["target"] == [140, 150]
    assert result["progress"].startswith("1 of ")

    audio_dir = studio_settings["HELPLINE_AUDIO_DIR"]
    entry = read_manifest(audio_dir)[("es", "welcome")]
    assert (entry.tier, entry.engine, entry.voice) == ("recorded", "recorded", "welcome.wav")
    sound = dsp.decode((Path(audio_dir) / entry.file).read_bytes())
    assert abs(dsp.integrated_loudness(sound.samples, sound.sample_rate) + 19.0) <= 1.0
    sidecar = json.loads((Path(audio_dir) / "recorded/es/welcome.json").read_text("utf-8"))
    assert sidecar["reader"] == "Lucía Gómez"
    assert set(sidecar) == {"text_hash", "text", "recording_sha256", "reader"}

    after = spanish_main_menu(studio.app)
    plays = [play.text for play in after.iter("Play")]
    assert any(url.endswith("/audio/" + entry.file) for url in plays), plays
    assert text not in [say.text for say in after.iter("Say")]


def test_the_recording_goes_stale_when_its_words_change(studio, studio_settings):
    from helpline import create_app

    from .conftest import Studio

    assert studio.keep("welcome", take_for(studio.text("welcome"))).status_code == 200
    edit_text(Path(studio_settings["HELPLINE_CONTENT_DIR"]), "es", "welcome",
              "Hola, con palabras nuevas.")
    restarted = Studio(create_app(studio_settings))
    html = restarted.page().get_data(as_text=True)
    row = html[html.index('data-key="welcome"'):]
    row = row[:row.index("</li>")]
    assert 'data-state="stale"' in row and "recorded for old words" in row
    assert "Callers hear: spoken by Twilio" in row

    with restarted.app.app_context():
        from helpline.web.content import current_content

        (status,) = audio_status(current_content(), restarted.app.config, languages=["es"])
    assert status.stale_recordings == ("welcome",)
    runner = restarted.app.test_cli_runner()
    printed = runner.invoke(audio_cli, ["status", "--lang", "es"]).output
    assert "Recordings for old words (record again) (1): welcome" in printed


def test_every_kept_recording_is_logged_without_the_readers_name(studio, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="helpline.studio")
    kept = studio.keep("welcome", take_for(studio.text("welcome")),
                       headers={"X-Reader-Name": quote("Lucía Gómez")})
    assert kept.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("helpline.studio")]
    assert len(lines) == 1
    assert re.match(r"studio: recording kept for es/welcome at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
                    lines[0]), lines
    assert "Lucía" not in lines[0]


def test_two_readers_keeping_takes_at_once_both_reach_the_manifest(studio_app, studio_settings):
    from concurrent.futures import ThreadPoolExecutor

    from .conftest import Studio

    keys = ["welcome", "safety", "menu.transfer", "language.choose.key-3"]
    readers = [Studio(studio_app) for _ in keys]
    takes = [take_for(reader.text(key), seed=n) for n, (reader, key) in
             enumerate(zip(readers, keys, strict=True))]
    tokens = [reader.token() for reader in readers]
    with ThreadPoolExecutor(len(keys)) as pool:
        answers = list(pool.map(lambda n: readers[n].keep(keys[n], takes[n], token=tokens[n]),
                                range(len(keys))))
    assert [answer.status_code for answer in answers] == [200] * len(keys)
    entries = read_manifest(studio_settings["HELPLINE_AUDIO_DIR"])
    assert {key for (language, key) in entries if language == "es"} == set(keys)
    assert all(entries[("es", key)].tier == "recorded" for key in keys)


def test_two_workers_keeping_takes_at_once_both_reach_the_manifest(studio_app, studio_settings):
    """Gunicorn workers are processes: the lock beside the recordings is a file lock."""
    import multiprocessing

    from helpline.studio.saving import save_take
    from helpline.web.content import loaded_content

    content = loaded_content(studio_app).content
    config = dict(studio_app.config)
    keys = ["welcome", "safety", "menu.transfer", "language.choose.key-3"]
    takes = {key: take_for(Studio(studio_app).text(key), seed=n) for n, key in enumerate(keys)}
    start = multiprocessing.get_context("fork").Event()

    def worker(key: str) -> None:
        start.wait(10)
        save_take(content, config, "es", key, takes[key])

    workers = [multiprocessing.get_context("fork").Process(target=worker, args=(key,))
               for key in keys]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(60)
    assert [process.exitcode for process in workers] == [0] * len(keys)
    entries = read_manifest(studio_settings["HELPLINE_AUDIO_DIR"])
    assert {key for (language, key) in entries if language == "es"} == set(keys)


def test_a_removed_recording_is_gone_and_the_next_call_reads_the_words(studio, studio_settings,
                                                                       caplog):
    import logging

    caplog.set_level(logging.INFO, logger="helpline.studio")
    audio_dir = Path(studio_settings["HELPLINE_AUDIO_DIR"])
    text = studio.text("welcome")
    assert studio.keep("welcome", take_for(text)).status_code == 200
    token = studio.token()
    removed = studio.client.post("/admin/studio/es/remove", query_string={"prompt": "welcome"},
                                 headers={**studio.auth, "X-Studio-Token": token})
    assert removed.status_code == 200, removed.get_json()
    row = removed.get_json()
    assert (row["state"], row["source"], row["audio"]) == ("to record", "spoken by Twilio", None)
    assert row["progress"].startswith("0 of ")
    assert sorted(p.name for p in (audio_dir / "recorded" / "es").iterdir()
                  if not p.name.startswith(".")) == []
    assert ("es", "welcome") not in read_manifest(audio_dir)
    menu = spanish_main_menu(studio.app)
    assert text in [say.text for say in menu.iter("Say")]
    assert list(menu.iter("Play")) == []
    assert any(re.match(r"studio: recording removed for es/welcome at \d{4}-", r.getMessage())
               for r in caplog.records)

    again = studio.client.post("/admin/studio/es/remove", query_string={"prompt": "welcome"},
                               headers={**studio.auth, "X-Studio-Token": token})
    assert again.status_code == 404 and "has no recording" in again.get_json()["error"]
    for key in ("../en/welcome", "welcome.json", ""):
        refused = studio.client.post("/admin/studio/es/remove", query_string={"prompt": key},
                                     headers={**studio.auth, "X-Studio-Token": token})
        assert refused.status_code == 404, key
    forged = studio.client.post("/admin/studio/es/remove", query_string={"prompt": "safety"},
                                headers={**studio.auth, "X-Studio-Token": "forged"})
    assert forged.status_code == 403
