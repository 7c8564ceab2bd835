"""The tables. Only the outbox holds a plain number, and only until the message has gone.

Everything else is keyed by ``number_hash`` (see ``hashing.py``). Times are stored as naive UTC
on both backends (SQLite has no time zones) and handed back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Outbox states. ``pending`` waits for a worker, ``sending`` is claimed by one; the rest are final.
PENDING, SENDING, SENT, DELIVERED, FAILED, SUPPRESSED = (
    "pending",
    "sending",
    "sent",
    "delivered",
    "failed",
    "suppressed",
)
OUTBOX_STATES = (PENDING, SENDING, SENT, DELIVERED, FAILED, SUPPRESSED)
#: States in which the row still needs the plain number.
UNSENT_STATES = (PENDING, SENDING)

# Stable constraint names, so one migration means the same thing on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database, the same on both backends."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Contact(Base):
    """What the helpline remembers about a number: its language and whether it may be texted.

    ``opted_out`` is the state; the times and ``*_via`` (the keyword, or e.g. ``twilio:21610``)
    are the record of how it got there. A flag rather than comparing times, because instances
    behind a load balancer do not share a clock and STOP then START must end opted in.
    """

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str | None] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    opted_out_via: Mapped[str | None] = mapped_column(String(64))
    opted_in_at: Mapped[datetime | None]
    opted_in_via: Mapped[str | None] = mapped_column(String(64))
    #: Where the texter is in what was last sent ("menu", "questions:4:zh"), so MORE and a
    #: bare number mean what the last text offered; it expires (see ``Contacts.texter``).
    position: Mapped[str | None] = mapped_column(String(64))
    position_at: Mapped[datetime | None]
    #: DISCREET: no text's first line names the subject. Kept by FORGET, as an opt-out is.
    discreet: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """One SMS part (one Twilio message); the parts of one send share a ``batch``.

    ``to_number`` is the only plain number in the database: it is needed to send, and set to
    NULL as soon as the message has been handed to the provider, has failed for good, or was
    suppressed. ``to_hash`` stays, so opt-outs and ``forget`` can still find the row.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'suppressed')",
            name="state",
        ),
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int]
    total: Mapped[int]
    to_number: Mapped[str | None] = mapped_column(String(64))
    to_hash: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    simulated: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    #: "sms" or "whatsapp": how the worker sends it (``to_number`` stays the plain number).
    channel: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    #: A WhatsApp voice note's audio URL (never a number).
    media_url: Mapped[str | None] = mapped_column(String(500))
    #: A WhatsApp template (Content SID) and its variables as JSON, outside the 24-hour window.
    content_sid: Mapped[str | None] = mapped_column(String(34))
    content_variables: Mapped[str | None] = mapped_column(Text)


class WhatsAppWindow(Base):
    """When a WhatsApp number last wrote in (its 24-hour window), keyed by hash only.

    ``last_content`` is the piece or section last sent (what LISTEN plays); ``pending`` is
    what waits for the person's reply after a template invited it ("kind|content|language").
    """

    __tablename__ = "whatsapp_windows"

    number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_inbound_at: Mapped[datetime | None]
    last_content: Mapped[str | None] = mapped_column(String(64))
    pending: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeliveryReceipt(Base):
    """A status callback that arrived before its message was marked sent.

    Twilio can call back within milliseconds of accepting a message, before the worker has
    committed the sid. Keeping the status here (instead of dropping it) means none is lost:
    ``mark_sent`` and ``housekeeping`` apply it once the sid is known.
    """

    __tablename__ = "delivery_receipts"

    provider_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class UsageEvent(Base):
    """An anonymous count: what was used, in which language. Never a number or a CallSid."""

    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(32))
    content_id: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(64))
    simulated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SendCount(Base):
    """How many texts one limit counted on one day, for one number or for the whole helpline.

    ``key`` is a keyed hash of the day, the limit and the number: it matches no other table's
    hash and no other day's, so it cannot be linked to a contact, and FORGET cannot (and must
    not) reset a limit. Rows are dropped once their day is over; nothing outlives the window.
    The helpline-wide counts, and the counts of texts refused, have no number: their key is
    the day and the rule in plain, so doctor can read them.
    """

    __tablename__ = "send_counts"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), index=True)
    rule: Mapped[str] = mapped_column(String(48))
    count: Mapped[int] = mapped_column(default=0)


class ReturningCaller(Base):
    """Where a caller who asked to be remembered stopped, for their next call.

    Only a caller who chose it on a call has a row (a caller id can be spoofed, so nobody else
    is greeted as returning); it ends after ``until`` or on FORGET. The screen is a piece of
    content (``questions``, 3), never anything the caller typed.
    """

    __tablename__ = "returning_callers"

    number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    screen: Mapped[str] = mapped_column(String(40))
    piece: Mapped[int] = mapped_column(default=0)
    slow: Mapped[bool] = mapped_column(default=False)
    until: Mapped[datetime] = mapped_column(index=True)


class StoreMeta(Base):
    """Small facts about the database itself, e.g. the fingerprint of the hashing key."""

    __tablename__ = "store_meta"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class Reminder(Base):
    """One reminder text still to send before or after a contact's appointment.

    The number is needed until the text is queued, so it is kept encrypted (``number_sealed``,
    AES-GCM, see ``number_cipher.py``), never in plain. A row lives only until its text is
    queued, or REMIND OFF, STOP or FORGET: then it is deleted, number and all. ``owner_hash``
    is whoever set the reminder (REMINDERS lists, REMIND OFF cancels by it); ``to_hash`` is
    who receives it (the owner, or a caregiver added with SHARE).
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due_at_id", "due_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(36))
    owner_hash: Mapped[str] = mapped_column(String(64), index=True)
    to_hash: Mapped[str] = mapped_column(String(64), index=True)
    number_sealed: Mapped[str] = mapped_column(Text)
    #: Who set a caregiver's copy, sealed too: the sharing limits count against them.
    origin_sealed: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64))
    appointment: Mapped[date]
    due_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(8))
    simulated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SendRate(Base):
    """The next free sending slot, shared by every worker (HELPLINE_SMS_PER_SECOND).

    One row per sender; a worker takes slots by moving ``next_at`` on under the row lock, so
    workers on several machines together never exceed Twilio's throughput for the sender.
    """

    __tablename__ = "send_rate"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_at: Mapped[datetime]
