"""What the Messaging webhook asks when a message comes from ``whatsapp:+...``.

The webhook detects the channel once (``begin``), keeps its keyword logic, and asks
``replying()`` to lay replies out WhatsApp's way. A WhatsApp number's opt-out and language are
kept under ``contact_key`` (its own, or the plain number's where the operator shares them).
"""

from __future__ import annotations

from flask import current_app, has_request_context, request

from ..content import Catalogue
from ..core import compose
from ..store import get_store
from ..web.content import loaded_content
from . import CHANNEL, address_of, contact_key, is_whatsapp, number_of, render, sending

#: Kept on the request itself: an app context (and its ``g``) may outlive one request.
_FLAG = "helpline.whatsapp"

#: What the texter reads after LISTEN, by outcome.
LISTEN_REPLIES = {sending.SENT: "whatsapp.listen_sent",
                  sending.NO_AUDIO: "whatsapp.listen_no_audio",
                  sending.LIMIT: "whatsapp.listen_limit",
                  sending.NOT_POSSIBLE: "sms.error"}


def begin(raw_from: str) -> str | None:
    """The key a WhatsApp texter is kept under (None for SMS); marks this request WhatsApp."""
    if not is_whatsapp(raw_from):
        return None
    request.environ[_FLAG] = True
    number = number_of(raw_from)
    return contact_key(number, current_app.config) if number else raw_from.strip()


def replying() -> bool:
    """This request answers a WhatsApp message: no SMS segments, WhatsApp's layout."""
    return has_request_context() and bool(request.environ.get(_FLAG))


def channel(default: str = "sms") -> str:
    return CHANNEL if replying() else default


def arrived(key: str, intent: str, catalogue: Catalogue) -> bool:
    """The person wrote in: open the 24-hour window, remember a piece or section asked for
    (what LISTEN plays next), and send what a template offered, in one transaction. True when
    something offered was queued."""
    number = number_of(key)
    if number is None:
        return False
    address = address_of(number)
    with get_store().transaction() as tx:
        tx.whatsapp.touch(address)
        if intent == "menu" or catalogue.get(intent) or catalogue.section_of(intent):
            tx.whatsapp.remember_content(address, _content_of(intent))
        return sending.deliver_pending(tx, number, key)


def listen(key: str, language: str) -> list[str]:
    """LISTEN: queue the voice note of what was last sent (the menu at first); the reply's
    messages. Without audio in this language: say so kindly, then send the text."""
    number = number_of(key)
    loaded = loaded_content()
    pack = loaded.content.pack(language)
    if number is None:
        return render.parts(pack, ["sms.error"], loaded.values)
    with get_store().transaction() as tx:
        content_id = tx.whatsapp.last_content(address_of(number)) or "menu.main"
        outcome = sending.listen(tx, number, key, content_id, pack.code)
    reply = render.parts(pack, [LISTEN_REPLIES[outcome]], loaded.values)
    if outcome == sending.NO_AUDIO:
        section = loaded.content.catalogue.get(content_id)
        ids = compose.section_ids(pack, section.id) if section else [content_id]
        reply += render.parts(pack, ids, loaded.values)
    return reply


def _content_of(intent: str) -> str:
    return compose.COMMAND_REPLIES.get(intent, intent) if intent == "menu" else intent
