"""Setting a reminder on a call: how many days until the appointment, read back, confirmed.

Two screens: ASK (the caller types a number of days, then #) and CONFIRM (the date read back:
1 sets the reminders, 2 types again, * goes back). What the caller hears is returned as text
ids; the voice channel speaks them and performs ``set_days``. Pure: no Flask, no Twilio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .reminder_dates import MAX_DAYS_AHEAD

ASK, CONFIRM, MAIN_MENU = "ask", "confirm", "main"
#: Keys every screen of the key card keeps: back and repeat.
BACK, REPEAT = "*", "#"


@dataclass(frozen=True)
class CallStep:
    """What to say, where the call goes next, and whether to set the reminders."""

    prompts: tuple[str, ...]
    screen: str
    days: int | None = None
    set_days: int | None = None
    values: dict[str, object] = field(default_factory=dict)


def read_days(typed: str | None) -> int | None:
    """The number of days typed (0 to a year), or None."""
    digits = (typed or "").strip().rstrip("#")
    if not digits.isdecimal() or len(digits) > 3:
        return None
    days = int(digits)
    return days if days <= MAX_DAYS_AHEAD else None


def appointment_for(days: int, today: date) -> date:
    return today + timedelta(days=days)


def start() -> CallStep:
    return CallStep(("reminder.call_ask",), ASK)


def answer(screen: str, typed: str | None, days: int | None = None) -> CallStep:
    """The next step after the caller typed ``typed`` on ``screen`` (None: silence)."""
    if screen == ASK:
        if typed is None or typed.strip() == "":
            return CallStep((), MAIN_MENU)  # silence while typing: back where they were
        if typed.strip().startswith(BACK):
            return CallStep((), MAIN_MENU)
        wanted = read_days(typed)
        if wanted is None:
            return CallStep(("reminder.call_invalid", "reminder.call_ask"), ASK)
        return CallStep(("reminder.call_read_back",), CONFIRM, days=wanted)
    if screen == CONFIRM and days is not None:
        key = (typed or "").strip()[:1]
        if key == "1":
            return CallStep((), MAIN_MENU, set_days=days)
        if key == "2":
            return CallStep(("reminder.call_ask",), ASK)
        if key == BACK or typed is None:
            return CallStep((), MAIN_MENU)
        return CallStep(("reminder.call_read_back",), CONFIRM, days=days)
    return start()
