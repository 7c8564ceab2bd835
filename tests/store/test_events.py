"""Usage events: anonymous counts, recorded on a best-effort basis."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import URL, select
from sqlalchemy.exc import SQLAlchemyError

from helpline.store import Store, UsageCount
from helpline.store.models import UsageEvent

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_it_counts_uses_by_channel_kind_content_and_language(store: Store) -> None:
    store.record_event("voice", "content", content_id="checklist.pathology", language="es", now=T0)
    store.record_event("voice", "content", content_id="checklist.pathology", language="es", now=T0)
    store.record_event("sms", "keyword", content_id="questions", language="en", now=T0)
    store.record_event("sms", "keyword", content_id="questions", simulated=True, now=T0)
    assert store.usage_counts() == [
        UsageCount("voice", "content", "checklist.pathology", "es", 2),
        UsageCount("sms", "keyword", "questions", "en", 1),
    ]
    assert len(store.usage_counts(include_simulated=True)) == 2 + 1
    assert store.usage_counts(since=T0 + timedelta(seconds=1)) == []
    assert len(store.usage_counts(since=T0, until=T0 + timedelta(seconds=1))) == 2


def test_numbers_and_sids_never_reach_the_events_table(store: Store, nums) -> None:
    call_sid = "CA" + "0123456789abcdef" * 2
    store.record_event(
        "voice", "hangup", detail=f"menu.main {nums.alice} {call_sid}", content_id=call_sid
    )
    with store.engine.connect() as conn:
        row = conn.execute(select(UsageEvent.__table__)).one()
    assert call_sid not in row.detail and call_sid not in row.content_id
    assert nums.alice not in row.detail and row.detail.startswith("menu.main +1")


def test_a_failing_database_logs_a_warning_and_never_raises(empty_url: URL, nums, caplog) -> None:
    broken = Store(empty_url, nums.key)  # no tables: every insert fails
    try:
        broken.record_event("sms", "keyword", content_id="help")
    finally:
        broken.dispose()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "Usage event sms/keyword not recorded" in warning.getMessage()


def test_a_bad_channel_is_logged_not_raised(store: Store, caplog) -> None:
    store.record_event("fax", "keyword")
    assert store.usage_counts() == []
    assert "unknown channel" in caplog.text


def test_a_bad_event_inside_a_transaction_spoils_nothing(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.set_language(nums.alice, "ru")
        tx.record_event("voice", "x" * 500)  # too long: trimmed, not an error
        tx.record_event("pager", "keyword")  # cannot be valid: skipped and logged
    assert store.language_of(nums.alice) == "ru"
    assert [c.kind for c in store.usage_counts()] == ["x" * 32]


def test_a_database_error_inside_a_transaction_is_raised_for_the_batch_writer(
    empty_url: URL, nums
) -> None:
    """The usage writer keeps its batch and retries later, so it must hear of the failure."""
    broken = Store(empty_url, nums.key)
    try:
        with pytest.raises(SQLAlchemyError), broken.transaction() as tx:
            tx.record_event("sms", "keyword", now=T0)
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
        assert tx.record_events(batch) == 2

    assert store.usage_counts() == [UsageCount("voice", "screen", "questions.q03", "zh", 1)]
    with store.engine.connect() as conn:
        details = [row.detail for row in conn.execute(select(UsageEvent.__table__))]
    assert nums.alice not in "".join(details)
