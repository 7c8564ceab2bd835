"""The Store: owns the engine, the number hasher; hands out transactions.

Usable with or without Flask (the worker and scripts build one from a URL and a key). What is
stored is reached through a transaction's topics (``tx.contacts``, ``tx.outbox``, ...); the
Store itself only does what concerns the database as a whole: schema, key, compaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from ..core.privacy import mask_numbers
from . import db
from .contacts import texter_state_params, texter_state_statement
from .hashing import NumberHasher, SecretKeyError
from .models import utcnow
from .number_cipher import NumberCipher
from .records import TexterState
from .sealing import Sealer, derive_key
from .transaction import Transaction

log = logging.getLogger(__name__)

#: Store meta: the fingerprint of the key the stored hashes were made with.
KEY_FINGERPRINT = "key_fingerprint"


class Store:
    """One database, SQLite or PostgreSQL, and the key its phone numbers are hashed with."""

    def __init__(
        self,
        url: str | URL,
        key: str | bytes,
        *,
        old_keys: Iterable[str | bytes] = (),
        engine_options: dict[str, Any] | None = None,
        waits: db.Waits = db.WEBHOOK_WAITS,
    ) -> None:
        old_keys = list(old_keys)
        self.engine: Engine = db.make_engine(url, waits, **(engine_options or {}))
        self._writer = db.writer(self.engine)
        self._hasher = NumberHasher(key, old_keys)
        #: The texter-state read: a Core statement for this store's number of keys, compiled
        #: once for this database and run on the driver's cursor (the hottest read there is).
        compiled = texter_state_statement(self._hasher.key_count).compile(
            dialect=self.engine.dialect)
        self._state_sql = compiled.string
        self._state_order = compiled.positiontup if compiled.positional else None
        self._key = key.encode("utf-8") if isinstance(key, str) else key
        self._cipher = NumberCipher(self._key, [k.encode("utf-8") if isinstance(k, str) else k
                                                for k in old_keys if k and k != key])

    def sealer(self, purpose: bytes) -> Sealer:
        """Encryption for values that must leave the server briefly (see ``sealing.py``),
        with a key derived from the instance key for ``purpose`` alone."""
        return Sealer(self.derived_key(purpose, 64))

    def derived_key(self, purpose: bytes, length: int = 32) -> bytes:
        """A key for one purpose (HKDF of the instance key): no two purposes share one."""
        return derive_key(self._key, purpose, length)

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

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: everything inside commits together or not at all.

        On SQLite it takes the write lock at once (BEGIN IMMEDIATE); keep it short.
        """
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield Transaction(session, self._hasher, self._cipher)

    @contextmanager
    def reading(self) -> Iterator[Transaction]:
        """A transaction for reads only: on SQLite it never waits for, or holds, the write lock.

        Webhooks that only look (an incoming text's language and opt-out) use it, so they do
        not queue behind writers.
        """
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield Transaction(session, self._hasher, self._cipher)

    def texter_state(self, number: str) -> TexterState:
        """What an incoming text needs first (language, opt-out, ...), in one SELECT on a pooled
        connection's cursor: no session, no BEGIN on SQLite, no objects. Read afresh on every
        call: an opt-out is never remembered between requests."""
        hashes = self._hasher.candidates(number)
        params = texter_state_params(hashes, self._hasher.key_count)
        if self._state_order is not None:  # the driver wants positional parameters
            params = tuple(params[name] for name in self._state_order)
        raw = self.engine.raw_connection()  # pooled; pre-pinged on PostgreSQL
        cursor = None
        try:
            cursor = raw.cursor()
            cursor.execute(self._state_sql, params)
            rows = cursor.fetchall()
        except Exception as exc:
            if self.engine.dialect.is_disconnect(exc, raw.dbapi_connection, cursor):
                raw.invalidate()  # never hand a dead connection to the next request
            raise
        finally:
            if cursor is not None:
                cursor.close()
            raw.close()  # back to the pool, which ends the read (rollback on PostgreSQL)
        return TexterState.of(rows, hashes[0])

    def hash_number(self, number: str) -> str:
        """The keyed hash stored for a number; needs no database (the opt-out spool uses it)."""
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
            stored = tx.meta.setdefault(KEY_FINGERPRINT, current)
            if stored == current:
                return
            if stored in self._hasher.old_fingerprints:
                tx.meta.set(KEY_FINGERPRINT, current)
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
            "today's sending limits can no longer be matched."
        )

    def adopt_key(self) -> str | None:
        """Record the current key as the database's key; returns the previous fingerprint."""
        with self.transaction() as tx:
            previous = tx.meta.get(KEY_FINGERPRINT)
            tx.meta.set(KEY_FINGERPRINT, self._hasher.fingerprint)
        return previous

    # -- maintenance ------------------------------------------------------------------------

    def housekeeping(self, now: datetime | None = None, *, keep_days: int = 30) -> dict[str, int]:
        """Periodic clean-up for the worker (every few minutes is plenty).

        Applies late delivery receipts, expires old sending counts and finished messages, and
        on SQLite compacts the file when a number may linger in its free space: one was
        forgotten, or a message dropped its recipient, since the last compaction.
        """
        with self.transaction() as tx:
            counts = tx.housekeeping.clean_up(now or utcnow(), keep_days=keep_days)
            owed = self.is_embedded and (
                counts["outbox_expired"] > 0 or tx.housekeeping.compaction_owed()
            )
        counts["compacted"] = int(owed and self.compact())
        return counts

    def compact(self) -> bool:
        """SQLite: rewrite the file so that no dropped number survives in its free space.

        ``secure_delete`` zeroes deleted rows, but SQLite leaves stale copies of rows it moved
        between pages in the unused part of a page; only VACUUM rewrites every page.
        PostgreSQL reclaims dead rows itself (autovacuum); nothing to do there.
        """
        if not self.is_embedded or self.engine.url.database in (None, "", ":memory:"):
            return False
        began_at = utcnow()  # whatever is forgotten after this waits for the next compaction
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
            tx.housekeeping.record_compaction(began_at)
        return True


def _brief(exc: BaseException) -> str:
    """One line about an error, without the SQL parameters SQLAlchemy appends."""
    first = str(exc).splitlines()[0] if str(exc) else ""
    return mask_numbers(f"{type(exc).__name__}: {first}")[:200]
