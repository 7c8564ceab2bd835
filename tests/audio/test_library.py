"""The resolver the voice flow calls per request, and the manifest behind it."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from helpline.audio.hashing import text_hash
from helpline.audio.library import AudioLibrary
from helpline.audio.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    ManifestError,
    read_manifest,
    write_manifest,
)

WORDS = "Hello, and welcome."


def entry(key: str = "welcome", tier: str = "neural", words: str = WORDS,
          language: str = "en") -> ManifestEntry:
    return ManifestEntry(
        language=language,
        id=key,
        file=f"{language}/{key}.3f2a9c1d.mp3",
        text_hash=text_hash(words),
        render_hash="3f2a9c1d00000000",
        engine="piper",
        voice="en_US-joe-medium",
        tier=tier,
        duration=1.5,
        bytes=6000,
        sha256="ab" * 32,
        loudness=-19.0,
        peak=-2.0,
    )


def library_with(tmp_path: Path, entries: list[ManifestEntry], min_tiers=None,
                 files: bool = True) -> AudioLibrary:
    write_manifest(tmp_path, entries)
    if files:
        for e in entries:
            (tmp_path / e.file).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / e.file).write_bytes(b"\xff\xf3")
    return AudioLibrary.load(tmp_path, min_tiers or {"en": "neural"})


def test_it_round_trips_the_manifest(tmp_path):
    entries = [entry(), entry("menu.main", "recorded"), entry("welcome", language="zh")]
    write_manifest(tmp_path, entries)
    assert read_manifest(tmp_path) == {e.slot: e for e in entries}
    document = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert [e["id"] for e in document["entries"]] == ["menu.main", "welcome", "welcome"]
    assert document["output"]["sample_rate"] == 22050
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.parametrize(
    "bad",
    [
        "en/../../etc/passwd",
        "/etc/passwd",
        "zh/welcome.3f2a9c1d.mp3",  # another language's folder
        "en/welcome.wav",
    ],
)
def test_it_refuses_a_manifest_that_points_outside_audio(tmp_path, bad):
    write_manifest(tmp_path, [replace(entry(), file=bad)])
    with pytest.raises(ManifestError, match="bad file"):
        read_manifest(tmp_path)


@pytest.mark.parametrize(
    ("tier", "min_tier", "words", "plays"),
    [
        ("neural", "neural", WORDS, True),
        ("recorded", "neural", WORDS, True),
        ("robotic", "neural", WORDS, False),  # below the tier: the caller hears <Say>
        ("robotic", "robotic", WORDS, True),  # the operator opted in to robotic audio
        ("neural", "recorded", WORDS, False),
        ("neural", "neural", "Hello, and welcome!", False),  # edited since the build
        ("neural", "neural", "  Hello,  and\nwelcome. ", True),  # same words, other spacing
    ],
)
def test_it_plays_a_file_only_for_the_same_words_at_a_good_enough_tier(
    tmp_path, tier, min_tier, words, plays
):
    library = library_with(tmp_path, [entry(tier=tier)], {"en": min_tier})
    expected = "en/welcome.3f2a9c1d.mp3" if plays else None
    assert library.path_for("en", "welcome", words) == expected


def test_it_uses_neural_as_the_min_tier_of_an_unlisted_language(tmp_path):
    library = library_with(tmp_path, [entry(tier="robotic", language="fr"),
                                      entry("menu.main", language="fr")], {})
    assert library.path_for("fr", "welcome", WORDS) is None
    assert library.path_for("fr", "menu.main", WORDS) == "fr/menu.main.3f2a9c1d.mp3"


def test_it_knows_nothing_of_other_keys_and_languages(tmp_path):
    library = library_with(tmp_path, [entry()])
    assert library.path_for("en", "menu.main", WORDS) is None
    assert library.path_for("zh", "welcome", WORDS) is None


def test_it_starts_empty_without_a_manifest(tmp_path):
    library = AudioLibrary.load(tmp_path / "nothing-here", {"en": "neural"})
    assert len(library) == 0
    assert library.path_for("en", "welcome", WORDS) is None


def test_it_starts_empty_and_says_why_when_the_manifest_is_broken(tmp_path, caplog):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with caplog.at_level(logging.ERROR):
        library = AudioLibrary.load(tmp_path, {"en": "neural"})
    assert len(library) == 0
    assert "helpline audio build" in caplog.text


def test_it_drops_listed_files_that_are_missing(tmp_path, caplog):
    write_manifest(tmp_path, [entry(), entry("menu.main")])
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "welcome.3f2a9c1d.mp3").write_bytes(b"\xff\xf3")
    with caplog.at_level(logging.WARNING):
        library = AudioLibrary.load(tmp_path, {"en": "neural"})
    assert library.path_for("en", "welcome", WORDS) is not None
    assert library.path_for("en", "menu.main", WORDS) is None
    assert "1 audio file(s)" in caplog.text
    # With a CDN the files need not be here: the manifest is trusted.
    cdn = AudioLibrary.load(tmp_path, {"en": "neural"}, verify_files=False)
    assert cdn.path_for("en", "menu.main", WORDS) == "en/menu.main.3f2a9c1d.mp3"


def test_it_answers_without_touching_the_file_system(tmp_path, monkeypatch):
    library = library_with(tmp_path, [entry()])

    def no_io(*args, **kwargs):
        raise AssertionError("file system access during a request")

    monkeypatch.setattr(Path, "stat", no_io)
    monkeypatch.setattr(Path, "open", no_io)
    monkeypatch.setattr("builtins.open", no_io)
    assert library.path_for("en", "welcome", WORDS) == "en/welcome.3f2a9c1d.mp3"


def test_it_refuses_an_unknown_min_tier(tmp_path):
    with pytest.raises(ValueError, match="not an audio tier"):
        AudioLibrary.load(tmp_path, {"en": "best"})
