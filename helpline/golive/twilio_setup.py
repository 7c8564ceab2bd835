"""Point the operator's Twilio number at this deployment.

The plan is pure (which webhook fields should hold which URL, what changes, how it reads in a
table); ``NumberApi`` is the one seam to Twilio's IncomingPhoneNumbers resource, and turns
every failure into a ``SetupError`` whose message says what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

#: The number's webhook fields, in the order an operator reads them, and our path for each.
#: SMS delivery status callbacks are not here: each outgoing message names its own.
WEBHOOK_PATHS: tuple[tuple[str, str], ...] = (
    ("voice_url", "/voice"),
    ("voice_fallback_url", "/voice/fallback"),
    ("status_callback", "/voice/status"),
    ("sms_url", "/sms"),
    ("sms_fallback_url", "/sms/fallback"),
)
#: Every webhook is a POST: Twilio signs the form body, and GET would put numbers in URLs.
METHOD_FIELDS = ("voice_method", "voice_fallback_method", "status_callback_method",
                 "sms_method", "sms_fallback_method")
FIELDS = tuple(name for name, _ in WEBHOOK_PATHS) + METHOD_FIELDS

T = TypeVar("T")


class SetupError(Exception):
    """Twilio set-up cannot go on; the message is for the operator, with the fix."""


@dataclass(frozen=True)
class NumberConfig:
    """What Twilio has for one IncomingPhoneNumber."""

    sid: str
    phone_number: str
    webhooks: Mapping[str, str]
    #: Set when something other than the URLs answers this number (they would be ignored).
    voice_application_sid: str = ""
    sms_application_sid: str = ""
    trunk_sid: str = ""


def check_public_url(public_url: str, allow_http: bool) -> str:
    """The public URL to point Twilio at, or SetupError saying why it cannot be used."""
    url = (public_url or "").strip().rstrip("/")
    if not url:
        raise SetupError("HELPLINE_PUBLIC_URL is not set. Set it to the https:// address "
                         "Twilio uses to reach this server, e.g. https://help.example.org.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SetupError(f"HELPLINE_PUBLIC_URL {url!r} is not a web address.")
    if parts.scheme != "https" and not allow_http:
        raise SetupError(f"HELPLINE_PUBLIC_URL is {url}, not https://. Twilio would send "
                         "callers' numbers unencrypted. Put the helpline behind HTTPS, or pass "
                         "--allow-http for a test set-up.")
    if parts.query or parts.fragment:
        raise SetupError(f"HELPLINE_PUBLIC_URL {url!r} must not have a query or fragment.")
    return url


def desired_webhooks(public_url: str) -> dict[str, str]:
    """The value each webhook field should have for this deployment."""
    wanted = {name: public_url + path for name, path in WEBHOOK_PATHS}
    wanted.update({name: "POST" for name in METHOD_FIELDS})
    return wanted


def changes(current: Mapping[str, str], wanted: Mapping[str, str]) -> dict[str, str]:
    """Only the fields that differ (Twilio answers null for an unset URL)."""
    return {name: value for name, value in wanted.items() if (current.get(name) or "") != value}


def blockers(number: NumberConfig) -> list[str]:
    """Reasons the number's URLs would be ignored even once set."""
    found = []
    if number.trunk_sid:
        found.append(f"calls to {number.phone_number} go to SIP trunk {number.trunk_sid}")
    if number.voice_application_sid:
        found.append(f"calls to {number.phone_number} go to TwiML App "
                     f"{number.voice_application_sid}")
    if number.sms_application_sid:
        found.append(f"texts to {number.phone_number} go to TwiML App "
                     f"{number.sms_application_sid}")
    return found


def table(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """A before/after table, one line per field; changed lines are marked with ``*``."""
    names = [name for name in FIELDS if name in before or name in after]
    width = max(len(name) for name in names)
    old_width = max([len("before")] + [len(before.get(n) or "(none)") for n in names])
    lines = [f"  {'field':<{width}}  {'before':<{old_width}}  after"]
    for name in names:
        old = before.get(name) or "(none)"
        new = after.get(name) or "(none)"
        mark = "*" if old != new else " "
        lines.append(f"{mark} {name:<{width}}  {old:<{old_width}}  {new}")
    return lines


class NumberApi:
    """Twilio's IncomingPhoneNumbers resource, through the same client the worker sends with."""

    def __init__(self, settings: Mapping[str, Any], timeout: float = 10.0):
        account = str(settings.get("TWILIO_ACCOUNT_SID") or "")
        secret = settings.get("TWILIO_AUTH_TOKEN") or (
            settings.get("TWILIO_API_KEY_SID") and settings.get("TWILIO_API_KEY_SECRET"))
        if not account or not secret:
            raise SetupError("Twilio credentials are not set: set TWILIO_ACCOUNT_SID and "
                             "TWILIO_AUTH_TOKEN (or TWILIO_API_KEY_SID and "
                             "TWILIO_API_KEY_SECRET) in the environment.")
        from ..outbound.transport import TwilioTransport

        self.account = account
        self.client = TwilioTransport(settings, timeout=timeout).client
        self.where = str(settings.get("TWILIO_API_BASE_URL") or "https://api.twilio.com")

    def find(self, phone_number: str) -> NumberConfig:
        """The account's number equal to ``phone_number``, or SetupError naming what there is."""
        if not phone_number:
            raise SetupError("No number to set up: set TWILIO_FROM_NUMBER (or pass --number) "
                             "to the Twilio number callers will dial, e.g. +14155550100.")
        found = self._call(lambda: self.client.incoming_phone_numbers.list(
            phone_number=phone_number, limit=20))
        for record in found:
            if record.phone_number == phone_number:
                return self._config(record)
        others = self._call(lambda: self.client.incoming_phone_numbers.list(limit=20))
        have = ", ".join(str(r.phone_number) for r in others) or "no numbers at all"
        raise SetupError(f"{phone_number} is not a phone number of Twilio account "
                         f"{self.account} (it has {have}). Buy or port the number into this "
                         "account, or set TWILIO_FROM_NUMBER to one it has.")

    def update(self, number: NumberConfig, values: Mapping[str, str]) -> NumberConfig:
        record = self._call(
            lambda: self.client.incoming_phone_numbers(number.sid).update(**values))
        return self._config(record)

    @staticmethod
    def _config(record: Any) -> NumberConfig:
        return NumberConfig(
            sid=str(record.sid),
            phone_number=str(record.phone_number),
            webhooks={name: str(getattr(record, name, None) or "") for name in FIELDS},
            voice_application_sid=str(record.voice_application_sid or ""),
            sms_application_sid=str(record.sms_application_sid or ""),
            trunk_sid=str(record.trunk_sid or ""),
        )

    def _call(self, request: Callable[[], T]) -> T:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            return request()
        except TwilioRestException as exc:
            raise self._refused(exc.status, exc.code, exc.msg) from None
        except (RequestException, OSError):
            raise SetupError(f"Could not reach Twilio at {self.where}. "
                             "Check this machine's network connection, DNS and any outbound "
                             "proxy, then try again.") from None
        except TwilioException as exc:
            # A list page that fails arrives as ("Unable to fetch page", response).
            response = exc.args[1] if len(exc.args) > 1 else None
            status = getattr(response, "status_code", None)
            if status is None:
                raise SetupError(f"Twilio client error: {exc.args[0] if exc.args else exc}") \
                    from None
            try:
                error = json.loads(response.text)
            except (TypeError, ValueError):
                error = {}
            raise self._refused(status, error.get("code"), error.get("message", "")) from None

    def _refused(self, status: int, code: object, message: str) -> SetupError:
        """Twilio's HTTP error as a sentence that says what to fix."""
        if status == 401:
            return SetupError(
                f"Twilio refused the credentials for account {self.account} (HTTP 401). "
                "Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY_SID and "
                "TWILIO_API_KEY_SECRET): copy them again from the Twilio console.")
        if status == 404:
            return SetupError(f"Twilio has no such resource in account {self.account} "
                              f"(HTTP 404): {message}")
        return SetupError(f"Twilio answered HTTP {status}"
                          f"{f' (error {code})' if code else ''}: {message}")
