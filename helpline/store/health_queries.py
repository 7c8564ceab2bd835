"""Read-only questions a health check asks the outbox: is a worker sending what is due?

No worker heartbeat is stored; the outbox itself says enough. A worker that runs finishes rows
(sent, delivered or failed); a worker that stopped leaves due rows pending. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from .models import DELIVERED, FAILED, PENDING, SENT, OutboxMessage

#: States a worker moves a row into when it has dealt with it.
FINISHED_STATES = (SENT, DELIVERED, FAILED)


@dataclass(frozen=True)
class OutboxActivity:
    """When a worker last finished a row, and what is waiting for one now."""

    last_finished_at: datetime | None
    oldest_due_at: datetime | None
    due: int


def outbox_activity(engine: Engine, now: datetime) -> OutboxActivity:
    """The latest finished row's time, and the pending rows whose next attempt is due."""
    with Session(engine) as session:
        last = session.scalar(
            select(func.max(OutboxMessage.updated_at)).where(
                OutboxMessage.state.in_(FINISHED_STATES)
            )
        )
        oldest, due = session.execute(
            select(func.min(OutboxMessage.next_attempt_at), func.count(OutboxMessage.id)).where(
                OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now
            )
        ).one()
        session.rollback()
    return OutboxActivity(last_finished_at=last, oldest_due_at=oldest, due=int(due or 0))
