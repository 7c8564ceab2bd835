"""Caregiver shares: three per sender and one per recipient in any rolling day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpline.store import SHARE_RECIPIENT_LIMIT, SHARE_SENDER_LIMIT, ShareLimits, Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def claim(store: Store, sender: str, recipient: str, now: datetime | None = T0) -> str | None:
    with store.transaction() as tx:
        return tx.shares.claim(sender, recipient, now=now)


def test_a_sender_may_share_three_times_a_day(store: Store, nums) -> None:
    for recipient in (nums.bob, nums.carol, nums.dan):
        assert claim(store, nums.alice, recipient) is None
    assert claim(store, nums.alice, nums.erin) == SHARE_SENDER_LIMIT


def test_the_day_is_rolling(store: Store, nums) -> None:
    for recipient in (nums.bob, nums.carol, nums.dan):
        claim(store, nums.alice, recipient)
    almost = T0 + timedelta(hours=23, minutes=59)
    assert claim(store, nums.alice, nums.erin, now=almost) == SHARE_SENDER_LIMIT
    assert claim(store, nums.alice, nums.erin, now=T0 + timedelta(days=1)) is None


def test_a_recipient_gets_one_share_a_day_whoever_sends_it(store: Store, nums) -> None:
    claim(store, nums.alice, nums.carol)
    assert claim(store, nums.bob, nums.carol) == SHARE_RECIPIENT_LIMIT
    assert claim(store, nums.bob, nums.dan) is None


def test_claim_share_checks_and_records_in_one_step(store: Store, nums) -> None:
    assert claim(store, nums.alice, nums.bob) is None
    assert claim(store, nums.carol, nums.bob) == SHARE_RECIPIENT_LIMIT
    assert claim(store, nums.alice, nums.carol) is None


def test_limits_are_configurable(store_url, make_store, nums) -> None:
    strict = make_store(share_limits=ShareLimits(per_sender=1, per_recipient=1))
    assert claim(strict, nums.alice, nums.bob) is None
    assert claim(strict, nums.alice, nums.carol) == SHARE_SENDER_LIMIT


def test_only_hashes_are_logged_for_shares(store: Store, nums) -> None:
    claim(store, nums.alice, nums.bob)
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT sender_hash, recipient_hash FROM share_log").one()
    assert tuple(row) == (store.hash_number(nums.alice), store.hash_number(nums.bob))


def test_housekeeping_drops_share_records_after_two_days(store: Store, nums) -> None:
    claim(store, nums.alice, nums.bob)
    claim(store, nums.alice, nums.carol, now=T0 + timedelta(days=1))
    counts = store.housekeeping(now=T0 + timedelta(days=2, minutes=1))
    assert counts["share_log_expired"] == 1
