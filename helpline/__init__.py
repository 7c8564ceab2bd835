"""Second-opinion helpline: a Twilio voice and SMS backend for cancer patients and caregivers.

The package is layered, bottom up: ``content`` (the words, as data) -> ``core`` (pure logic:
catalogue, menu, keywords, SMS parts) -> ``store`` and ``audio`` (the database and the audio
files) -> ``web`` (what every handler shares) -> ``outbound`` (texts the helpline starts) ->
the channels ``voice`` and ``sms`` (peers) -> operator tools (``reports``, ``simulator``,
``golive``) -> ``app`` and ``cli``. Importing this package imports nothing else, so the pure
layers can be used and tested without Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the helpline app (see ``helpline.app.create_app``)."""
    from .app import create_app as build

    return build(test_config)


__all__ = ["create_app"]
