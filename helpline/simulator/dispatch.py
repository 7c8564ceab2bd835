"""Send a simulated Twilio request through the real webhooks, in this process.

The page and the terminal both come here. The request is signed exactly as Twilio signs it
(with the auth token, against HELPLINE_PUBLIC_URL), so the signature check stays on; the token
never leaves the server. It is dispatched with Flask's test client rather than over HTTP to
ourselves: no second connection, no worker thread blocked waiting for another, no proxy or TLS
in the way, and the same code path in the terminal, where no server runs at all.

Each request also carries a tag (see ``webhook.mark_simulated``) so its usage events and
outbox rows are marked simulated: not counted in figures, never sent through Twilio.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import phonenumbers
from flask import Flask
from twilio.request_validator import RequestValidator

from ..audio.serving import library_of
from ..content import Content
from ..core import phone
from ..core.prompts import SLOW_SUFFIX, spoken_prompts
from ..web.content import loaded_content
from ..web.webhook import SIMULATED_HEADER, simulation_tag

#: Where a simulated request may go: the Twilio webhooks, nothing else of the app.
WEBHOOK_PREFIXES = ("/voice", "/sms")
MAX_PARAMS = 40
MAX_VALUE = 2000
#: Twilio's magic test number, when no helpline number is configured.
DEFAULT_HELPLINE_NUMBER = "+15005550006"

#: The country a simulated caller of each language dials from (for caregiver-share tests,
#: where a national number is read in the caller's country).
LANGUAGE_COUNTRY = {"en": "GB", "zh": "CN", "es": "ES", "ar": "EG", "ru": "RU", "fr": "FR"}

_TRANSCRIPTS = "helpline.simulator.transcripts"


class NotAWebhook(ValueError):
    """The simulator was asked to post somewhere that is not a Twilio webhook."""


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: str
    content_type: str


def webhook_path(url: str) -> str:
    """The path and query of ``url`` if it names one of the helpline's webhooks."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    if not any(path == p or path.startswith(p + "/") for p in WEBHOOK_PREFIXES):
        raise NotAWebhook(f"{path} is not a Twilio webhook of this helpline")
    return path + (f"?{parts.query}" if parts.query else "")


def clean_params(params: Mapping[str, object]) -> dict[str, str]:
    """Form fields as Twilio posts them: strings, a bounded number, none empty."""
    if len(params) > MAX_PARAMS:
        raise ValueError(f"at most {MAX_PARAMS} parameters")
    cleaned = {}
    for name, value in params.items():
        if value is None or value == "":
            continue
        cleaned[str(name)[:64]] = str(value)[:MAX_VALUE]
    return cleaned


def helpline_number(config: Mapping[str, object]) -> str:
    return str(config.get("TWILIO_FROM_NUMBER") or DEFAULT_HELPLINE_NUMBER)


def account_sid(config: Mapping[str, object]) -> str:
    return str(config.get("TWILIO_ACCOUNT_SID") or "AC" + "0" * 32)


def new_call_sid() -> str:
    return "CA" + uuid.uuid4().hex


def new_message_sid() -> str:
    return "SM" + uuid.uuid4().hex


def call_params(config: Mapping[str, object], caller: str, call_sid: str,
                **extra: object) -> dict[str, str]:
    """What Twilio posts with every step of an inbound call (the fields the helpline reads and
    the usual others), plus ``extra`` such as Digits or SpeechResult."""
    to = helpline_number(config)
    params: dict[str, object] = {
        "AccountSid": account_sid(config), "ApiVersion": "2010-04-01", "CallSid": call_sid,
        "CallStatus": "in-progress", "Direction": "inbound", "From": caller, "Caller": caller,
        "To": to, "Called": to, "FromCountry": phone.region_of(caller) or "",
    }
    params.update(extra)
    return clean_params(params)


def sms_params(config: Mapping[str, object], sender: str, body: str) -> dict[str, str]:
    """What Twilio posts for an incoming text."""
    sid = new_message_sid()
    return clean_params({
        "AccountSid": account_sid(config), "ApiVersion": "2010-04-01", "MessageSid": sid,
        "SmsMessageSid": sid, "SmsSid": sid, "SmsStatus": "received", "From": sender,
        "To": helpline_number(config), "Body": body, "NumMedia": "0", "NumSegments": "1",
        "FromCountry": phone.region_of(sender) or "",
    })


def post_webhook(app: Flask, url: str, params: Mapping[str, object],
                 base_url: str = "http://localhost/") -> WebhookAnswer:
    """POST ``params`` to the webhook at ``url``, signed and tagged as simulated.

    ``base_url`` is where this app is reached (audio URLs in the TwiML are built on it when
    HELPLINE_PUBLIC_URL is not set).
    """
    path = webhook_path(url)
    form = clean_params(params)
    headers = {SIMULATED_HEADER: simulation_tag(app, path, form)}
    token = str(app.config.get("TWILIO_AUTH_TOKEN") or "")
    if token:
        signed_base = str(app.config.get("HELPLINE_PUBLIC_URL") or "") or base_url.rstrip("/")
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
            signed_base + path, form)

    def send() -> WebhookAnswer:
        response = app.test_client().post(path, data=form, headers=headers, base_url=base_url)
        try:
            return WebhookAnswer(response.status_code, response.get_data(as_text=True),
                                 response.mimetype or "")
        finally:
            response.close()

    # A fresh context: the webhook gets its own app context and ``g``, even when called from
    # inside the simulator's own request.
    return contextvars.Context().run(send)


#: Why a real number is refused in production: said to the operator, on the page and in the CLI.
FICTIONAL_ONLY = (
    "In production the simulator uses only fictional numbers (+44 7700 900000 to 900999, or "
    "+1 ... 555-0100 to 555-0199), so it can never STOP, FORGET or use up the texts of a real "
    "phone. Try +447700900123."
)


def simulated_caller(value: object, config: Mapping[str, object]) -> str:
    """The simulated phone's number in E.164; ValueError with the reason when it may not be
    used (not a number; in production, a number somebody owns)."""
    number = phone.to_e164(str(value or ""), strict=False)
    if number is None:
        raise ValueError("the caller's number must be a phone number, e.g. +447400123456")
    if not config.get("LOCAL_MODE") and not phone.is_fictional(number):
        raise ValueError(FICTIONAL_ONLY)
    return number


def caller_numbers(content: Content, fictional: bool = False) -> list[dict[str, str]]:
    """For each enabled language: a mobile number from a country that speaks it, or with
    ``fictional`` (production), a number nobody owns."""
    found = []
    for index, pack in enumerate(content):
        if fictional:
            number = f"+447700900{index + 1:03d}"
            found.append({"code": pack.code, "name": pack.meta.name, "number": number,
                          "country": "GB"})
            continue
        region = LANGUAGE_COUNTRY.get(pack.code) or pack.meta.speech_language.partition("-")[2]
        example = phonenumbers.example_number_for_type(
            region.upper() or "GB", phonenumbers.PhoneNumberType.MOBILE)
        if example is None:
            example = phonenumbers.example_number_for_type("GB",
                                                           phonenumbers.PhoneNumberType.MOBILE)
        number = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        found.append({"code": pack.code, "name": pack.meta.name, "number": number,
                      "country": phone.region_of(number) or ""})
    return found


def transcripts(app: Flask) -> dict[str, str]:
    """The words of every prepared audio file ("en/menu.main.1a2b.mp3" -> text), so a played
    file can be shown as text too. Built once per audio library (a recording kept in the
    studio loads a new one)."""
    library = library_of(app)
    cached = app.extensions.get(_TRANSCRIPTS)
    if cached is not None and cached[0] is library:
        return cached[1]
    found: dict[str, str] = {}
    for prompt in spoken_prompts(loaded_content(app).content, app.config):
        for key in (prompt.key, prompt.key + SLOW_SUFFIX):  # and its slow rendering
            path = library.path_for(prompt.language, key, prompt.text)
            if path:
                found[path] = prompt.text
    app.extensions[_TRANSCRIPTS] = (library, found)
    return found


def transcript_for(app: Flask, url: str) -> str | None:
    """The words of the audio file at ``url`` (local, public or CDN address), if known."""
    tail = "/".join(unquote(urlsplit(url).path).split("/")[-2:])
    return transcripts(app).get(tail)
