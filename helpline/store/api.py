"""The Store: the one object that owns the engine and sessions; usable with or without Flask."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from . import db
from .hashing import NumberHasher, SecretKeyError
from .models import UsageEvent, utcnow
from .records import OutboxItem, UsageCount
from .transaction import (
    COMPACTED_AT,
    KEY_FINGERPRINT,
    ShareLimits,
    Transaction,
    _brief,
    _usage_event,
)

log = logging.getLogger(__name__)


class Store:
    """Contacts, outbox, share limits and usage counts on SQLite or PostgreSQL.

    Each method runs in its own short transaction; ``transaction()`` groups several. Numbers
    are passed in plain (as Twilio posts them) and only ever stored as keyed hashes, except
    an unsent message's recipient.
    """

    def __init__(
        self,
        url: str | URL,
        key: str | bytes,
        *,
        old_keys: Iterable[str | bytes] = (),
        share_limits: ShareLimits | None = None,
        engine_options: dict[str, Any] | None = None,
    ) -> None:
        self.engine: Engine = db.make_engine(url, **(engine_options or {}))
        self._writer = db.writer(self.engine)
        self._hasher = NumberHasher(key, old_keys)
        self._limits = share_limits or ShareLimits()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_embedded(self) -> bool:
        """SQLite: one machine, one file; migrations can run automatically at start-up."""
        return self.dialect == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: everything inside commits together or not at all.

        On SQLite it takes the write lock at once (BEGIN IMMEDIATE); keep it short.
        """
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield Transaction(session, self._hasher, self._limits)

    @contextmanager
    def _reading(self) -> Iterator[Transaction]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield Transaction(session, self._hasher, self._limits)

    def hash_number(self, number: str) -> str:
        """The keyed hash stored for a number (for code that must compare, never to display)."""
        return self._hasher.hash(number)

    # -- schema and key ---------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Apply migrations; returns the (before, after) revisions."""
        return db.upgrade(self.engine, revision)

    def current_revision(self) -> str | None:
        return db.current_revision(self.engine)

    @staticmethod
    def head_revision() -> str:
        return db.head_revision()

    def check_schema(self) -> str:
        """Raise SchemaOutOfDate (naming `helpline db upgrade`) unless the schema is current."""
        return db.check_schema(self.engine)

    def check_key(self) -> None:
        """Refuse a key other than the one the stored hashes were made with.

        A changed key would make every stored opt-out unrecognisable, and the helpline would
        text people who said STOP. The first start records the key's fingerprint; a start
        with a listed old key moves the record to the new key (a rotation).
        """
        current = self._hasher.fingerprint
        with self.transaction() as tx:
            # Several instances may start at once on an empty database: first one wins.
            stored = tx.setdefault_meta(KEY_FINGERPRINT, current)
            if stored == current:
                return
            if stored in self._hasher.old_fingerprints:
                tx.set_meta(KEY_FINGERPRINT, current)
                log.warning(
                    "Secret key rotated: records move to the new key as their numbers are "
                    "seen. Keep HELPLINE_OLD_SECRET_KEYS set until you accept losing the rest "
                    "(see the README)."
                )
                return
        raise SecretKeyError(
            "HELPLINE_SECRET_KEY is not the key this database's phone numbers were hashed with "
            f"(key fingerprint {current}, database expects {stored}). Stored opt-outs would no "
            "longer be recognised, so the helpline will not start. If you are rotating the key, "
            "put the previous one in HELPLINE_OLD_SECRET_KEYS. If the old key is lost for "
            "good, run `helpline db adopt-key` to accept that earlier opt-outs, languages and "
            "share limits can no longer be matched."
        )

    def adopt_key(self) -> str | None:
        """Record the current key as the database's key; returns the previous fingerprint."""
        with self.transaction() as tx:
            previous = tx.get_meta(KEY_FINGERPRINT)
            tx.set_meta(KEY_FINGERPRINT, self._hasher.fingerprint)
        return previous

    # -- contacts ---------------------------------------------------------------------------

    def is_opted_out(self, number: str) -> bool:
        with self._reading() as tx:
            return tx.is_opted_out(number)

    def record_opt_out(self, number: str, via: str, now: datetime | None = None) -> int:
        """Opt the number out and suppress its queued messages; returns how many."""
        with self.transaction() as tx:
            return tx.record_opt_out(number, via, now)

    def record_opt_in(self, number: str, via: str, now: datetime | None = None) -> None:
        with self.transaction() as tx:
            tx.record_opt_in(number, via, now)

    def language_of(self, number: str) -> str | None:
        with self._reading() as tx:
            return tx.language_of(number)

    def texter_state(self, number: str) -> tuple[str | None, bool]:
        """(language, opted out) for an incoming text, in one read."""
        with self._reading() as tx:
            return tx.texter_state(number)

    def set_language(self, number: str, code: str, now: datetime | None = None) -> None:
        with self.transaction() as tx:
            tx.set_language(number, code, now)

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
        with self.transaction() as tx:
            return tx.enqueue(
                to,
                parts,
                kind=kind,
                language=language,
                simulated=simulated,
                now=now,
                not_before=not_before,
            )

    def claim_due(
        self, worker_id: str, now: datetime | None = None, limit: int = 10
    ) -> list[OutboxItem]:
        with self.transaction() as tx:
            return tx.claim_due(worker_id, now, limit)

    def mark_sent(self, row_id: int, provider_sid: str, now: datetime | None = None) -> bool:
        with self.transaction() as tx:
            return tx.mark_sent(row_id, provider_sid, now)

    def schedule_retry(
        self,
        row_id: int,
        error: str,
        next_attempt_at: datetime,
        *,
        error_code: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        with self.transaction() as tx:
            return tx.schedule_retry(row_id, error, next_attempt_at, error_code=error_code, now=now)

    def mark_failed(
        self, row_id: int, error_code: str | None, error: str, now: datetime | None = None
    ) -> bool:
        with self.transaction() as tx:
            return tx.mark_failed(row_id, error_code, error, now)

    def suppress_pending(self, number: str, reason: str = "recipient opted out") -> int:
        with self.transaction() as tx:
            return tx.suppress_pending(number, reason)

    def record_delivery_status(
        self,
        provider_sid: str,
        status: str,
        error_code: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        with self.transaction() as tx:
            return tx.record_delivery_status(provider_sid, status, error_code, now)

    def stale_sending(self, older_than: datetime) -> list[OutboxItem]:
        with self._reading() as tx:
            return tx.stale_sending(older_than)

    def outbox_batch(self, batch: str) -> list[OutboxItem]:
        with self._reading() as tx:
            return tx.outbox_batch(batch)

    def outbox_item(self, row_id: int) -> OutboxItem | None:
        with self._reading() as tx:
            return tx.outbox_item(row_id)

    # -- caregiver shares -------------------------------------------------------------------

    def share_allowed(self, sender: str, recipient: str, now: datetime | None = None) -> str | None:
        with self._reading() as tx:
            return tx.share_allowed(sender, recipient, now)

    def record_share(self, sender: str, recipient: str, now: datetime | None = None) -> None:
        with self.transaction() as tx:
            tx.record_share(sender, recipient, now)

    def claim_share(self, sender: str, recipient: str, now: datetime | None = None) -> str | None:
        with self.transaction() as tx:
            return tx.claim_share(sender, recipient, now)

    # -- usage ------------------------------------------------------------------------------

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
        """Count one use. Best effort: a database problem is logged, never raised."""
        try:
            event = _usage_event(channel, kind, content_id, language, detail, simulated, now)
            with Session(self._writer) as session, session.begin():
                session.add(event)
        except Exception as exc:  # a webhook must answer even if counting fails
            log.warning("Usage event %s/%s not recorded: %s", channel, kind, _brief(exc))

    def usage_counts(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        include_simulated: bool = False,
    ) -> list[UsageCount]:
        """Counts by channel, kind, content id and language, most used first."""
        keys = (UsageEvent.channel, UsageEvent.kind, UsageEvent.content_id, UsageEvent.language)
        stmt = select(*keys, func.count().label("n")).group_by(*keys)
        if since is not None:
            stmt = stmt.where(UsageEvent.created_at >= since)
        if until is not None:
            stmt = stmt.where(UsageEvent.created_at < until)
        if not include_simulated:
            stmt = stmt.where(UsageEvent.simulated.is_(False))
        stmt = stmt.order_by(func.count().desc(), *keys)
        with Session(self.engine) as session:
            return [UsageCount(*row) for row in session.execute(stmt)]

    # -- privacy and maintenance ------------------------------------------------------------

    def forget(self, number: str) -> dict[str, int]:
        """Delete what is keyed to the number, keeping an opt-out; returns what was deleted.

        On SQLite the file is then compacted, so the erased data is gone from disk too.
        """
        with self.transaction() as tx:
            counts = tx.forget(number)
        self.compact()
        return counts

    def housekeeping(self, now: datetime | None = None, *, keep_days: int = 30) -> dict[str, int]:
        """Periodic clean-up for the worker (every few minutes is plenty).

        Applies late delivery receipts, expires old share records and finished messages,
        and on SQLite compacts the file when recipients' numbers were dropped since last time.
        """
        with self.transaction() as tx:
            counts = tx.housekeeping(now or utcnow(), keep_days=keep_days)
            stale = self.is_embedded and tx.numbers_dropped_since(tx.get_meta(COMPACTED_AT))
        counts["compacted"] = int(bool(stale or counts["outbox_expired"]) and self.compact())
        return counts

    def compact(self) -> bool:
        """SQLite: rewrite the file so that no dropped number survives in its free space.

        ``secure_delete`` zeroes deleted rows, but SQLite leaves stale copies of rows it moved
        between pages in the unused part of a page; only VACUUM rewrites every page.
        PostgreSQL reclaims dead rows itself (autovacuum); nothing to do there.
        """
        if not self.is_embedded or self.engine.url.database in (None, "", ":memory:"):
            return False
        try:
            # On the raw connection: VACUUM and checkpoints must run outside a transaction.
            raw = self.engine.raw_connection()
            try:
                raw.driver_connection.execute("VACUUM")
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.close()
        except Exception as exc:  # e.g. busy for longer than the timeout: next time
            log.warning("Could not compact the database file: %s", _brief(exc))
            return False
        with self.transaction() as tx:
            tx.set_meta(COMPACTED_AT, utcnow().isoformat())
        return True
