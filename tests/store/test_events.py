"""Usage events: anonymous counts, written in batches, recorded on a best-effort basis."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import URL, select
from sqlalchemy.exc import SQLAlchemyError

from helpline.store import Store, UsageCount
from helpline.store.models import UsageEvent
from helpline.web.usage import UsageRecorder, store_sink

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def event(channel: str, kind: str, **fields) -> dict:
    return {"channel": channel, "kind": kind, **fields}


def record(store: Store, *events: dict) -> int:
    with store.transaction() as tx:
        return tx.usage.record(events)


def counts(store: Store, **options) -> list[UsageCount]:
    with store.reading() as tx:
        return tx.usage.counts(**options)


def test_it_counts_uses_by_channel_kind_content_and_language(store: Store) -> None:
    pathology = event("voice", "content", content_id="checklist.pathology", language="es",
                      created_at=T0)
    record(store, pathology)
    record(store, pathology)
    record(store, event("sms", "keyword", content_id="questions", language="en", created_at=T0))
    record(store, event("sms", "keyword", content_id="questions", simulated=True, created_at=T0))
    assert counts(store) == [
        UsageCount("voice", "content", "checklist.pathology", "es", 2),
        UsageCount("sms", "keyword", "questions", "en", 1),
    ]
    assert len(counts(store, include_simulated=True)) == 2 + 1
    assert counts(store, since=T0 + timedelta(seconds=1)) == []
    assert len(counts(store, since=T0, until=T0 + timedelta(seconds=1))) == 2


def test_numbers_and_sids_never_reach_the_events_table(store: Store, nums) -> None:
    call_sid = "CA" + "0123456789abcdef" * 2
    record(store, event("voice", "hangup", detail=f"menu.main {nums.alice} {call_sid}",
                        content_id=call_sid))
    with store.engine.connect() as conn:
        row = conn.execute(select(UsageEvent.__table__)).one()
    assert call_sid not in row.detail and call_sid not in row.content_id
    assert nums.alice not in row.detail and row.detail.startswith("menu.main +1")


def test_a_failing_database_logs_a_warning_and_never_raises(empty_url: URL, nums, caplog) -> None:
    broken = Store(empty_url, nums.key)  # no tables: every insert fails
    recorder = UsageRecorder(store_sink(broken), interval=0)
    try:
        recorder.record(event("sms", "keyword", content_id="help"))
        assert recorder.flush() == 0
    finally:
        broken.dispose()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "usage events not written yet" in warning.getMessage()
    assert len(recorder.pending) == 1  # kept for the next try


def test_a_bad_channel_is_logged_not_raised(store: Store, caplog) -> None:
    assert record(store, event("fax", "keyword")) == 0
    assert counts(store) == []
    assert "unknown channel" in caplog.text


def test_a_bad_event_inside_a_transaction_spoils_nothing(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "ru")
        tx.usage.record([
            event("voice", "x" * 500),  # too long: trimmed, not an error
            event("pager", "keyword"),  # cannot be valid: skipped and logged
        ])
    with store.reading() as tx:
        assert tx.contacts.texter_state(nums.alice) == ("ru", False)
    assert [c.kind for c in counts(store)] == ["x" * 32]


def test_a_database_error_inside_a_transaction_is_raised_for_the_batch_writer(
    empty_url: URL, nums
) -> None:
    """The usage writer keeps its batch and retries later, so it must hear of the failure."""
    broken = Store(empty_url, nums.key)
    try:
        with pytest.raises(SQLAlchemyError), broken.transaction() as tx:
            tx.usage.record([event("sms", "keyword", created_at=T0)])
    finally:
        broken.dispose()


def test_a_batch_of_events_is_written_in_one_insert_and_cleaned_like_one(store: Store,
                                                                        nums) -> None:
    batch = [
        {"channel": "voice", "kind": "screen", "content_id": "questions.q03", "language": "zh",
         "detail": "questions.q02", "simulated": False, "created_at": T0},
        {"channel": "sms", "kind": "checklist", "language": "es", "detail": f"{nums.alice}",
         "simulated": True, "created_at": T0},
    ]

    with store.transaction() as tx:
        assert tx.usage.record(batch) == 2

    assert counts(store) == [UsageCount("voice", "screen", "questions.q03", "zh", 1)]
    with store.engine.connect() as conn:
        details = [row.detail for row in conn.execute(select(UsageEvent.__table__))]
    assert nums.alice not in "".join(details)
