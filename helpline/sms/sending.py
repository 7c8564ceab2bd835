"""Texts that are not replies: "text me this" from a call, and caregiver shares.

Each one is checked against opt-outs and written to the outbox in one transaction; the worker
sends it. The outcome names what to tell the person who asked, never anything about a recipient.
"""

from __future__ import annotations

import logging

from flask import current_app

from .. import phone
from ..content import current_content
from ..content.prompts import deployment_values
from ..privacy import mask_number
from ..store import get_store
from ..webhook import is_simulated
from . import compose

log = logging.getLogger(__name__)

SENT = "sent"
OPTED_OUT = "opted_out"
NOT_POSSIBLE = "not_possible"
INVALID = "invalid"
LIMIT = "limit"
NOT_SENT = "not_sent"

#: What a caller hears after asking for a text, by outcome.
TEXT_ME_SPOKEN = {SENT: "voice.text_sent", OPTED_OUT: "voice.text_opted_out",
                  NOT_POSSIBLE: "voice.text_not_possible"}
SHARE_SPOKEN = {SENT: "caregiver.sent", INVALID: "caregiver.invalid", LIMIT: "caregiver.limit",
                NOT_SENT: "caregiver.not_sent"}
SHARE_TEXTED = {SENT: "sms.share_sent", INVALID: "sms.share_invalid", LIMIT: "sms.share_limit",
                NOT_SENT: "sms.share_not_sent"}


def _values() -> dict[str, object]:
    return deployment_values(current_app.config)


def text_caller(caller: str | None, text_id: str, language: str) -> str:
    """Queue ``text_id`` (a piece or the menu) to the caller; the outcome (see TEXT_ME_SPOKEN)."""
    number = phone.to_e164(caller, strict=False)
    if number is None or not phone.can_receive_sms(number):
        return NOT_POSSIBLE
    pack = current_content().pack(language)
    parts = compose.parts(pack, compose.text_me_ids(pack, text_id), _values())
    with get_store().transaction() as tx:
        if tx.is_opted_out(number):
            return OPTED_OUT
        tx.enqueue(number, parts, kind="text_me", language=pack.code, simulated=is_simulated())
    log.info("queued %s for %s (%d part(s))", text_id, mask_number(number), len(parts))
    return SENT


def share_questions(sender: str | None, typed: str, language: str) -> str:
    """Queue the ten questions to a caregiver; the outcome name (see SHARE_SPOKEN)."""
    sender_number = phone.to_e164(sender, strict=False)
    recipient = phone.to_e164(typed, phone.region_of(sender_number))
    if recipient is None:
        return INVALID
    if sender_number is None or recipient == sender_number or not phone.can_receive_sms(
            recipient):
        return NOT_SENT
    pack = current_content().pack(language)
    sends = [compose.parts(pack, ids, _values()) for ids in compose.share_ids(pack)]
    with get_store().transaction() as tx:
        refused = tx.claim_share(sender_number, recipient)
        if refused == "sender_limit":
            return LIMIT
        if refused is not None or tx.is_opted_out(recipient):
            # The sender must not learn whether the recipient opted out or was just sent to.
            return NOT_SENT
        for kind, parts in zip(("share_intro", "share"), sends, strict=True):
            tx.enqueue(recipient, parts, kind=kind, language=pack.code, simulated=is_simulated())
    log.info("queued a share from %s to %s", mask_number(sender_number), mask_number(recipient))
    return SENT
