"""Which audio file, if any, plays for a prompt: the resolver the voice flow calls per request.

Loaded once at start-up from audio/manifest.json; answering is a dictionary look-up and one
short hash, with no file system access, so a webhook stays fast.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .hashing import text_hash
from .manifest import ManifestEntry, ManifestError, read_manifest
from .tiers import DEFAULT_MIN_TIER, meets_min_tier, tier_rank

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AudioLibrary:
    """The built audio as listed in the manifest, with each language's lowest playable tier."""

    audio_dir: Path
    entries: Mapping[tuple[str, str], ManifestEntry]
    min_tiers: Mapping[str, str]
    #: Served files by path relative to audio/ ("en/welcome.3f2a9c1d.mp3").
    files: Mapping[str, ManifestEntry]

    @classmethod
    def load(
        cls, audio_dir: Path, min_tiers: Mapping[str, str], *, verify_files: bool = True
    ) -> AudioLibrary:
        """Read the manifest. No manifest means no audio yet (every prompt uses <Say>).

        A broken manifest is logged and treated as empty: callers then hear <Say>, which is
        better than a helpline that does not start. With ``verify_files`` an entry whose file is
        missing is dropped now, so the voice flow never sends Twilio to a 404.
        An unknown tier name in ``min_tiers`` raises UnknownTier (a content mistake).
        """
        audio_dir = Path(audio_dir)
        tiers = {code: str(tier).strip().lower() for code, tier in min_tiers.items()}
        for tier in tiers.values():
            tier_rank(tier)
        try:
            entries = read_manifest(audio_dir)
        except ManifestError as exc:
            log.error("Audio is off: %s. Run 'helpline audio build' to rewrite it.", exc)
            entries = {}
        if verify_files and entries:
            present = {slot: e for slot, e in entries.items() if (audio_dir / e.file).is_file()}
            if len(present) != len(entries):
                log.warning(
                    "%d audio file(s) listed in %s are missing; those prompts use <Say>. "
                    "Run 'helpline audio build'.",
                    len(entries) - len(present),
                    audio_dir / "manifest.json",
                )
            entries = present
        files = {entry.file: entry for entry in entries.values()}
        return cls(audio_dir=audio_dir, entries=entries, min_tiers=tiers, files=files)

    @classmethod
    def empty(cls, audio_dir: Path) -> AudioLibrary:
        return cls(audio_dir=Path(audio_dir), entries={}, min_tiers={}, files={})

    def min_tier(self, language: str) -> str:
        return self.min_tiers.get(language, DEFAULT_MIN_TIER)

    def entry_for(self, language: str, key: str, text: str) -> ManifestEntry | None:
        """The manifest entry that may play for these exact words, or None."""
        entry = self.entries.get((language, key))
        if entry is None or entry.text_hash != text_hash(text):
            return None
        if not meets_min_tier(entry.tier, self.min_tier(language)):
            return None
        return entry

    def path_for(self, language: str, key: str, text: str) -> str | None:
        """The file relative to audio/ to <Play> for this prompt, or None to <Say> it.

        None when there is no file, when it was made for other words (the content was edited
        since the last build), or when its tier is below the language's ``audio_min_tier``.
        """
        entry = self.entry_for(language, key, text)
        return entry.file if entry is not None else None

    def served(self, relative_path: str) -> ManifestEntry | None:
        """The entry for a requested file, or None: only files the manifest lists are served."""
        return self.files.get(relative_path)

    def __len__(self) -> int:
        return len(self.entries)
