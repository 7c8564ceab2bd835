"""The outbox: one row per SMS part, claimed, sent, retried, failed, suppressed, reconciled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from helpline.store import (
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SUPPRESSED,
    Store,
)
from helpline.store.models import Contact

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


def send_one(store: Store, to: str, parts: list[str] | None = None, **kwargs):
    with store.transaction() as tx:
        return tx.outbox.enqueue(
            to,
            parts or ["Checklist (1/2)", "Checklist (2/2)"],
            kind=kwargs.pop("kind", "text_me"),
            language="en",
            now=NOW,
            **kwargs,
        )


def claim(store: Store, worker: str = "w", now=LATER, limit: int = 10):
    with store.transaction() as tx:
        return tx.outbox.claim_due(worker, now=now, limit=limit)


def item(store: Store, row_id: int):
    with store.reading() as tx:
        return tx.outbox.item(row_id)


def test_enqueue_stores_one_row_per_part_in_one_batch(store: Store, nums) -> None:
    items = send_one(store, "+1 415 555 0101", ["one", "two", "three"], simulated=True)
    assert [(i.position, i.total, i.body) for i in items] == [
        (1, 3, "one"),
        (2, 3, "two"),
        (3, 3, "three"),
    ]
    assert len({i.batch for i in items}) == 1
    first = items[0]
    assert first.to_number == nums.alice  # canonical E.164, ready for Twilio
    assert first.to_hash == store.hash_number(nums.alice)
    assert (first.state, first.attempts, first.kind, first.language, first.simulated) == (
        PENDING,
        0,
        "text_me",
        "en",
        True,
    )
    assert first.next_attempt_at == NOW
    assert [item(store, i.id) for i in items] == items
    assert nums.alice not in repr(first)


@pytest.mark.parametrize("parts", [[], [""], ["x" * 1601]])
def test_enqueue_refuses_parts_twilio_would_refuse(store: Store, nums, parts) -> None:
    with pytest.raises(ValueError), store.transaction() as tx:
        tx.outbox.enqueue(nums.alice, parts, kind="reply")


def test_claim_takes_due_rows_in_order_and_marks_them(store: Store, nums) -> None:
    items = send_one(store, nums.alice)
    send_one(store, nums.bob, not_before=LATER + timedelta(hours=1))
    claimed = claim(store, "worker-1", now=LATER, limit=10)
    assert [c.id for c in claimed] == [i.id for i in items]
    for row in claimed:
        assert (row.state, row.claimed_by, row.claimed_at, row.attempts) == (
            SENDING,
            "worker-1",
            LATER,
            1,
        )
        assert row.to_number == nums.alice
    assert claim(store, "worker-2", now=LATER) == []


def test_claim_respects_the_limit(store: Store, nums) -> None:
    send_one(store, nums.alice, ["a", "b", "c"])
    assert len(claim(store, limit=2)) == 2
    assert len(claim(store, limit=2)) == 1


def test_mark_sent_keeps_the_sid_and_drops_the_number(store: Store, nums) -> None:
    [sent] = send_one(store, nums.alice, ["hello"])
    [claimed] = claim(store)
    with store.transaction() as tx:
        assert tx.outbox.mark_sent(claimed.id, "SM" + "a" * 32)
    row = item(store, sent.id)
    assert (row.state, row.provider_sid, row.to_number) == (SENT, "SM" + "a" * 32, None)
    assert row.to_hash == store.hash_number(nums.alice)
    with store.transaction() as tx:
        assert tx.outbox.mark_sent(claimed.id, "SM" + "a" * 32)  # a repeated call is harmless
        assert not tx.outbox.mark_sent(claimed.id, "SM" + "b" * 32)
        assert not tx.outbox.mark_sent(999_999, "SM" + "c" * 32)


def test_retry_puts_a_claimed_row_back_with_its_error(store: Store, nums) -> None:
    [queued] = send_one(store, nums.alice, ["hello"])
    claim(store)
    retry_at = LATER + timedelta(minutes=2)
    error = f"HTTP 503 from Twilio while sending to {nums.alice}"
    with store.transaction() as tx:
        assert tx.outbox.schedule_retry(queued.id, error, retry_at, error_code="20503")
    row = item(store, queued.id)
    assert (row.state, row.next_attempt_at, row.claimed_by, row.error_code) == (
        PENDING,
        retry_at,
        None,
        "20503",
    )
    assert "503" in row.last_error and nums.alice not in row.last_error
    assert claim(store) == []
    [again] = claim(store, now=retry_at)
    assert again.attempts == 2
    with store.transaction() as tx:
        assert not tx.outbox.schedule_retry(queued.id + 1000, "gone", retry_at)


def test_mark_failed_gives_up_and_drops_the_number(store: Store, nums) -> None:
    [queued] = send_one(store, nums.alice, ["hello"])
    claim(store)
    with store.transaction() as tx:
        assert tx.outbox.mark_failed(queued.id, "21211", "Invalid 'To' Phone Number")
    row = item(store, queued.id)
    assert (row.state, row.error_code, row.to_number) == (FAILED, "21211", None)
    with store.transaction() as tx:
        assert not tx.outbox.mark_failed(queued.id, "21211", "again")


def test_an_opt_out_suppresses_what_is_queued(store: Store, nums) -> None:
    items = send_one(store, nums.alice)
    other = send_one(store, nums.bob)
    with store.transaction() as tx:
        assert tx.contacts.record_opt_out(nums.alice, "STOP") == 2
    for queued in items:
        row = item(store, queued.id)
        assert (row.state, row.to_number) == (SUPPRESSED, None)
        assert "STOP" in row.last_error
    assert [c.id for c in claim(store)] == [i.id for i in other]
    with store.transaction() as tx:
        assert tx.outbox.suppress_unsent(nums.alice) == 0


def test_an_opt_out_also_suppresses_parts_a_worker_has_claimed(store: Store, nums) -> None:
    first, second = send_one(store, nums.alice)
    claim(store)
    with store.transaction() as tx:
        assert tx.contacts.record_opt_out(nums.alice, "twilio:21610") == 2
    row = item(store, second.id)
    assert (row.state, row.to_number) == (SUPPRESSED, None)  # what a worker re-reads
    with store.transaction() as tx:
        assert not tx.outbox.schedule_retry(second.id, "timeout", LATER)
        assert not tx.outbox.mark_failed(second.id, "30003", "unreachable")
        assert tx.outbox.mark_sent(first.id, "SM-went-anyway")  # if it went out, the truth
    assert item(store, first.id).state == SENT


def test_enqueue_to_an_opted_out_number_sends_nothing(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")
    items = send_one(store, nums.alice)
    assert {(i.state, i.to_number) for i in items} == {(SUPPRESSED, None)}
    assert claim(store) == []


def test_claim_suppresses_rows_whose_recipient_opted_out_meanwhile(store: Store, nums) -> None:
    """A STOP that committed between enqueue's check and its commit is still honoured."""
    items = send_one(store, nums.alice)
    with store.engine.begin() as conn:  # an opt-out written without the automatic suppression
        conn.execute(
            insert(Contact).values(
                number_hash=store.hash_number(nums.alice),
                opted_out=True,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    assert claim(store) == []
    assert {item(store, i.id).state for i in items} == {SUPPRESSED}


def test_opt_out_and_suppress_commit_together(store: Store, nums) -> None:
    send_one(store, nums.alice)
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")
        reply = tx.outbox.enqueue(nums.alice, ["You are unsubscribed."], kind="reply")
    assert reply[0].state == SUPPRESSED
    assert claim(store, now=LATER + timedelta(days=1)) == []


def record_status(store: Store, sid: str, status: str, error_code: str | None = None) -> bool:
    with store.transaction() as tx:
        return tx.receipts.record_status(sid, status, error_code)


def sent_as(store: Store, row_id: int, sid: str) -> None:
    with store.transaction() as tx:
        tx.outbox.mark_sent(row_id, sid)


def test_delivery_statuses_move_forward_only(store: Store, nums) -> None:
    [queued] = send_one(store, nums.alice, ["hello"])
    claim(store)
    sent_as(store, queued.id, "SM1")
    assert record_status(store, "SM1", "sent")
    assert item(store, queued.id).delivery_status == "sent"
    assert record_status(store, "SM1", "delivered")
    assert record_status(store, "SM1", "sent")  # late and out of order: ignored
    row = item(store, queued.id)
    assert (row.state, row.delivery_status, row.to_number) == (DELIVERED, "delivered", None)


def test_undelivered_is_final_and_keeps_the_error_code(store: Store, nums) -> None:
    [queued] = send_one(store, nums.alice, ["hello"])
    claim(store)
    sent_as(store, queued.id, "SM2")
    assert record_status(store, "SM2", "undelivered", "30003")
    row = item(store, queued.id)
    assert (row.state, row.error_code, row.delivery_status) == (FAILED, "30003", "undelivered")
    assert record_status(store, "SM2", "delivered")  # a final status stays final
    assert item(store, queued.id).state == FAILED


def test_an_unknown_sid_is_not_an_error(store: Store) -> None:
    assert record_status(store, "SM-not-ours", "delivered") is False


def test_a_callback_that_beats_mark_sent_is_applied_when_the_sid_arrives(
    store: Store, nums
) -> None:
    [queued] = send_one(store, nums.alice, ["hello"])
    claim(store)
    assert record_status(store, "SM3", "sent") is False
    assert record_status(store, "SM3", "delivered") is False
    assert record_status(store, "SM3", "queued") is False  # older: does not win
    sent_as(store, queued.id, "SM3")
    row = item(store, queued.id)
    assert (row.state, row.delivery_status) == (DELIVERED, "delivered")


def test_housekeeping_applies_late_receipts_and_expires_old_rows(store: Store, nums) -> None:
    [old] = send_one(store, nums.alice, ["old"])
    claim(store)
    with store.transaction() as tx:
        tx.outbox.mark_sent(old.id, "SM4", now=LATER + timedelta(seconds=1))
    [late] = send_one(store, nums.bob, ["late"])
    claim(store)
    with store.transaction() as tx:  # the callback landed in the race window
        assert tx.receipts.record_status("SM5", "delivered") is False
        tx.outbox.mark_sent(late.id, "SM5", now=LATER + timedelta(days=30))
    counts = store.housekeeping(now=LATER + timedelta(days=31))
    assert counts["receipts_applied"] == 0  # mark_sent already applied it
    assert counts["outbox_expired"] == 1  # the old sent row; the other was updated now
    assert item(store, old.id) is None
    assert item(store, late.id).state == DELIVERED


def test_stale_sending_finds_rows_a_crashed_worker_left(store: Store, nums) -> None:
    [queued] = send_one(store, nums.alice, ["hello"])
    send_one(store, nums.bob, ["fresh"], not_before=LATER + timedelta(minutes=10))
    claim(store, "crashed", now=LATER)
    claim(store, "alive", now=LATER + timedelta(minutes=10))
    with store.reading() as tx:
        stale = tx.outbox.stale_sending(older_than=LATER + timedelta(minutes=5))
    assert [(s.id, s.claimed_by, s.state) for s in stale] == [(queued.id, "crashed", SENDING)]
    assert stale[0].to_number == nums.alice  # still needed to decide: retry or fail
