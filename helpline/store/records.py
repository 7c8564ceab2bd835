"""Plain, frozen records: what the store hands out instead of live ORM objects.

Callers (views, the SMS worker) get data that cannot lazy-load, expire or write back, so no
session ever leaks out of the store.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from .models import OutboxMessage


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One SMS part. ``position`` counts from 1 to ``total`` within its ``batch``."""

    id: int
    batch: str
    position: int
    total: int
    to_number: str | None
    to_hash: str
    body: str
    kind: str
    language: str | None
    simulated: bool
    state: str
    attempts: int
    next_attempt_at: datetime
    claimed_at: datetime | None
    claimed_by: str | None
    provider_sid: str | None
    delivery_status: str | None
    error_code: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    channel: str = "sms"
    media_url: str | None = None
    content_sid: str | None = None
    content_variables: str | None = None

    @classmethod
    def of(cls, row: OutboxMessage) -> OutboxItem:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def __repr__(self) -> str:
        # The default repr would print the recipient's number into any log or traceback.
        return (
            f"OutboxItem(id={self.id}, batch={self.batch!r}, part={self.position}/{self.total}, "
            f"kind={self.kind!r}, state={self.state!r}, attempts={self.attempts})"
        )


@dataclass(frozen=True)
class OutboxActivity:
    """When a worker last finished a row, and what is waiting for one now."""

    last_finished_at: datetime | None
    oldest_due_at: datetime | None
    due: int


@dataclass(frozen=True, slots=True)
class UsageCount:
    channel: str
    kind: str
    content_id: str | None
    language: str | None
    count: int
