"""Two workers, separate connections, one outbox: no row is claimed twice, none is missed."""

from __future__ import annotations

import threading
import time
from collections import Counter

from helpline.config import DEFAULTS
from helpline.core.send_limits import SHARE, claims, configured_limits
from helpline.store import SENT, Store

LIMITS = configured_limits(DEFAULTS)  # 3 shares sent and 1 received a day


def fill_outbox(store: Store, numbers: list[str], rows: int) -> list[int]:
    ids: list[int] = []
    with store.transaction() as tx:
        for index in range(rows // 5):
            to = numbers[index % len(numbers)]
            parts = [f"Question {index}.{part}" for part in range(1, 6)]
            ids += [item.id for item in tx.outbox.enqueue(to, parts, kind="share")]
    return ids


def claim(store: Store, worker: str, limit: int):
    with store.transaction() as tx:
        return tx.outbox.claim_due(worker, limit=limit)


def test_two_workers_never_claim_the_same_row(store: Store, make_store, nums) -> None:
    ids = fill_outbox(store, nums.workers, 200)
    assert len(ids) == 200
    workers = {"worker-a": make_store(), "worker-b": make_store()}
    claimed: dict[str, list[int]] = {name: [] for name in workers}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(workers))

    def work(name: str, worker_store: Store) -> None:
        try:
            barrier.wait()
            while rows := claim(worker_store, name, limit=7):
                for row in rows:
                    assert row.claimed_by == name
                    claimed[name].append(row.id)
                    with worker_store.transaction() as tx:
                        tx.outbox.mark_sent(row.id, f"SM-{row.id}")
                time.sleep(0.002)  # sending takes a moment: let the other worker in
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=item) for item in workers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    everything = claimed["worker-a"] + claimed["worker-b"]
    twice = [row for row, n in Counter(everything).items() if n > 1]
    assert twice == []
    assert sorted(everything) == sorted(ids)
    assert claimed["worker-a"] and claimed["worker-b"], "both workers should have taken rows"
    with store.reading() as tx:
        assert {tx.outbox.item(row).state for row in ids} == {SENT}


def test_a_claim_in_progress_does_not_hand_out_its_rows(
    store: Store, make_store, nums, backend: str
) -> None:
    """PostgreSQL skips locked rows at once; SQLite makes the second claim wait its turn."""
    ids = fill_outbox(store, nums.workers, 10)
    other = make_store()
    second: list[int] = []

    def claim_other() -> None:
        second.extend(row.id for row in claim(other, "worker-b", limit=10))

    thread = threading.Thread(target=claim_other)
    with store.transaction() as tx:
        first = [row.id for row in tx.outbox.claim_due("worker-a", limit=5)]
        thread.start()
        thread.join(5 if backend == "postgres" else 0.5)
        if backend == "postgres":
            assert not thread.is_alive(), "SKIP LOCKED should not wait for the other claim"
            assert sorted(second) == sorted(set(ids) - set(first))
        else:
            assert thread.is_alive(), "SQLite claims should be serialised by BEGIN IMMEDIATE"
    thread.join(30)
    assert not thread.is_alive()
    assert sorted(first + second) == sorted(ids)
    with store.transaction() as tx:
        for row in first + second:  # finish them, as a worker would
            tx.outbox.mark_sent(row, f"SM-{row}")


def test_concurrent_shares_cannot_beat_the_limit(store: Store, make_store, nums) -> None:
    instances = [make_store() for _ in range(6)]
    recipients = [nums.bob, nums.carol, nums.dan, nums.erin, nums.frank, *nums.workers[:1]]
    results: list[str | None] = []
    barrier = threading.Barrier(len(instances))

    def share(instance: Store, recipient: str) -> None:
        barrier.wait()
        with instance.transaction() as tx:
            results.append(tx.send_counts.take(claims(LIMITS, SHARE, nums.alice, recipient)))

    threads = [
        threading.Thread(target=share, args=pair)
        for pair in zip(instances, recipients, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results.count(None) == 3
    assert results.count("shares_from") == 3
