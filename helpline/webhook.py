"""What every Twilio webhook shares: the signature check and the one way to answer TwiML."""

from __future__ import annotations

import logging

from flask import Response, current_app, request
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


def signature_is_valid() -> bool:
    """True in local mode (no token); otherwise X-Twilio-Signature must match the request."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return True
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    try:
        return RequestValidator(token).validate(signed_url(), request.form, signature)
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
