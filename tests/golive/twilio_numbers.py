"""Twilio's IncomingPhoneNumbers, as `helpline twilio setup` and `doctor` meet them.

Prism checks every request against Twilio's spec but answers with the spec's static example
(someone else's number). This proxy forwards each request to Prism first, so a request the spec
rejects still fails, then answers from the numbers the test gave the account, keeps what an
update sets, checks the credentials as Twilio does (401, error 20003), and injects network
faults on demand.
"""

from __future__ import annotations

import base64
import json
import re
import socket
from collections import deque
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from ..twilio_mock import TwilioMock

_NUMBERS = re.compile(r"/Accounts/(AC\w+)/IncomingPhoneNumbers(?:/(PN\w+))?\.json$")


def snake(name: str) -> str:
    """VoiceFallbackUrl -> voice_fallback_url, as Twilio's JSON names its form fields."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def number_record(account: str, sid: str, phone_number: str, **fields: object) -> dict:
    """An IncomingPhoneNumber as Twilio's API returns it, unconfigured unless ``fields`` say."""
    record: dict[str, object] = {
        "account_sid": account, "sid": sid, "phone_number": phone_number,
        "friendly_name": phone_number, "api_version": "2010-04-01",
        "capabilities": {"voice": True, "sms": True, "mms": False, "fax": False},
        "voice_url": None, "voice_method": "POST", "voice_fallback_url": None,
        "voice_fallback_method": "POST", "status_callback": "", "status_callback_method": "POST",
        "sms_url": "", "sms_method": "POST", "sms_fallback_url": "", "sms_fallback_method": "POST",
        "voice_application_sid": "", "sms_application_sid": "", "trunk_sid": None,
        "status": "in-use", "type": "local",
        "uri": f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{sid}.json",
    }
    record.update(fields)
    return record


class NumbersApi(TwilioMock):
    """The fault proxy, extended with one account's phone numbers and credential checks."""

    def __init__(self, prism_url: str) -> None:
        super().__init__(prism_url)
        self.numbers: dict[str, dict] = {}
        self.credentials: tuple[str, str] | None = None
        self.network_faults: deque[str] = deque()
        self.updates: list[dict] = []

    def reset(self) -> None:
        super().reset()
        self.numbers = {}
        self.credentials = None
        self.network_faults = deque()
        self.updates = []

    def add_number(self, account: str, phone_number: str, **fields: object) -> dict:
        sid = "PN" + f"{len(self.numbers) + 1:032x}"
        self.numbers[sid] = number_record(account, sid, phone_number, **fields)
        return self.numbers[sid]

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(handler.path).path
        match = _NUMBERS.search(path)
        if match is None:
            super()._handle(handler, method)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        self.requests.append((method, path, {k: v[0] for k, v in parse_qs(body.decode()).items()}))
        if self.network_faults:
            self.network_faults.popleft()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if not self._authorised(handler):
            self._error(handler, 401, 20003, "Authenticate")
            return
        status, payload = self._forward(handler, method, body)
        if status >= 400:  # the spec said no: pass Prism's answer on
            self.rejected.append((status, payload.decode(errors="replace")))
            self._answer(handler, status, payload)
            return
        sid = match.group(2)
        if sid is None:
            self._list(handler, payload)
        elif sid not in self.numbers:
            self._error(handler, 404, 20404, f"The requested resource {path} was not found")
        else:
            if method == "POST":
                form = {snake(k): v[0] for k, v in parse_qs(body.decode()).items()}
                self.updates.append(form)
                self.numbers[sid].update(form)
            self._answer(handler, 200, json.dumps(self.numbers[sid]).encode())

    def _list(self, handler: BaseHTTPRequestHandler, payload: bytes) -> None:
        listing = json.loads(payload)
        wanted = parse_qs(urlsplit(handler.path).query).get("PhoneNumber", [""])[0]
        # Twilio's PhoneNumber filter matches a pattern, so a prefix finds several.
        listing["incoming_phone_numbers"] = [
            n for n in self.numbers.values() if wanted.lstrip("+") in str(n["phone_number"])]
        listing["next_page_uri"] = None
        self._answer(handler, 200, json.dumps(listing).encode())

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        if self.credentials is None:
            return True
        expected = base64.b64encode(":".join(self.credentials).encode()).decode()
        return handler.headers.get("Authorization", "") == f"Basic {expected}"

    def _error(self, handler: BaseHTTPRequestHandler, status: int, code: int,
               message: str) -> None:
        error = {"code": code, "message": message, "status": status,
                 "more_info": f"https://www.twilio.com/docs/errors/{code}"}
        self._answer(handler, status, json.dumps(error).encode())
