"""Plain, frozen records: what the store hands out instead of live ORM objects.

Callers (views, the SMS worker) get data that cannot lazy-load, expire or write back, so no
session ever leaks out of the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, ClassVar

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


@dataclass(frozen=True, slots=True)
class TexterState:
    """What an incoming text needs to know about its sender, read in one statement.

    A new per-texter setting is one more field here with the same name as its ``contacts``
    column (``contacts.TEXTER_COLUMNS`` reads every field): no other code changes.
    """

    language: str | None = None
    opted_out: bool = False
    #: Where the texter is in what was last sent ("menu", "questions:4:zh"), and since when.
    position: str | None = None
    position_at: datetime | None = None
    #: The texter asked that no text name its subject in its first line.
    discreet: bool = False

    #: Fields true if any of the number's records says so (when in doubt, do not text, and
    #: keep a text discreet); every other field comes from the current key's record first.
    ANY_RECORD: ClassVar[frozenset[str]] = frozenset({"opted_out", "discreet"})

    @classmethod
    def of(cls, rows: Iterable[Sequence[Any]], current_hash: str) -> TexterState:
        """From rows of (number_hash, *fields), under the current key and any old ones, as the
        driver returns them."""
        ordered = sorted(rows, key=lambda row: row[0] != current_hash)
        values: dict[str, Any] = {}
        for index, field in enumerate(fields(cls), start=1):
            column = [row[index] for row in ordered]
            if field.name in cls.ANY_RECORD:
                values[field.name] = any(column)
            else:
                values[field.name] = next((v for v in column if v is not None), field.default)
            if isinstance(field.default, bool):  # SQLite's driver hands back 0 and 1
                values[field.name] = bool(values[field.name])
            elif field.name.endswith("_at") and values[field.name] is not None:
                values[field.name] = _utc(values[field.name])
        return cls(**values)


def _utc(value: datetime | str) -> datetime:
    """A time as the driver hands it back (SQLite: text; both: naive UTC), as aware UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
