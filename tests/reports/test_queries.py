"""The read-only queries on both backends: real traffic in the period, nothing else."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy.dialects import postgresql, sqlite

from helpline.store.report_queries import outbox_statement, usage_statement

from .seeding import FIRST_DAY, WEEK, seed_week


def test_it_counts_the_week_and_leaves_out_simulated_and_outside_traffic(any_store):
    seed_week(any_store)

    with any_store.reading() as tx:
        usage = tx.reports.usage_rows(WEEK[0], WEEK[-1])
        outbox = tx.reports.outbox_rows(WEEK[0], WEEK[-1])

    calls = Counter()
    for row in usage:
        if row.kind == "call_started":
            calls[row.day] += row.count
    assert [calls[day] for day in WEEK] == [10, 9, 10, 11, 12, 13, 14]
    assert all(row.language != "fr" for row in usage if row.channel == "voice")  # simulated
    assert sum(r.count for r in usage if r.kind == "opt_out") == 3
    states = Counter()
    for row in outbox:
        states[row.state] += row.count
    assert states == {"delivered": 42, "sent": 7, "failed": 9, "pending": 2, "suppressed": 1}


def test_the_day_before_and_after_are_their_own_days(any_store):
    seed_week(any_store)

    day_before, day_after = FIRST_DAY - timedelta(days=1), WEEK[-1] + timedelta(days=1)
    with any_store.reading() as tx:
        before = tx.reports.usage_rows(day_before, day_before)
        after = tx.reports.usage_rows(day_after, day_after)
        outbox_after = tx.reports.outbox_rows(day_after, day_after)

    assert {r.day for r in before} == {FIRST_DAY - timedelta(days=1)}
    assert {r.day for r in after} == {WEEK[-1] + timedelta(days=1)}
    assert sum(r.count for r in before if r.kind == "call_started") == 1
    assert sum(r.count for r in outbox_after) == 1


def test_the_queries_never_read_a_number_or_a_message(any_store):
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        for statement in (usage_statement(any_store.dialect, WEEK[0], WEEK[-1]),
                          outbox_statement(any_store.dialect, WEEK[0], WEEK[-1])):
            sql = str(statement.compile(dialect=dialect))
            for column in ("to_number", "to_hash", "body", "provider_sid", "number_hash"):
                assert column not in sql
    outbox = outbox_statement(any_store.dialect, WEEK[0], WEEK[-1])
    assert [c.name for c in outbox.selected_columns] == ["day", "state", "n"]


def test_outbox_messages_are_counted_by_channel_without_simulated_ones(any_store):
    from helpline.store.report_queries import channel_statement

    seed_week(any_store)  # SMS parts, real and simulated
    with any_store.transaction() as tx:
        for simulated in (False, False, True):
            tx.outbox.enqueue("whatsapp:+447400123777", ["A voice note"], kind="voice_note",
                              channel="whatsapp", media_url="https://x.example/a.mp3",
                              simulated=simulated, now=_noon(WEEK[2]))
            # Finished at once, as the worker would: no plain number stays behind.
            tx.outbox.suppress_unsent("whatsapp:+447400123777", "test")

    with any_store.reading() as tx:
        rows = tx.reports.channel_rows(WEEK[0], WEEK[-1])
    by_channel = Counter()
    for row in rows:
        by_channel[row.channel] += row.count
    assert by_channel == {"sms": 61, "whatsapp": 2}
    sql = str(channel_statement(any_store.dialect, WEEK[0], WEEK[-1]).compile(
        dialect=sqlite.dialect()))
    assert "to_number" not in sql and "body" not in sql and "media_url" not in sql


def _noon(day):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(12), tzinfo=UTC)
