"""The content the helpline speaks and texts: model, loader and checks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app

from ..config import requested_languages
from .loader import ContentError, Problem, available_languages, load_content
from .model import SMS, VOICE, Content, LanguagePack, Text

CONTENT_EXTENSION = "helpline.content"


def enabled_codes(settings: Mapping[str, Any]) -> list[str]:
    """The languages to serve: as configured, or the default list trimmed to files that exist."""
    codes, explicit = requested_languages(settings.get("HELPLINE_LANGUAGES", ""))
    if explicit:
        return codes
    present = set(available_languages(Path(settings["HELPLINE_CONTENT_DIR"])))
    return [code for code in codes if code in present] or codes[:1]


def load_enabled_content(settings: Mapping[str, Any]) -> Content:
    return load_content(Path(settings["HELPLINE_CONTENT_DIR"]), enabled_codes(settings))


def current_content() -> Content:
    """The content loaded at start-up for the running app."""
    return current_app.extensions[CONTENT_EXTENSION]


__all__ = [
    "CONTENT_EXTENSION",
    "SMS",
    "VOICE",
    "Content",
    "ContentError",
    "LanguagePack",
    "Problem",
    "Text",
    "current_content",
    "enabled_codes",
    "load_content",
    "load_enabled_content",
]
