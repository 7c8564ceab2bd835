"""Anonymous usage counts, written off the request path so they never slow or fail a call.

An event says what happened (a screen reached, a text sent, an opt-out) and in which language:
never a phone number, never a CallSid. Events wait in memory and are written in batches by a
background thread; if the database is down they wait (up to a bound) and are written later.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app, has_app_context

from .webhook import is_simulated

log = logging.getLogger(__name__)

EXTENSION = "helpline.web.usage"

#: Events kept while the database is unreachable; beyond this the oldest are dropped.
MAX_PENDING = 10_000


class UsageRecorder:
    """Collects events and hands them to ``sink`` in batches."""

    def __init__(self, sink: Callable[[list[dict]], None], interval: float = 2.0):
        self.sink = sink
        self.interval = interval
        self.pending: deque[dict] = deque(maxlen=MAX_PENDING)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def record(self, event: dict) -> None:
        self.pending.append(event)
        if self._thread is None and self.interval > 0:
            self._start()

    def flush(self) -> int:
        """Write what is waiting; returns how many were written. Never raises."""
        with self._lock:
            batch = [self.pending.popleft() for _ in range(len(self.pending))]
            if not batch:
                return 0
            try:
                self.sink(batch)
            except Exception as exc:
                log.warning("usage events not written yet (%s); will retry", exc)
                self.pending.extendleft(reversed(batch))
                return 0
            return len(batch)

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="usage-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        self._stop.set()
        self.flush()


def store_sink(store) -> Callable[[list[dict]], None]:
    """Write a batch in one transaction; raises if the database cannot be reached."""

    def write(batch: list[dict]) -> None:
        with store.transaction() as tx:
            tx.usage.record(batch)

    return write


def init_app(app: Flask, store) -> None:
    """Events are written every two seconds; in tests only when ``flush()`` is called."""
    interval = 0.0 if app.testing else 2.0
    app.extensions[EXTENSION] = UsageRecorder(store_sink(store), interval)


def recorder(app: Flask) -> UsageRecorder:
    """The app's event recorder (``flush()`` writes what waits, as the writer thread does)."""
    return app.extensions[EXTENSION]


def record(channel: str, kind: str, content_id: str | None = None, language: str | None = None,
           detail: str | None = None) -> None:
    """Count one anonymous event; best effort, never raises into a webhook."""
    try:
        if not has_app_context():
            return
        recorder: UsageRecorder | None = current_app.extensions.get(EXTENSION)
        if recorder is None:
            return
        simulated = is_simulated()
        recorder.record({
            "channel": channel, "kind": kind, "content_id": content_id, "language": language,
            "detail": detail, "simulated": simulated, "created_at": datetime.now(UTC),
        })
    except Exception:  # counting must never cost a caller anything
        log.warning("could not count a usage event", exc_info=True)


def duration_bucket(seconds: str | int | None) -> str:
    """A call's length, coarse enough to say nothing about one caller."""
    try:
        value = int(seconds or 0)
    except (TypeError, ValueError):
        return "unknown"
    for limit, name in ((60, "under 1 min"), (180, "1-3 min"), (600, "3-10 min")):
        if value < limit:
            return name
    return "over 10 min"


