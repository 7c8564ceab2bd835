"""Table tests for the pure parts: hashing, names, tiers, build decisions, orphans."""

from __future__ import annotations

import pytest

from helpline.audio.hashing import (
    TELEPHONY,
    OutputProfile,
    audio_file_name,
    is_safe_relative_path,
    normalize_text,
    render_hash,
    text_hash,
)
from helpline.audio.manifest import ManifestEntry
from helpline.audio.planning import (
    GENERATE,
    RECOVER,
    UNCHANGED,
    decide,
    engine_choice,
    find_orphans,
    matches_only,
)
from helpline.audio.tiers import UnknownTier, meets_min_tier, tier_rank
from helpline.content.model import LanguageMeta
from helpline.core.prompts import Prompt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Press 1.", "Press 1."),
        ("  Press\n 1.  ", "Press 1."),
        ("Press\t\t1.", "Press 1."),
        ("Cafe\u0301", "Caf\u00e9"),  # decomposed and composed accents are the same words
    ],
)
def test_it_normalizes_only_what_is_not_heard(text, expected):
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Question 1 of 10.", "Question 1 of 10.", True),
        ("Question 1 of 10.", "Question  1 of\n10.", True),
        ("Question 1 of 10.", "Question 2 of 10.", False),
        ("Press 1.", "Press 1!", False),
        ("press 1.", "Press 1.", False),
    ],
)
def test_it_hashes_the_words_a_caller_hears(a, b, same):
    assert (text_hash(a) == text_hash(b)) is same


def test_it_changes_the_render_hash_with_each_thing_that_shapes_the_sound():
    base = render_hash("Hello.", "piper", "en_US-joe-medium", TELEPHONY.signature())
    louder = OutputProfile(loudness_lufs=-16.0).signature()
    variants = [
        render_hash("Hello!", "piper", "en_US-joe-medium", TELEPHONY.signature()),
        render_hash("Hello.", "espeak", "en_US-joe-medium", TELEPHONY.signature()),
        render_hash("Hello.", "piper", "en_US-other", TELEPHONY.signature()),
        render_hash("Hello.", "piper", "en_US-joe-medium", louder),
    ]
    assert len({base, *variants}) == 5
    assert render_hash("Hello.", "piper", "en_US-joe-medium", TELEPHONY.signature()) == base


@pytest.mark.parametrize(
    ("language", "key", "expected"),
    [
        ("en", "welcome", "en/welcome.3f2a9c1d.mp3"),
        ("zh", "nav.question.3-of-10", "zh/nav.question.3-of-10.3f2a9c1d.mp3"),
        ("en", "language.choose.key-1", "en/language.choose.key-1.3f2a9c1d.mp3"),
    ],
)
def test_it_names_a_file_by_language_id_and_hash(language, key, expected):
    assert audio_file_name(language, key, "3f2a9c1d00000000") == expected


@pytest.mark.parametrize(
    ("language", "key"),
    [("en", "../etc"), ("en", "a/b"), ("en", ".hidden"), ("../x", "welcome"), ("EN", "x"),
     ("en", "a..b"), ("en", "")],
)
def test_it_refuses_ids_that_would_escape_the_folder(language, key):
    with pytest.raises(ValueError):
        audio_file_name(language, key, "3f2a9c1d")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("en/welcome.3f2a9c1d.mp3", True),
        ("zh/nav.question.3-of-10.3f2a9c1d.mp3", True),
        ("en/welcome.3f2a9c1d.wav", False),
        ("manifest.json", False),
        ("../manifest.json", False),
        ("en/../manifest.json", False),
        ("en/../../etc/passwd", False),
        ("/etc/passwd", False),
        ("en//welcome.mp3", False),
        ("en/.welcome.mp3.tmp", False),
        ("en/.hidden.mp3", False),
        ("recorded/en/welcome.mp3", False),
        ("en\\..\\x.mp3", False),
    ],
)
def test_it_knows_which_paths_may_be_served(name, safe):
    assert is_safe_relative_path(name) is safe


@pytest.mark.parametrize(
    ("tier", "minimum", "plays"),
    [
        ("recorded", "recorded", True),
        ("neural", "recorded", False),
        ("robotic", "recorded", False),
        ("recorded", "neural", True),
        ("neural", "neural", True),
        ("robotic", "neural", False),
        ("recorded", "robotic", True),
        ("neural", "robotic", True),
        ("robotic", "robotic", True),
        ("Neural", " neural ", True),
    ],
)
def test_it_plays_only_audio_at_or_above_the_min_tier(tier, minimum, plays):
    assert meets_min_tier(tier, minimum) is plays


def test_it_names_the_valid_tiers_for_a_typo():
    with pytest.raises(UnknownTier, match="recorded, neural, robotic"):
        tier_rank("nueral")


def _entry(render: str = "aaaa") -> ManifestEntry:
    return ManifestEntry("en", "welcome", f"en/welcome.{render[:8]}.mp3", "t", render, "espeak",
                         "en-us", "robotic", 1.0, 100, "s", -19.0, -2.0)


@pytest.mark.parametrize(
    ("existing", "file_exists", "force", "action"),
    [
        (None, False, False, GENERATE),
        (None, True, False, RECOVER),  # the file is right, the manifest lost it
        ("aaaa", True, False, UNCHANGED),
        ("aaaa", False, False, GENERATE),  # listed but deleted
        ("bbbb", False, False, GENERATE),  # words, engine, voice or settings changed
        ("bbbb", True, False, RECOVER),
        ("aaaa", True, True, GENERATE),
        (None, True, True, GENERATE),
    ],
)
def test_it_decides_what_to_make(existing, file_exists, force, action):
    entry = _entry(existing) if existing else None
    assert decide(entry, "aaaa", file_exists, force) == action


def _meta(engine: str = "piper", voice: str = "en_US-joe-medium") -> LanguageMeta:
    return LanguageMeta("en", "English", "Polly.Joanna-Neural", "en-US", "en-US",
                        audio_engine=engine, audio_voice=voice)


@pytest.mark.parametrize(
    ("meta", "override", "expected"),
    [
        (_meta(), None, ("piper", "en_US-joe-medium")),
        (_meta(), "piper", ("piper", "en_US-joe-medium")),
        (_meta(), "espeak", ("espeak", "")),  # the configured voice is piper's, not espeak's
        (_meta("gtts", "en@co.uk"), None, ("gtts", "en@co.uk")),
        (_meta("gtts", ""), "gtts", ("gtts", "")),
    ],
)
def test_it_picks_the_engine_and_voice(meta, override, expected):
    assert engine_choice(meta, override) == expected


@pytest.mark.parametrize(
    ("patterns", "key", "text_id", "selected"),
    [
        ((), "welcome", "welcome", True),
        (("welcome",), "welcome", "welcome", True),
        (("welcome",), "menu.main", "menu.main", False),
        (("nav.question",), "nav.question.3-of-10", "nav.question", True),
        (("nav.question.3-of-10",), "nav.question.3-of-10", "nav.question", True),
        (("nav.question.3-of-10",), "nav.question.4-of-10", "nav.question", False),
        (("questions.*",), "questions.q01", "questions.q01", True),
        (("questions.*",), "nav.question.1-of-2", "nav.question", False),
        (("menu.main", "welcome"), "welcome", "welcome", True),
    ],
)
def test_it_selects_prompts_with_only(patterns, key, text_id, selected):
    assert matches_only(Prompt("en", key, text_id, "words"), patterns) is selected


def test_it_finds_orphans_only_in_the_languages_built():
    entries = {
        ("en", "welcome"): _entry("aaaa1111"),
        ("en", "gone"): ManifestEntry("en", "gone", "en/gone.cccc1111.mp3", "t", "cccc", "espeak",
                                      "en-us", "robotic", 1.0, 1, "s", -19.0, -2.0),
        ("zh", "welcome"): ManifestEntry("zh", "welcome", "zh/welcome.dddd1111.mp3", "t", "d",
                                         "espeak", "cmn", "robotic", 1.0, 1, "s", -19.0, -2.0),
    }
    on_disk = [
        "en/welcome.aaaa1111.mp3",
        "en/welcome.0000ffff.mp3",  # an older version of welcome
        "en/gone.cccc1111.mp3",
        "en/.welcome.mp3.x1y2.tmp",  # left by a killed build
        "zh/welcome.dddd1111.mp3",
        "zh/old.eeee1111.mp3",
    ]
    slots = {("en", "welcome"), ("zh", "welcome")}
    orphans, dead = find_orphans(on_disk, entries, slots, ["en"])
    assert dead == [("en", "gone")]
    assert orphans == ["en/.welcome.mp3.x1y2.tmp", "en/gone.cccc1111.mp3",
                       "en/welcome.0000ffff.mp3"]
