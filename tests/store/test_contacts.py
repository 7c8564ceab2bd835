"""Contacts: opt-outs that last, languages, and nothing stored but a keyed hash."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from helpline.store import Store
from helpline.store.models import Contact

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def contact_rows(store: Store) -> list[Contact]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(Contact.__table__)))


def test_a_number_is_not_opted_out_until_it_says_stop(store: Store, nums) -> None:
    assert not store.is_opted_out(nums.alice)
    store.record_opt_out(nums.alice, "STOP", now=T0)
    assert store.is_opted_out(nums.alice)
    assert store.is_opted_out("+1 (415) 555-0101")
    assert not store.is_opted_out(nums.bob)


def test_the_contact_row_holds_the_hash_and_how_the_opt_out_happened(store: Store, nums) -> None:
    store.record_opt_out(nums.alice, "twilio:21610", now=T0)
    [row] = contact_rows(store)
    assert row.number_hash == store.hash_number(nums.alice)
    assert len(row.number_hash) == 64
    assert (row.opted_out, row.opted_out_via) == (True, "twilio:21610")
    assert row.opted_out_at.replace(tzinfo=UTC) == T0


def test_start_after_stop_opts_back_in_and_keeps_the_history(store: Store, nums) -> None:
    store.record_opt_out(nums.alice, "STOP", now=T0)
    store.record_opt_in(nums.alice, "START", now=T0)  # same second: the flag decides, not clocks
    assert not store.is_opted_out(nums.alice)
    [row] = contact_rows(store)
    assert (row.opted_out_via, row.opted_in_via) == ("STOP", "START")
    store.record_opt_out(nums.alice, "STOPALL")
    assert store.is_opted_out(nums.alice)


def test_it_remembers_a_language_per_number(store: Store, nums) -> None:
    assert store.language_of(nums.alice) is None
    store.set_language(nums.alice, "es")
    store.set_language(nums.alice, "zh")
    store.set_language(nums.bob, "ar")
    assert store.language_of(nums.alice) == "zh"
    assert store.language_of(nums.bob) == "ar"
    assert len(contact_rows(store)) == 2


def test_opt_out_and_language_share_one_row(store: Store, nums) -> None:
    store.set_language(nums.alice, "fr")
    store.record_opt_out(nums.alice, "ARRET")
    assert store.language_of(nums.alice) == "fr"
    assert len(contact_rows(store)) == 1


def test_a_transaction_that_fails_records_nothing(store: Store, nums) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.record_opt_out(nums.alice, "STOP")
        tx.set_language(nums.alice, "es")
        raise RuntimeError("webhook crashed half way")
    assert not store.is_opted_out(nums.alice)
    assert store.language_of(nums.alice) is None


def test_two_instances_seeing_a_new_number_at_once_make_one_row(
    store: Store, make_store, nums
) -> None:
    stores = [make_store() for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def opt_out(instance: Store) -> None:
        try:
            barrier.wait()
            instance.record_opt_out(nums.carol, "STOP")
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
    assert store.is_opted_out(nums.carol)


def test_opt_out_reasons_are_kept_short_and_free_of_numbers(store: Store, nums) -> None:
    store.record_opt_out(nums.alice, f"reply from {nums.bob} " + "x" * 100)
    [row] = contact_rows(store)
    assert len(row.opted_out_via) <= 64
    assert nums.bob not in row.opted_out_via


def test_a_texters_language_and_opt_out_come_in_one_read(store, nums) -> None:
    assert store.texter_state(nums.alice) == (None, False)

    store.set_language(nums.alice, "ar")
    store.record_opt_out(nums.alice, via="STOP")

    assert store.texter_state(nums.alice) == ("ar", True)
    store.record_opt_in(nums.alice, via="START")
    assert store.texter_state(nums.alice) == ("ar", False)
