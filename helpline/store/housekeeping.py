"""Privacy and tidying: forget a number, expire what is old, keep no number longer than needed.

FORGET runs in the SMS webhook, so it only deletes rows and notes that the SQLite file owes a
compaction; the worker's periodic housekeeping (``Store.housekeeping``) pays it, as it does
after sent messages have dropped their numbers. Nothing slow runs while Twilio waits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from ..core.privacy import mask_number
from .models import (
    DELIVERED,
    FAILED,
    SENT,
    SUPPRESSED,
    UNSENT_STATES,
    OutboxMessage,
    utcnow,
)
from .topic import Topic

log = logging.getLogger(__name__)

#: Store meta: when the SQLite file was last compacted (when that compaction began).
COMPACTED_AT = "compacted_at"
#: Store meta: when a number was last forgotten; a compaction is owed until one begins later.
FORGOTTEN_AT = "forgotten_at"

#: What ``forget`` returns, in the order the command line reports it.
FORGET_COUNTS = (
    "contacts",
    "contact_details",
    "outbox_unsent",
    "outbox_sent",
    "reminders",
    "opt_out_kept",
    "returning_caller",
    "whatsapp_window",
)

_FINISHED = (SENT, DELIVERED, FAILED, SUPPRESSED)
#: Days a WhatsApp window row (when the number last wrote, what it last asked for) is kept.
WHATSAPP_KEEP_DAYS = 90


class Housekeeping(Topic):
    """Erasure on request, and the periodic clean-up the worker runs."""

    def forget(self, number: str) -> dict[str, int]:
        """Delete everything keyed to the number except an opt-out, which must outlive it.

        Returns counts: ``contacts`` deleted, ``contact_details`` (language, opt-in history)
        cleared from a kept opt-out, ``outbox_unsent`` and ``outbox_sent`` rows, and
        ``opt_out_kept`` (0 or 1). Sending-limit counts stay: they cannot be linked to the
        number, end with their day, and must not be reset by asking to be forgotten.
        """
        hashes = self._hasher.candidates(number)
        self._lock_numbers(hashes[0])
        counts = dict.fromkeys(FORGET_COUNTS, 0)
        contacts = self._tx.contacts.records_of(number, lock=True)
        keep = None
        # DISCREET protects the person as STOP does: both outlive FORGET.
        discreet = any(c.discreet for c in contacts)
        if any(c.opted_out for c in contacts) or discreet:
            keep = next((c for c in contacts if c.number_hash == hashes[0]), None)
            keep = keep or next(c for c in contacts if c.opted_out or c.discreet)
        source = next((c for c in contacts if c.opted_out), None)
        opt_out = (source.opted_out_at, source.opted_out_via) if source else None
        for contact in contacts:
            if contact is not keep:
                self._session.delete(contact)
                counts["contacts"] += 1
        self._session.flush()  # deletes first: the kept row may take over the current hash
        if keep is not None:
            if keep.language or keep.opted_in_at or keep.opted_in_via or keep.position:
                counts["contact_details"] = 1
            keep.number_hash, keep.language = hashes[0], None
            keep.position = keep.position_at = None
            keep.opted_in_at = keep.opted_in_via = None
            keep.discreet = discreet
            if opt_out is not None:
                keep.opted_out, (keep.opted_out_at, keep.opted_out_via) = True, opt_out
                counts["opt_out_kept"] = 1
            self._session.flush()
        to_them = OutboxMessage.to_hash.in_(hashes)
        counts["outbox_unsent"] = self._delete(
            OutboxMessage, to_them, OutboxMessage.state.in_(UNSENT_STATES)
        )
        counts["outbox_sent"] = self._delete(OutboxMessage, to_them)
        counts["reminders"] = self._tx.reminders.drop_for(number)
        counts["returning_caller"] = self._tx.callers.forget(number)
        # The number's WhatsApp window, last content and pending offer, whichever way it asks.
        address = number if str(number).startswith("whatsapp:") else f"whatsapp:{number}"
        counts["whatsapp_window"] = self._tx.whatsapp.forget(address)
        self._tx.meta.set(FORGOTTEN_AT, utcnow().isoformat())
        log.info("Forgot %s: %s", mask_number(number), counts)
        return counts

    def clean_up(self, now: datetime | None = None, *, keep_days: int = 30) -> dict[str, int]:
        """Late receipts applied, old receipts, sending counts and finished sends deleted."""
        now = now or utcnow()
        counts = {"receipts_applied": self._tx.receipts.apply_waiting(now)}
        counts["receipts_expired"] = self._tx.receipts.expire(now - timedelta(days=2))
        counts["send_counts_expired"] = self._tx.send_counts.expire(now)
        counts["returning_callers_expired"] = self._tx.callers.expire(now)
        counts["places_expired"] = self._tx.contacts.expire_places(now)
        counts["outbox_expired"] = self._delete(
            OutboxMessage,
            OutboxMessage.state.in_(_FINISHED),
            OutboxMessage.updated_at < now - timedelta(days=keep_days),
        )
        # A WhatsApp number silent this long is forgotten as a WhatsApp user (keyed hash only).
        counts["whatsapp_windows_expired"] = self._tx.whatsapp.expire(
            now - timedelta(days=WHATSAPP_KEEP_DAYS))
        # A safety net for the privacy rule: no finished row keeps a plain number.
        leftovers = select(OutboxMessage).where(
            OutboxMessage.state.in_(_FINISHED), OutboxMessage.to_number.is_not(None)
        )
        rows = list(self._session.scalars(leftovers.with_for_update()))
        for row in rows:
            row.to_number = None
        counts["numbers_cleared"] = len(rows)
        return counts

    def compaction_owed(self) -> bool:
        """Has a number been forgotten, or a message lost its number, since the last compaction?

        Either may have left a copy of a number in the SQLite file's free space.
        """
        compacted = _moment(self._tx.meta.get(COMPACTED_AT))
        forgotten = _moment(self._tx.meta.get(FORGOTTEN_AT))
        if forgotten is not None and (compacted is None or forgotten >= compacted):
            return True
        stmt = select(OutboxMessage.id).where(OutboxMessage.state.not_in(UNSENT_STATES))
        if compacted is not None:
            stmt = stmt.where(OutboxMessage.updated_at > compacted)
        return self._session.scalar(stmt.limit(1)) is not None

    def record_compaction(self, began_at: datetime) -> None:
        self._tx.meta.set(COMPACTED_AT, began_at.isoformat())


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
