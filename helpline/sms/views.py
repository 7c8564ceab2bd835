"""SMS webhooks: read a keyword, act on it, reply with TwiML <Message> parts.

STOP and the other reserved words are handled before anything else; after an opt-out nothing
but the START confirmation is ever sent to that number.
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, current_app, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from ..content import SMS
from ..core import compose, phone
from ..core.keywords import Intent
from ..core.normalise import normalise
from ..core.privacy import mask_number
from ..outbound import optout_spool
from ..store import get_store
from ..web.content import LoadedContent, loaded_content
from ..web.webhook import guard_webhook, twiml_response
from ..whatsapp import hook as whatsapp_hook
from . import texting

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/sms")
bp.before_request(guard_webhook)

#: Longest message body read; Twilio's own limit is 1600 characters.
MAX_BODY = 2000

#: What Twilio's message sids look like (SMS and MMS).
_MESSAGE_SID = re.compile(r"(?:SM|MM)[0-9a-f]{32}")
_STATUS_WORD = re.compile(r"[a-z_-]{1,32}")


def prepare(app: Flask) -> None:
    with app.app_context():  # start-up: apply opt-outs spooled while the database was down
        optout_spool.replay(get_store(), optout_spool.spool_path(app.instance_path))


def _setup() -> LoadedContent:
    return loaded_content()


def _reply(language: str, text_ids: list[str] | None = None,
           parts: list[str] | None = None, values: dict[str, object] | None = None):
    setup = _setup()
    pack = setup.content.pack(language)
    if parts is None:
        parts = compose.parts(pack, text_ids or [], {**setup.values, **(values or {})})
    response = MessagingResponse()
    for part in parts:
        response.message(part)
    return twiml_response(response)


def _silence():
    return twiml_response(MessagingResponse())


def _spool_opt_out(intent: Intent):
    """STOP while the store cannot be written: keep it on disk and confirm it all the same."""
    raw_from = request.form.get("From", "")
    number = phone.to_e164(raw_from, strict=False) or raw_from.strip()
    if not number:
        return _silence()
    via = normalise(request.form.get("Body") or "").upper()[:32] or "STOP"
    optout_spool.append(optout_spool.spool_path(current_app.instance_path),
                        get_store().hash_number(number), via)
    log.warning("opt-out from %s kept in the spool until the database is back",
                mask_number(number))
    return _reply(_setup().content.pack(intent.language).code, ["sms.opted_out"])


@bp.before_request
def _replay_spooled_opt_outs() -> None:
    """Opt-outs spooled during a database outage are applied before anything else."""
    path = optout_spool.spool_path(current_app.instance_path)
    if optout_spool.pending(path):
        optout_spool.replay(get_store(), path)


@bp.post("")
def incoming_text():
    """A text from anyone: the conversation (sms/texting.py) decides, this renders TwiML."""
    raw_from = request.form.get("From", "")
    # From=whatsapp:+...: the same words, kept under the WhatsApp number's own key.
    number = (whatsapp_hook.begin(raw_from) or phone.to_e164(raw_from, strict=False)
              or raw_from.strip())
    body = (request.form.get("Body") or "")[:MAX_BODY]
    answered = texting.answer(number, body)
    return _reply(answered.language, parts=answered.messages)


@bp.post("/status")
def message_status():
    """Delivery receipts. An unknown id still gets 200, or Twilio would keep retrying."""
    sid = request.form.get("MessageSid") or request.form.get("SmsSid") or ""
    status = (request.form.get("MessageStatus") or request.form.get("SmsStatus") or "").lower()
    error_code = request.form.get("ErrorCode") or ""
    # Only what Twilio really sends is stored: a message sid, a status word, a numeric error
    # code. Anything else would be kept as it came (PostgreSQL refuses a NUL byte outright).
    if _MESSAGE_SID.fullmatch(sid) and _STATUS_WORD.fullmatch(status):
        with get_store().transaction() as tx:
            known = tx.receipts.record_status(
                sid, status, error_code if error_code.isascii() and error_code.isdigit() else None)
        if not known:
            log.info("status %s for a message this helpline does not know", status)
    return twiml_response(MessagingResponse())


@bp.post("/fallback")
def fallback():
    """Twilio calls this when /sms failed: answer from memory alone."""
    log.error("Twilio used the SMS fallback URL: ErrorCode=%s ErrorUrl=%s",
              request.form.get("ErrorCode"), request.form.get("ErrorUrl"))
    return _reply(_setup().content.default.code, ["sms.error"])


@bp.errorhandler(Exception)
def texted_apology(error: Exception):
    """Never a 5xx to Twilio: a short apology the texter can act on."""
    if isinstance(error, HTTPException) and error.code in (403, 404, 405, 413):
        return error
    log.exception("SMS handler failed (MessageSid=%s)", request.form.get("MessageSid", "?"))
    try:
        pack = _setup().content.default
        intent = _setup().keywords.match((request.form.get("Body") or "")[:MAX_BODY])
        if intent.name == "opt_out":
            return _spool_opt_out(intent)
        return _reply(pack.code, parts=[pack.render("sms.error", SMS, _setup().values)])
    except Exception:
        log.exception("SMS apology failed too")
        return _silence()
