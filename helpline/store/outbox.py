"""The outbox: one row per SMS part, queued, claimed by a worker, sent, retried or given up.

``to_number`` is the only plain number the database holds, and only while a part is unsent:
every move to a final state drops it. Rows to a number that opted out are suppressed, whether
the STOP came before the enqueue, between the enqueue and the claim, or while a worker held it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from ..core.privacy import mask_number
from .hashing import canonical_number
from .models import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SUPPRESSED,
    UNSENT_STATES,
    OutboxMessage,
    utcnow,
)
from .records import OutboxActivity, OutboxItem
from .topic import Topic, clean_text

log = logging.getLogger(__name__)

#: Twilio refuses longer bodies; the SMS code splits content well below this.
MAX_PART_LENGTH = 1600

#: States a worker moves a row into when it has dealt with it (what a health check looks for).
WORKED_STATES = (SENT, DELIVERED, FAILED)

#: The most rows one look-up of simulated texts returns; the simulator shows a conversation.
MAX_SIMULATED_ROWS = 100


class Outbox(Topic):
    """Queue, claim and settle SMS parts."""

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
        channel: str = "sms",
        media_url: str | None = None,
        content_sid: str | None = None,
        content_variables: str | None = None,
    ) -> list[OutboxItem]:
        """Queue one send of ``parts`` (one row per SMS part, sharing a batch id).

        A WhatsApp send (``channel="whatsapp"``) may carry a voice note (``media_url``, on its
        first part) or be a template (``content_sid``); ``to`` is then the key the number's
        opt-out is kept under, as for SMS.

        To a number that opted out the rows are stored already ``suppressed`` and without the
        number: the caller can see what happened, and nothing is sent.
        """
        if not parts:
            raise ValueError("enqueue needs at least one message part")
        for part in parts:
            if not part or len(part) > MAX_PART_LENGTH:
                raise ValueError(f"each part must have 1 to {MAX_PART_LENGTH} characters")
        now = now or utcnow()
        opted_out = self._tx.contacts.is_opted_out(to)
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
                channel=channel,
                media_url=media_url if index == 1 else None,
                content_sid=content_sid,
                content_variables=content_variables,
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
        opted_out = self._tx.contacts.opted_out_among(h for hs in hashes.values() for h in hs)
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
        self._tx.receipts.apply_early(row, now)
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

    def suppress_unsent(self, number: str, reason: str = "recipient opted out") -> int:
        """Stop every unsent part to this number: queued, and claimed but not yet sent.

        A worker holding a claimed part finds it ``suppressed`` if it re-reads the row before
        sending (``item``); should it have sent it anyway, ``mark_sent`` records the truth.
        Its retry and failure calls no longer apply to the row.
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

    def sids_in_use(self, sids: list[str]) -> set[str]:
        """Which of these provider sids already belong to a row."""
        if not sids:
            return set()
        return set(self._session.scalars(
            select(OutboxMessage.provider_sid).where(OutboxMessage.provider_sid.in_(sids))))

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

    def item(self, row_id: int) -> OutboxItem | None:
        row = self._session.get(OutboxMessage, row_id)
        return OutboxItem.of(row) if row is not None else None

    def activity(self, now: datetime) -> OutboxActivity:
        """Is a worker sending what is due? The latest worked row's time, and what waits now.

        No worker heartbeat is stored; the outbox itself says enough. A worker that runs
        finishes rows; a worker that stopped leaves due rows pending.
        """
        last = self._session.scalar(
            select(func.max(OutboxMessage.updated_at)).where(
                OutboxMessage.state.in_(WORKED_STATES)
            )
        )
        oldest, due = self._session.execute(
            select(func.min(OutboxMessage.next_attempt_at), func.count(OutboxMessage.id)).where(
                OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now
            )
        ).one()
        return OutboxActivity(last_finished_at=last, oldest_due_at=oldest, due=int(due or 0))

    def simulated_to(
        self, number: str, after_id: int = 0, limit: int = MAX_SIMULATED_ROWS
    ) -> list[OutboxItem]:
        """Simulated rows to ``number`` with an id above ``after_id``, oldest first.

        Found by the number's keyed hash, because the plain number is dropped from a row once
        it has been sent (locally, for simulated rows); only simulated rows are returned, so a
        real person's texts never show on the operator's screen.
        """
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.to_hash == self._hasher.hash(number))
            .where(OutboxMessage.simulated.is_(True))
            .where(OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id)
            .limit(max(1, min(limit, MAX_SIMULATED_ROWS)))
        )
        return [OutboxItem.of(row) for row in self._session.scalars(stmt)]
