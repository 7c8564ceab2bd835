"""Caregiver shares: how many a number may send, and receive, in a rolling window.

Only the two numbers' keyed hashes and the time are kept, for two windows at most
(housekeeping drops older records), and FORGET deletes them with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from .models import ShareLog, utcnow
from .topic import Topic

#: Why a share was refused. Internal codes: never tell a sender about a recipient.
SHARE_SENDER_LIMIT = "sender_limit"
SHARE_RECIPIENT_LIMIT = "recipient_limit"


@dataclass(frozen=True)
class ShareLimits:
    """At most ``per_sender`` shares by one number and ``per_recipient`` to one number."""

    per_sender: int = 3
    per_recipient: int = 1
    window: timedelta = timedelta(days=1)


class Shares(Topic):
    """Check and record shares against the limits the store was built with."""

    @property
    def limits(self) -> ShareLimits:
        return self._tx.share_limits

    def claim(self, sender: str, recipient: str, now: datetime | None = None) -> str | None:
        """Record a share if the limits allow it; else the internal reason they do not.

        Checked and recorded in one step under a lock on both numbers, so concurrent
        requests cannot beat the limit.
        """
        now = now or utcnow()
        self._lock_numbers(self._hasher.hash(sender), self._hasher.hash(recipient))
        since = now - self.limits.window
        if self._count(ShareLog.sender_hash, sender, since) >= self.limits.per_sender:
            return SHARE_SENDER_LIMIT
        if self._count(ShareLog.recipient_hash, recipient, since) >= self.limits.per_recipient:
            return SHARE_RECIPIENT_LIMIT
        self._session.add(
            ShareLog(
                sender_hash=self._hasher.hash(sender),
                recipient_hash=self._hasher.hash(recipient),
                created_at=now,
            )
        )
        self._session.flush()
        return None

    def expire(self, now: datetime) -> int:
        """Drop records older than two windows: no limit looks that far back."""
        return self._delete(ShareLog, ShareLog.created_at < now - 2 * self.limits.window)

    def _count(self, column: Any, number: str, since: datetime) -> int:
        stmt = select(func.count()).where(
            column.in_(self._hasher.candidates(number)), ShareLog.created_at > since
        )
        return int(self._session.scalar(stmt) or 0)
