"""What every topic of the store stands on: the transaction's session and its number hasher.

A topic (contacts, outbox, receipts, send counts, usage, housekeeping, meta, reports) is a small
class over the one session of a ``Transaction``; topics reach each other through it, so work
that spans two of them (an opt-out that suppresses queued texts) still commits as one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, text
from sqlalchemy.dialects import postgresql, sqlite

from ..core.privacy import mask_numbers

if TYPE_CHECKING:
    from .transaction import Transaction

_SID = re.compile(r"\b(?:CA|SM|MM|AC|PN|MG|RE)[0-9a-fA-F]{32}\b")


def clean_text(value: str | None, limit: int) -> str | None:
    """Short, number-free text for a column that is not meant to hold anything personal.

    Provider errors quote the number ("The 'To' number +1415... is not valid") and a careless
    caller could pass a CallSid as a detail; both are masked before they reach the database.
    """
    if value is None:
        return None
    cleaned = _SID.sub("[sid]", mask_numbers(str(value))).strip()
    return cleaned[:limit] or None


class Topic:
    """One topic's queries, run in the transaction it belongs to."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx
        self._session = tx.session
        self._hasher = tx.hasher

    def _insert(self, model: type) -> Any:
        """INSERT with ON CONFLICT support: the same statement on both backends."""
        return (postgresql if self._tx.dialect == "postgresql" else sqlite).insert(model)

    def _delete(self, model: type, *conditions: Any) -> int:
        result = self._session.execute(
            delete(model).where(*conditions).execution_options(synchronize_session="fetch")
        )
        return int(result.rowcount or 0)

    def _lock_numbers(self, *hashes: str) -> None:
        """Serialise work on these numbers (PostgreSQL; SQLite writers are serial already)."""
        if self._tx.dialect != "postgresql":
            return
        for key in sorted(set(hashes)):  # one order everywhere: no deadlocks
            lock_id = int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
            self._session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
