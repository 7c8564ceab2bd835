"""Sending-limit counts: per number and in all, per UTC day, beyond the reach of FORGET."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from helpline.config import DEFAULTS
from helpline.core.send_limits import SHARE, TEXT_ME, claims, configured_limits
from helpline.store import Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LIMITS_NOW = configured_limits(DEFAULTS)  # 3 text-me, 3 shares sent, 1 received, ...


def take(store: Store, kind: str, origin: str, destination: str,
         now: datetime = T0, limits=LIMITS_NOW) -> str | None:
    with store.transaction() as tx:
        return tx.send_counts.take(claims(limits, kind, origin, destination), now)


def test_a_sender_may_share_three_times_a_day(store: Store, nums) -> None:
    for recipient in (nums.bob, nums.carol, nums.dan):
        assert take(store, SHARE, nums.alice, recipient) is None
    assert take(store, SHARE, nums.alice, nums.erin) == "shares_from"


def test_a_recipient_gets_one_share_a_day_whoever_sends_it(store: Store, nums) -> None:
    take(store, SHARE, nums.alice, nums.carol)
    assert take(store, SHARE, nums.bob, nums.carol) == "shares_to"
    assert take(store, SHARE, nums.bob, nums.dan) is None


def test_text_me_is_limited_per_phone_and_a_new_utc_day_starts_afresh(store: Store, nums) -> None:
    for _ in range(3):
        assert take(store, TEXT_ME, nums.alice, nums.alice) is None
    late = T0.replace(hour=23, minute=59)
    assert take(store, TEXT_ME, nums.alice, nums.alice, now=late) == "text_me_to"
    assert take(store, TEXT_ME, nums.alice, nums.alice, now=T0 + timedelta(days=1)) is None


def test_a_refused_send_takes_no_count(store: Store, nums) -> None:
    take(store, SHARE, nums.alice, nums.carol)
    for _ in range(5):
        assert take(store, SHARE, nums.bob, nums.carol) == "shares_to"
    assert take(store, SHARE, nums.bob, nums.dan) is None  # Bob's refusals did not count
    with store.reading() as tx:
        figures = tx.send_counts.day_figures(T0)
    assert figures == {"texts_in_all": 2, "refused:shares_to": 5}


def test_the_helpline_wide_total_stops_everyone(store: Store, nums) -> None:
    tight = tuple(replace(limit, per_day=2) if limit.rule == "texts_in_all" else limit
                  for limit in LIMITS_NOW)
    assert take(store, TEXT_ME, nums.alice, nums.alice, limits=tight) is None
    assert take(store, TEXT_ME, nums.bob, nums.bob, limits=tight) is None
    assert take(store, TEXT_ME, nums.carol, nums.carol, limits=tight) == "texts_in_all"


def test_counts_hold_no_number_and_no_contact_hash(store: Store, nums) -> None:
    take(store, SHARE, nums.alice, nums.bob)
    with store.engine.connect() as conn:
        keys = [row[0] for row in conn.execute(text("SELECT key FROM send_counts"))]
    stored_hashes = {store.hash_number(nums.alice), store.hash_number(nums.bob)}
    digits = {nums.alice.lstrip("+"), nums.bob.lstrip("+")}
    assert len(keys) == 5  # shares_from, shares_to, texts_to, texts_from, texts_in_all
    assert not stored_hashes & set(keys)
    assert not any(d in key for key in keys for d in digits)


def test_forget_does_not_reset_a_limit(store: Store, nums) -> None:
    take(store, SHARE, nums.alice, nums.bob)
    with store.transaction() as tx:
        tx.housekeeping.forget(nums.alice)
        tx.housekeeping.forget(nums.bob)
    assert take(store, SHARE, nums.carol, nums.bob) == "shares_to"


def test_housekeeping_drops_counts_once_their_day_is_over(store: Store, nums) -> None:
    take(store, TEXT_ME, nums.alice, nums.alice)
    take(store, TEXT_ME, nums.alice, nums.alice, now=T0 + timedelta(days=1))
    counts = store.housekeeping(now=T0 + timedelta(days=2, minutes=1))
    assert counts["send_counts_expired"] == 4  # day one's text_me_to, texts_to, texts_from, all
