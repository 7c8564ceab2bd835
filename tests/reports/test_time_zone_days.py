"""Report days follow HELPLINE_TIMEZONE: an event at 23:30 UTC is the next day in Asia, the
same day in London in winter and the next in summer, and daylight saving moves nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from helpline.config import PROJECT_ROOT
from helpline.content import load_content
from helpline.reports import build_report


def record(store, *moments: datetime, kind: str = "call_started", channel: str = "voice",
           content_id: str | None = None) -> None:
    with store.transaction() as tx:
        tx.usage.record([{"channel": channel, "kind": kind, "content_id": content_id,
                          "language": "en", "created_at": moment} for moment in moments])


def days(store, since: date, until: date, zone: str) -> dict[date, int]:
    with store.reading() as tx:
        rows = tx.reports.usage_rows(since, until, zone)
    found: dict[date, int] = {}
    for row in rows:
        found[row.day] = found.get(row.day, 0) + row.count
    return found


@pytest.mark.parametrize(("moment", "zone", "day"), [
    (datetime(2027, 6, 1, 22, 30, tzinfo=UTC), "UTC", date(2027, 6, 1)),
    (datetime(2027, 6, 1, 22, 30, tzinfo=UTC), "Europe/London", date(2027, 6, 1)),  # 23:30
    (datetime(2027, 6, 1, 23, 30, tzinfo=UTC), "Europe/London", date(2027, 6, 2)),  # 00:30
    (datetime(2027, 1, 10, 23, 30, tzinfo=UTC), "Europe/London", date(2027, 1, 10)),  # GMT
    (datetime(2027, 6, 1, 18, 45, tzinfo=UTC), "Asia/Kolkata", date(2027, 6, 2)),   # 00:15
    (datetime(2027, 6, 1, 18, 15, tzinfo=UTC), "Asia/Kolkata", date(2027, 6, 1)),   # 23:45
    (datetime(2027, 6, 2, 3, 0, tzinfo=UTC), "America/Los_Angeles", date(2027, 6, 1)),
])
def test_an_event_counts_on_the_operators_day(any_store, moment, zone, day):
    record(any_store, moment)
    assert days(any_store, date(2027, 1, 1), date(2027, 12, 31), zone) == {day: 1}


def test_days_hold_across_a_daylight_saving_change(any_store):
    # London moves to summer time at 01:00 UTC on 28 March 2027.
    record(any_store,
           datetime(2027, 3, 27, 23, 30, tzinfo=UTC),   # 23:30 GMT, the 27th
           datetime(2027, 3, 28, 22, 59, tzinfo=UTC),   # 23:59 BST, the 28th
           datetime(2027, 3, 28, 23, 1, tzinfo=UTC))    # 00:01 BST, the 29th
    assert days(any_store, date(2027, 3, 27), date(2027, 3, 29), "Europe/London") == {
        date(2027, 3, 27): 1, date(2027, 3, 28): 1, date(2027, 3, 29): 1}


def test_the_period_starts_at_the_operators_midnight(any_store):
    record(any_store, datetime(2027, 6, 1, 23, 30, tzinfo=UTC))  # 2 June in London
    assert days(any_store, date(2027, 6, 1), date(2027, 6, 1), "Europe/London") == {}
    assert days(any_store, date(2027, 6, 2), date(2027, 6, 2), "Europe/London") == {
        date(2027, 6, 2): 1}


def test_reminders_are_counted_set_sent_and_cancelled_with_small_counts_hidden(any_store):
    noon = datetime(2027, 6, 1, 12, tzinfo=UTC)
    record(any_store, *[noon] * 7, kind="reminder_set", channel="sms")
    record(any_store, *[noon] * 2, kind="reminder_set")
    record(any_store, *[noon] * 6, kind="reminder_sent", channel="sms", content_id="questions")
    record(any_store, noon, kind="reminder_cancelled", channel="sms")
    content = load_content(PROJECT_ROOT / "scripts_content", ["en"])

    report = build_report(any_store, content, date(2027, 6, 1), date(2027, 6, 1),
                          "Europe/London")

    shown = {f.label: f.shown for f in report.section("reminders").figures}
    assert shown["set by text"] == "7" and shown["set on a call"] == "<5"
    assert shown["sent: the questions"] == "6" and shown["sent: records checklist"] == "0"
    assert shown["cancelled (REMIND OFF)"] == "<5"
    summary = {f.label: f.value for f in report.section("summary").figures}
    assert summary["texts received"] == 0  # reminders are not texts received
    assert report.zone == "Europe/London"
