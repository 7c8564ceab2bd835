"""Pre-made audio for every spoken prompt: built by ``helpline audio build``, served at /audio/.

The running helpline only reads audio/manifest.json (once, see ``serving``) and serves the files
it lists; the heavy parts (engines, signal processing, MP3 encoding) load only when a build runs.
"""

from __future__ import annotations

from ..content import Content, Problem
from .library import AudioLibrary
from .tiers import DEFAULT_MIN_TIER, UnknownTier, tier_rank


def min_tiers(content: Content) -> dict[str, str]:
    """Each enabled language's lowest playable tier, from its content file."""
    return {
        pack.code: (pack.meta.audio_min_tier or DEFAULT_MIN_TIER).strip().lower()
        for pack in content
    }


def tier_problems(content: Content) -> list[Problem]:
    """A misspelt audio_min_tier, worded for the content editor (for ``content check`` too)."""
    problems = []
    for pack in content:
        try:
            tier_rank(pack.meta.audio_min_tier or DEFAULT_MIN_TIER)
        except UnknownTier as exc:
            problems.append(
                Problem(
                    pack.path,
                    "language.audio_min_tier",
                    str(exc),
                    "Write recorded, neural or robotic (robotic lets callers hear the draft "
                    "voice).",
                )
            )
    return problems


__all__ = ["AudioLibrary", "min_tiers", "tier_problems"]
