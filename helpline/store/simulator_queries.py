"""Read-only queries for the simulator: the texts a simulated caller would have received.

Kept apart from the store's own modules because only the operator's simulator needs them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .api import Store
from .models import OutboxMessage
from .records import OutboxItem

#: The most rows one look-up returns; the simulator pane only shows a conversation.
MAX_ROWS = 100


def simulated_outbox(store: Store, number: str, after_id: int = 0,
                     limit: int = MAX_ROWS) -> list[OutboxItem]:
    """Simulated outbox rows addressed to ``number``, oldest first, with an id above ``after_id``.

    Rows are found by the number's keyed hash, because the plain number is dropped from a row
    once it has been sent (locally, for simulated rows); only simulated rows are returned, so a
    real person's texts never show on the operator's screen.
    """
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.to_hash == store.hash_number(number))
        .where(OutboxMessage.simulated.is_(True))
        .where(OutboxMessage.id > after_id)
        .order_by(OutboxMessage.id)
        .limit(max(1, min(limit, MAX_ROWS)))
    )
    with Session(store.engine) as session:
        return [OutboxItem.of(row) for row in session.scalars(stmt)]
