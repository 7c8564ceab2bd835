"""Texts the helpline starts: "text me this" from a call, and caregiver shares.

Each one passes the sending policy (where it may go, how many a day), is checked against
opt-outs and written to the outbox in one transaction; the worker sends it. The outcome is a
name (SENT, OPTED_OUT, ...): each channel says it in its own words, and it never tells the
person who asked anything about a recipient.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from ..content import SMS, LanguagePack
from ..core import compose, destinations, discreet, phone
from ..core.privacy import mask_number
from ..core.send_limits import SHARE, TEXT_ME
from ..store import get_store
from ..store.transaction import Transaction
from ..web.content import loaded_content
from ..web.webhook import is_simulated
from .policy import current_policy
from .reminders import add_caregiver

log = logging.getLogger(__name__)

SENT = "sent"
#: Queued, to a country whose carriers filter such texts (China): the caller is told.
SENT_MAY_NOT_ARRIVE = "sent_may_not_arrive"
OPTED_OUT = "opted_out"
NOT_POSSIBLE = "not_possible"
INVALID = "invalid"
LIMIT = "limit"
NOT_SENT = "not_sent"


def can_text(caller: str | None) -> bool:
    """Whether a text to this caller could be sent at all (a mobile in an allowed country),
    so a landline or a withheld number is never offered one. Limits are not looked at."""
    number = phone.to_e164(caller, strict=False)
    if number is None:
        return False
    return current_policy().destination_refusal(number, simulated=is_simulated()) is None


def text_caller(caller: str | None, text_id: str, language: str) -> str:
    """Queue ``text_id`` (a piece or the menu) to the caller; the outcome name."""
    number = phone.to_e164(caller, strict=False)
    if number is None:
        return NOT_POSSIBLE
    loaded = loaded_content()
    pack = loaded.content.pack(language)
    ids = current_policy().stop_footer(
        compose.text_me_ids(pack, loaded.content.catalogue, text_id), number)
    parts = compose.parts(pack, ids, loaded.values)
    with get_store().transaction() as tx:
        if tx.contacts.is_opted_out(number):
            return OPTED_OUT
        refused = current_policy().check(tx, TEXT_ME, number, number,
                                           simulated=is_simulated())
        if refused is not None:
            return LIMIT if refused.limit else NOT_POSSIBLE
        parts = _discreet_if_asked(tx, number, pack, parts, loaded.values)
        tx.outbox.enqueue(number, parts, kind="text_me", language=pack.code,
                          simulated=is_simulated())
    log.info("queued %s for %s (%d part(s))", text_id, mask_number(number), len(parts))
    return SENT_MAY_NOT_ARRIVE if destinations.texts_filtered(number) else SENT


def share_with_caregiver(sender: str | None, typed: str, language: str) -> str:
    """Queue the catalogue's shared section (the ten questions) to a caregiver; the outcome."""
    sender_number = phone.to_e164(sender, strict=False)
    recipient = phone.to_e164(typed, phone.region_of(sender_number))
    if recipient is None:
        return INVALID
    loaded = loaded_content()
    shared = loaded.content.catalogue.shared
    if sender_number is None or recipient == sender_number or shared is None:
        return NOT_SENT
    pack = loaded.content.pack(language)
    sends = [compose.parts(pack, current_policy().stop_footer(ids, recipient), loaded.values)
             for ids in compose.share_ids(pack, shared.id)]
    with get_store().transaction() as tx:
        if tx.contacts.is_opted_out(recipient):
            # The sender must not learn whether the recipient opted out or was just sent to.
            return NOT_SENT
        refused = current_policy().check(tx, SHARE, sender_number, recipient,
                                           simulated=is_simulated())
        if refused is not None:
            return NOT_SENT if refused.about_recipient else LIMIT
        for kind, parts in zip(("share_intro", "share"), sends, strict=True):
            parts = _discreet_if_asked(tx, recipient, pack, parts, loaded.values)
            tx.outbox.enqueue(recipient, parts, kind=kind, language=pack.code,
                              simulated=is_simulated())
        # A sender with an appointment set: the caregiver gets the questions the day before.
        add_caregiver(tx, sender_number, recipient, simulated=is_simulated(),
                      now=datetime.now(UTC))
    log.info("queued a share from %s to %s", mask_number(sender_number), mask_number(recipient))
    return SENT


def _discreet_if_asked(tx: Transaction, number: str, pack: LanguagePack, parts: list[str],
                      values: Mapping[str, object]) -> list[str]:
    """A number that sent DISCREET never gets a text whose first line names the subject (the
    share's introduction is written that way for everyone)."""
    if not tx.contacts.is_discreet(number):
        return parts
    return discreet.discreet(parts, pack.sensitive_words,
                             pack.render("sms.discreet_line", SMS, values))
