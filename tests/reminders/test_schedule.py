"""When reminders are due, in the contact's own time zone, and never in the local night."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpline.core.reminders import (
    CHECKLIST,
    FOLLOW_UP,
    QUESTIONS,
    due_or_later,
    is_quiet,
    local_zone,
    next_allowed,
    plan,
)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize(("number", "operator", "zone"), [
    ("+447400123001", "UTC", "Europe/London"),
    ("+14155550101", "UTC", "America/Los_Angeles"),      # the prefix names the zone
    ("+12125550101", "UTC", "America/New_York"),
    ("+8613800138000", "UTC", "Asia/Shanghai"),
    ("+33612345678", "UTC", "Europe/Paris"),
    ("+34612345678", "UTC", "Europe/Madrid"),             # not the Canaries
    ("+79161234567", "UTC", "Europe/Moscow"),
    ("+61491570103", "UTC", "Australia/Sydney"),          # several zones: the main one
    ("+61491570103", "Australia/Perth", "Australia/Perth"),  # ...or the operator's
    ("not a number", "Europe/Paris", "Europe/Paris"),
])
def test_the_time_zone_comes_from_the_number(number, operator, zone):
    assert local_zone(number, operator) == zone


def test_a_far_appointment_gets_the_checklist_two_weeks_before_and_the_questions_at_nine():
    zone = "Europe/London"
    planned = plan(date(2027, 3, 14), zone, local(zone, 2027, 1, 10, 12))
    assert [(p.kind, p.due_at) for p in planned] == [
        (CHECKLIST, local(zone, 2027, 2, 28, 10)),
        (QUESTIONS, local(zone, 2027, 3, 13, 9)),
        (FOLLOW_UP, local(zone, 2027, 3, 15, 10)),
    ]


def test_a_near_appointment_gets_the_checklist_at_once():
    zone = "America/Los_Angeles"
    now = local(zone, 2027, 3, 10, 15, 30)
    planned = {p.kind: p.due_at for p in plan(date(2027, 3, 14), zone, now)}
    assert planned[CHECKLIST] == now
    assert planned[QUESTIONS] == local(zone, 2027, 3, 13, 9)


def test_set_late_in_the_evening_the_checklist_waits_for_the_morning():
    zone = "Asia/Shanghai"
    planned = {p.kind: p.due_at for p in plan(date(2027, 3, 14), zone,
                                              local(zone, 2027, 3, 10, 22, 15))}
    assert planned[CHECKLIST] == local(zone, 2027, 3, 11, 8)


def test_set_the_evening_before_the_questions_come_in_the_morning_of_the_appointment():
    zone = "Europe/Paris"
    planned = {p.kind: p.due_at for p in plan(date(2027, 3, 14), zone,
                                              local(zone, 2027, 3, 13, 23, 0))}
    assert planned[QUESTIONS] == local(zone, 2027, 3, 14, 8)


@pytest.mark.parametrize("zone", ["Europe/London", "America/Los_Angeles", "Asia/Shanghai",
                                  "Australia/Sydney", "Asia/Kolkata", "Pacific/Auckland"])
def test_no_planned_text_falls_in_the_local_night_whenever_it_is_set(zone):
    start = datetime(2027, 3, 1, tzinfo=UTC)
    for hour in range(0, 24 * 20, 7):  # set at all hours, for appointments near and far
        now = start + timedelta(hours=hour)
        for days in (0, 1, 2, 13, 14, 15, 40):
            appointment = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=days)
            for item in plan(appointment, zone, now):
                clock = item.due_at.astimezone(ZoneInfo(zone)).time()
                assert 8 <= clock.hour < 21, (zone, now, days, item)
                assert item.due_at >= now


@pytest.mark.parametrize(("zone", "clock", "quiet"), [
    ("Europe/London", (20, 59), False), ("Europe/London", (21, 0), True),
    ("Europe/London", (7, 59), True), ("Europe/London", (8, 0), False),
    ("Asia/Shanghai", (3, 0), True), ("America/Los_Angeles", (12, 0), False),
])
def test_quiet_hours_are_local(zone, clock, quiet):
    assert is_quiet(local(zone, 2027, 6, 1, *clock), zone) is quiet


def test_the_same_instant_is_night_in_one_zone_and_day_in_another():
    instant = datetime(2027, 6, 1, 22, 0, tzinfo=UTC)  # 23:00 London, 06:00 Shanghai, 15:00 LA
    assert is_quiet(instant, "Europe/London") and is_quiet(instant, "Asia/Shanghai")
    assert not is_quiet(instant, "America/Los_Angeles")
    assert next_allowed(instant, "Asia/Shanghai") == local("Asia/Shanghai", 2027, 6, 2, 8)
    assert next_allowed(instant, "Europe/London") == local("Europe/London", 2027, 6, 2, 8)


def test_a_reminder_found_due_in_the_night_waits_for_the_morning():
    zone = "Europe/London"
    due = local(zone, 2027, 3, 13, 9)
    assert due_or_later(due, local(zone, 2027, 3, 13, 8, 59), zone) == due
    assert due_or_later(due, local(zone, 2027, 3, 13, 9), zone) is None
    assert due_or_later(due, local(zone, 2027, 3, 13, 22), zone) == local(zone, 2027, 3, 14, 8)
