"""Twilio's Messaging, Pricing and Lookups APIs for the tests: one Prism per spec (from
tests/data/twilio/, started on first use), behind one proxy that routes by path.

Prism checks each request against Twilio's spec and answers with the spec's example; the proxy
then answers from what the test says the account holds (its messaging services, A2P
campaigns, toll-free verifications, line types, prices), keeping the example's shape. Paths
under /2010-04-01 go on to ``upstream`` (the REST API mock of the other tests).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .twilio_mock import PRISM, answer_json, forward_request, free_port

SPECS = Path(__file__).resolve().parent / "data" / "twilio"
#: Path prefix -> the spec that describes it (the first that matches wins).
ROUTES = (("/v1/Messaging/", "twilio_pricing_v1.json"), ("/v1/", "twilio_messaging_v1.json"),
          ("/v2/PhoneNumbers/", "twilio_lookups_v2.json"))


def prism_missing_reason() -> str | None:
    if not PRISM.exists():
        return "Prism is not installed: run `make test` (npm install --prefix .prism)"
    return None


def start_prism(spec: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([str(PRISM), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                               env={**os.environ, "NO_COLOR": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prism exited while starting on {spec.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"prism did not start within 60 s on {spec.name}")


class CarrierApis:
    """The proxy. Set the account's state on it; ``requests`` lists what the helpline asked."""

    def __init__(self, upstream: str | None = None) -> None:
        self.upstream = upstream
        self._prisms: dict[str, tuple[subprocess.Popen, str]] = {}
        self._lock = threading.Lock()
        self.reset()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                api._handle(self, "GET")

            def do_POST(self) -> None:
                api._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        self.services: dict[str, list[str]] = {}      # MG sid -> numbers in its sender pool
        self.campaigns: dict[str, list[str]] = {}     # MG sid -> campaign statuses
        self.toll_free: dict[str, tuple[str, str]] = {}  # number -> (status, rejection reason)
        self.line_types: dict[str, str] = {}          # number -> line type
        self.prices: dict[str, dict[str, str]] = {}   # ISO country -> {carrier: price}
        self.price_unit = "USD"
        self.requests: list[tuple[str, str]] = []
        self.rejected: list[tuple[int, str]] = []

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        for process, _ in self._prisms.values():
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()

    def start(self, *specs: str) -> None:
        """Start these specs' Prisms now, for callers whose timeout is shorter than a start."""
        for spec in specs:
            self._prism(spec)

    def _prism(self, spec: str) -> str:
        with self._lock:
            if spec not in self._prisms:
                self._prisms[spec] = start_prism(SPECS / spec)
            return self._prisms[spec][1]

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = unquote(urlsplit(handler.path).path)
        self.requests.append((method, path))
        if path.startswith("/2010-04-01/") and self.upstream:
            status, payload = forward_request(self.upstream, handler, method, body)
            answer_json(handler, status, payload)
            return
        spec = next((spec for prefix, spec in ROUTES if path.startswith(prefix)), None)
        if spec is None:
            answer_json(handler, 404, b'{"code": 20404, "message": "not mocked", "status": 404}')
            return
        status, payload = forward_request(self._prism(spec), handler, method, body)
        if status >= 400:
            self.rejected.append((status, payload.decode(errors="replace")))
        else:
            query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
            payload = json.dumps(self._answer(path, query, json.loads(payload))).encode()
        answer_json(handler, status, payload)

    # -- the account, in the shape of the spec's examples ------------------------------------

    def _answer(self, path: str, query: dict, example: dict) -> dict:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "Services"] and len(parts) == 2:
            return _listing(example, "services", [{"sid": sid, "friendly_name": sid}
                                                  for sid in self.services])
        if parts[:2] == ["v1", "Services"] and parts[3:] == ["PhoneNumbers"]:
            return _listing(example, "phone_numbers", [
                {"phone_number": n, "service_sid": parts[2], "sid": f"PN{i:032x}"}
                for i, n in enumerate(self.services.get(parts[2], []))])
        if parts[:2] == ["v1", "Services"] and parts[3:] == ["Compliance", "Usa2p"]:
            return _listing(example, "compliance", [
                {"campaign_status": status, "messaging_service_sid": parts[2]}
                for status in self.campaigns.get(parts[2], [])])
        if parts == ["v1", "Tollfree", "Verifications"]:
            return _listing(example, "verifications", [
                {"tollfree_phone_number": n, "status": status, "rejection_reason": reason or None}
                for n, (status, reason) in self.toll_free.items()])
        if parts[:2] == ["v2", "PhoneNumbers"]:
            number = parts[2]
            kind = self.line_types.get(number)
            return {**example, "phone_number": number, "line_type_intelligence": None
                    if kind is None else {"type": kind, "carrier_name": "Test Carrier",
                                          "mobile_country_code": "234",
                                          "mobile_network_code": "10", "error_code": None}}
        if parts[:3] == ["v1", "Messaging", "Countries"]:
            country = parts[3]
            template = example["outbound_sms_prices"][0]
            return {**example, "iso_country": country, "price_unit": self.price_unit,
                    "outbound_sms_prices": [
                        {**template, "carrier": carrier, "prices": [
                            {"number_type": "mobile", "base_price": price,
                             "current_price": price}]}
                        for carrier, price in self.prices.get(country, {}).items()]}
        return example


def _listing(example: dict, key: str, items: list[dict]) -> dict:
    template = example[key][0] if example.get(key) else {}
    answer = {**example, key: [{**template, **item} for item in items]}
    if "meta" in answer:
        answer["meta"] = {**answer["meta"], "next_page_url": None}
    return answer
