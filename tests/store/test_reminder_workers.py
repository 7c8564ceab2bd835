"""Three workers on the real PostgreSQL server share 10,000 due reminders: each is queued and
sent exactly once, none twice, none lost, and none kept after its text went."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpline.config import PROJECT_ROOT, load_settings
from helpline.content import load_content
from helpline.core.prompts import deployment_values
from helpline.core.reminders import FOLLOW_UP
from helpline.outbound.policy import SendingPolicy
from helpline.outbound.reminders import ReminderPass
from helpline.outbound.transport import LocalTransport
from helpline.outbound.worker import OutboxWorker
from helpline.store.models import SENT, OutboxMessage, Reminder

#: Noon in London on a weekday: no reminder waits for the morning.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
COUNT = 10_000


def numbers(count: int) -> list[str]:
    return [f"+4474{i:08d}" for i in range(count)]


def seed(store, count: int) -> list[str]:
    """``count`` reminders to as many numbers, all due."""
    wanted = numbers(count)
    with store.transaction() as tx:
        for number in wanted:
            tx.reminders.add(number, number, [(FOLLOW_UP, NOW - timedelta(minutes=5))],
                             appointment=date(2027, 3, 9), language="en",
                             time_zone="Europe/London", channel="sms", now=NOW)
    return wanted


class CountingTransport(LocalTransport):
    """Local mode's transport (nothing leaves the machine), shared by the workers: it keeps
    every send, so a text sent twice shows."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def send(self, to: str, body: str) -> str:
        with self.lock:
            return super().send(to, body)


def reminder_pass(store) -> ReminderPass:
    settings = load_settings({}, {"HELPLINE_TEXTS_PER_DAY": 10 * COUNT,
                                  "TWILIO_FROM_NUMBER": "+15005550006"})
    content = load_content(PROJECT_ROOT / "scripts_content", ["en"])
    values = deployment_values(settings)
    return ReminderPass(store, SendingPolicy.from_settings(settings), lambda: content,
                        lambda: values)


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_three_workers_share_ten_thousand_due_reminders_exactly_once(make_store, backend,
                                                                      caplog):
    caplog.set_level("WARNING")  # 10,000 "local mode: text to ..." lines are not the point
    stores = [make_store() for _ in range(3)]
    wanted = seed(stores[0], COUNT)
    transport = CountingTransport()
    reports = {}

    def work(index: int) -> None:
        store = stores[index]
        worker = OutboxWorker(store, transport, worker_id=f"worker-{index}",
                              clock=lambda: NOW, reminders=reminder_pass(store), batch=50)
        reports[index] = worker.run_once()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)

    sends = Counter(to for _, to, _ in transport.sent)
    assert set(sends) == set(wanted)                       # none lost
    assert max(sends.values()) == 1                        # none sent twice
    assert sum(r.reminders for r in reports.values()) == COUNT
    assert all(r.reminders > 0 for r in reports.values())  # the three shared the work
    with stores[0].reading() as tx:
        assert tx.session.scalar(select(func.count()).select_from(Reminder)) == 0
        states = Counter(tx.session.scalars(select(OutboxMessage.state)))
        kept = tx.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.to_number.is_not(None)))
    assert states == {SENT: COUNT} and kept == 0
