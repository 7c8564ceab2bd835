"""REMIND <date>, REMINDERS and REMIND OFF by text: the texter's words to and from the
reminders (``outbound.reminders`` does the work).

REMIND OFF cancels the reminders only; STOP (handled before anything here) cancels everything.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from ..content import SMS
from ..core import phone
from ..core import reminders as plan
from ..core.keywords import Intent
from ..core.reminder_dates import AMBIGUOUS, PAST, TOO_FAR, read_date
from ..core.split import split_message
from ..outbound import reminders
from ..outbound.policy import current_policy
from ..store import get_store
from ..web.content import loaded_content
from ..web.webhook import is_simulated

#: The intents this module answers (words in each language's intents:).
INTENTS = frozenset({"remind", "reminders", "remind_off"})

#: What a texter is asked when a date cannot be used.
ASK = {PAST: "reminder.ask_past", TOO_FAR: "reminder.ask_too_far",
       AMBIGUOUS: "reminder.ask_order"}
SET_TEXTED = {reminders.OPTED_OUT: "reminder.opted_out",
              reminders.NOT_POSSIBLE: "reminder.not_possible"}


def answer(intent: Intent, number: str | None, language: str) -> list[str]:
    """The reply to a reminder command, in message parts."""
    pack = loaded_content().content.pack(language)
    label = pack.texts["sms.part_label"].sms or "({n}/{total})"
    return split_message(_items(intent, number, language), label)


def _items(intent: Intent, number: str | None, language: str) -> list[str]:
    setup = loaded_content()
    pack = setup.content.pack(language)
    values = setup.values
    now = datetime.now(UTC)
    if not number:
        return [pack.render("reminder.not_possible", SMS, values)]
    if intent.name == "reminders":
        return reminders.listed(get_store(), setup.content, values, number, pack.code)
    if intent.name == "remind_off":
        reminders.cancel(get_store(), number, pack.code, channel="sms", now=now,
                         simulated=is_simulated())
        return [pack.render("reminder.off_done", SMS, values)]
    zone = plan.local_zone(number, _operator_zone())
    reading = read_date(intent.argument, pack.code, phone.region_of(number),
                        plan.local_today(now, zone))
    if reading.problem is not None or reading.day is None:
        return [pack.render(ASK.get(reading.problem or "", "reminder.ask_date"), SMS, values)]
    result = reminders.set_reminders(
        get_store(), current_policy(), number, reading.day, pack.code, channel="sms",
        operator_zone=_operator_zone(), now=now, simulated=is_simulated())
    if result.outcome != reminders.SET:
        return [pack.render(SET_TEXTED[result.outcome], SMS, values)]
    return [pack.render("reminder.set", SMS, {
        **values, "date": reminders.date_words(pack, reading.day, values),
        "time_zone": result.time_zone})]


def _operator_zone() -> str:
    return str(current_app.config.get("HELPLINE_TIMEZONE") or "UTC")
