"""The production server: `helpline serve --production` (gunicorn, packaged config) on a
loopback port, driven by a signed call and a signed text as Twilio would send them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from helpline.web.logs import install_masking

from ..conftest import _PLAIN_NUMBER, AUTH_TOKEN, DATABASES
from ..twilio_mock import free_port

HELPLINE = Path(sys.executable).parent / "helpline"
CALLER = "+447400123001"
CAREGIVER_DIGITS = "07400123456"


class Production:
    """A gunicorn master started the way an operator's systemd unit starts it."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "gunicorn.log"
        database = tmp_path / "helpline.sqlite3"
        DATABASES.append(database)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("HELPLINE_", "TWILIO_", "DATABASE_URL"))}
        env.update({
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_FROM_NUMBER": "+15005550006", "HELPLINE_PUBLIC_URL": self.url,
            "HELPLINE_SECRET_KEY": "test-secret-key-for-hashing-numbers",
            "HELPLINE_INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{database}", "HELPLINE_LANGUAGES": "en",
        })
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(HELPLINE), "serve", "--production", "--port", str(self.port),
                 "--workers", "2"],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.validator = RequestValidator(AUTH_TOKEN)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /healthz in {timeout} s:\n{self.log()}")

    def post(self, path: str, params: dict, signed: bool = True) -> requests.Response:
        # Headers a TLS-terminating proxy adds; with HELPLINE_TRUSTED_PROXIES unset they must
        # change nothing, and the signature still holds against the configured public URL.
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        if signed:
            headers["X-Twilio-Signature"] = self.validator.compute_signature(
                self.url + path, params)
        return requests.post(self.url + path, data=params, headers=headers, timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        return self.process.returncode


@pytest.fixture
def production(tmp_path):
    if not HELPLINE.exists():
        pytest.skip("the helpline command is not installed into this environment")
    # This process plays Twilio; its HTTP client logs the step URLs (with the typed digits) at
    # DEBUG, and the run's leak scan reads every log line, so mask them here too.
    install_masking()
    server = Production(tmp_path)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def gather_action(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    gather = ET.fromstring(response.content).find("Gather")
    assert gather is not None, response.text
    return gather.get("action")


def call(step: int) -> dict:
    return {"CallSid": "CA" + "5" * 32, "AccountSid": "AC" + "0" * 32, "From": CALLER,
            "To": "+15005550006", "CallStatus": "in-progress", "Direction": "inbound",
            "ApiVersion": "2010-04-01", "SequenceNumber": str(step)}


def test_it_answers_a_signed_call_and_text_and_masks_numbers_in_its_access_log(production):
    main = gather_action(production.post("/voice", call(0)))
    question = gather_action(production.post(main, {**call(1), "Digits": "3"}))
    offer = gather_action(production.post(question, {**call(2), "Digits": "6"}))
    number = gather_action(production.post(offer, {**call(3), "Digits": "3"}))
    confirm = gather_action(production.post(number, {**call(4), "Digits": CAREGIVER_DIGITS}))
    retype = gather_action(production.post(confirm, {**call(5), "Digits": "2"}))
    text = production.post("/sms", {"MessageSid": "SM" + "5" * 32, "AccountSid": "AC" + "0" * 32,
                                    "From": CALLER, "To": "+15005550006", "Body": "CHECKLIST",
                                    "NumMedia": "0"})
    forged = production.post("/voice", call(0), signed=False)
    # A malformed request gunicorn refuses itself: its own warning line must be masked too.
    with socket.create_connection(("127.0.0.1", production.port), timeout=5) as raw:
        raw.sendall(f"GARBAGE {CAREGIVER_DIGITS}\r\n\r\n".encode())
        refused_raw = raw.recv(64)
    # A graceful reload (systemctl reload): new workers, and no call refused meanwhile.
    production.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while "Hang up: " not in production.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    after_reload = [production.post("/voice", call(0)).status_code for _ in range(5)]

    assert CAREGIVER_DIGITS[3:] not in confirm and "&t=" in confirm  # sealed, never plain
    assert "caregiver_number" in retype
    assert text.status_code == 200
    messages = ET.fromstring(text.content).findall("Message")
    assert messages and all(m.text for m in messages)
    assert forged.status_code == 403
    assert refused_raw.startswith(b"HTTP/1.1 400")
    assert after_reload == [200] * 5
    assert production.stop() == 0
    log = production.log()
    assert "Hang up: " in log
    assert re.search(r'"POST /voice HTTP/1.1" 200 ', log)
    assert re.search(r'"POST /voice/step\?[^"]*&t=[\w-]+ HTTP/1.1" 200 ', log)
    assert re.search(r'"POST /sms HTTP/1.1" 200 ', log)
    assert '"POST /voice HTTP/1.1" 403 ' in log
    assert "Invalid HTTP request line: 'GARBAGE [" in log
    assert CAREGIVER_DIGITS not in log and CAREGIVER_DIGITS[1:] not in log
    assert _PLAIN_NUMBER.findall(log) == []
