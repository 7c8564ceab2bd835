"""Who may open the operator pages (simulator, reports).

Local mode: anyone on this machine. Production: HTTP basic auth with HELPLINE_ADMIN_PASSWORD,
reached through the https public URL (the proxy in front terminates TLS). Neither: the pages
are off (404), so a production helpline never exposes them by accident.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable

from flask import Response, abort, current_app, request

log = logging.getLogger(__name__)

REALM = "Helpline operators"

#: Failed attempts per client address before answers slow down, and the slowest answer.
FREE_FAILURES = 5
MAX_DELAY_SECONDS = 8.0


class _Failures:
    """Recent failed logins per client, to slow down password guessing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def delay_for(self, client: str) -> float:
        with self._lock:
            count, last = self._counts.get(client, (0, 0.0))
            if time.monotonic() - last > 900:  # forget after 15 quiet minutes
                return 0.0
        return min(MAX_DELAY_SECONDS, 0.5 * 2 ** (count - FREE_FAILURES)) if (
            count >= FREE_FAILURES) else 0.0

    def failed(self, client: str) -> None:
        with self._lock:
            count, _ = self._counts.get(client, (0, 0.0))
            self._counts[client] = (count + 1, time.monotonic())
            if len(self._counts) > 10_000:  # bounded memory under a spray of addresses
                self._counts.pop(next(iter(self._counts)))

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._counts.pop(client, None)


FAILURES = _Failures()
#: Sleeps between failed attempts; tests replace it to observe the delay without waiting.
sleep: Callable[[float], None] = time.sleep


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


def check_admin() -> Response | None:
    """None when the request may see the operator pages, else the answer to give."""
    access = admin_access()
    if access == "open":
        return None
    if access == "off":
        abort(404)
    client = request.remote_addr or "?"
    auth = request.authorization
    expected = str(current_app.config["HELPLINE_ADMIN_PASSWORD"])
    given = (auth.password or "") if auth is not None and auth.type == "basic" else ""
    if given and hmac.compare_digest(given.encode(), expected.encode()):
        FAILURES.succeeded(client)
        return None
    if auth is not None:
        delay = FAILURES.delay_for(client)
        FAILURES.failed(client)
        log.warning("wrong operator password from %s", client)
        if delay:
            sleep(delay)
    return _challenge()

