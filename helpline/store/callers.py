"""Returning callers: where a caller who asked to be remembered stopped, kept for a week.

Keyed by the number's hash like every other record; a row exists only because the caller chose
it on a call, and it ends after ``REMEMBER_DAYS`` or when the number is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from .models import ReturningCaller, utcnow
from .topic import Topic

#: How long a caller is remembered after their last call.
REMEMBER_DAYS = 7


@dataclass(frozen=True)
class Stopped:
    """Where a remembered caller stopped: a screen, the piece on it, the language, the pace."""

    language: str
    screen: str
    piece: int = 0
    slow: bool = False


class Callers(Topic):
    """Remember, recall and forget where a caller stopped."""

    def remember(self, number: str, stopped: Stopped, now: datetime | None = None) -> None:
        """Keep (or move) where ``number`` stopped, for another ``REMEMBER_DAYS``."""
        until = (now or utcnow()) + timedelta(days=REMEMBER_DAYS)
        hashes = self._hasher.candidates(number)
        row = self._session.scalar(select(ReturningCaller).where(
            ReturningCaller.number_hash.in_(hashes)).with_for_update())
        if row is None:
            row = ReturningCaller(number_hash=hashes[0])
            self._session.add(row)
        row.number_hash, row.language, row.screen = hashes[0], stopped.language, stopped.screen
        row.piece, row.slow, row.until = stopped.piece, stopped.slow, until

    def where_stopped(self, number: str, now: datetime | None = None) -> Stopped | None:
        """Where a remembered caller stopped, or None (never asked, or more than a week ago)."""
        row = self._session.scalar(select(ReturningCaller).where(
            ReturningCaller.number_hash.in_(self._hasher.candidates(number)),
            ReturningCaller.until > (now or utcnow())))
        if row is None:
            return None
        return Stopped(row.language, row.screen, row.piece, row.slow)

    def forget(self, number: str) -> int:
        """Remember this caller no more; how many rows went."""
        result = self._session.execute(delete(ReturningCaller).where(
            ReturningCaller.number_hash.in_(self._hasher.candidates(number))))
        return result.rowcount or 0

    def expire(self, now: datetime | None = None) -> int:
        result = self._session.execute(delete(ReturningCaller).where(
            ReturningCaller.until <= (now or utcnow())))
        return result.rowcount or 0
