"""The outbox worker: sends queued texts at least once, and never twice because of a crash.

A part is claimed (state ``sending``), handed to Twilio, then marked ``sent`` with Twilio's id.
If the worker dies between Twilio accepting a part and recording it, the part is left in
``sending``; before any resend, ``reconcile`` looks for it in Twilio's own message list.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core.privacy import mask_number
from ..store import SENDING, OutboxItem, Store
from . import optout_spool
from .reminders import ReminderPass
from .transport import UNSUBSCRIBED, LocalTransport, SendError, Transport

log = logging.getLogger(__name__)

#: Attempts before a part fails for good (about a day of backing off).
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(seconds=15)
BACKOFF_CAP = timedelta(hours=4)
#: A part left in "sending" this long was abandoned by a worker that stopped.
STALE_AFTER = timedelta(minutes=2)
#: How often the worker tidies the store (late receipts, expired rows, SQLite compaction).
HOUSEKEEPING_EVERY = timedelta(minutes=10)


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
    """Exponential backoff with jitter, so retries after an outage do not arrive together."""
    ceiling = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    return ceiling * (0.5 + rng() / 2)


@dataclass
class RunReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    reconciled: int = 0
    reminders: int = 0
    errors: list[str] = field(default_factory=list)


class OutboxWorker:
    """Sends what is due. ``run_once`` is one pass; ``run_forever`` polls until stopped."""

    def __init__(self, store: Store, transport: Transport, *, worker_id: str | None = None,
                 batch: int = 20, clock: Callable[[], datetime] | None = None,
                 rng: Callable[[], float] = random.random, spool: Path | None = None,
                 reminders: ReminderPass | None = None, per_second: float = 0,
                 sleep: Callable[[float], None] = time.sleep):
        self.store = store
        #: Turns due reminders into outbox texts before each pass (None: not this worker).
        self.reminders = reminders
        #: HELPLINE_SMS_PER_SECOND, shared by all workers through the database (0: no limit).
        self.per_second = per_second
        self.sleep = sleep
        #: Opt-outs a web server could only write to disk while the database was down.
        self.spool = spool
        self.transport = transport
        self.local = LocalTransport()
        self.worker_id = worker_id or f"{socket.gethostname()}:{id(self):x}"
        self.batch = batch
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rng = rng
        self.last_housekeeping: datetime | None = None

    def run_once(self) -> RunReport:
        report = RunReport()
        if self.spool is not None and optout_spool.pending(self.spool):
            optout_spool.replay(self.store, self.spool)  # before anything is sent
        if self.reminders is not None:
            report.reminders = self.reminders.run_once(self.clock()).queued
        self.reconcile(report)
        while True:
            with self.store.transaction() as tx:
                claimed = tx.outbox.claim_due(self.worker_id, self.clock(), self.batch)
            for item in claimed:
                if self.per_second > 0:
                    self._wait_for_slot()
                self._send(item, report)
            if len(claimed) < self.batch:
                return report

    def _wait_for_slot(self) -> None:
        """Take the next sending slot shared by all workers, and wait for it (real time, not
        ``--now``). One slot at a time, just before each send: a worker held up by a slow
        answer never sends a burst to catch up on slots it took earlier."""
        with self.store.transaction() as tx:
            (slot,) = tx.send_rate.take(1, self.per_second, datetime.now(UTC))
        wait = (slot - datetime.now(UTC)).total_seconds()
        if wait > 0:
            self.sleep(wait)

    def _transport(self, item: OutboxItem) -> Transport:
        # Texts from the simulator are shown on its screen, never sent to a real phone.
        return self.local if item.simulated else self.transport

    def _send(self, item: OutboxItem, report: RunReport) -> None:
        # Read the row again right before sending: a STOP (or FORGET) that arrived after the
        # claim has suppressed it, and then nothing may be sent.
        with self.store.reading() as tx:
            current = tx.outbox.item(item.id)
        if current is None or current.state != SENDING or not current.to_number:
            return
        to = current.to_number
        try:
            sid = self._transport(item).send(to, item.body, **_whatsapp(item))
        except SendError as exc:
            self._failed(item, exc, report)
            return
        with self.store.transaction() as tx:
            tx.outbox.mark_sent(item.id, sid, self.clock())
        report.sent += 1

    def _failed(self, item: OutboxItem, exc: SendError, report: RunReport) -> None:
        report.errors.append(str(exc))
        if exc.code == UNSUBSCRIBED and item.to_number:
            # Twilio knows this number said STOP to us: remember it, and drop its queue.
            with self.store.transaction() as tx:
                tx.contacts.record_opt_out(item.to_number, via=f"twilio:{UNSUBSCRIBED}")
        if exc.retryable and item.attempts < MAX_ATTEMPTS:
            wait = backoff(item.attempts, self.rng)
            with self.store.transaction() as tx:
                tx.outbox.schedule_retry(item.id, str(exc), self.clock() + wait,
                                         error_code=exc.code)
            log.warning("text to %s not sent (%s); retry in %ds", mask_number(item.to_number),
                        exc, wait.total_seconds())
            report.retried += 1
        else:
            with self.store.transaction() as tx:
                tx.outbox.mark_failed(item.id, exc.code, str(exc), self.clock())
            log.error("text to %s failed for good: %s", mask_number(item.to_number), exc)
            report.failed += 1

    def reconcile(self, report: RunReport | None = None) -> int:
        """Settle parts a stopped worker left in "sending": sent if Twilio has them, else retry."""
        if report is None:
            report = RunReport()
        now = self.clock()
        with self.store.reading() as tx:
            stale = tx.outbox.stale_sending(now - STALE_AFTER)
        for item in stale:
            if not item.to_number:
                continue
            since = (item.claimed_at or item.created_at) - timedelta(minutes=5)
            try:
                found = self._transport(item).sent_to(_address(item), since)
            except SendError as exc:
                report.errors.append(str(exc))
                continue  # cannot tell yet: never resend blind
            with self.store.transaction() as tx:
                # The same words may have gone to this number before (CHECKLIST twice): a
                # message already matched to another row is not this one.
                taken = tx.outbox.sids_in_use([m.sid for m in found])
                match = next((m for m in found
                              if m.body == _listed_body(item) and m.sid not in taken), None)
                if match is not None:
                    tx.outbox.mark_sent(item.id, match.sid, now)
                else:
                    tx.outbox.schedule_retry(item.id, "sending was interrupted", now)
            report.reconciled += 1
        return report.reconciled

    def housekeeping(self) -> None:
        now = self.clock()
        if self.last_housekeeping is None or now - self.last_housekeeping >= HOUSEKEEPING_EVERY:
            self.store.housekeeping(now)
            self.last_housekeeping = now

    def run_forever(self, stop: threading.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            try:
                self.run_once()
                self.housekeeping()
            except Exception:  # a database outage must not end the worker
                log.exception("outbox pass failed; trying again shortly")
                stop.wait(min(interval * 10, 30))
            stop.wait(interval)


def _whatsapp(item: OutboxItem) -> dict[str, str | None]:
    """What a WhatsApp row adds to a send (nothing for SMS, so any transport can send SMS)."""
    if item.channel != "whatsapp":
        return {}
    return {"channel": item.channel, "media_url": item.media_url,
            "content_sid": item.content_sid, "content_variables": item.content_variables}


def _listed_body(item: OutboxItem) -> str:
    """The body Twilio lists for the row's message: a WhatsApp voice note goes without one."""
    return "" if item.channel == "whatsapp" and item.media_url else item.body


def _address(item: OutboxItem) -> str:
    """Where Twilio lists the row's message: WhatsApp messages under ``whatsapp:+...``."""
    to = item.to_number or ""
    if item.channel == "whatsapp" and not to.startswith("whatsapp:"):
        return "whatsapp:" + to
    return to


def start_in_process(store: Store, transport: Transport, interval: float = 1.0,
                     spool: Path | None = None,
                     reminders: ReminderPass | None = None) -> threading.Event:
    """Local mode: send from a thread of the server itself, so no second process is needed."""
    stop = threading.Event()
    worker = OutboxWorker(store, transport, worker_id=f"local:{socket.gethostname()}",
                          spool=spool, reminders=reminders)
    thread = threading.Thread(target=worker.run_forever, args=(stop, interval),
                              name="outbox-worker", daemon=True)
    thread.start()
    return stop
