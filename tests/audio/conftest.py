"""Fixtures for the audio tests: a small content fixture, a private audio folder, a bare app.

The app is a bare Flask app with only content and audio, so these tests do not depend on the
database or the other channels; the real factory calls the same init_app.
"""

from __future__ import annotations

import shutil
import struct
import wave
from pathlib import Path

import numpy as np
import pytest
from flask import Flask

from helpline.audio.build import BuildReport, build_audio
from helpline.audio.serving import init_app
from helpline.config import DEFAULTS
from helpline.content import load_content
from helpline.content.model import Content
from helpline.web import content as loaded

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "audio_content"
HELPLINE_NAME = "the Test Line"
#: The prompts spoken_prompts() makes from the fixture, in content order.
FIXTURE_KEYS = [
    "welcome",
    "language.choose.key-1",
    "menu.main",
    "nav.question.1-of-2",
    "nav.question.2-of-2",
    "questions.q01",
    "questions.q02",
]
#: What every built file must measure: the target loudness, give or take.
TARGET_LUFS = -19.0
LOUDNESS_BAND = 1.0


def load_fixture_content(content_dir: Path, codes: tuple[str, ...] = ("en",)) -> Content:
    return load_content(content_dir, list(codes), required_texts=(), required_intents=())


def audio_settings(content_dir: Path, audio_dir: Path, **extra: object) -> dict:
    settings = dict(DEFAULTS)
    settings.update(
        TESTING=True,
        HELPLINE_NAME=HELPLINE_NAME,
        HELPLINE_CONTENT_DIR=str(content_dir),
        HELPLINE_AUDIO_DIR=str(audio_dir),
        HELPLINE_PUBLIC_URL="https://helpline.example.org",
    )
    settings.update(extra)
    return settings


def make_app(content_dir: Path, audio_dir: Path, codes=("en",), **extra: object) -> Flask:
    app = Flask("audio_test")
    app.config.update(audio_settings(content_dir, audio_dir, **extra))
    loaded.init_app(app, load_fixture_content(content_dir, codes))
    init_app(app, loaded.loaded_content(app).content)
    return app


def build(content_dir: Path, audio_dir: Path, codes=("en",), **options) -> BuildReport:
    """A build of the fixture content, without the slow renderings unless asked (one test
    looks at those)."""
    options.setdefault("slow", False)
    content = load_fixture_content(content_dir, codes)
    return build_audio(content, audio_settings(content_dir, audio_dir), **options)


def edit_voice(content_dir: Path, old: str, new: str, file: str = "en.yaml") -> None:
    path = content_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> None:
    """16-bit PCM WAV, as a volunteer's recorder would save it."""
    pcm = np.round(np.clip(samples, -1, 1) * 32767).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1).reshape(-1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


# --- checking an MP3 the way a strict player would ---------------------------------------------

_MPEG2_L3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_MPEG2_RATES = (22050, 24000, 16000)


def mp3_first_frame(data: bytes) -> dict:
    """Version, layer, bitrate, sample rate and channels from the first MP3 frame header."""
    start = 0
    if data[:3] == b"ID3":
        size = data[6:10]
        start = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
    (header,) = struct.unpack(">I", data[start:start + 4])
    assert header >> 21 == 0x7FF, "no MP3 frame sync"
    version = (header >> 19) & 0b11
    layer = (header >> 17) & 0b11
    return {
        "mpeg2": version == 0b10,
        "layer3": layer == 0b01,
        "kbps": _MPEG2_L3_KBPS[(header >> 12) & 0xF] if version == 0b10 else None,
        "rate": _MPEG2_RATES[(header >> 10) & 0b11] if version == 0b10 else None,
        "mono": (header >> 6) & 0b11 == 0b11,
    }


class Kit:
    """The helpers above, handed to tests as the ``kit`` fixture (tests cannot import conftest)."""

    FIXTURE = FIXTURE
    FIXTURE_KEYS = FIXTURE_KEYS
    HELPLINE_NAME = HELPLINE_NAME
    TARGET_LUFS = TARGET_LUFS
    LOUDNESS_BAND = LOUDNESS_BAND
    load_content = staticmethod(load_fixture_content)
    settings = staticmethod(audio_settings)
    make_app = staticmethod(make_app)
    build = staticmethod(build)
    edit_voice = staticmethod(edit_voice)
    write_wav = staticmethod(write_wav)
    mp3_first_frame = staticmethod(mp3_first_frame)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the audio fixture content that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    return tmp_path / "audio"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, BuildReport]:
    """The fixture content built once with espeak: (content dir, audio dir, report).

    Tests that change things copy it with ``copy_built`` first.
    """
    root = tmp_path_factory.mktemp("built")
    content = root / "content"
    shutil.copytree(FIXTURE, content)
    report = build(content, root / "audio")
    return content, root / "audio", report


@pytest.fixture
def copy_built(built, tmp_path: Path) -> tuple[Path, Path]:
    content, audio, _ = built
    shutil.copytree(content, tmp_path / "content")
    shutil.copytree(audio, tmp_path / "audio")
    return tmp_path / "content", tmp_path / "audio"
