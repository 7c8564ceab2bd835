"""The simulator page and the JSON endpoints it calls; every route is an operator page.

The page never talks to the webhooks itself: it asks these endpoints, which sign the request
with the auth token (which never reaches the browser) and run it through the real webhook.
JSON bodies only, so another site cannot make an operator's browser post here with a form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import whatsapp
from ..store import get_store
from ..web.admin import add_security_headers, check_admin
from ..web.content import current_content
from . import dispatch
from .twiml import TwimlError, parse_messages, parse_voice, screen_of, sms_part

bp = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates",
               static_folder="static", static_url_path="/static")
bp.before_request(check_admin)
bp.after_request(add_security_headers)


class BadRequest(Exception):
    pass


@bp.errorhandler(BadRequest)
def bad_request(error: BadRequest) -> ResponseReturnValue:
    return jsonify(error=str(error)), 400


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise BadRequest("send a JSON object (Content-Type: application/json)")
    return data


def _number(value: object) -> str:
    try:
        return dispatch.simulated_caller(value, current_app.config)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _base_url() -> str:
    return request.host_url


def _app() -> Flask:
    """The app itself, not the proxy: the webhook runs in a fresh context where the proxy
    points nowhere."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


@bp.get("")
def page() -> ResponseReturnValue:
    config = current_app.config
    settings = {
        "languages": dispatch.caller_numbers(current_content(),
                                             fictional=not config.get("LOCAL_MODE")),
        "helplineNumber": dispatch.helpline_number(config),
        "standInNumber": not config.get("TWILIO_FROM_NUMBER"),
        "localMode": bool(config.get("LOCAL_MODE")),
        "api": {name: url_for(f"simulator.{name}") for name in ("voice", "sms", "outbox")},
    }
    return render_template("simulator/index.html", settings=settings)


@bp.post("/api/voice")
def voice() -> ResponseReturnValue:
    """One step of a call: the page says where Twilio would post and what it would send."""
    data = _json()
    params = data.get("params")
    if not isinstance(params, dict):
        raise BadRequest("params must be an object of Twilio's form fields")
    caller = _number(params.pop("From", ""))
    call_sid = str(params.pop("CallSid", "") or dispatch.new_call_sid())
    try:
        form = dispatch.call_params(current_app.config, caller, call_sid, **params)
        answer = dispatch.post_webhook(_app(), str(data.get("url") or "/voice"), form,
                                       _base_url())
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    result: dict[str, Any] = {"status": answer.status, "twiml": answer.body,
                              "transcripts": {}, "screens": {}}
    try:
        verbs = parse_voice(answer.body) if answer.status == 200 else ()
    except TwimlError as exc:
        result["error"] = str(exc)
        verbs = ()
    for verb in _walk(verbs):
        if verb.kind == "Play" and verb.text:
            words = dispatch.transcript_for(_app(), verb.text)
            if words:
                result["transcripts"][verb.text] = words
        for url in (verb.get("action"), verb.text if verb.kind == "Redirect" else ""):
            if url:
                result["screens"][url] = screen_of(url)
    return jsonify(result)


def _walk(verbs):
    for verb in verbs:
        yield verb
        yield from _walk(verb.children)


@bp.post("/api/sms")
def sms() -> ResponseReturnValue:
    """A text from the simulated phone; the reply's parts with what each costs."""
    data = _json()
    sender = _number(data.get("from"))
    body = str(data.get("body") or "")[:dispatch.MAX_VALUE]
    params = dispatch.sms_params(current_app.config, sender, body)
    if _whatsapp(data):  # as Twilio posts a WhatsApp message: both ends whatsapp:+...
        params = {**params, "From": whatsapp.address_of(sender),
                  "To": whatsapp.address_of(params["To"])}
    answer = dispatch.post_webhook(_app(), "/sms", params, _base_url())
    result: dict[str, Any] = {"status": answer.status, "replies": []}
    if answer.status == 200:
        try:
            result["replies"] = [part.as_json() for part in parse_messages(answer.body)]
        except TwimlError as exc:
            result["error"] = str(exc)
    return jsonify(result)


@bp.post("/api/outbox")
def outbox() -> ResponseReturnValue:
    """Texts queued for the simulated phone (text-me from a call, shares to it): shown on the
    page instead of being sent. POST, so the number never appears in a URL or access log."""
    data = _json()
    number = _number(data.get("from"))
    after = data.get("after") or 0
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**63:
        raise BadRequest("after must be a message id")
    if _whatsapp(data):  # what is queued under the WhatsApp number's key
        number = whatsapp.contact_key(number, current_app.config)
    with get_store().reading() as tx:
        queued = tx.outbox.simulated_to(number, after)
    messages = []
    for item in queued:
        part = sms_part(item.body)
        messages.append({"id": item.id, "kind": item.kind, "state": item.state,
                         "part": f"{item.position}/{item.total}", "channel": item.channel,
                         "media_url": item.media_url, **part.as_json()})
    return jsonify(messages=messages)


def _whatsapp(data: dict[str, Any]) -> bool:
    return data.get("channel") == whatsapp.CHANNEL
