"""Usage events: anonymous counts of what was used, in which language. Never a number.

The web process collects events in memory and writes them here in batches
(``helpline/usage.py``), off the request path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from .models import UsageEvent, utcnow
from .records import UsageCount
from .topic import Topic, clean_text

log = logging.getLogger(__name__)

CHANNELS = ("voice", "sms", "whatsapp")

_COLUMNS = [column.key for column in UsageEvent.__table__.columns if column.key != "id"]


class UsageEvents(Topic):
    """Write events in batches; count them."""

    def record(self, events: Iterable[Mapping[str, Any]]) -> int:
        """Many events in one INSERT; how many were written.

        Each event is a mapping with ``channel`` and ``kind`` and optionally ``content_id``,
        ``language``, ``detail``, ``simulated`` and ``created_at``. Free text is trimmed and
        cleaned of numbers and sids. An event that cannot be valid (unknown channel) is logged
        and skipped, so one bad event never blocks a batch; a database error propagates, so
        the batch writer keeps its events and tries again.
        """
        rows = []
        for event in events:
            channel, kind = event["channel"], event["kind"]
            if channel not in CHANNELS:
                log.warning("Usage event %s/%s skipped: unknown channel %r", channel, kind,
                            channel)
                continue
            row = _usage_event(event)
            rows.append({key: getattr(row, key) for key in _COLUMNS})
        if rows:
            self._session.execute(UsageEvent.__table__.insert(), rows)
        return len(rows)

    def counts(
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
        return [UsageCount(*row) for row in self._session.execute(stmt)]


def _usage_event(event: Mapping[str, Any]) -> UsageEvent:
    return UsageEvent(
        channel=event["channel"],
        kind=clean_text(event["kind"], 32) or "unknown",
        content_id=clean_text(event.get("content_id"), 64),
        language=clean_text(event.get("language"), 16),
        detail=clean_text(event.get("detail"), 64),
        simulated=bool(event.get("simulated", False)),
        created_at=event.get("created_at") or utcnow(),
    )
