"""What every Twilio webhook shares: the signature check and the one way to answer TwiML."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from flask import Flask, Response, current_app, g, has_request_context, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)

TWIML_MIMETYPE = "text/xml"


def twiml_response(twiml: object, status: int = 200) -> Response:
    """Answer Twilio with TwiML; ``twiml`` is a twilio TwiML builder or an XML string."""
    return Response(str(twiml), status=status, mimetype=TWIML_MIMETYPE)


def signed_url() -> str:
    """The URL Twilio signed: the configured public URL, since behind a proxy or tunnel
    ``request.url`` is the internal address and every signature would fail."""
    public = current_app.config.get("HELPLINE_PUBLIC_URL")
    if not public:
        return request.url
    path = request.full_path
    if path.endswith("?"):
        path = path[:-1]
    return public + path


_VALIDATOR = "helpline.webhook.validator"


def _validator(token: str) -> RequestValidator:
    """Twilio's validator for the app's token, made once (the token does not change)."""
    held = current_app.extensions.get(_VALIDATOR)
    if held is None or held.token != token.encode("utf-8"):
        held = current_app.extensions[_VALIDATOR] = RequestValidator(token)
    return held


def signature_is_valid() -> bool:
    """True in local mode (no token); otherwise X-Twilio-Signature must match the request."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return True
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    form = request.form  # outside the try: a body over the size limit is a 413, not a 403
    try:
        url = signed_url()
        validator = _validator(token)
        # The usual case costs one HMAC. Only a mismatch pays for twilio's full check, which
        # also tries the URL with and without an explicit port (Twilio signs either way).
        expected = validator.compute_signature(url, form)
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return True
        return validator.validate(url, form, signature)
    except Exception:  # a malformed URL or body is simply not a valid Twilio request
        log.warning("signature check failed on a malformed request to %s", request.path)
        return False


def reject_unsigned() -> Response | None:
    """A blueprint ``before_request`` hook: 403 for anything Twilio did not sign."""
    if signature_is_valid():
        return None
    log.warning("rejected a request to %s without a valid Twilio signature", request.path)
    return Response("Forbidden: missing or wrong X-Twilio-Signature.\n", status=403,
                    mimetype="text/plain")


#: Header the simulator puts on the webhook requests it makes in-process (see mark_simulated).
SIMULATED_HEADER = "X-Helpline-Simulated"
#: Form field `helpline doctor` adds to its signed test call and text: they count as simulated.
DOCTOR_FIELD = "HelplineDoctor"
_SIMULATION_KEY = "helpline.simulation_key"


def _simulation_key(app: Flask) -> bytes:
    """A random key per running app: the tag is only ever made and checked in this process,
    so nothing outside it (and no stored secret) can mark a request as simulated."""
    key = app.extensions.get(_SIMULATION_KEY)
    if key is None:
        key = app.extensions.setdefault(_SIMULATION_KEY, secrets.token_bytes(32))
    return key


def simulation_tag(app: Flask, path: str, form: dict[str, str]) -> str:
    """The tag for one simulated request: an HMAC of its path (with query) and form fields."""
    message = path + "\n" + "&".join(f"{k}={form[k]}" for k in sorted(form))
    return hmac.new(_simulation_key(app), message.encode(), hashlib.sha256).hexdigest()


def is_simulated() -> bool:
    """True inside a request the simulator (or the doctor) made: it must not count or text."""
    return bool(has_request_context() and g.get("simulated"))


def mark_simulated() -> None:
    """Requests from the simulator (a tag) or the doctor (a form field, on a signed request)
    set ``g.simulated``, so their usage events and outbox rows stay out of figures and away
    from Twilio."""
    tag = request.headers.get(SIMULATED_HEADER)
    if not tag:
        if request.form.get(DOCTOR_FIELD) == "1":
            g.simulated = True
        return
    query = request.query_string.decode("utf-8", "replace")
    path = request.path + (f"?{query}" if query else "")
    form = {key: request.form.get(key, "") for key in request.form}
    expected = simulation_tag(current_app, path, form)
    if hmac.compare_digest(tag, expected):
        g.simulated = True
    else:
        log.warning("ignored a wrong %s header on %s", SIMULATED_HEADER, request.path)


def guard_webhook() -> Response | None:
    """The one ``before_request`` of every Twilio webhook blueprint: 403 unless Twilio signed
    the request, then mark a simulated one. One hook, not several, on the hottest path.

    The form is read first, signed or not: a body over the size limit is a 413 at once."""
    request.form  # noqa: B018
    refused = reject_unsigned()
    if refused is None:
        mark_simulated()
    return refused
