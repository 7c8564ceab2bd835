"""Counts for the sending limits: per number and in all, one UTC day at a time.

A send takes a count against each of its claims only if none is already at its limit; checked
and counted under a lock on the claims' keys, so concurrent requests cannot beat a limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from ..core.send_limits import Claim
from .models import SendCount, utcnow
from .topic import Topic

REFUSED = "refused:"
#: The rule a remembered line type is kept under (``line_type:mobile``).
LINE_TYPE = "line_type:"


class SendCounts(Topic):
    """Take counts for a send; read the day's totals and refusals for the operator."""

    def take(self, claims: Sequence[Claim], now: datetime | None = None) -> str | None:
        """Count one send against every claim; None, or the rule of the first claim at its
        limit (then nothing is counted but the refusal)."""
        day = (now or utcnow()).date().isoformat()
        keys = [self._keys(day, claim) for claim in claims]
        self._lock_keys([candidates[0] for candidates in keys])
        wanted = [key for candidates in keys for key in candidates]
        counts = dict(self._session.execute(
            select(SendCount.key, SendCount.count).where(SendCount.key.in_(wanted))).all())
        for claim, candidates in zip(claims, keys, strict=True):
            if sum(counts.get(key, 0) for key in candidates) >= claim.per_day:
                self.count_refusal(claim.rule, now)
                return claim.rule
        for claim, candidates in zip(claims, keys, strict=True):
            self._add(candidates[0], day, claim.rule)
        return None

    def count_refusal(self, rule: str, now: datetime | None = None) -> None:
        """One more text refused today for ``rule`` (a limit, or a destination reason)."""
        day = (now or utcnow()).date().isoformat()
        self._add(f"{day}|{REFUSED}{rule}", day, REFUSED + rule)

    def day_figures(self, now: datetime | None = None) -> dict[str, int]:
        """Today's helpline-wide counts and refusals by rule (``refused:text_me_to``)."""
        day = (now or utcnow()).date().isoformat()
        rows = self._session.execute(
            select(SendCount.rule, SendCount.count).where(
                SendCount.day == day, SendCount.key.like(f"{day}|%"))
        ).all()
        return {rule: count for rule, count in rows}

    def line_type(self, number: str, now: datetime | None = None) -> str | None:
        """The line type looked up for ``number`` today, if it was (under any current key)."""
        day = (now or utcnow()).date().isoformat()
        keys = self._hasher.candidates_for(f"line-type|{day}", number)
        rule = self._session.scalar(select(SendCount.rule).where(SendCount.key.in_(keys)))
        return rule.removeprefix(LINE_TYPE) if rule else None

    def keep_line_type(self, number: str, kind: str, now: datetime | None = None) -> None:
        """Remember today's look-up under a day-salted keyed hash: dropped with the day's
        counts, and matching no other table's hash, like the counts themselves."""
        day = (now or utcnow()).date().isoformat()
        key = self._hasher.candidates_for(f"line-type|{day}", number)[0]
        rule = (LINE_TYPE + kind)[:48]
        insert = self._insert(SendCount).values(key=key, day=day, rule=rule, count=1)
        self._session.execute(insert.on_conflict_do_update(
            index_elements=[SendCount.key], set_={"rule": rule}))

    def expire(self, now: datetime) -> int:
        """Drop the counts of days before yesterday: no limit looks further back."""
        cutoff = (now.date() - timedelta(days=1)).isoformat()
        return self._delete(SendCount, SendCount.day < cutoff)

    def _keys(self, day: str, claim: Claim) -> list[str]:
        """The claim's key under the current instance key, then under old ones (a rotation
        mid-day must not reset a limit)."""
        if claim.number is None:
            return [f"{day}|{claim.rule}"]
        return self._hasher.candidates_for(f"send-count|{day}|{claim.rule}", claim.number)

    def _add(self, key: str, day: str, rule: str) -> None:
        insert = self._insert(SendCount).values(key=key, day=day, rule=rule, count=1)
        self._session.execute(insert.on_conflict_do_update(
            index_elements=[SendCount.key], set_={"count": SendCount.count + 1}))

    def _lock_keys(self, keys: list[str]) -> None:
        """Serialise sends that share a count (the plain helpline-wide keys are hashed first)."""
        self._lock_numbers(*(hashlib.sha256(key.encode()).hexdigest() for key in keys))

