"""Sending slots shared by every worker: at most ``HELPLINE_SMS_PER_SECOND`` texts a second.

Twilio queues what a sender is given beyond its throughput (one text a second for a long code)
and fails what waited too long, so the helpline keeps to it itself. One row holds the next free
instant; a worker takes ``count`` slots by moving it on under the row's lock and then sends
each text at its slot. Workers on several machines share the row, so together they keep the
rate; a worker that dies leaves only unused slots in the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .models import SendRate
from .topic import Topic

SENDER = "sms"


class SendRateSlots(Topic):
    def take(self, count: int, per_second: float, now: datetime) -> list[datetime]:
        """The instants at which ``count`` texts may be sent, the first no earlier than now."""
        gap = timedelta(seconds=1 / per_second)
        self._session.execute(
            self._insert(SendRate).values(name=SENDER, next_at=now)
            .on_conflict_do_nothing(index_elements=["name"]))
        row = self._session.get(SendRate, SENDER, with_for_update=True)
        start = max(row.next_at, now)
        row.next_at = start + gap * count
        self._session.flush()
        return [start + gap * i for i in range(count)]
