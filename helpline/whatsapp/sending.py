"""WhatsApp sends the helpline starts or queues: voice notes, text-me from a call, and what a
template offered once the person replies.

Every one passes the sending policy (a voice note counts under the daily limits like a text)
and the outbox, in one transaction with its opt-out check. Inside the 24-hour window a send is
free-form; outside it an approved template (HELPLINE_WHATSAPP_TEMPLATES) invites a reply and
the content waits for it; without a template the text goes by SMS, and the log says so.
"""

from __future__ import annotations

import json
import logging

from flask import current_app

from ..content.model import SMS
from ..core import compose
from ..core.privacy import mask_number
from ..core.send_limits import TEXT_ME, VOICE_NOTE
from ..outbound.policy import current_policy
from ..outbound.sending import LIMIT, NOT_POSSIBLE, OPTED_OUT, SENT
from ..store import get_store
from ..store.transaction import Transaction
from ..web.content import loaded_content
from ..web.webhook import is_simulated
from . import CHANNEL, address_of, contact_key, number_of, render, templates
from .voice_notes import voice_note_url

log = logging.getLogger(__name__)

#: Outcomes (each channel says them in its own words): SMS's, and WhatsApp's own.
#: Outside the window: a template invited a reply; the content follows it.
OFFERED = "offered"
#: No template for this purpose and language: sent by SMS instead.
SENT_BY_SMS = "sent_by_sms"
NO_AUDIO = "no_audio"


def uses_whatsapp(caller: str | None) -> bool:
    """The caller's number has written to the helpline on WhatsApp: a call's text-me screen
    may offer a WhatsApp send (and a voice note)."""
    number = number_of(caller)
    if number is None:
        return False
    with get_store().reading() as tx:
        return tx.whatsapp.known(address_of(number))


def send_to_caller(caller: str | None, content_id: str, language: str, *,
                   voice: bool = False) -> str:
    """Queue ``content_id`` (a piece, a section or the menu) to the caller on WhatsApp, as text
    or (``voice``) as a voice note; the outcome name."""
    number = number_of(caller)
    if number is None:
        return NOT_POSSIBLE
    settings = current_app.config
    key = contact_key(number, settings)
    purpose = "voice_note" if voice else "text_me"
    with get_store().transaction() as tx:
        if tx.contacts.is_opted_out(key):
            return OPTED_OUT
        refused = current_policy().check(tx, VOICE_NOTE if voice else TEXT_ME, number, number,
                                         simulated=is_simulated())
        if refused is not None:
            return LIMIT if refused.limit else NOT_POSSIBLE
        address = address_of(number)
        if tx.whatsapp.is_open(address):
            return _deliver(tx, number, key, purpose, content_id, language)
        sid = templates.template_for(settings, purpose, language)
        if sid is None:
            log.warning("no WhatsApp template for %s.%s: %s gets it by SMS (set "
                        "HELPLINE_WHATSAPP_TEMPLATES)", purpose, language, mask_number(number))
            _queue_sms(tx, number, content_id, language)
            return SENT_BY_SMS
        _queue_template(tx, number, key, sid, purpose, language)
        tx.whatsapp.hold(address, f"{purpose}|{content_id}|{language}")
    log.info("offered %s to %s by template", content_id, mask_number(number))
    return OFFERED


def listen(tx: Transaction, number: str, key: str, content_id: str, language: str) -> str:
    """LISTEN inside the window: queue the voice note of ``content_id``; the outcome name."""
    url = voice_note_url(content_id, language)
    if url is None:
        return NO_AUDIO
    refused = current_policy().check(tx, VOICE_NOTE, number, number, simulated=is_simulated())
    if refused is not None:
        return LIMIT if refused.limit else NOT_POSSIBLE
    _queue_voice_note(tx, key, url, language)
    return SENT


def deliver_pending(tx: Transaction, number: str, key: str) -> bool:
    """The person replied after a template: send what it offered (counted when offered)."""
    pending = tx.whatsapp.take_pending(address_of(number))
    if not pending:
        return False
    purpose, _, rest = pending.partition("|")
    content_id, _, language = rest.partition("|")
    _deliver(tx, number, key, purpose, content_id, language)
    return True


def _deliver(tx: Transaction, number: str, key: str, purpose: str, content_id: str,
             language: str) -> str:
    """Free-form, inside the window: the voice note, or the text (and the text where this
    language has no audio yet)."""
    if purpose == "voice_note":
        url = voice_note_url(content_id, language)
        if url is not None:
            _queue_voice_note(tx, key, url, language)
            return SENT
    loaded = loaded_content()
    pack = loaded.content.pack(language)
    ids = compose.text_me_ids(pack, loaded.content.catalogue, content_id)
    tx.outbox.enqueue(key, render.parts(pack, ids, loaded.values), kind="text_me",
                      language=pack.code, simulated=is_simulated(), channel=CHANNEL)
    tx.whatsapp.remember_content(address_of(number), content_id)
    return SENT if purpose != "voice_note" else NO_AUDIO


def _queue_voice_note(tx: Transaction, key: str, url: str, language: str) -> None:
    loaded = loaded_content()
    pack = loaded.content.pack(language)
    caption = pack.render("whatsapp.voice_note", SMS, loaded.values)
    tx.outbox.enqueue(key, [caption], kind="voice_note", language=pack.code,
                      simulated=is_simulated(), channel=CHANNEL, media_url=url)


def _queue_template(tx: Transaction, number: str, key: str, sid: str, purpose: str,
                    language: str) -> None:
    loaded = loaded_content()
    pack = loaded.content.pack(language)
    # The row's body is the wording the template was approved with (for the simulator and
    # the operator); Twilio sends the approved template itself, filled with the variables.
    body = pack.render("whatsapp.template_invite", SMS, loaded.values)
    variables = json.dumps({"1": str(pack.name(loaded.values))})
    tx.outbox.enqueue(key, [body], kind=f"template_{purpose}", language=pack.code,
                      simulated=is_simulated(), channel=CHANNEL, content_sid=sid,
                      content_variables=variables)


def _queue_sms(tx: Transaction, number: str, content_id: str, language: str) -> None:
    loaded = loaded_content()
    pack = loaded.content.pack(language)
    ids = current_policy().stop_footer(
        compose.text_me_ids(pack, loaded.content.catalogue, content_id), number)
    tx.outbox.enqueue(number, compose.parts(pack, ids, loaded.values), kind="text_me",
                      language=pack.code, simulated=is_simulated())
