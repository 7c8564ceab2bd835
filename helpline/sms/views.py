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
from ..core import compose, emergency, phone
from ..core.keywords import Intent
from ..core.normalise import normalise
from ..core.privacy import mask_number
from ..outbound import optout_spool, sending
from ..store import TexterState, get_store
from ..web import usage
from ..web.content import LoadedContent, loaded_content
from ..web.webhook import guard_webhook, twiml_response
from .replies import Prepared, twiml_of

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/sms")
bp.before_request(guard_webhook)

#: Longest message body read; Twilio's own limit is 1600 characters.
MAX_BODY = 2000

#: What Twilio's message sids look like (SMS and MMS).
_MESSAGE_SID = re.compile(r"(?:SM|MM)[0-9a-f]{32}")
_STATUS_WORD = re.compile(r"[a-z_-]{1,32}")


#: A command named <section>_in (QUESTIONS FRENCH) sends that section in another language.
IN_LANGUAGE = "_in"

#: What a texter reads after asking for a caregiver share, by the outbound outcome.
SHARE_TEXTED = {sending.SENT: "sms.share_sent", sending.INVALID: "sms.share_invalid",
                sending.LIMIT: "sms.share_limit", sending.NOT_SENT: "sms.share_not_sent"}


EXTENSION = "helpline.sms"


def prepare(app: Flask) -> None:
    loaded = loaded_content(app)
    app.extensions[EXTENSION] = Prepared(loaded.content, loaded.values, loaded.keywords,
                                         optout_spool.spool_path(app.instance_path))
    with app.app_context():  # start-up: apply opt-outs spooled while the database was down
        optout_spool.replay(get_store(), optout_spool.spool_path(app.instance_path))


def _prepared() -> Prepared:
    return current_app.extensions[EXTENSION]


def _setup() -> LoadedContent:
    return loaded_content()


def _reply(language: str, text_ids: list[str] | None = None,
           parts: list[str] | None = None, values: dict[str, object] | None = None):
    if parts is None:  # prepared at start-up, unless values known only now
        return twiml_response(_prepared().replies.twiml(language, text_ids or [], values))
    return twiml_response(twiml_of(parts))


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
    path = _prepared().spool
    if optout_spool.pending(path):
        optout_spool.replay(get_store(), path)


@bp.post("")
def incoming_text():
    """A text from anyone: reserved words first, then keywords in any enabled language."""
    setup = _setup()
    raw_from = request.form.get("From", "")
    number = phone.to_e164(raw_from, strict=False) or raw_from.strip()
    body = (request.form.get("Body") or "")[:MAX_BODY]
    store = get_store()
    # One plain read, not a write transaction: texts answered by other workers never queue
    # behind this one for SQLite's write lock.
    state = store.texter_state(number) if number else TexterState()
    stored_language, opted_out = state.language, state.opted_out
    intent = _prepared().matches.match(body, stored_language)
    language = setup.content.pack(intent.language or stored_language).code
    usage.record("sms", intent.name, language=language)

    if intent.name == "opt_out":
        with store.transaction() as tx:
            tx.contacts.record_opt_out(number, via=normalise(body).upper()[:32] or "STOP")
        log.info("opt-out from %s", mask_number(number))
        # Asking to stop and for help at once: the urgent-care words come first, always.
        urgent, values = _safety(number) if intent.urgent else ([], {})
        if opted_out:
            return _reply(language, urgent, values=values) if urgent else _silence()
        return _reply(language, [*urgent, "sms.opted_out"], values=values)
    if intent.name == "opt_in":
        with store.transaction() as tx:
            tx.contacts.record_opt_in(number, via=normalise(body).upper()[:32] or "START")
        return _reply(language, ["sms.opted_in"])
    if opted_out:
        return _silence()
    return _answer(intent, number, stored_language, language)


def _answer(intent: Intent, number: str, stored_language: str | None, language: str):
    """Everything but the reserved words, for a texter who has not opted out."""
    setup = _setup()
    if intent.language and intent.language != stored_language and number:
        with get_store().transaction() as tx:
            tx.contacts.set_language(number, intent.language)
    if intent.name == "safety":
        ids, values = _safety(number)
        return _reply(language, ids, values=values)
    if intent.name == "share":
        outcome = sending.share_with_caregiver(number, intent.argument, language)
        return _reply(language, [SHARE_TEXTED[outcome]])
    if intent.name == "forget":
        with get_store().transaction() as tx:
            deleted = tx.housekeeping.forget(number)
        log.info("forgot %s: %s", mask_number(number), deleted)
        return _reply(language, ["sms.forget_done"])
    content = setup.content
    section = content.catalogue.get(intent.name.removesuffix(IN_LANGUAGE))
    if intent.name.endswith(IN_LANGUAGE) and section is not None:
        # QUESTIONS FRENCH: the section in that language, once; the texter's own stays.
        other = content.pack(intent.argument)
        return _reply(other.code, compose.reply_ids(other, content.catalogue, section.id))
    return _reply(language, compose.reply_ids(content.pack(language), content.catalogue,
                                              intent.name))


def _safety(number: str | None) -> tuple[list[str], dict[str, object]]:
    """The urgent-care text, naming the texter's own country's emergency number where the
    helpline knows it (as calls do), then the crisis line where one is set."""
    config = current_app.config
    said = emergency.emergency_number(
        number, str(config.get("HELPLINE_EMERGENCY_NUMBER") or ""),
        phone.region_of(config.get("TWILIO_FROM_NUMBER") or "") or "")
    ids = ["sms.safety_call" if said else "sms.safety"]
    if config.get("HELPLINE_CRISIS_LINE"):
        ids.append("sms.crisis_line")
    return ids, {"emergency_number": said}


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
