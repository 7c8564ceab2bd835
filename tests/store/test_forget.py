"""`forget`: everything keyed to a number goes, except the opt-out that protects it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import URL, func, select

from helpline.store import SENT, SUPPRESSED, Store
from helpline.store.callers import Stopped
from helpline.store.models import Contact, OutboxMessage, ReturningCaller

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def count(store: Store, model: type, *where) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def remember_everything(store: Store, nums) -> None:
    """Alice texted, chose Spanish, and has messages."""
    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "es")
        [sent] = tx.outbox.enqueue(nums.alice, ["sent already"], kind="text_me", now=T0)
        tx.outbox.claim_due("w", now=T0)
        tx.outbox.mark_sent(sent.id, "SM-sent")
        tx.outbox.enqueue(nums.alice, ["waiting 1/2", "waiting 2/2"], kind="reply", now=T0)
        tx.outbox.enqueue(nums.bob, ["for Bob"], kind="share", now=T0)  # not Alice's: stays
        tx.callers.remember(nums.alice, Stopped("es", "questions", 3))


def forget(store: Store, number: str) -> dict[str, int]:
    with store.transaction() as tx:
        return tx.housekeeping.forget(number)


def texter_state(store: Store, number: str) -> tuple[str | None, bool]:
    with store.reading() as tx:
        return tx.contacts.texter_state(number)


def test_forget_deletes_everything_about_a_number(store: Store, nums) -> None:
    remember_everything(store, nums)
    counts = forget(store, nums.alice)
    assert counts == {
        "contacts": 1,
        "contact_details": 0,
        "outbox_unsent": 2,
        "outbox_sent": 1,
        "reminders": 0,
        "opt_out_kept": 0,
        "returning_caller": 1,
        "whatsapp_window": 0,
    }
    alice = store.hash_number(nums.alice)
    assert count(store, Contact) == 0
    assert count(store, ReturningCaller) == 0
    assert count(store, OutboxMessage, OutboxMessage.to_hash == alice) == 0
    assert count(store, OutboxMessage) == 1
    assert texter_state(store, nums.alice) == (None, False)  # language gone, never opted out
    assert forget(store, nums.alice) == dict.fromkeys(counts, 0)


def test_forget_keeps_only_the_opt_out(store: Store, nums) -> None:
    remember_everything(store, nums)
    with store.transaction() as tx:
        tx.contacts.record_opt_in(nums.alice, "START", now=T0)
    with store.transaction() as tx:  # suppresses the two waiting parts
        tx.contacts.record_opt_out(nums.alice, "STOP", now=T0)
    counts = forget(store, nums.alice)
    assert counts["opt_out_kept"] == 1
    assert counts["contact_details"] == 1  # language and opt-in history cleared
    assert counts["outbox_unsent"] == 0 and counts["outbox_sent"] == 3  # 1 sent, 2 suppressed
    assert texter_state(store, nums.alice) == (None, True)  # opted out, language gone
    with store.engine.connect() as conn:
        [row] = conn.execute(select(Contact.__table__)).all()
    assert (row.number_hash, row.opted_out, row.opted_out_via) == (
        store.hash_number(nums.alice),
        True,
        "STOP",
    )
    assert row.opted_out_at == T0
    assert (row.language, row.opted_in_at, row.opted_in_via) == (None, None, None)
    with store.transaction() as tx:
        again = tx.outbox.enqueue(nums.alice, ["never sent"], kind="share")
    assert again[0].state == SUPPRESSED


def test_forget_finds_records_made_under_an_old_key(store: Store, make_store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")
        tx.contacts.set_language(nums.alice, "ar")
    rotated = make_store(nums.other_key, old_keys=[nums.key])
    assert forget(rotated, nums.alice)["opt_out_kept"] == 1
    assert texter_state(rotated, nums.alice)[1]
    assert texter_state(make_store(nums.other_key), nums.alice)[1]  # now under the new key


def test_forget_command_reports_what_it_deleted(
    store: Store, store_url: URL, nums, make_app, run_cli
) -> None:
    remember_everything(store, nums)
    with store.transaction() as tx:
        tx.contacts.record_opt_out(nums.alice, "STOP")

    def factory():
        return make_app(
            DATABASE_URL=store_url.render_as_string(hide_password=False),
            HELPLINE_SECRET_KEY=nums.key,
            TWILIO_AUTH_TOKEN="token",
        )

    result = run_cli(factory, "privacy", "forget", "+1 415 555 0101")
    assert result.exit_code == 0, result.output
    assert re.search(r"Forgot \+1\[[0-9a-f]{6}\]:", result.output)
    assert "unsent messages (cancelled)" not in result.output  # suppressed by the STOP
    assert "records of messages already sent" in result.output
    assert "Kept: the opt-out" in result.output
    assert nums.alice not in result.output
    assert texter_state(store, nums.alice)[1]
    assert count(store, OutboxMessage, OutboxMessage.state == SENT) == 0


def test_forget_command_wants_an_international_number(
    store_url: URL, nums, make_app, run_cli
) -> None:
    def factory():
        return make_app(
            DATABASE_URL=store_url.render_as_string(hide_password=False),
            HELPLINE_SECRET_KEY=nums.key,
        )

    result = run_cli(factory, "privacy", "forget", "call me maybe")
    assert result.exit_code == 2
    assert "international format" in result.output


def fill_outbox_to(store: Store, number: str) -> None:
    """Enough rows to make SQLite split and move pages; half of them claimed by a worker."""
    with store.transaction() as tx:
        for index in range(60):
            tx.outbox.enqueue(number, [f"part {index} " + "x" * 200], kind="share", now=T0)
    with store.transaction() as tx:
        tx.outbox.claim_due("w", now=T0, limit=30)


def free_pages(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()


def test_forget_leaves_nothing_on_disk(store: Store, store_url: URL, nums) -> None:
    """No copy of the number is left in the file's free space (where SQLite can leave stale
    copies of rows it moved, secure_delete or not) once housekeeping has run, as the worker
    runs it every few minutes: it compacts the file a forget left behind."""
    if not store.is_embedded:
        pytest.skip("PostgreSQL's files are the server's; autovacuum reclaims dead rows")
    fill_outbox_to(store, nums.alice)
    forget(store, nums.alice)
    store.housekeeping()
    path = Path(store_url.database)
    wal = path.with_name(path.name + "-wal")
    data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert nums.alice.encode() not in data
    assert nums.alice.lstrip("+").encode() not in data


def test_forget_itself_does_not_compact(store: Store, nums) -> None:
    """FORGET answers a text: the slow rewrite of the file waits for the worker, once."""
    if not store.is_embedded:
        pytest.skip("only the embedded SQLite file is compacted")
    fill_outbox_to(store, nums.alice)
    assert store.housekeeping()["compacted"] == 0  # nothing owed yet
    forget(store, nums.alice)
    assert free_pages(store) > 0  # the deleted rows' pages: the file was not rewritten
    assert store.housekeeping()["compacted"] == 1
    assert free_pages(store) == 0
    assert store.housekeeping()["compacted"] == 0  # owed once, paid once


def test_forget_keeps_discreet_and_drops_the_place(store: Store, nums) -> None:
    with store.transaction() as tx:
        tx.contacts.remember(nums.alice, language="ru", position="questions:3:")
    with store.transaction() as tx:
        tx.contacts.remember(nums.alice, discreet=True)
    with store.reading() as tx:
        before = tx.contacts.texter(nums.alice)
    assert (before.language, before.position, before.discreet) == ("ru", "questions:3:", True)

    counts = forget(store, nums.alice)

    with store.reading() as tx:
        after = tx.contacts.texter(nums.alice)
        assert tx.contacts.is_discreet(nums.alice)
    assert (after.language, after.position, after.opted_out) == (None, None, False)
    assert counts["contact_details"] == 1 and counts["opt_out_kept"] == 0
    with store.transaction() as tx:
        tx.contacts.remember(nums.alice, discreet=False)
    with store.reading() as tx:
        assert not tx.contacts.is_discreet(nums.alice)
