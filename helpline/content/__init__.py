"""The content the helpline speaks and texts, as data: the catalogue, the model and the loader.

The bottom layer: plain data and its validation, with no Flask and nothing from the layers above.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import requested_languages
from .catalogue import Catalogue, SectionEntry
from .loader import available_languages, load_content
from .model import SMS, VOICE, Content, LanguagePack, Text
from .problems import ContentError, Problem


def enabled_codes(settings: Mapping[str, Any]) -> list[str]:
    """The languages to serve: as configured, or the default list trimmed to files that exist."""
    codes, explicit = requested_languages(settings.get("HELPLINE_LANGUAGES", ""))
    if explicit:
        return codes
    present = set(available_languages(Path(settings["HELPLINE_CONTENT_DIR"])))
    return [code for code in codes if code in present] or codes[:1]


def load_enabled_content(settings: Mapping[str, Any]) -> Content:
    return load_content(Path(settings["HELPLINE_CONTENT_DIR"]), enabled_codes(settings))


__all__ = [
    "SMS",
    "VOICE",
    "Catalogue",
    "Content",
    "ContentError",
    "LanguagePack",
    "Problem",
    "SectionEntry",
    "Text",
    "enabled_codes",
    "load_content",
    "load_enabled_content",
]
