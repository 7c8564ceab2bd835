"""Pre-made audio for every spoken prompt: built by ``helpline audio build``, served at /audio/.

The running helpline only reads audio/manifest.json (once) and serves the files it lists; the
heavy parts (engines, signal processing, MP3 encoding) load only when a build runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, current_app

from ..content import CONTENT_EXTENSION, ContentError, Problem
from ..content.model import Content
from .library import AudioLibrary
from .tiers import DEFAULT_MIN_TIER, UnknownTier, tier_rank

EXTENSION = "helpline.audio"


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


def init_app(app: Flask) -> None:
    """Load the manifest once, and serve /audio/. Safe to call again (reloads the manifest)."""
    content: Content = app.extensions[CONTENT_EXTENSION]
    problems = tier_problems(content)
    if problems:
        raise ContentError(problems)
    audio_dir = Path(app.config["HELPLINE_AUDIO_DIR"])
    app.extensions[EXTENSION] = AudioLibrary.load(
        audio_dir,
        min_tiers(content),
        # With a CDN the files may live only there; the manifest still says what exists.
        verify_files=not app.config.get("HELPLINE_AUDIO_BASE_URL"),
    )
    from .serving import bp

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)


def current_library() -> AudioLibrary:
    """The library loaded at start-up (empty when init_app has not run)."""
    library = current_app.extensions.get(EXTENSION)
    if library is None:
        return AudioLibrary.empty(Path(current_app.config["HELPLINE_AUDIO_DIR"]))
    return library


def audio_url(relative_path: str, settings: Mapping[str, Any] | None = None) -> str:
    """The URL Twilio fetches for a file from ``path_for``.

    HELPLINE_AUDIO_BASE_URL (a CDN copy of audio/) wins; else HELPLINE_PUBLIC_URL + /audio;
    else a root-relative /audio/... which Twilio resolves against the webhook's URL.
    """
    config = settings if settings is not None else current_app.config
    base = str(config.get("HELPLINE_AUDIO_BASE_URL") or "").rstrip("/")
    if not base:
        public = str(config.get("HELPLINE_PUBLIC_URL") or "").rstrip("/")
        base = f"{public}/audio"
    return f"{base}/{quote(relative_path)}"


__all__ = [
    "EXTENSION",
    "AudioLibrary",
    "audio_url",
    "current_library",
    "init_app",
    "min_tiers",
    "tier_problems",
]
