"""HELPLINE_SMS_PER_SECOND is shared by every worker: together they never hand Twilio two
texts closer than one slot apart, and a worker held up does not burst to catch up."""

from __future__ import annotations

import threading
import time

from helpline.outbound.transport import LocalTransport
from helpline.outbound.worker import OutboxWorker

PER_SECOND = 4
GAP = 1 / PER_SECOND


class TimedTransport(LocalTransport):
    """Local mode's transport, noting when each text was handed over (shared by workers)."""

    def __init__(self, slow_first: float = 0.0) -> None:
        super().__init__()
        self.times: list[float] = []
        self.lock = threading.Lock()
        self.slow_first = slow_first

    def send(self, to: str, body: str) -> str:
        with self.lock:
            self.times.append(time.monotonic())
            first = len(self.times) == 1
        if first and self.slow_first:
            time.sleep(self.slow_first)  # Twilio slow to answer the first one
        return super().send(to, body)


def queue(store, count: int) -> None:
    with store.transaction() as tx:
        for i in range(count):
            tx.outbox.enqueue(f"+4474001230{i:02d}", [f"text {i}"], kind="text_me")


def gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in zip(ordered, ordered[1:], strict=False)]


def test_two_workers_share_one_sending_rate(store):
    queue(store, 8)
    transport = TimedTransport()
    workers = [OutboxWorker(store, transport, worker_id=f"w{i}", batch=3,
                            per_second=PER_SECOND) for i in range(2)]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(transport.times) == 8
    assert min(gaps(transport.times)) >= GAP * 0.9  # never two texts within one slot


def test_a_worker_held_up_does_not_burst_afterwards(store):
    queue(store, 5)
    transport = TimedTransport(slow_first=3 * GAP)
    OutboxWorker(store, transport, worker_id="w", batch=5, per_second=PER_SECOND).run_once()

    assert min(gaps(transport.times)) >= GAP * 0.9


def test_without_a_rate_nothing_waits(store):
    queue(store, 5)
    waits: list[float] = []
    OutboxWorker(store, TimedTransport(), worker_id="w", sleep=waits.append).run_once()
    assert waits == []
