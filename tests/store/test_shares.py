"""Caregiver shares: three per sender and one per recipient in any rolling day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpline.store import SHARE_RECIPIENT_LIMIT, SHARE_SENDER_LIMIT, ShareLimits, Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_a_sender_may_share_three_times_a_day(store: Store, nums) -> None:
    for recipient in (nums.bob, nums.carol, nums.dan):
        assert store.share_allowed(nums.alice, recipient, now=T0) is None
        store.record_share(nums.alice, recipient, now=T0)
    assert store.share_allowed(nums.alice, nums.erin, now=T0) == SHARE_SENDER_LIMIT


def test_the_day_is_rolling(store: Store, nums) -> None:
    for recipient in (nums.bob, nums.carol, nums.dan):
        store.record_share(nums.alice, recipient, now=T0)
    almost = T0 + timedelta(hours=23, minutes=59)
    assert store.share_allowed(nums.alice, nums.erin, now=almost) == SHARE_SENDER_LIMIT
    assert store.share_allowed(nums.alice, nums.erin, now=T0 + timedelta(days=1)) is None


def test_a_recipient_gets_one_share_a_day_whoever_sends_it(store: Store, nums) -> None:
    store.record_share(nums.alice, nums.carol, now=T0)
    assert store.share_allowed(nums.bob, nums.carol, now=T0) == SHARE_RECIPIENT_LIMIT
    assert store.share_allowed(nums.bob, nums.dan, now=T0) is None


def test_claim_share_checks_and_records_in_one_step(store: Store, nums) -> None:
    assert store.claim_share(nums.alice, nums.bob, now=T0) is None
    assert store.claim_share(nums.carol, nums.bob, now=T0) == SHARE_RECIPIENT_LIMIT
    assert store.share_allowed(nums.alice, nums.carol, now=T0) is None


def test_limits_are_configurable(store_url, make_store, nums) -> None:
    strict = make_store(share_limits=ShareLimits(per_sender=1, per_recipient=1))
    assert strict.claim_share(nums.alice, nums.bob, now=T0) is None
    assert strict.claim_share(nums.alice, nums.carol, now=T0) == SHARE_SENDER_LIMIT


def test_only_hashes_are_logged_for_shares(store: Store, nums) -> None:
    store.record_share(nums.alice, nums.bob, now=T0)
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT sender_hash, recipient_hash FROM share_log").one()
    assert tuple(row) == (store.hash_number(nums.alice), store.hash_number(nums.bob))


def test_housekeeping_drops_share_records_after_two_days(store: Store, nums) -> None:
    store.record_share(nums.alice, nums.bob, now=T0)
    store.record_share(nums.alice, nums.carol, now=T0 + timedelta(days=1))
    counts = store.housekeeping(now=T0 + timedelta(days=2, minutes=1))
    assert counts["share_log_expired"] == 1
