"""Reminders before a second-opinion appointment: set, listed, cancelled, and queued when due.

Setting one (by text or on a call) plans its texts in the contact's local time
(``core.reminders``) and stores them with the number encrypted. The reminder pass, run by
every ``helpline worker``, claims what is due (exactly once, any number of workers), checks
the opt-out, the local night and the one sending policy, and writes each text to the outbox
in the same transaction; the outbox worker then sends it like any other text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from ..content import SMS, Content, LanguagePack
from ..core import compose, phone
from ..core import reminders as plan
from ..core.privacy import mask_number
from ..core.send_limits import REMINDER, SHARE
from ..store import Store, Transaction
from ..store.reminders import DueReminder
from .policy import SendingPolicy

log = logging.getLogger(__name__)

# Outcomes of setting a reminder.
SET, OPTED_OUT, NOT_POSSIBLE = "set", "opted_out", "not_possible"

#: Text ids that open each reminder: discreet, so the first line never names cancer.
OPENING = {plan.CHECKLIST: "reminder.checklist", plan.QUESTIONS: "reminder.questions",
           plan.FOLLOW_UP: "reminder.follow_up", plan.CAREGIVER_QUESTIONS: "reminder.caregiver"}
#: The catalogue section each reminder carries after its opening line.
SECTION = {plan.CHECKLIST: "checklist", plan.QUESTIONS: "questions",
           plan.CAREGIVER_QUESTIONS: "questions"}
#: One line of REMINDERS per waiting text.
LISTED = {plan.CHECKLIST: "reminder.item_checklist",
          plan.QUESTIONS: "reminder.item_questions",
          plan.FOLLOW_UP: "reminder.item_follow_up",
          plan.CAREGIVER_QUESTIONS: "reminder.item_caregiver"}
#: How many due reminders one transaction claims.
CLAIM_BATCH = 50


@dataclass(frozen=True)
class SetResult:
    outcome: str
    appointment: date | None = None
    time_zone: str | None = None


def date_words(pack: LanguagePack, day: date, values: Mapping[str, object]) -> str:
    """"Friday 14 March" in the pack's own words and order."""
    months = _names(pack.render("reminder.months", SMS, values))
    weekdays = _names(pack.render("reminder.weekdays", SMS, values))
    return pack.render("reminder.date", SMS, {
        **values, "weekday": weekdays[day.weekday()], "day": day.day,
        "month": months[day.month - 1]})


def _names(listed: str) -> list[str]:
    """A content list of names, separated by each script's own comma (, ، 、 ，)."""
    return [name.strip() for name in re.split(r"[,،、，]", listed)]


def set_reminders(store: Store, policy: SendingPolicy, number: str | None, appointment: date,
                  language: str, *, channel: str, operator_zone: str, now: datetime,
                  simulated: bool = False) -> SetResult:
    """Plan and store the reminders for one appointment, replacing any the number had."""
    e164 = phone.to_e164(number, strict=False)
    if e164 is None or policy.destination_refusal(e164, simulated=simulated) is not None:
        return SetResult(NOT_POSSIBLE)
    zone = plan.local_zone(e164, operator_zone)
    planned = plan.plan(appointment, zone, now)
    with store.transaction() as tx:
        if tx.contacts.is_opted_out(e164):
            return SetResult(OPTED_OUT)
        tx.reminders.cancel(e164)
        tx.reminders.add(e164, e164, [(p.kind, p.due_at) for p in planned],
                         appointment=appointment, language=language, time_zone=zone,
                         channel=channel, simulated=simulated, now=now)
        _count(tx, channel, "reminder_set", language, simulated, now)
    log.info("reminders set for %s (%s)", mask_number(e164), zone)
    return SetResult(SET, appointment, zone)


def add_caregiver(tx: Transaction, sender: str, caregiver: str, *, simulated: bool,
                  now: datetime) -> int:
    """A SHARE from someone with reminders: the caregiver gets the questions the day before
    too (under the sharing limits when it is sent). How many copies were planned."""
    added = 0
    for batch, language, zone, appointment, due in tx.reminders.owner_batches(sender):
        tx.reminders.add(sender, caregiver, [(plan.CAREGIVER_QUESTIONS, due)],
                         appointment=appointment, language=language, time_zone=zone,
                         channel="sms", origin=sender, simulated=simulated, batch=batch,
                         now=now)
        added += 1
    return added


def listed(store: Store, content: Content, values: Mapping[str, object], number: str,
           language: str) -> list[str]:
    """REMINDERS: the text ids and values of the reply (one line per waiting text)."""
    pack = content.pack(language)
    with store.reading() as tx:
        waiting = tx.reminders.scheduled(number)
    if not waiting:
        return [pack.render("reminder.none", SMS, values)]
    lines = []
    for item in waiting:
        local = item.due_at.astimezone(ZoneInfo(item.time_zone))
        when = f"{date_words(pack, local.date(), values)} {local:%H:%M}"
        lines.append(pack.render(LISTED[item.kind], SMS, {**values, "when": when}))
    head = pack.render("reminder.list", SMS, {
        **values, "date": date_words(pack, waiting[0].appointment, values),
        "time_zone": waiting[0].time_zone})
    return [head, *lines, pack.render("reminder.change", SMS, values)]


def cancel(store: Store, number: str, language: str, *, channel: str, now: datetime,
           simulated: bool = False) -> int:
    """REMIND OFF: the reminders only; the number may still text and be texted."""
    with store.transaction() as tx:
        cancelled = tx.reminders.cancel(number)
        if cancelled:
            _count(tx, channel, "reminder_cancelled", language, simulated, now)
    return cancelled


def _count(tx: Transaction, channel: str, kind: str, language: str | None, simulated: bool,
           now: datetime, content_id: str | None = None, detail: str | None = None) -> None:
    """Reports count reminders from anonymous events: set, sent, cancelled."""
    tx.usage.record([_event(channel, kind, language, simulated, now, content_id, detail)])


def _event(channel: str, kind: str, language: str | None, simulated: bool, now: datetime,
           content_id: str | None = None, detail: str | None = None) -> dict:
    return {"channel": channel, "kind": kind, "language": language, "content_id": content_id,
            "detail": detail, "simulated": simulated, "created_at": now}


def reminder_pass(app: Flask) -> ReminderPass:
    """The reminder pass for ``app``'s store, policy and content (read fresh each pass, so a
    content reload reaches the next reminders)."""
    from ..store import store_of
    from ..web.content import loaded_content
    from .policy import policy_of

    return ReminderPass(store_of(app), policy_of(app), lambda: loaded_content(app).content,
                        lambda: loaded_content(app).values)


@dataclass
class PassReport:
    queued: int = 0
    postponed: int = 0
    refused: int = 0
    dropped: int = 0


class ReminderPass:
    """Turns due reminders into outbox texts; run by each worker before it sends."""

    def __init__(self, store: Store, policy: SendingPolicy, content: Callable[[], Content],
                 values: Callable[[], Mapping[str, object]], batch: int = CLAIM_BATCH) -> None:
        self.store = store
        self.policy = policy
        self.content = content
        self.values = values
        self.batch = batch

    def run_once(self, now: datetime | None = None) -> PassReport:
        now = now or datetime.now(UTC)
        report = PassReport()
        while True:
            with self.store.transaction() as tx:
                due = tx.reminders.claim_due(now, self.batch)
                events: list[dict] = []
                finished = [item.id for item in due if self._one(tx, item, now, report, events)]
                tx.reminders.finish(finished)
                tx.usage.record(events)
            if len(due) < self.batch:
                return report

    def _one(self, tx: Transaction, item: DueReminder, now: datetime, report: PassReport,
             events: list[dict]) -> bool:
        """Queue (or drop) one reminder; False when it waits for the local morning."""
        later = plan.due_or_later(item.due_at, now, item.time_zone)
        if later is not None:
            tx.reminders.postpone(item.id, later)
            report.postponed += 1
            return False
        number = item.number
        if number is None or tx.contacts.is_opted_out(number):
            # A number no key opens any more, or one that said STOP: nothing is sent.
            report.dropped += 1
            return True
        caregiver = item.kind == plan.CAREGIVER_QUESTIONS
        kind, origin = (SHARE, item.origin) if caregiver else (REMINDER, number)
        refused = self.policy.check(tx, kind, origin, number, simulated=item.simulated,
                                    now=now)
        if refused is not None:
            events.append(_event("sms", "reminder_refused", item.language, item.simulated, now,
                                 item.kind, refused.rule))
            report.refused += 1
            return True
        tx.outbox.enqueue(number, self._parts(item, number), kind=f"reminder_{item.kind}",
                          language=item.language, simulated=item.simulated, now=now)
        events.append(_event("sms", "reminder_sent", item.language, item.simulated, now,
                             item.kind))
        report.queued += 1
        return True

    def _parts(self, item: DueReminder, number: str) -> list[str]:
        content, values = self.content(), dict(self.values())
        pack = content.pack(item.language)
        ids = [OPENING[item.kind]]
        section = SECTION.get(item.kind)
        if section is not None:
            ids += compose.section_ids(pack, section)
        ids = self.policy.stop_footer([*ids, "sms.stop_footer"], number)
        values["date"] = date_words(pack, item.appointment, values)
        return compose.parts(pack, ids, values)
