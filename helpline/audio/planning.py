"""The decisions of a build: which engine, whether a file must be made, what is unused.

Plain functions (plus one folder listing) with no audio libraries, so ``audio status`` and
``content check`` can use them on a server that has none of the build's dependencies.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..content.model import LanguageMeta
from ..core.prompts import Prompt
from .manifest import ManifestEntry

GENERATE = "generate"
UNCHANGED = "unchanged"
RECOVER = "recover"  # the right file is on disk but missing from the manifest


def engine_choice(meta: LanguageMeta, override: str | None) -> tuple[str, str]:
    """(engine, configured voice) for a language: the content's, unless --engine names another.

    The configured voice belongs to the configured engine, so another engine gets its own
    default voice.
    """
    if override and override != meta.audio_engine:
        return override, ""
    return meta.audio_engine, meta.audio_voice


def decide(
    existing: ManifestEntry | None, new_render_hash: str, file_exists: bool, force: bool
) -> str:
    """Whether a prompt's file must be made, is up to date, or only needs listing again."""
    if force:
        return GENERATE
    if existing is not None and existing.render_hash == new_render_hash and file_exists:
        return UNCHANGED
    if file_exists:
        return RECOVER
    return GENERATE


def matches_only(prompt: Prompt, patterns: Sequence[str]) -> bool:
    """--only takes prompt keys, text ids (all forms of a text) or shell patterns."""
    if not patterns:
        return True
    return any(
        prompt.key == p or prompt.text_id == p or fnmatch.fnmatchcase(prompt.key, p)
        for p in patterns
    )


def find_orphans(
    files_on_disk: Iterable[str],
    entries: Mapping[tuple[str, str], ManifestEntry],
    prompt_slots: set[tuple[str, str]],
    languages: Iterable[str],
) -> tuple[list[str], list[tuple[str, str]]]:
    """Files in audio/<lang>/ the manifest does not name, and entries for prompts that are gone.

    Only the given languages are considered, so building one language never touches another.
    """
    scope = set(languages)
    dead = sorted(
        slot for slot in entries if slot[0] in scope and slot not in prompt_slots
    )
    named = {entry.file for slot, entry in entries.items() if slot not in set(dead)}
    orphans = sorted(
        name for name in files_on_disk if name.split("/", 1)[0] in scope and name not in named
    )
    return orphans, dead


def files_on_disk(audio_dir: Path, languages: Iterable[str]) -> list[str]:
    """Every file in audio/<lang>/ as a path relative to audio/ (temporary files included)."""
    names = []
    for language in languages:
        folder = Path(audio_dir) / language
        if folder.is_dir():
            names.extend(f"{language}/{p.name}" for p in folder.iterdir() if p.is_file())
    return sorted(names)
