"""Read-only counts for operator reports: grouped rows, never a number, never a message body.

Only ``usage_events`` (which hold no number or CallSid) and the outbox's ``state``,
``error_code`` and ``created_at`` are read. Simulated traffic (the simulator, tests) is left
out here, at the source, so no report can include it by mistake. Rows are grouped by UTC day
in the database, so a year of events comes back as a few thousand rows, not millions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Date, Select, cast, func, select

from .models import FAILED, OutboxMessage, UsageEvent
from .topic import Topic


class UsageRow(NamedTuple):
    """How many events of one kind happened on one UTC day."""

    day: date
    channel: str
    kind: str
    content_id: str | None
    language: str | None
    detail: str | None
    count: int


class OutboxRow(NamedTuple):
    """How many outbox parts created on one UTC day are in one state now."""

    day: date
    state: str
    count: int


def bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """The UTC instants covering whole days ``since`` to ``until``, both included."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)


def _day(dialect: str, column: Any) -> Any:
    # SQLite keeps times as text and CAST(... AS DATE) there yields a number (the year);
    # date() gives 'YYYY-MM-DD'. PostgreSQL casts a timestamp to its date.
    if dialect == "sqlite":
        return func.date(column)
    return cast(column, Date)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def usage_statement(dialect: str, since: date, until: date) -> Select:
    """Real (not simulated) usage events per day and kind, within the period."""
    start, end = bounds(since, until)
    day = _day(dialect, UsageEvent.created_at).label("day")
    keys = (UsageEvent.channel, UsageEvent.kind, UsageEvent.content_id, UsageEvent.language,
            UsageEvent.detail)
    return (
        select(day, *keys, func.count().label("n"))
        .where(UsageEvent.created_at >= start, UsageEvent.created_at < end,
               UsageEvent.simulated.is_(False))
        .group_by(day, *keys)
    )


def outbox_statement(dialect: str, since: date, until: date) -> Select:
    """Real outbox parts per creation day and state; selects no other column."""
    start, end = bounds(since, until)
    day = _day(dialect, OutboxMessage.created_at).label("day")
    return (
        select(day, OutboxMessage.state, func.count().label("n"))
        .where(OutboxMessage.created_at >= start, OutboxMessage.created_at < end,
               OutboxMessage.simulated.is_(False))
        .group_by(day, OutboxMessage.state)
    )


class ChannelRow(NamedTuple):
    """How many outbox messages created on one UTC day went by one channel (sms, whatsapp)."""

    day: date
    channel: str
    count: int


def channel_statement(dialect: str, since: date, until: date) -> Select:
    """Real outbox parts per creation day and channel; selects no other column."""
    start, end = bounds(since, until)
    day = _day(dialect, OutboxMessage.created_at).label("day")
    return (
        select(day, OutboxMessage.channel, func.count().label("n"))
        .where(OutboxMessage.created_at >= start, OutboxMessage.created_at < end,
               OutboxMessage.simulated.is_(False))
        .group_by(day, OutboxMessage.channel)
    )


class FailureRow(NamedTuple):
    """How many outbox parts created on one UTC day failed with one Twilio error code."""

    day: date
    error_code: str | None
    count: int


def failure_statement(dialect: str, since: date, until: date) -> Select:
    """Real failed outbox parts per creation day and error code; selects no other column."""
    start, end = bounds(since, until)
    day = _day(dialect, OutboxMessage.created_at).label("day")
    return (
        select(day, OutboxMessage.error_code, func.count().label("n"))
        .where(OutboxMessage.created_at >= start, OutboxMessage.created_at < end,
               OutboxMessage.simulated.is_(False), OutboxMessage.state == FAILED)
        .group_by(day, OutboxMessage.error_code)
    )


class ReportQueries(Topic):
    """The grouped reads every report is computed from."""

    def usage_rows(self, since: date, until: date) -> list[UsageRow]:
        statement = usage_statement(self._tx.dialect, since, until)
        return [UsageRow(_as_date(row[0]), *row[1:6], int(row[6]))
                for row in self._session.execute(statement)]

    def outbox_rows(self, since: date, until: date) -> list[OutboxRow]:
        statement = outbox_statement(self._tx.dialect, since, until)
        return [OutboxRow(_as_date(row[0]), row[1], int(row[2]))
                for row in self._session.execute(statement)]

    def channel_rows(self, since: date, until: date) -> list[ChannelRow]:
        statement = channel_statement(self._tx.dialect, since, until)
        return [ChannelRow(_as_date(row[0]), row[1], int(row[2]))
                for row in self._session.execute(statement)]

    def failure_rows(self, since: date, until: date) -> list[FailureRow]:
        statement = failure_statement(self._tx.dialect, since, until)
        return [FailureRow(_as_date(row[0]), row[1] or None, int(row[2]))
                for row in self._session.execute(statement)]
