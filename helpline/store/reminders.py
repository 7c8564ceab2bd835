"""Reminders waiting to be sent: set, listed, cancelled, and claimed by workers when due.

A row holds its number sealed (``tx.cipher``) and is deleted when its text is queued in the
outbox or the reminder is cancelled, so nothing about it outlives its last message. Claims
follow the outbox: PostgreSQL ``FOR UPDATE SKIP LOCKED`` (any number of workers take
disjoint rows), SQLite one writer at a time (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from .models import Reminder, utcnow
from .topic import Topic


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder, its number opened (None if no key opens it any more)."""

    id: int
    batch: str
    kind: str
    language: str
    time_zone: str
    appointment: date
    due_at: datetime
    channel: str
    simulated: bool
    to_hash: str
    number: str | None
    origin: str | None


@dataclass(frozen=True)
class Scheduled:
    """What REMINDERS shows: one waiting text, no number."""

    kind: str
    appointment: date
    due_at: datetime
    time_zone: str
    to_owner: bool


class Reminders(Topic):
    """Set, list, cancel and claim reminders."""

    def add(self, owner: str, to: str, planned: Sequence[tuple[str, datetime]], *,
            appointment: date, language: str, time_zone: str, channel: str,
            origin: str | None = None, simulated: bool = False, batch: str | None = None,
            now: datetime | None = None) -> str:
        """Store one reminder text per (kind, due) in ``planned``; returns their batch id."""
        now = now or utcnow()
        batch = batch or str(uuid.uuid4())
        to_hash = self._hasher.hash(to)
        cipher = self._cipher()
        self._session.add_all([
            Reminder(batch=batch, owner_hash=self._hasher.hash(owner), to_hash=to_hash,
                     number_sealed=cipher.seal(to, to_hash),
                     origin_sealed=cipher.seal(origin, to_hash) if origin else None,
                     kind=kind, language=language, time_zone=time_zone,
                     appointment=appointment, due_at=due, channel=channel,
                     simulated=simulated, created_at=now)
            for kind, due in planned])
        self._session.flush()
        return batch

    def scheduled(self, owner: str) -> list[Scheduled]:
        """What waits for the number's own reminders and the copies it set for others."""
        hashes = self._hasher.candidates(owner)
        rows = self._session.scalars(
            select(Reminder).where(Reminder.owner_hash.in_(hashes))
            .order_by(Reminder.due_at, Reminder.id))
        return [Scheduled(r.kind, r.appointment, r.due_at, r.time_zone, r.to_hash in hashes)
                for r in rows]

    def cancel(self, owner: str) -> int:
        """REMIND OFF: every reminder the number set (its caregivers' copies too)."""
        hashes = self._hasher.candidates(owner)
        self._lock_numbers(hashes[0])
        return self._delete(Reminder, Reminder.owner_hash.in_(hashes))

    def drop_for(self, number: str) -> int:
        """STOP or FORGET: nothing waits to be sent to, or on behalf of, this number."""
        hashes = self._hasher.candidates(number)
        return (self._delete(Reminder, Reminder.to_hash.in_(hashes))
                + self._delete(Reminder, Reminder.owner_hash.in_(hashes)))

    def owner_batches(self, owner: str) -> list[tuple[str, str, str, date, datetime]]:
        """(batch, language, time zone, appointment, questions due) of the number's own
        reminders that still have their questions to send: a SHARE copies those."""
        hashes = self._hasher.candidates(owner)
        rows = self._session.execute(
            select(Reminder.batch, Reminder.language, Reminder.time_zone,
                   Reminder.appointment, Reminder.due_at)
            .where(Reminder.owner_hash.in_(hashes), Reminder.to_hash.in_(hashes),
                   Reminder.kind == "questions"))
        return [tuple(row) for row in rows]

    def claim_due(self, now: datetime, limit: int = 50) -> list[DueReminder]:
        """Lock up to ``limit`` due rows for this transaction; no other worker sees them.

        The caller queues each one's text and ``finish``es it in the same transaction, so a
        reminder is queued exactly once: a worker that dies mid-way rolls back, and the rows
        are due again for the next.
        """
        stmt = (select(Reminder).where(Reminder.due_at <= now)
                .order_by(Reminder.due_at, Reminder.id).limit(limit)
                .with_for_update(skip_locked=True))
        cipher = self._cipher()
        return [DueReminder(
            id=r.id, batch=r.batch, kind=r.kind, language=r.language, time_zone=r.time_zone,
            appointment=r.appointment, due_at=r.due_at, channel=r.channel,
            simulated=r.simulated, to_hash=r.to_hash,
            number=cipher.open(r.number_sealed, r.to_hash),
            origin=cipher.open(r.origin_sealed, r.to_hash) if r.origin_sealed else None)
            for r in self._session.scalars(stmt)]

    def finish(self, reminder_ids: Sequence[int]) -> int:
        """Delete reminders whose text is queued (or refused): their number goes with them."""
        if not reminder_ids:
            return 0
        return self._delete(Reminder, Reminder.id.in_(list(reminder_ids)))

    def postpone(self, reminder_id: int, due_at: datetime) -> None:
        """Due in the local night: wait for the morning."""
        row = self._session.get(Reminder, reminder_id)
        if row is not None:
            row.due_at = due_at

    def waiting(self) -> int:
        """How many reminder texts wait (for doctor and the benchmark)."""
        return int(self._session.scalar(select(func.count()).select_from(Reminder)) or 0)

    def _cipher(self):
        if self._tx.cipher is None:
            raise RuntimeError("reminders need a Store with a number cipher")
        return self._tx.cipher
