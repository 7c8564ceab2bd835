"""Human recordings: audio/recorded/<lang>/<id>.(wav|mp3), each with a small JSON sidecar.

A recording wins over any engine. Its sidecar (``<id>.json``) says which words it was
recorded for; when the content changes those words, the recording is stale: the build falls
back to an engine (so callers hear the new words) and ``audio status`` lists it for
re-recording. A recording without a sidecar (or saved over since its sidecar was written) is taken
to match the current words the first time a build sees it, and the build writes the sidecar.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .hashing import normalize_text, text_hash
from .manifest import write_atomic

RECORDED_DIR = "recorded"
#: Preferred first: WAV is lossless, so it survives conversion best.
RECORDING_SUFFIXES = (".wav", ".mp3")


@dataclass(frozen=True)
class Recording:
    """One recording file, its digest, and what its sidecar says (None: no sidecar yet)."""

    language: str
    key: str
    path: Path
    digest: str
    recorded_hash: str | None
    #: The digest of the file the sidecar was written for (None in a hand-written sidecar).
    recorded_digest: str | None = None

    def state(self, current_text: str) -> str:
        """'new' (no sidecar yet, or the file was replaced since), 'current' or 'stale'.

        A replaced file is new: a volunteer who records a stale prompt again just saves over
        the old file, and the next build takes it for the current words.
        """
        if self.recorded_hash is None:
            return "new"
        if self.recorded_digest and self.recorded_digest != self.digest:
            return "new"
        return "current" if self.recorded_hash == text_hash(current_text) else "stale"


def recorded_dir(audio_dir: Path, language: str) -> Path:
    return Path(audio_dir) / RECORDED_DIR / language


def sidecar_path(recording: Path) -> Path:
    return recording.with_suffix(".json")


def recording_name(key: str, suffix: str = ".wav") -> str:
    """The file name a volunteer saves a prompt's recording under."""
    return f"{key}{suffix}"


def _read_sidecar(path: Path) -> tuple[str | None, str | None]:
    """(text hash, recording digest) from a sidecar; (None, None) when there is none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError):
        return "", None  # unreadable: treated as recorded for other words (stale), never trusted
    if not isinstance(data, dict):
        return "", None
    digest = data.get("recording_sha256")
    return str(data.get("text_hash") or ""), str(digest) if digest else None


def find_recordings(audio_dir: Path, languages: Iterable[str]) -> dict[tuple[str, str], Recording]:
    """Every recording of these languages, keyed by (language, prompt key)."""
    found: dict[tuple[str, str], Recording] = {}
    for language in languages:
        folder = recorded_dir(audio_dir, language)
        if not folder.is_dir():
            continue
        for suffix in reversed(RECORDING_SUFFIXES):  # the preferred suffix is seen last, wins
            for path in sorted(folder.glob(f"*{suffix}")):
                if path.name.startswith(".") or not path.is_file():
                    continue
                key = path.name[: -len(suffix)]
                recorded_hash, recorded_digest = _read_sidecar(sidecar_path(path))
                found[(language, key)] = Recording(
                    language, key, path, file_digest(path), recorded_hash, recorded_digest
                )
    return found


def write_sidecar(recording: Path, text: str, *, reader: str | None = None) -> None:
    """Record which words a recording says (the text itself too, for a human reading it).

    ``reader`` is the name a reader chose to give in the studio; nothing else about who
    recorded or when is kept.
    """
    document = {
        "text_hash": text_hash(text),
        "text": normalize_text(text),
        "recording_sha256": file_digest(recording),
    }
    if reader:
        document["reader"] = reader
    write_atomic(
        sidecar_path(recording),
        (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    )


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
