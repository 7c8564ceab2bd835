"""Twilio's REST API for the tests: Stoplight Prism serving Twilio's own OpenAPI spec, behind a
small proxy of ours.

Prism checks every request against the spec (required fields, types, SID patterns) and answers
with the spec's example. The proxy adds what a static mock cannot: a unique sid per message, a
message list that holds what was really sent (for crash reconciliation), and faults on demand
(HTTP 500, 429, Twilio error codes, dropped connections, timeouts).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import deque
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
#: Twilio's spec, copied into the repository (see tests/data/twilio/README.md).
SPEC = HERE / "data" / "twilio" / "twilio_api_v2010.json"
#: Installed by `make test` (npm install --prefix .prism).
PRISM = HERE.parent / ".prism" / "node_modules" / ".bin" / "prism"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prism_missing_reason() -> str | None:
    """Why Prism cannot run here (for the benchmarks; tests use ``machine.prism``)."""
    if not PRISM.exists():
        return "Prism is not installed: run `make test` (it installs Prism with npm)"
    return None


class Prism:
    """A running ``prism mock`` of one of Twilio's specs (the REST API's by default) on a
    loopback port."""

    def __init__(self, prism: Path = PRISM, spec: Path = SPEC) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(prism), "mock", str(spec), "-h", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prism exited while starting on {spec.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"prism did not start within 60 s on {spec.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve(handle) -> tuple[ThreadingHTTPServer, str]:
    """A loopback HTTP server in a thread that passes every GET and POST to
    ``handle(handler, method)``; the server and its URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            handle(self, "GET")

        def do_POST(self) -> None:
            handle(self, "POST")

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


class TwilioMock:
    """The proxy in front of Prism. ``faults`` is consumed one per create-message request."""

    def __init__(self, prism_url: str) -> None:
        self.prism_url = prism_url
        self.faults: deque[str] = deque()
        self.created: list[dict] = []  # messages Twilio accepted: sid, to, body, date
        self.requests: list[tuple[str, str, dict]] = []
        self.rejected: list[tuple[int, str]] = []  # Prism's validation failures
        self.server, self.url = serve(self._handle)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        self.faults.clear()
        self.created.clear()
        self.requests.clear()
        self.rejected.clear()

    # -- handling ---------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        path = urlsplit(handler.path).path
        self.requests.append((method, path, form))
        creating = method == "POST" and path.endswith("/Messages.json")
        if creating and self.faults:
            if self._fault(handler, self.faults.popleft()):
                return
        status, payload = self._forward(handler, method, _prism_form(body) if creating else body)
        if status >= 400:
            self.rejected.append((status, payload.decode(errors="replace")))
        elif creating:
            message = json.loads(payload)
            message["sid"] = "SM" + uuid.uuid4().hex
            message["to"], message["body"] = form.get("To"), form.get("Body")
            message["date_created"] = format_datetime(datetime.now(UTC), usegmt=True)
            self.created.append(message)
            payload = json.dumps(message).encode()
        elif method == "GET" and path.endswith("/Messages.json"):
            listing = json.loads(payload)
            query = parse_qs(urlsplit(handler.path).query)
            to = query.get("To", [None])[0]
            listing["messages"] = [m for m in self.created if to is None or m["to"] == to]
            listing["next_page_uri"] = None  # one page holds everything sent in a test
            payload = json.dumps(listing).encode()
        self._answer(handler, status, payload)

    def _forward(self, handler: BaseHTTPRequestHandler, method: str,
                 body: bytes) -> tuple[int, bytes]:
        return forward_request(self.prism_url, handler, method, body)

    def _fault(self, handler: BaseHTTPRequestHandler, fault: str) -> bool:
        if fault == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault == "timeout":
            time.sleep(float(os.environ.get("TWILIO_MOCK_TIMEOUT", "3")))
            handler.close_connection = True
            return True
        status, _, code = fault.partition(":")
        error = {"code": int(code) if code else None, "message": f"injected {fault}",
                 "more_info": "https://www.twilio.com/docs/errors", "status": int(status)}
        self._answer(handler, int(status), json.dumps(error).encode())
        return True

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, payload: bytes) -> None:
        answer_json(handler, status, payload)


def _prism_form(body: bytes) -> bytes:
    """A create-message form as Prism can read it. Twilio's clients send an array field such as
    MediaUrl as plain ``MediaUrl=...`` (once or repeated); Prism 5 reads a form array only as
    ``MediaUrl[]=...`` and refuses the plain one (stoplightio/prism#2473). Renamed, MediaUrl's
    own type goes unchecked, so tests assert the URL themselves; every other field is checked.
    """
    return body.replace(b"MediaUrl=", b"MediaUrl%5B%5D=")


def forward_request(base_url: str, handler: BaseHTTPRequestHandler, method: str,
                    body: bytes) -> tuple[int, bytes]:
    """Pass a proxied request on to ``base_url`` and return its status and body."""
    request = urllib.request.Request(base_url + handler.path, data=body or None, method=method)
    for name in ("Authorization", "Content-Type", "Accept"):
        if handler.headers.get(name):
            request.add_header(name, handler.headers[name])
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def answer_json(handler: BaseHTTPRequestHandler, status: int, payload: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
