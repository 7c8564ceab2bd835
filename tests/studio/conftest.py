"""The studio's fixtures: a helpline with its own content and audio folders, and made-up voices.

The "voice" is a harmonic tone at a speaking pitch, opened and closed four times a second like
syllables: real audio that the loudness meter, the silence trim and the MP3 encoder treat as
speech, made here so no recording ships with the tests.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pytest

from helpline import create_app

from ..simulator.conftest import ADMIN_PASSWORD, LiveHelpline

RATE = 48000


def speech_like(seconds: float, *, rate: int = RATE, level_db: float = -14.0,
                gaps: tuple[tuple[float, float], ...] = (), seed: int = 7) -> np.ndarray:
    """Voice-like sound for ``seconds``, silent (room hiss only) during each (start, length)."""
    count = int(seconds * rate)
    t = np.arange(count) / rate
    pitch = 140.0 + 25.0 * np.sin(2 * np.pi * 0.6 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 14))
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t), 0.15, 1.0)
    samples = voice * syllables
    samples *= 10 ** (level_db / 20) / np.max(np.abs(samples))
    for start, length in gaps:
        samples[int(start * rate):int((start + length) * rate)] = 0.0
    hiss = np.random.default_rng(seed).normal(0.0, 10 ** (-66 / 20), count)
    return (samples + hiss).astype(np.float32)


def with_silence(samples: np.ndarray, before: float = 0.6, after: float = 0.8,
                 rate: int = RATE) -> np.ndarray:
    hiss = np.random.default_rng(1).normal(0.0, 10 ** (-66 / 20), int((before + after) * rate))
    head, tail = hiss[:int(before * rate)], hiss[int(before * rate):]
    return np.concatenate([head, samples, tail]).astype(np.float32)


def wav(samples: np.ndarray, rate: int = RATE, channels: int = 1) -> bytes:
    """16-bit PCM WAV bytes, as the studio page sends them."""
    import io

    pcm = np.round(np.clip(samples, -1, 1) * 32767).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1).reshape(-1)
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return out.getvalue()


def take_for(text: str, wpm: float = 145.0, **kwargs) -> bytes:
    """A take of ``text`` read at ``wpm`` words a minute, with silence either side."""
    words = len(text.split())
    return wav(with_silence(speech_like(words * 60.0 / wpm, **kwargs)))


def edit_text(content_dir: Path, language: str, text_id: str, new_text: str) -> None:
    """Replace a text's spoken words in ``<language>.yaml`` (a folded ``voice: >-`` block or
    a one-line ``voice:``)."""
    path = content_dir / f"{language}.yaml"
    source = path.read_text(encoding="utf-8")
    pattern = re.compile(
        rf"(\n  {re.escape(text_id)}:\n    voice: (?:>-\n)?)((?:      .*\n)+|.*\n)")
    assert pattern.search(source), f"{text_id} not found in {path}"
    indent = "      " if m_folded(pattern, source) else ""
    path.write_text(pattern.sub(lambda m: m.group(1) + f"{indent}{new_text}\n", source, count=1),
                    encoding="utf-8")


def m_folded(pattern: re.Pattern[str], source: str) -> bool:
    found = pattern.search(source)
    return found is not None and found.group(1).endswith(">-\n")


@pytest.fixture
def studio_settings(settings, content_dir, tmp_path) -> dict:
    """Production with an operator password, private content and an empty audio folder."""
    return {**settings, "HELPLINE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "HELPLINE_CONTENT_DIR": str(content_dir),
            "HELPLINE_AUDIO_DIR": str(tmp_path / "audio")}


@pytest.fixture
def studio_app(studio_settings):
    return create_app(studio_settings)


class Studio:
    """The studio as its page uses it: the token from the page, takes posted as WAV."""

    def __init__(self, app):
        import base64

        self.app = app
        self.client = app.test_client()
        token = base64.b64encode(f"operator:{ADMIN_PASSWORD}".encode()).decode()
        self.auth = {"Authorization": f"Basic {token}"}

    def page(self, language: str = "es", suffix: str = ""):
        return self.client.get(f"/admin/studio/{language}{suffix}", headers=self.auth)

    def token(self, language: str = "es") -> str:
        import json

        html = self.page(language).get_data(as_text=True)
        found = re.search(r'id="studio-settings">(.*?)</script>', html, re.S)
        assert found, html[:500]
        return json.loads(found.group(1))["token"]

    def keep(self, key: str, data: bytes, language: str = "es", *, token: str | None = None,
             content_type: str = "audio/wav", headers: dict | None = None, **query):
        if token is None:
            token = self.token("es")
        return self.client.post(
            f"/admin/studio/{language}/take", query_string={"prompt": key, **query},
            data=data, content_type=content_type,
            headers={**self.auth, "X-Studio-Token": token, **(headers or {})})

    def text(self, key: str, language: str = "es") -> str:
        from helpline.core.prompts import spoken_prompts
        from helpline.web.content import loaded_content

        content = loaded_content(self.app).content
        return next(p.text for p in spoken_prompts(content, self.app.config, language)
                    if p.key == key)


@pytest.fixture
def studio(studio_app) -> Studio:
    return Studio(studio_app)


@pytest.fixture
def live_studio(studio_settings):
    helpline = LiveHelpline(studio_settings)
    yield helpline
    helpline.close()


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes (to show an upload wrote nothing)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".studio.lock"}
