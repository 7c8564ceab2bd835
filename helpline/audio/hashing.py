"""Names for audio that change exactly when what a caller would hear changes.

A file is named ``<lang>/<id>.<hash>.mp3``. The hash covers the words, the engine, the voice and
the output settings, so an edit makes a new URL (safe to cache for a year) and an unchanged
prompt keeps its file. The text hash alone is what the voice flow compares at call time, so a
content edit never plays audio of the old words.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

#: Bump when the way files are made changes in a way the settings below do not capture.
FORMAT_VERSION = 1

#: Characters allowed in a prompt key and a language code when they become part of a path.
_KEY_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


@dataclass(frozen=True)
class OutputProfile:
    """The telephony format every file is converted to; part of every file's hash."""

    sample_rate: int = 22050
    channels: int = 1
    bitrate_kbps: int = 32
    loudness_lufs: float = -19.0
    ceiling_dbfs: float = -2.0
    processing: str = "trim-r128-limit/1"

    def signature(self) -> str:
        return (
            f"mp3/{self.sample_rate}Hz/{self.channels}ch/{self.bitrate_kbps}k/"
            f"{self.loudness_lufs:g}LUFS/{self.ceiling_dbfs:g}dBFS/{self.processing}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "format": "mp3",
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "bitrate_kbps": self.bitrate_kbps,
            "loudness_lufs": self.loudness_lufs,
            "ceiling_dbfs": self.ceiling_dbfs,
            "processing": self.processing,
        }


TELEPHONY = OutputProfile()


def normalize_text(text: str) -> str:
    """The words as spoken: NFC, whitespace collapsed (how YAML folds lines is not speech)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_hash(text: str) -> str:
    """A short fingerprint of the words alone; what a recording and the voice flow compare."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:16]


def render_hash(text: str, engine: str, voice: str, output: str) -> str:
    """A fingerprint of everything that shapes the sound of one file."""
    payload = json.dumps(
        [FORMAT_VERSION, normalize_text(text), engine, voice, output],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def is_safe_key(key: str) -> bool:
    """A prompt key that can be a file name: no slash, no leading dot, no '..'."""
    return bool(_KEY_RE.match(key)) and ".." not in key


def is_safe_language(code: str) -> bool:
    return bool(_LANGUAGE_RE.match(code))


def audio_file_name(language: str, key: str, render: str) -> str:
    """The path of a prompt's file relative to audio/: ``en/welcome.3f2a9c1d.mp3``."""
    if not is_safe_language(language) or not is_safe_key(key):
        raise ValueError(f"{language}/{key} cannot be used as a file name.")
    return f"{language}/{key}.{render[:8]}.mp3"


def is_safe_relative_path(name: str) -> bool:
    """A served path: exactly ``<lang>/<file>.mp3`` with no traversal and no hidden files."""
    parts = name.split("/")
    return (
        len(parts) == 2
        and is_safe_language(parts[0])
        and is_safe_key(parts[1])
        and parts[1].endswith(".mp3")
    )
