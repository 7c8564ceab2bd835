"""WhatsApp beside SMS: same keywords and content, WhatsApp's rules.

Twilio posts WhatsApp messages to the Messaging webhook with ``From=whatsapp:+...``. This package
holds what differs from SMS: how a reply is laid out (``render``), the 24-hour window and the
templates outside it (``templates``, ``sending``), voice notes (``voice_notes``), and the small
hook the SMS webhook calls (``hook``). Nothing here imports a channel, so calls (the text-me
screen) and texts can both use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..core import phone

if TYPE_CHECKING:
    from flask import Flask

CHANNEL = "whatsapp"
PREFIX = "whatsapp:"


def is_whatsapp(address: str | None) -> bool:
    return (address or "").strip().lower().startswith(PREFIX)


def number_of(address: str | None) -> str | None:
    """The E.164 number of a ``whatsapp:+...`` address (or of a plain number)."""
    raw = (address or "").strip()
    if raw.lower().startswith(PREFIX):
        raw = raw[len(PREFIX):]
    return phone.to_e164(raw, strict=False)


def address_of(number: str) -> str:
    """The WhatsApp address of an E.164 number: what Twilio sends from and to."""
    return PREFIX + number


def shared_opt_out(settings: Mapping[str, object]) -> bool:
    """HELPLINE_WHATSAPP_SHARED_OPT_OUT: one opt-out (and language) for a number's SMS and
    WhatsApp. Off by default: a STOP on WhatsApp then stops WhatsApp only."""
    return str(settings.get("HELPLINE_WHATSAPP_SHARED_OPT_OUT") or "").strip().lower() in (
        "1", "true", "yes", "on")


def contact_key(number: str, settings: Mapping[str, object]) -> str:
    """What a WhatsApp number's opt-out and language are kept under (then keyed-hashed): its
    WhatsApp address, or the plain number where the operator shares them with SMS."""
    return number if shared_opt_out(settings) else address_of(number)


def init_app(app: Flask) -> None:
    """Refuse a template list Twilio could not use; serve joined section voice notes."""
    from ..config import ConfigError
    from . import templates, voice_notes

    try:
        templates.parse(str(app.config.get("HELPLINE_WHATSAPP_TEMPLATES") or ""))
    except ValueError as exc:
        raise ConfigError(f"HELPLINE_WHATSAPP_TEMPLATES: {exc}. Write it as "
                          "text_me.en=HX...,voice_note.en=HX...") from None
    voice_notes.init_app(app)
