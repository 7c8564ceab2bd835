"""Who may open the operator pages (simulator, reports).

Local mode: anyone on this machine. Production: HTTP basic auth with HELPLINE_ADMIN_PASSWORD,
reached through the https public URL (the proxy in front terminates TLS). Neither: the pages
are off (404), so a production helpline never exposes them by accident.
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections.abc import Callable

from flask import Response, abort, current_app, request

log = logging.getLogger(__name__)

REALM = "Helpline operators"

#: Failed attempts per client address before it must wait, and the longest wait.
FREE_FAILURES = 5
MAX_LOCKOUT_SECONDS = 900

#: On every operator page: no framing (clickjacking), no scripts but our own files, no
#: address of an operator page sent to another site.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class _Failures:
    """Recent failed sign-ins per client address, to turn password guessing away.

    Never by sleeping: a sleeping worker thread is one fewer for Twilio's webhooks, so forty
    wrong guesses would make callers wait. A client past its free tries is told at once to come
    back later (429 with Retry-After), and each further failure doubles the wait.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._counts: dict[str, tuple[int, float]] = {}

    def wait_for(self, client: str) -> int:
        """Seconds this client must still wait before trying again (0: it may try now)."""
        with self._lock:
            count, last = self._counts.get(client, (0, 0.0))
        if count < FREE_FAILURES:
            return 0
        lockout = min(MAX_LOCKOUT_SECONDS, 2 ** (count - FREE_FAILURES))
        return max(0, math.ceil(last + lockout - self._clock()))

    def failed(self, client: str) -> None:
        with self._lock:
            count, last = self._counts.get(client, (0, 0.0))
            if self._clock() - last > MAX_LOCKOUT_SECONDS:  # a quiet spell starts afresh
                count = 0
            self._counts[client] = (count + 1, self._clock())
            if len(self._counts) > 10_000:  # bounded memory under a spray of addresses
                self._counts.pop(next(iter(self._counts)))

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._counts.pop(client, None)


FAILURES = _Failures()


def admin_access() -> str:
    """'open' (local mode), 'password' (production with a password) or 'off'."""
    if current_app.config.get("LOCAL_MODE"):
        return "open"
    if current_app.config.get("HELPLINE_ADMIN_PASSWORD"):
        return "password"
    return "off"


def _challenge() -> Response:
    return Response("Sign in with the operator password (HELPLINE_ADMIN_PASSWORD).\n", 401,
                    {"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
                    mimetype="text/plain")


def _too_many(wait: int) -> Response:
    return Response(f"Too many wrong passwords from this address. Try again in {wait} "
                    "seconds.\n", 429, {"Retry-After": str(wait)}, mimetype="text/plain")


def check_admin() -> Response | None:
    """None when the request may see the operator pages, else the answer to give."""
    access = admin_access()
    if access == "open":
        return None
    if access == "off":
        abort(404)
    client = request.remote_addr or "?"
    wait = FAILURES.wait_for(client)
    if wait:  # even the right password waits: otherwise guessing would go on at full speed
        return _too_many(wait)
    auth = request.authorization
    expected = str(current_app.config["HELPLINE_ADMIN_PASSWORD"])
    given = (auth.password or "") if auth is not None and auth.type == "basic" else ""
    if given and hmac.compare_digest(given.encode(), expected.encode()):
        FAILURES.succeeded(client)
        return None
    if auth is not None:
        FAILURES.failed(client)
        log.warning("wrong operator password from %s", client)
    return _challenge()


def add_security_headers(response: Response) -> Response:
    """An ``after_request`` hook for every operator blueprint."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response

