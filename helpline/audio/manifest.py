"""audio/manifest.json: which file plays for which prompt, and what it is.

The manifest is the only thing the running helpline reads about audio (once, at start-up), so
it carries everything a request needs: the file, the text hash it was made for, its tier and
a content digest for the ETag. Writes go to a temporary file that is renamed into place, so a
build that dies half-way leaves the previous manifest whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .hashing import TELEPHONY, OutputProfile, is_safe_relative_path
from .tiers import tier_rank

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


class ManifestError(Exception):
    """The manifest cannot be read; the message says why and that a build rewrites it."""


@dataclass(frozen=True)
class ManifestEntry:
    """One prompt's audio file in one language."""

    language: str
    id: str
    file: str
    text_hash: str
    render_hash: str
    engine: str
    voice: str
    tier: str
    duration: float
    bytes: int
    sha256: str
    loudness: float
    peak: float

    @property
    def slot(self) -> tuple[str, str]:
        return (self.language, self.id)


_FIELDS = tuple(f.name for f in fields(ManifestEntry))


def entry_from_dict(raw: Mapping[str, Any]) -> ManifestEntry:
    """One entry, checked: a file name outside audio/ or an unknown tier is refused."""
    missing = [name for name in _FIELDS if name not in raw]
    if missing:
        raise ManifestError(f"an entry lacks {', '.join(missing)}: {dict(raw)!r}")
    entry = ManifestEntry(
        language=str(raw["language"]),
        id=str(raw["id"]),
        file=str(raw["file"]),
        text_hash=str(raw["text_hash"]),
        render_hash=str(raw["render_hash"]),
        engine=str(raw["engine"]),
        voice=str(raw["voice"]),
        tier=str(raw["tier"]),
        duration=float(raw["duration"]),
        bytes=int(raw["bytes"]),
        sha256=str(raw["sha256"]),
        loudness=float(raw["loudness"]),
        peak=float(raw["peak"]),
    )
    if not is_safe_relative_path(entry.file) or not entry.file.startswith(f"{entry.language}/"):
        raise ManifestError(f"entry {entry.language}/{entry.id} names a bad file {entry.file!r}")
    tier_rank(entry.tier)
    return entry


def parse_manifest(data: Any) -> dict[tuple[str, str], ManifestEntry]:
    """Entries keyed by (language, id) from the decoded JSON document."""
    if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list):
        raise ManifestError("it is not a JSON object with an 'entries' list")
    if data.get("version") != MANIFEST_VERSION:
        raise ManifestError(f"version {data.get('version')!r} is not {MANIFEST_VERSION}")
    entries: dict[tuple[str, str], ManifestEntry] = {}
    for raw in data["entries"]:
        if not isinstance(raw, Mapping):
            raise ManifestError(f"an entry is not an object: {raw!r}")
        entry = entry_from_dict(raw)
        entries[entry.slot] = entry
    return entries


def read_manifest(audio_dir: Path) -> dict[tuple[str, str], ManifestEntry]:
    """The entries on disk; none when there is no manifest yet. Raises ManifestError."""
    path = Path(audio_dir) / MANIFEST_NAME
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ManifestError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ManifestError(f"{path} is not valid JSON ({exc})") from None
    try:
        return parse_manifest(data)
    except (ManifestError, TypeError, ValueError) as exc:
        raise ManifestError(f"{path}: {exc}") from None


def manifest_document(
    entries: Iterable[ManifestEntry], output: OutputProfile = TELEPHONY
) -> dict[str, Any]:
    """The JSON document, entries sorted so that a rebuild gives a small, readable diff."""
    ordered = sorted(entries, key=lambda e: (e.language, e.id))
    return {
        "version": MANIFEST_VERSION,
        "output": output.as_dict(),
        "tiers": "recorded > neural > robotic",
        "entries": [asdict(entry) for entry in ordered],
    }


def write_atomic(path: Path, data: bytes) -> None:
    """Write next to ``path`` and rename, so readers see the old file or the new one, whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def write_manifest(
    audio_dir: Path, entries: Iterable[ManifestEntry], output: OutputProfile = TELEPHONY
) -> None:
    text = json.dumps(manifest_document(entries, output), ensure_ascii=False, indent=1)
    write_atomic(Path(audio_dir) / MANIFEST_NAME, (text + "\n").encode("utf-8"))
