"""Delivery receipts: Twilio's status callbacks, applied to the parts they are about.

Callbacks can arrive out of order, and one can arrive before the worker has recorded the sid
it is about (Twilio calls back within milliseconds of accepting a message). A status never
replaces a later one; one for an unknown sid is kept and applied when the sid appears, by
``Outbox.mark_sent`` or, failing that, by housekeeping. None is lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .models import DELIVERED, FAILED, DeliveryReceipt, OutboxMessage, utcnow
from .topic import Topic, clean_text

# Twilio message statuses, by how far along they are.
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


class Receipts(Topic):
    """Status callbacks, and the ones that came before their sid was known."""

    def record_status(
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
            self._keep(provider_sid, status, error_code, now)
            return False
        _apply(row, status, error_code, now)
        return True

    def apply_early(self, row: OutboxMessage, now: datetime) -> None:
        """A part just got its sid: apply the status that arrived before it, if one did."""
        assert row.provider_sid is not None
        receipt = self._session.get(DeliveryReceipt, row.provider_sid, with_for_update=True)
        if receipt is not None:  # the status callback won the race against mark_sent
            _apply(row, receipt.status, receipt.error_code, now)
            self._session.delete(receipt)

    def apply_waiting(self, now: datetime | None = None) -> int:
        """Apply kept receipts whose sid has since been recorded; how many."""
        now = now or utcnow()
        stmt = (
            select(DeliveryReceipt, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.provider_sid == DeliveryReceipt.provider_sid)
            .with_for_update()
        )
        pairs = list(self._session.execute(stmt))
        for receipt, row in pairs:
            _apply(row, receipt.status, receipt.error_code, now)
            self._session.delete(receipt)
        return len(pairs)

    def expire(self, received_before: datetime) -> int:
        """Drop receipts no sid ever claimed (replies sent as TwiML have none in the outbox)."""
        return self._delete(DeliveryReceipt, DeliveryReceipt.received_at < received_before)

    def _keep(self, provider_sid: str, status: str, error_code: str | None, now: datetime) -> None:
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


def _apply(row: OutboxMessage, status: str, error_code: str | None, now: datetime) -> None:
    """Move a sent part on to ``status`` unless it already has a later or a final one."""
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
