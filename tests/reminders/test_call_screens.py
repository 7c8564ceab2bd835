"""The reminder call screens as a table: key in, next screen and words out (no HTTP)."""

from __future__ import annotations

from datetime import date

import pytest

from helpline.core.reminder_call import (
    ASK,
    CONFIRM,
    MAIN_MENU,
    answer,
    appointment_for,
    read_days,
    start,
)


@pytest.mark.parametrize(("screen", "typed", "days", "prompts", "next_screen", "kept",
                          "set_days"), [
    (ASK, "14", None, ("reminder.call_read_back",), CONFIRM, 14, None),
    (ASK, "14#", None, ("reminder.call_read_back",), CONFIRM, 14, None),
    (ASK, "0", None, ("reminder.call_read_back",), CONFIRM, 0, None),
    (ASK, "365", None, ("reminder.call_read_back",), CONFIRM, 365, None),
    (ASK, "366", None, ("reminder.call_invalid", "reminder.call_ask"), ASK, None, None),
    (ASK, "1234", None, ("reminder.call_invalid", "reminder.call_ask"), ASK, None, None),
    (ASK, "*", None, (), MAIN_MENU, None, None),
    (ASK, None, None, (), MAIN_MENU, None, None),
    (ASK, "", None, (), MAIN_MENU, None, None),
    (CONFIRM, "1", 14, (), MAIN_MENU, None, 14),
    (CONFIRM, "2", 14, ("reminder.call_ask",), ASK, None, None),
    (CONFIRM, "*", 14, (), MAIN_MENU, None, None),
    (CONFIRM, None, 14, (), MAIN_MENU, None, None),
    (CONFIRM, "#", 14, ("reminder.call_read_back",), CONFIRM, 14, None),
    (CONFIRM, "7", 14, ("reminder.call_read_back",), CONFIRM, 14, None),
    (CONFIRM, "1", None, ("reminder.call_ask",), ASK, None, None),  # forged: start again
])
def test_each_key_on_each_screen(screen, typed, days, prompts, next_screen, kept, set_days):
    step = answer(screen, typed, days)
    assert (step.prompts, step.screen, step.days, step.set_days) == (
        prompts, next_screen, kept, set_days)


def test_the_call_starts_by_asking_for_the_days():
    assert start().screen == ASK and start().prompts == ("reminder.call_ask",)


@pytest.mark.parametrize(("typed", "days"), [("7", 7), ("007", 7), ("x", None), ("-1", None),
                                              ("", None), (None, None)])
def test_read_days(typed, days):
    assert read_days(typed) == days


def test_the_appointment_is_that_many_days_from_today():
    assert appointment_for(10, date(2027, 3, 1)) == date(2027, 3, 11)
