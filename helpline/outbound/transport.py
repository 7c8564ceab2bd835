"""The one seam to Twilio's REST API for sending texts (and a local stand-in for trying it out).

Everything the worker needs to know about a failure is in ``SendError``: whether trying again
can help, and Twilio's error code.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..core import destinations
from ..core.privacy import mask_number

log = logging.getLogger(__name__)

#: The Twilio API domains the helpline calls: messages and numbers, A2P registrations, prices,
#: line types.
TWILIO_DOMAINS = ("api", "messaging", "pricing", "lookups")

#: Twilio error codes with a meaning for the helpline.
UNSUBSCRIBED = "21610"  # the recipient replied STOP to this sender


class SendError(Exception):
    """A send that did not go through; ``retryable`` says whether backing off can help."""

    def __init__(self, message: str, *, retryable: bool, code: str | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.code = code
        self.status = status


@dataclass(frozen=True)
class SentMessage:
    sid: str
    body: str
    created: datetime | None


#: A WhatsApp address starts with this; Twilio sends to and from ``whatsapp:+...``.
WHATSAPP = "whatsapp:"


class Transport(Protocol):
    def send(self, to: str, body: str, **whatsapp: str | None) -> str: ...

    def sent_to(self, to: str, since: datetime) -> list[SentMessage]: ...


class TwilioTransport:
    """Sends through twilio-python's REST client, with a timeout on every request."""

    def __init__(self, settings: Mapping[str, object], timeout: float = 10.0):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        account = str(settings.get("TWILIO_ACCOUNT_SID") or "")
        key_sid = str(settings.get("TWILIO_API_KEY_SID") or "")
        if key_sid:
            username, password = key_sid, str(settings.get("TWILIO_API_KEY_SECRET") or "")
        else:
            username, password = account, str(settings.get("TWILIO_AUTH_TOKEN") or "")
        self.client = Client(username, password, account_sid=account,
                             http_client=TwilioHttpClient(timeout=timeout))
        base = str(settings.get("TWILIO_API_BASE_URL") or "")
        if base:  # a mock of Twilio's APIs (tests, staging): every domain the helpline uses
            for domain in TWILIO_DOMAINS:
                getattr(self.client, domain).base_url = base.rstrip("/")
        self.sender = {}
        if settings.get("TWILIO_MESSAGING_SERVICE_SID"):
            self.sender["messaging_service_sid"] = str(settings["TWILIO_MESSAGING_SERVICE_SID"])
        else:
            self.sender["from_"] = str(settings.get("TWILIO_FROM_NUMBER") or "")
        #: Alphanumeric sender ids by destination country (a messaging service keeps its own).
        self.sender_ids = {} if "messaging_service_sid" in self.sender else \
            destinations.parse_sender_ids(str(settings.get("HELPLINE_SMS_SENDER_IDS") or ""))
        public = str(settings.get("HELPLINE_PUBLIC_URL") or "")
        self.status_callback = f"{public}/sms/status" if public else None
        #: The WhatsApp sender (a messaging service with a WhatsApp sender needs none).
        whatsapp_from = str(settings.get("HELPLINE_WHATSAPP_FROM")
                            or settings.get("TWILIO_FROM_NUMBER") or "").removeprefix(WHATSAPP)
        self.whatsapp_sender = dict(self.sender) if "messaging_service_sid" in self.sender \
            else {"from_": WHATSAPP + whatsapp_from}

    def _options(self, to: str, body: str, whatsapp: dict[str, str | None]) -> dict:
        """The create-message parameters: SMS as before; WhatsApp with its sender, and a
        voice note (MediaUrl, no body: audio takes no caption) or a template (ContentSid)."""
        if not whatsapp.get("channel") == "whatsapp":
            options = dict(self.sender)
            sender_id = self.sender_ids.get(destinations.region_of(to) or "")
            if sender_id:
                options["from_"] = sender_id
            return {"to": to, "body": body, **options}
        options = {"to": to if to.startswith(WHATSAPP) else WHATSAPP + to,
                   **self.whatsapp_sender}
        if whatsapp.get("content_sid"):
            options["content_sid"] = whatsapp["content_sid"]
            if whatsapp.get("content_variables"):
                options["content_variables"] = whatsapp["content_variables"]
        elif whatsapp.get("media_url"):
            options["media_url"] = [whatsapp["media_url"]]
        else:
            options["body"] = body
        return options

    def send(self, to: str, body: str, **whatsapp: str | None) -> str:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        options = self._options(to, body, whatsapp)
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(**options)
        except TwilioRestException as exc:
            status = exc.status or 0
            raise SendError(
                f"Twilio answered {status}: {exc.msg}",
                retryable=status == 429 or status >= 500,
                code=str(exc.code) if exc.code else None,
                status=status,
            ) from None
        except (RequestException, TwilioException, OSError) as exc:
            raise SendError(f"Twilio could not be reached: {type(exc).__name__}",
                            retryable=True) from None
        return str(message.sid)

    def sent_to(self, to: str, since: datetime) -> list[SentMessage]:
        """Messages Twilio already has for ``to`` (to find a send a crash did not record)."""
        from requests import RequestException
        from twilio.base.exceptions import TwilioException

        try:
            found = self.client.messages.list(to=to, date_sent_after=since, limit=50,
                                               page_size=50)
        except (RequestException, TwilioException, OSError) as exc:
            raise SendError(f"Twilio's message list could not be read: {exc}",
                            retryable=True) from None
        return [SentMessage(str(m.sid), str(m.body or ""), m.date_created) for m in found]


class LocalTransport:
    """Local mode and simulated calls: nothing leaves the machine, the text is only logged."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, body: str, **whatsapp: str | None) -> str:
        sid = ("MM" if whatsapp.get("media_url") else "SM") + uuid.uuid4().hex
        self.sent.append((sid, to, body))
        log.info("local mode: text to %s not sent to Twilio (%d characters)", mask_number(to),
                 len(body))
        return sid

    def sent_to(self, to: str, since: datetime) -> list[SentMessage]:
        return [SentMessage(sid, body, None) for sid, number, body in self.sent if number == to]


def transport_for(settings: Mapping[str, object]) -> Transport:
    """Twilio when an account is configured in production, else the local stand-in: in local
    mode (no auth token) nothing is ever sent, whatever other credentials are set."""
    if settings.get("TWILIO_ACCOUNT_SID") and settings.get("TWILIO_AUTH_TOKEN"):
        return TwilioTransport(settings)
    return LocalTransport()
