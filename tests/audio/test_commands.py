"""``helpline audio build | status | script`` as an operator and a volunteer use them."""

from __future__ import annotations

import csv
import io
import json
import re

from helpline.audio.commands import audio_cli


def invoke(app, *args):
    """Run a command; ``result.output`` holds what it printed to stdout and stderr."""
    return app.test_cli_runner().invoke(audio_cli, list(args))


def test_build_reports_counts_and_a_summary(content_dir, audio_dir, kit):
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "build", "--only", "nav.question")
    assert result.exit_code == 0, result.output
    assert ("2 prompts in en (each with its slow rendering): 4 files to make, 0 unchanged."
            in result.output)
    assert "Generated 4, unchanged 0, failed 0 (of 4);" in result.output
    assert "espeak: 4 files" in result.output
    again = invoke(app, "build", "--only", "nav.question")
    assert "Generated 0, unchanged 4, failed 0 (of 4)" in again.output


def test_build_exits_1_and_says_why_when_prompts_fail(content_dir, audio_dir, kit, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # the discard port: refused
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "build", "--engine", "gtts", "--timeout", "1", "--only", "welcome")
    assert result.exit_code == 1
    output = result.output
    assert output.count("gtts cannot reach Google's text-to-speech service") >= 1
    assert "Generated 0, unchanged 0, failed 2 (of 2)" in output


def test_build_refuses_a_language_that_is_not_enabled(content_dir, audio_dir, kit):
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "build", "--lang", "zh")
    assert result.exit_code == 2
    assert "zh is not enabled" in result.output


def test_build_refuses_an_only_that_matches_nothing(content_dir, audio_dir, kit):
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "build", "--only", "no.such.id")
    assert result.exit_code == 2


def test_status_lists_what_is_missing_and_strict_fails(content_dir, audio_dir, kit):
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "status", "--strict")
    assert result.exit_code == 1
    assert "English (en): 0 of 7 prompts play audio" in result.output
    assert "No audio for the current words (7): welcome, language.choose.key-1" in result.output
    data = json.loads(invoke(app, "status", "--json").output)
    assert data[0]["language"] == "en" and len(data[0]["missing"]) == 7


def test_status_is_clean_after_a_build(copy_built, kit):
    content_dir, audio_dir = copy_built
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "status", "--strict")
    assert result.exit_code == 0, result.output
    assert "7 of 7 prompts play audio (lowest tier played: robotic; have: robotic 7)" \
        in result.output


def test_script_gives_a_volunteer_each_id_its_words_and_the_file_name(content_dir, audio_dir,
                                                                      kit):
    app = kit.make_app(content_dir, audio_dir)
    result = invoke(app, "script", "--lang", "en")
    assert result.exit_code == 0
    assert "Recording script: English (en), 7 prompts." in result.output
    assert "1. welcome.wav  [to record]\n   Hello, and welcome to the Test Line." in result.output
    assert "nav.question.2-of-2.wav" in result.output
    assert "caregiver.read_back" not in result.output  # spoken with <Say>, never recorded


def test_script_todo_leaves_out_what_is_recorded_and_csv_is_machine_readable(
    content_dir, audio_dir, kit
):
    kit.write_wav(audio_dir / "recorded" / "en" / "welcome.wav", kit_tone(), 22050)
    app = kit.make_app(content_dir, audio_dir)
    todo = invoke(app, "script", "--lang", "en", "--todo")
    assert "welcome.wav" not in todo.output and "6 prompts" in todo.output
    rows = list(csv.DictReader(io.StringIO(invoke(app, "script", "--format", "csv").output)))
    assert rows[0] == {"language": "en", "id": "welcome", "file": "welcome.wav",
                       "state": "recorded", "text": "Hello, and welcome to the Test Line."}
    assert len(rows) == 7


def kit_tone(seconds: float = 1.0):
    import numpy as np

    t = np.arange(int(22050 * seconds)) / 22050
    return 0.3 * np.sin(2 * np.pi * 220 * t)


def test_status_gives_the_pace_and_flags_a_prompt_read_too_fast(copy_built, kit):
    content_dir, audio_dir = copy_built
    kit.edit_voice(content_dir, "For ten questions to ask, press 3.",
                   "For the ten questions to ask your doctor at the review, please press 3.")
    # Thirteen words in a second and a half: 520 words a minute, far too fast to follow.
    kit.write_wav(audio_dir / "recorded" / "en" / "menu.main.wav",
                  kit_tone(seconds=1.5), 22050)
    kit.build(content_dir, audio_dir)

    result = invoke(kit.make_app(content_dir, audio_dir), "status")

    pace = re.search(r"Pace: (\d+) words a minute on average", result.output)
    assert pace and int(pace.group(1)) > 400  # the only prompt long enough to judge
    assert "Too fast or too slow for the call (a minute) (1): menu.main (" in result.output
