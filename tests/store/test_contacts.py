"""Contacts: opt-outs that last, languages, and nothing stored but a keyed hash."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpline.store import SUPPRESSED, KeyedHash, Store, TexterState
from helpline.store.models import Contact

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def contact_rows(store: Store) -> list[Contact]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(Contact.__table__)))


def test_a_number_is_not_opted_out_until_it_says_stop(store: Store, nums) -> None:
    with store.reading() as tx:
        assert not tx.contacts.is_opted_out(nums.alice)
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP", now=T0)
    with store.reading() as tx:
        assert tx.contacts.is_opted_out(nums.alice)
        assert tx.contacts.is_opted_out("+1 (415) 555-0101")
        assert not tx.contacts.is_opted_out(nums.bob)


def test_the_contact_row_holds_the_hash_and_how_the_opt_out_happened(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "twilio:21610", now=T0)
    [row] = contact_rows(store)
    assert row.number_hash == store.hash_number(nums.alice)
    assert len(row.number_hash) == 64
    assert (row.opted_out, row.opted_out_via) == (True, "twilio:21610")
    assert row.opted_out_at.replace(tzinfo=UTC) == T0


def test_start_after_stop_opts_back_in_and_keeps_the_history(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP", now=T0)
    with store.transaction() as tx:  # same second: the flag decides, not clocks
        tx.contacts.record_opt_in(nums.alice, "START", now=T0)
    with store.reading() as tx:
        assert not tx.contacts.is_opted_out(nums.alice)
    [row] = contact_rows(store)
    assert (row.opted_out_via, row.opted_in_via) == ("STOP", "START")
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOPALL")
    with store.reading() as tx:
        assert tx.contacts.is_opted_out(nums.alice)


def language_of(store: Store, number: str) -> str | None:
    with store.reading() as tx:
        return tx.contacts.texter_state(number)[0]


def test_it_remembers_a_language_per_number(store: Store, nums) -> None:
    assert language_of(store, nums.alice) is None
    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "es")
    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "zh")
        tx.contacts.set_language(nums.bob, "ar")
    assert language_of(store, nums.alice) == "zh"
    assert language_of(store, nums.bob) == "ar"
    assert len(contact_rows(store)) == 2


def test_opt_out_and_language_share_one_row(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "fr")
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "ARRET")
    assert language_of(store, nums.alice) == "fr"
    assert len(contact_rows(store)) == 1


def test_a_transaction_that_fails_records_nothing(store: Store, nums) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")
        tx.contacts.set_language(nums.alice, "es")
        raise RuntimeError("webhook crashed half way")
    with store.reading() as tx:
        assert tx.contacts.texter_state(nums.alice) == (None, False)


def test_two_instances_seeing_a_new_number_at_once_make_one_row(
    store: Store, make_store, nums
) -> None:
    stores = [make_store() for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def opt_out(instance: Store) -> None:
        try:
            barrier.wait()
            with instance.transaction() as tx:
                tx.contacts.record_opt_out(nums.carol, "STOP")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=opt_out, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Contact)) == 1
    with store.reading() as tx:
        assert tx.contacts.is_opted_out(nums.carol)


def test_opt_out_reasons_are_kept_short_and_free_of_numbers(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, f"reply from {nums.bob} " + "x" * 100)
    [row] = contact_rows(store)
    assert len(row.opted_out_via) <= 64
    assert nums.bob not in row.opted_out_via


def test_a_texters_language_and_opt_out_come_in_one_read(store, nums) -> None:
    def texter_state():
        state = store.texter_state(nums.alice)  # the webhook's read, without a session
        with store.reading() as tx:
            assert tx.contacts.texter_state(nums.alice) == (state.language, state.opted_out)
        return state.language, state.opted_out

    assert texter_state() == (None, False)

    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "ar")
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, via="STOP")

    assert texter_state() == ("ar", True)
    with store.transaction() as tx:
        tx.contacts.record_opt_in(nums.alice, via="START")
    assert texter_state() == ("ar", False)


def test_a_texter_read_finds_an_opt_out_under_an_old_key_and_prefers_the_new_language(
    store: Store, make_store, nums
) -> None:
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, via="STOP")
        tx.contacts.set_language(nums.alice, "ru")
    rotated = make_store(nums.other_key, old_keys=[nums.key])
    with rotated.transaction() as tx:  # a new-key row beside the old one, as a race would leave
        tx.session.execute(tx.contacts._insert(Contact).values(
            number_hash=rotated.hash_number(nums.alice), language="fr", opted_out=False,
            created_at=T0, updated_at=T0))
    state = rotated.texter_state(nums.alice)
    assert (state.language, state.opted_out) == ("fr", True)
    assert rotated.texter_state(nums.bob) == TexterState(None, False)
    assert store.texter_state(KeyedHash(store.hash_number(nums.alice))).opted_out


def test_an_opt_out_known_only_by_its_keyed_hash_is_the_same_opt_out(store: Store, nums) -> None:
    """The spool of a database outage holds hashes only; its STOP suppresses the queue too."""
    with store.transaction() as tx:
        [queued] = tx.outbox.enqueue(nums.alice, ["waiting"], kind="text_me", now=T0)
    with store.transaction() as tx:
        assert tx.contacts.record_opt_out(KeyedHash(store.hash_number(nums.alice)), "STOP") == 1
    with store.reading() as tx:
        assert tx.contacts.is_opted_out(nums.alice)
        assert tx.outbox.item(queued.id).state == SUPPRESSED
    assert len(contact_rows(store)) == 1


def test_a_start_after_a_late_recorded_stop_wins(store: Store, nums) -> None:
    spooled = KeyedHash(store.hash_number(nums.alice))
    with store.transaction() as tx:
        tx.contacts.record_opt_in(nums.alice, "START", now=T0 + timedelta(minutes=1))
    with store.transaction() as tx:
        assert tx.contacts.record_opt_out(spooled, "STOP", said_at=T0) is None
        assert not tx.contacts.is_opted_out(nums.alice)
    with store.transaction() as tx:  # a STOP said after that START still counts
        assert tx.contacts.record_opt_out(spooled, "STOP", said_at=T0 + timedelta(minutes=2)) == 0
    [row] = contact_rows(store)
    assert (row.opted_out, row.opted_out_at.replace(tzinfo=UTC)) == (
        True, T0 + timedelta(minutes=2))
