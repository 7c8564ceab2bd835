"""HELPLINE_WHATSAPP_TEMPLATES: the approved templates (Content SIDs) by purpose and language.

Outside the 24-hour window WhatsApp lets a business start a conversation only with a template
Meta approved. The operator makes one per purpose and language in Twilio's Content Template
Builder (the wording to use is ``whatsapp.template_invite`` in each language file) and lists
their SIDs: ``text_me.en=HX...,voice_note.en=HX...,share.es=HX...``. Pure parsing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: What a template is for: a text-me from a call, a voice note offered from a call, a
#: caregiver share, a reminder.
PURPOSES = ("text_me", "voice_note", "share", "reminder")
_SID = re.compile(r"HX[0-9a-fA-F]{32}")


def parse(value: str) -> dict[tuple[str, str], str]:
    """``purpose.language=HX...`` pairs, comma separated; ValueError names the bad one."""
    found: dict[tuple[str, str], str] = {}
    for pair in filter(None, (p.strip() for p in str(value or "").split(","))):
        name, _, sid = pair.partition("=")
        purpose, _, language = name.strip().partition(".")
        sid = sid.strip()
        if purpose not in PURPOSES or not language.strip() or not _SID.fullmatch(sid):
            raise ValueError(
                f"{pair!r} is not purpose.language=HX followed by 32 hex digits "
                f"(purposes: {', '.join(PURPOSES)})")
        found[(purpose, language.strip().lower())] = sid
    return found


def template_for(settings: Mapping[str, object], purpose: str, language: str) -> str | None:
    """The Content SID for this purpose in this language, or None (then SMS is used)."""
    try:
        return parse(str(settings.get("HELPLINE_WHATSAPP_TEMPLATES") or "")).get(
            (purpose, language))
    except ValueError:
        return None  # config refuses a bad value at start-up; never raise while sending


def missing(settings: Mapping[str, object], languages: list[str]) -> list[str]:
    """``purpose.language`` names with no template: what doctor lists (they go by SMS)."""
    try:
        have = parse(str(settings.get("HELPLINE_WHATSAPP_TEMPLATES") or ""))
    except ValueError:
        have = {}
    return [f"{purpose}.{code}" for purpose in ("text_me", "voice_note") for code in languages
            if (purpose, code) not in have]
