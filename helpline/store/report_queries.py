"""Read-only counts for operator reports: grouped rows, never a number, never a message body.

Only ``usage_events`` (which hold no number or CallSid) and the outbox's ``state``,
``error_code`` and ``created_at`` are read. Simulated traffic (the simulator, tests) is left
out here, at the source, so no report can include it by mistake. Rows are grouped by UTC day
in the database, so a year of events comes back as a few thousand rows, not millions.

Days are the operator's (``HELPLINE_TIMEZONE``): the period is split where the zone's UTC
offset changes (twice a year at most, for daylight saving), and each row's day is its time
shifted by the offset of its stretch, the same expression on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Interval, Select, case, cast, func, literal, select

from .models import FAILED, OutboxMessage, UsageEvent
from .topic import Topic


class UsageRow(NamedTuple):
    """How many events of one kind happened on one day (the operator's time zone)."""

    day: date
    channel: str
    kind: str
    content_id: str | None
    language: str | None
    detail: str | None
    count: int


class OutboxRow(NamedTuple):
    """How many outbox parts created on one day are in one state now."""

    day: date
    state: str
    count: int


def bounds(since: date, until: date, zone: str = "UTC") -> tuple[datetime, datetime]:
    """The UTC instants covering whole local days ``since`` to ``until``, both included."""
    tz = ZoneInfo(zone)
    start = datetime.combine(since, time.min, tzinfo=tz).astimezone(UTC)
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)


def offset_stretches(start: datetime, end: datetime, zone: str) -> list[tuple[datetime, int]]:
    """(from when, UTC offset in minutes) for each stretch of the period with one offset."""
    tz = ZoneInfo(zone)
    stretches: list[tuple[datetime, int]] = []
    moment = start
    while moment < end:
        offset = int(moment.astimezone(tz).utcoffset().total_seconds() // 60)
        if not stretches or stretches[-1][1] != offset:
            stretches.append((moment, offset))
        moment += timedelta(minutes=15)  # offsets change on the quarter hour at the finest
    return stretches or [(start, 0)]


def _day(dialect: str, column: Any, stretches: list[tuple[datetime, int]] | None = None) -> Any:
    """The local day of ``column``: a CASE over the period's stretches of one UTC offset."""
    def shifted(minutes: int) -> Any:
        # SQLite keeps times as text and CAST(... AS DATE) there yields a number (the year);
        # date() gives 'YYYY-MM-DD'. PostgreSQL casts a timestamp to its date.
        if dialect == "sqlite":
            # No modifier at offset 0: with one SQLite goes through Julian days, and a time a
            # hair before midnight (23:59:59.9999) would round into the next day.
            return func.date(column, f"{minutes:+d} minutes") if minutes else func.date(column)
        if minutes == 0:
            return cast(column, Date)
        return cast(column + literal(timedelta(minutes=minutes), Interval()), Date)

    stretches = stretches or [(datetime.min.replace(tzinfo=UTC), 0)]
    if len(stretches) == 1:
        return shifted(stretches[0][1])
    whens = [(column < begins, shifted(offset))
             for (_, offset), (begins, _) in zip(stretches, stretches[1:], strict=False)]
    return case(*whens, else_=shifted(stretches[-1][1]))


def _local(dialect: str, column: Any, since: date, until: date, zone: str) -> tuple[Any, ...]:
    start, end = bounds(since, until, zone)
    return start, end, _day(dialect, column, offset_stretches(start, end, zone)).label("day")


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def usage_statement(dialect: str, since: date, until: date, zone: str = "UTC") -> Select:
    """Real (not simulated) usage events per day and kind, within the period."""
    start, end, day = _local(dialect, UsageEvent.created_at, since, until, zone)
    keys = (UsageEvent.channel, UsageEvent.kind, UsageEvent.content_id, UsageEvent.language,
            UsageEvent.detail)
    return (
        select(day, *keys, func.count().label("n"))
        .where(UsageEvent.created_at >= start, UsageEvent.created_at < end,
               UsageEvent.simulated.is_(False))
        .group_by(day, *keys)
    )


def outbox_statement(dialect: str, since: date, until: date, zone: str = "UTC") -> Select:
    """Real outbox parts per creation day and state; selects no other column."""
    start, end, day = _local(dialect, OutboxMessage.created_at, since, until, zone)
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


def channel_statement(dialect: str, since: date, until: date, zone: str = "UTC") -> Select:
    """Real outbox parts per creation day and channel; selects no other column."""
    start, end, day = _local(dialect, OutboxMessage.created_at, since, until, zone)
    return (
        select(day, OutboxMessage.channel, func.count().label("n"))
        .where(OutboxMessage.created_at >= start, OutboxMessage.created_at < end,
               OutboxMessage.simulated.is_(False))
        .group_by(day, OutboxMessage.channel)
    )


class FailureRow(NamedTuple):
    """How many outbox parts created on one day failed with one Twilio error code."""

    day: date
    error_code: str | None
    count: int


def failure_statement(dialect: str, since: date, until: date, zone: str = "UTC") -> Select:
    """Real failed outbox parts per creation day and error code; selects no other column."""
    start, end, day = _local(dialect, OutboxMessage.created_at, since, until, zone)
    return (
        select(day, OutboxMessage.error_code, func.count().label("n"))
        .where(OutboxMessage.created_at >= start, OutboxMessage.created_at < end,
               OutboxMessage.simulated.is_(False), OutboxMessage.state == FAILED)
        .group_by(day, OutboxMessage.error_code)
    )


class ReportQueries(Topic):
    """The grouped reads every report is computed from."""

    def usage_rows(self, since: date, until: date, zone: str = "UTC") -> list[UsageRow]:
        statement = usage_statement(self._tx.dialect, since, until, zone)
        return [UsageRow(_as_date(row[0]), *row[1:6], int(row[6]))
                for row in self._session.execute(statement)]

    def outbox_rows(self, since: date, until: date, zone: str = "UTC") -> list[OutboxRow]:
        statement = outbox_statement(self._tx.dialect, since, until, zone)
        return [OutboxRow(_as_date(row[0]), row[1], int(row[2]))
                for row in self._session.execute(statement)]

    def channel_rows(self, since: date, until: date, zone: str = "UTC") -> list[ChannelRow]:
        statement = channel_statement(self._tx.dialect, since, until, zone)
        return [ChannelRow(_as_date(row[0]), row[1], int(row[2]))
                for row in self._session.execute(statement)]

    def failure_rows(self, since: date, until: date, zone: str = "UTC") -> list[FailureRow]:
        statement = failure_statement(self._tx.dialect, since, until, zone)
        return [FailureRow(_as_date(row[0]), row[1] or None, int(row[2]))
                for row in self._session.execute(statement)]
