"""Every query the helpline makes, run inside one transaction.

``Store`` (api.py) opens a transaction per call for simple use; ``store.transaction()`` hands
out a ``Transaction`` so that the SMS code can, say, record an opt-out and suppress the queued
messages atomically. Plain numbers come in, keyed hashes go to the database: the only plain
number written is an unsent message's recipient.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..core.privacy import mask_number, mask_numbers
from .hashing import NumberHasher, canonical_number
from .models import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SUPPRESSED,
    UNSENT_STATES,
    Contact,
    DeliveryReceipt,
    OutboxMessage,
    ShareLog,
    StoreMeta,
    UsageEvent,
    utcnow,
)
from .records import OutboxItem

log = logging.getLogger(__name__)

#: Twilio refuses longer bodies; the SMS code splits content well below this.
MAX_PART_LENGTH = 1600

#: Why ``share_allowed`` refused. Internal codes: never tell a sender about a recipient.
SHARE_SENDER_LIMIT = "sender_limit"
SHARE_RECIPIENT_LIMIT = "recipient_limit"

# Twilio message statuses, by how far along they are. Callbacks can arrive out of order; a
# status never replaces a later one, and a final one is never replaced.
_STATUS_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "canceled": 5,
    "read": 6,
}
_DELIVERED_STATUSES = {"delivered", "read"}
_FAILED_STATUSES = {"undelivered", "failed", "canceled"}
FINAL_STATUSES = frozenset(_DELIVERED_STATUSES | _FAILED_STATUSES)

_SID = re.compile(r"\b(?:CA|SM|MM|AC|PN|MG|RE)[0-9a-fA-F]{32}\b")

KEY_FINGERPRINT = "key_fingerprint"
COMPACTED_AT = "compacted_at"


@dataclass(frozen=True)
class ShareLimits:
    """At most ``per_sender`` shares by one number and ``per_recipient`` to one number."""

    per_sender: int = 3
    per_recipient: int = 1
    window: timedelta = timedelta(days=1)


def clean_text(value: str | None, limit: int) -> str | None:
    """Short, number-free text for a column that is not meant to hold anything personal.

    Provider errors quote the number ("The 'To' number +1415... is not valid") and a careless
    caller could pass a CallSid as a detail; both are masked before they reach the database.
    """
    if value is None:
        return None
    cleaned = _SID.sub("[sid]", mask_numbers(str(value))).strip()
    return cleaned[:limit] or None


class Transaction:
    """The store's operations on one open transaction; commits when the ``with`` block ends."""

    def __init__(self, session: Session, hasher: NumberHasher, limits: ShareLimits) -> None:
        self._session = session
        self._hasher = hasher
        self._limits = limits
        self._dialect = session.get_bind().dialect.name

    def hash_number(self, number: str) -> str:
        return self._hasher.hash(number)

    # -- contacts ---------------------------------------------------------------------------

    def is_opted_out(self, number: str) -> bool:
        """True if any record of the number says STOP: when in doubt, do not text."""
        return any(contact.opted_out for contact in self._contacts(number))

    def record_opt_out(self, number: str, via: str, now: datetime | None = None) -> int:
        """Remember that the number must not be texted; suppress what is queued for it.

        Returns how many queued messages were suppressed. Suppressing here, not in the caller,
        makes it impossible to record a STOP and still send what was waiting.
        """
        now = now or utcnow()
        contact = self._contact_for_write(number, now)
        contact.opted_out = True
        contact.opted_out_at = now
        contact.opted_out_via = clean_text(via, 64)
        suppressed = self.suppress_pending(number, reason=f"opted out ({contact.opted_out_via})")
        log.info("Opt-out recorded for %s via %s.", mask_number(number), contact.opted_out_via)
        return suppressed

    def record_opt_in(self, number: str, via: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._contact_for_write(number, now)
        for contact in self._contacts(number, lock=True):  # every record, old keys included
            contact.opted_out = False
            contact.opted_in_at = now
            contact.opted_in_via = clean_text(via, 64)
        log.info("Opt-in recorded for %s via %s.", mask_number(number), clean_text(via, 64))

    def texter_state(self, number: str) -> tuple[str | None, bool]:
        """(language, opted out) in one query: what every incoming text needs first."""
        contacts = self._contacts(number)
        current = self._hasher.hash(number)
        contacts.sort(key=lambda c: c.number_hash != current)
        language = next((c.language for c in contacts if c.language), None)
        return language, any(c.opted_out for c in contacts)

    def language_of(self, number: str) -> str | None:
        contacts = self._contacts(number)
        current = self._hasher.hash(number)
        contacts.sort(key=lambda c: c.number_hash != current)
        return next((c.language for c in contacts if c.language), None)

    def set_language(self, number: str, code: str, now: datetime | None = None) -> None:
        self._contact_for_write(number, now or utcnow()).language = clean_text(code, 16)

    def _contacts(self, number: str, *, lock: bool = False) -> list[Contact]:
        stmt = select(Contact).where(Contact.number_hash.in_(self._hasher.candidates(number)))
        if lock:
            stmt = stmt.with_for_update()
        return list(self._session.scalars(stmt.order_by(Contact.id)))

    def _contact_for_write(self, number: str, now: datetime) -> Contact:
        """The number's contact row, created if new and moved to the current key if old."""
        current = self._hasher.hash(number)
        contacts = self._contacts(number, lock=True)
        if not contacts:
            # Insert-or-ignore: two instances seeing a new number at once must not collide.
            self._session.execute(
                self._insert(Contact)
                .values(number_hash=current, opted_out=False, created_at=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=["number_hash"])
            )
            contacts = self._contacts(number, lock=True)
        contact = next((c for c in contacts if c.number_hash == current), contacts[0])
        if contact.number_hash != current:
            contact.number_hash = current  # key rotation: re-keyed the first time it is seen
        return contact

    # -- outbox -----------------------------------------------------------------------------

    def enqueue(
        self,
        to: str,
        parts: Sequence[str],
        *,
        kind: str,
        language: str | None = None,
        simulated: bool = False,
        now: datetime | None = None,
        not_before: datetime | None = None,
    ) -> list[OutboxItem]:
        """Queue one send of ``parts`` (one row per SMS part, sharing a batch id).

        To a number that opted out the rows are stored already ``suppressed`` and without the
        number: the caller can see what happened, and nothing is sent.
        """
        if not parts:
            raise ValueError("enqueue needs at least one message part")
        for part in parts:
            if not part or len(part) > MAX_PART_LENGTH:
                raise ValueError(f"each part must have 1 to {MAX_PART_LENGTH} characters")
        now = now or utcnow()
        opted_out = self.is_opted_out(to)
        batch = str(uuid.uuid4())
        rows = [
            OutboxMessage(
                batch=batch,
                position=index,
                total=len(parts),
                to_number=None if opted_out else canonical_number(to),
                to_hash=self._hasher.hash(to),
                body=body,
                kind=kind,
                language=language,
                simulated=simulated,
                state=SUPPRESSED if opted_out else PENDING,
                attempts=0,
                next_attempt_at=not_before or now,
                last_error="recipient opted out" if opted_out else None,
                created_at=now,
                updated_at=now,
            )
            for index, body in enumerate(parts, start=1)
        ]
        self._session.add_all(rows)
        self._session.flush()
        if opted_out:
            log.info("Not queueing %s to %s: opted out.", kind, mask_number(to))
        return [OutboxItem.of(row) for row in rows]

    def claim_due(
        self, worker_id: str, now: datetime | None = None, limit: int = 10
    ) -> list[OutboxItem]:
        """Take up to ``limit`` due rows for this worker; no other worker can take them.

        PostgreSQL: FOR UPDATE SKIP LOCKED, so workers take disjoint rows without waiting.
        SQLite: the transaction began IMMEDIATE, so claims run one at a time.
        Rows whose recipient opted out after queueing are suppressed here, not returned.
        """
        now = now or utcnow()
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(self._session.scalars(stmt))
        hashes = {row.id: self._row_hashes(row) for row in rows}
        opted_out = self._opted_out_hashes(h for hs in hashes.values() for h in hs)
        claimed = []
        for row in rows:
            row.updated_at = now
            if opted_out.intersection(hashes[row.id]):
                row.state, row.to_number, row.last_error = SUPPRESSED, None, "recipient opted out"
                continue
            row.state = SENDING
            row.claimed_at = now
            row.claimed_by = worker_id[:64]
            row.attempts += 1
            claimed.append(row)
        self._session.flush()
        return [OutboxItem.of(row) for row in claimed]

    def _row_hashes(self, row: OutboxMessage) -> set[str]:
        if row.to_number:
            return {row.to_hash, *self._hasher.candidates(row.to_number)}
        return {row.to_hash}

    def _opted_out_hashes(self, hashes: Iterable[str]) -> set[str]:
        wanted = set(hashes)
        if not wanted:
            return set()
        stmt = select(Contact.number_hash).where(
            Contact.number_hash.in_(wanted), Contact.opted_out.is_(True)
        )
        return set(self._session.scalars(stmt))

    def mark_sent(self, row_id: int, provider_sid: str, now: datetime | None = None) -> bool:
        """The provider accepted the part: keep its sid, drop the plain number.

        The number is dropped now rather than on delivery because a delivery callback may
        never come (no callback URL, simulated sends, lost requests) and nothing after this
        point needs it: the callback itself carries the number if an opt-out must be recorded.
        """
        now = now or utcnow()
        row = self._session.get(OutboxMessage, row_id, with_for_update=True)
        if row is None:
            log.warning("mark_sent: outbox row %s no longer exists (forgotten?).", row_id)
            return False
        if row.provider_sid is not None:
            same = row.provider_sid == provider_sid
            if not same:
                log.warning("mark_sent: outbox row %s already has another sid.", row_id)
            return same
        if row.state != SENDING:
            log.warning("mark_sent: outbox row %s was %s, recording it as sent.", row_id, row.state)
        row.state, row.provider_sid, row.to_number, row.updated_at = SENT, provider_sid, None, now
        self._session.flush()
        receipt = self._session.get(DeliveryReceipt, provider_sid, with_for_update=True)
        if receipt is not None:  # the status callback won the race against this commit
            self._apply_status(row, receipt.status, receipt.error_code, now)
            self._session.delete(receipt)
        return True

    def schedule_retry(
        self,
        row_id: int,
        error: str,
        next_attempt_at: datetime,
        *,
        error_code: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Put a claimed row back in the queue for a later attempt."""
        row = self._session.get(OutboxMessage, row_id, with_for_update=True)
        if row is None or row.state != SENDING:
            return False
        row.state, row.claimed_at, row.claimed_by = PENDING, None, None
        row.next_attempt_at = next_attempt_at
        row.error_code = clean_text(error_code, 32)
        row.last_error = clean_text(error, 500)
        row.updated_at = now or utcnow()
        return True

    def mark_failed(
        self, row_id: int, error_code: str | None, error: str, now: datetime | None = None
    ) -> bool:
        """Give up on a part for good; its number is no longer needed."""
        row = self._session.get(OutboxMessage, row_id, with_for_update=True)
        if row is None or row.state not in UNSENT_STATES:
            return False
        row.state, row.to_number = FAILED, None
        row.error_code = clean_text(error_code, 32)
        row.last_error = clean_text(error, 500)
        row.updated_at = now or utcnow()
        return True

    def suppress_pending(self, number: str, reason: str = "recipient opted out") -> int:
        """Stop every unsent part to this number: queued, and claimed but not yet sent.

        A worker holding a claimed part finds it ``suppressed`` if it re-reads the row before
        sending (``outbox_item``); should it have sent it anyway, ``mark_sent`` records the
        truth. Its retry and failure calls no longer apply to the row.
        """
        stmt = (
            select(OutboxMessage)
            .where(
                OutboxMessage.to_hash.in_(self._hasher.candidates(number)),
                OutboxMessage.state.in_(UNSENT_STATES),
            )
            .with_for_update()
        )
        rows = list(self._session.scalars(stmt))
        now = utcnow()
        for row in rows:
            row.state, row.to_number, row.updated_at = SUPPRESSED, None, now
            row.last_error = clean_text(reason, 500)
        return len(rows)

    def record_delivery_status(
        self,
        provider_sid: str,
        status: str,
        error_code: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Apply a status callback; False if no sent part has this sid (yet).

        An unknown sid is not an error: the callback may be for a TwiML reply (not in the
        outbox) or may have beaten ``mark_sent``. Its status is kept as a receipt and applied
        when the sid appears, so none is lost.
        """
        now = now or utcnow()
        status = (status or "").strip().lower()
        stmt = select(OutboxMessage).where(OutboxMessage.provider_sid == provider_sid)
        row = self._session.scalars(stmt.with_for_update()).first()
        if row is None:
            self._keep_receipt(provider_sid, status, error_code, now)
            return False
        self._apply_status(row, status, error_code, now)
        return True

    def _apply_status(
        self, row: OutboxMessage, status: str, error_code: str | None, now: datetime
    ) -> None:
        if row.delivery_status in FINAL_STATUSES and status != "read":
            return
        if _STATUS_RANK.get(status, 0) < _STATUS_RANK.get(row.delivery_status or "", 0):
            return
        row.delivery_status = status[:32]
        row.updated_at = now
        if status in _DELIVERED_STATUSES:
            row.state, row.to_number = DELIVERED, None
        elif status in _FAILED_STATUSES:
            row.state, row.to_number = FAILED, None
            row.error_code = clean_text(error_code, 32) or row.error_code

    def _keep_receipt(
        self, provider_sid: str, status: str, error_code: str | None, now: datetime
    ) -> None:
        self._session.execute(
            self._insert(DeliveryReceipt)
            .values(provider_sid=provider_sid[:64], status=status[:32], received_at=now)
            .on_conflict_do_nothing(index_elements=["provider_sid"])
        )
        receipt = self._session.get(
            DeliveryReceipt, provider_sid[:64], with_for_update=True, populate_existing=True
        )
        assert receipt is not None
        if _STATUS_RANK.get(status, 0) >= _STATUS_RANK.get(receipt.status, 0):
            receipt.status, receipt.error_code = status[:32], clean_text(error_code, 32)
            receipt.received_at = now

    def apply_receipts(self, now: datetime | None = None) -> int:
        """Apply receipts whose sid has since been recorded (closes the mark_sent race)."""
        now = now or utcnow()
        stmt = (
            select(DeliveryReceipt, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.provider_sid == DeliveryReceipt.provider_sid)
            .with_for_update()
        )
        pairs = list(self._session.execute(stmt))
        for receipt, row in pairs:
            self._apply_status(row, receipt.status, receipt.error_code, now)
            self._session.delete(receipt)
        return len(pairs)

    def stale_sending(self, older_than: datetime) -> list[OutboxItem]:
        """Rows a worker claimed before ``older_than`` and never finished (it likely crashed).

        Whether they went out is unknown; the SMS code decides (ask Twilio, retry or fail).
        """
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.state == SENDING, OutboxMessage.claimed_at < older_than)
            .order_by(OutboxMessage.claimed_at, OutboxMessage.id)
        )
        return [OutboxItem.of(row) for row in self._session.scalars(stmt)]

    def outbox_batch(self, batch: str) -> list[OutboxItem]:
        stmt = select(OutboxMessage).where(OutboxMessage.batch == batch)
        stmt = stmt.order_by(OutboxMessage.position)
        return [OutboxItem.of(row) for row in self._session.scalars(stmt)]

    def outbox_item(self, row_id: int) -> OutboxItem | None:
        row = self._session.get(OutboxMessage, row_id)
        return OutboxItem.of(row) if row is not None else None

    # -- caregiver shares -------------------------------------------------------------------

    def share_allowed(self, sender: str, recipient: str, now: datetime | None = None) -> str | None:
        """None if this share may go, else the internal reason it may not."""
        since = (now or utcnow()) - self._limits.window
        if self._count_shares(ShareLog.sender_hash, sender, since) >= self._limits.per_sender:
            return SHARE_SENDER_LIMIT
        if (
            self._count_shares(ShareLog.recipient_hash, recipient, since)
            >= self._limits.per_recipient
        ):
            return SHARE_RECIPIENT_LIMIT
        return None

    def record_share(self, sender: str, recipient: str, now: datetime | None = None) -> None:
        self._session.add(
            ShareLog(
                sender_hash=self._hasher.hash(sender),
                recipient_hash=self._hasher.hash(recipient),
                created_at=now or utcnow(),
            )
        )
        self._session.flush()

    def claim_share(self, sender: str, recipient: str, now: datetime | None = None) -> str | None:
        """Check and record a share atomically, so concurrent requests cannot beat the limit."""
        self._lock(self._hasher.hash(sender), self._hasher.hash(recipient))
        reason = self.share_allowed(sender, recipient, now)
        if reason is None:
            self.record_share(sender, recipient, now)
        return reason

    def _count_shares(self, column: Any, number: str, since: datetime) -> int:
        stmt = select(func.count()).where(
            column.in_(self._hasher.candidates(number)), ShareLog.created_at > since
        )
        return int(self._session.scalar(stmt) or 0)

    def _lock(self, *hashes: str) -> None:
        """Serialise work on these numbers (PostgreSQL; SQLite writers are serial already)."""
        if self._dialect != "postgresql":
            return
        for key in sorted(set(hashes)):  # one order everywhere: no deadlocks
            lock_id = int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
            self._session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})

    # -- usage events -----------------------------------------------------------------------

    def record_event(
        self,
        channel: str,
        kind: str,
        *,
        content_id: str | None = None,
        language: str | None = None,
        detail: str | None = None,
        simulated: bool = False,
        now: datetime | None = None,
    ) -> None:
        """Add a usage event to this transaction.

        An event that cannot be valid (unknown channel) is logged and skipped, so one bad
        event never blocks a batch; a database error propagates like any other in the
        transaction, so a batching writer can keep its events and retry. ``Store.record_event``
        is the best-effort variant for request handlers.
        """
        try:
            event = _usage_event(channel, kind, content_id, language, detail, simulated, now)
        except ValueError as exc:
            log.warning("Usage event %s/%s skipped: %s", channel, kind, exc)
            return
        self._session.add(event)

    def record_events(self, events: Iterable[dict[str, Any]]) -> int:
        """Many usage events in one INSERT (the batch writer in helpline/usage.py).

        Raises when the database does, so the writer keeps the batch and tries again.
        """
        rows = [
            {column.key: getattr(event, column.key) for column in UsageEvent.__table__.columns
             if column.key != "id"}
            for event in (
                _usage_event(e["channel"], e["kind"], e.get("content_id"), e.get("language"),
                             e.get("detail"), e.get("simulated", False), e.get("created_at"))
                for e in events
            )
        ]
        if rows:
            self._session.execute(UsageEvent.__table__.insert(), rows)
        return len(rows)

    # -- privacy ----------------------------------------------------------------------------

    def forget(self, number: str) -> dict[str, int]:
        """Delete everything keyed to the number except an opt-out, which must outlive it.

        Returns counts: ``contacts`` deleted, ``contact_details`` (language, opt-in history)
        cleared from a kept opt-out, ``share_log`` rows (as sender or recipient),
        ``outbox_unsent`` and ``outbox_sent`` rows, and ``opt_out_kept`` (0 or 1).
        """
        hashes = self._hasher.candidates(number)
        self._lock(hashes[0])
        counts = dict.fromkeys(
            (
                "contacts",
                "contact_details",
                "share_log",
                "outbox_unsent",
                "outbox_sent",
                "opt_out_kept",
            ),
            0,
        )
        contacts = self._contacts(number, lock=True)
        keep = None
        if any(c.opted_out for c in contacts):
            keep = next((c for c in contacts if c.number_hash == hashes[0]), None)
            keep = keep or next(c for c in contacts if c.opted_out)
        source = keep if keep is not None and keep.opted_out else None
        source = source or next((c for c in contacts if c.opted_out), None)
        opt_out = (source.opted_out_at, source.opted_out_via) if source else None
        for contact in contacts:
            if contact is not keep:
                self._session.delete(contact)
                counts["contacts"] += 1
        self._session.flush()  # deletes first: the kept row may take over the current hash
        if keep is not None and opt_out is not None:
            if keep.language or keep.opted_in_at or keep.opted_in_via:
                counts["contact_details"] = 1
            keep.number_hash, keep.language = hashes[0], None
            keep.opted_out, (keep.opted_out_at, keep.opted_out_via) = True, opt_out
            keep.opted_in_at = keep.opted_in_via = None
            counts["opt_out_kept"] = 1
            self._session.flush()
        counts["share_log"] = self._delete(
            ShareLog, or_(ShareLog.sender_hash.in_(hashes), ShareLog.recipient_hash.in_(hashes))
        )
        to_them = OutboxMessage.to_hash.in_(hashes)
        counts["outbox_unsent"] = self._delete(
            OutboxMessage, to_them, OutboxMessage.state.in_(UNSENT_STATES)
        )
        counts["outbox_sent"] = self._delete(OutboxMessage, to_them)
        log.info("Forgot %s: %s", mask_number(number), counts)
        return counts

    # -- maintenance ------------------------------------------------------------------------

    def housekeeping(self, now: datetime | None = None, *, keep_days: int = 30) -> dict[str, int]:
        """Periodic clean-up (the worker runs it): late receipts, old shares, finished sends."""
        now = now or utcnow()
        finished = (SENT, DELIVERED, FAILED, SUPPRESSED)
        counts = {"receipts_applied": self.apply_receipts(now)}
        counts["receipts_expired"] = self._delete(
            DeliveryReceipt, DeliveryReceipt.received_at < now - timedelta(days=2)
        )
        counts["share_log_expired"] = self._delete(
            ShareLog, ShareLog.created_at < now - 2 * self._limits.window
        )
        counts["outbox_expired"] = self._delete(
            OutboxMessage,
            OutboxMessage.state.in_(finished),
            OutboxMessage.updated_at < now - timedelta(days=keep_days),
        )
        # A safety net for the privacy rule: no finished row keeps a plain number.
        leftovers = select(OutboxMessage).where(
            OutboxMessage.state.in_(finished), OutboxMessage.to_number.is_not(None)
        )
        rows = list(self._session.scalars(leftovers.with_for_update()))
        for row in rows:
            row.to_number = None
        counts["numbers_cleared"] = len(rows)
        return counts

    def numbers_dropped_since(self, since: str | None) -> bool:
        """Has any message finished (and so lost its number) since ``since`` (ISO time)?"""
        stmt = select(OutboxMessage.id).where(OutboxMessage.state.not_in(UNSENT_STATES))
        if since is not None:
            stmt = stmt.where(OutboxMessage.updated_at > datetime.fromisoformat(since))
        return self._session.scalar(stmt.limit(1)) is not None

    def _delete(self, model: type, *conditions: Any) -> int:
        result = self._session.execute(
            delete(model).where(*conditions).execution_options(synchronize_session="fetch")
        )
        return int(result.rowcount or 0)

    def _insert(self, model: type) -> Any:
        """INSERT with ON CONFLICT support: the same statement on both backends."""
        return (postgresql if self._dialect == "postgresql" else sqlite).insert(model)

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, name: str) -> str | None:
        row = self._session.get(StoreMeta, name, with_for_update=True, populate_existing=True)
        return row.value if row is not None else None

    def set_meta(self, name: str, value: str) -> None:
        stmt = self._insert(StoreMeta).values(name=name, value=value)
        self._session.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"value": value})
        )

    def setdefault_meta(self, name: str, value: str) -> str:
        """The stored value, storing ``value`` first if there is none (race-free)."""
        self._session.execute(
            self._insert(StoreMeta)
            .values(name=name, value=value)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        stored = self.get_meta(name)
        assert stored is not None
        return stored


def _usage_event(
    channel: str,
    kind: str,
    content_id: str | None,
    language: str | None,
    detail: str | None,
    simulated: bool,
    now: datetime | None,
) -> UsageEvent:
    if channel not in ("voice", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    return UsageEvent(
        channel=channel,
        kind=clean_text(kind, 32) or "unknown",
        content_id=clean_text(content_id, 64),
        language=clean_text(language, 16),
        detail=clean_text(detail, 64),
        simulated=bool(simulated),
        created_at=now or utcnow(),
    )


def _brief(exc: BaseException) -> str:
    """One line about an error, without the SQL parameters SQLAlchemy appends."""
    first = str(exc).splitlines()[0] if str(exc) else ""
    return mask_numbers(f"{type(exc).__name__}: {first}")[:200]
