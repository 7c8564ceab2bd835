"""When each reminder before (and after) an appointment is sent, in the contact's own time.

The records checklist 14 days before (or at once when the appointment is closer), the ten
questions the day before at 09:00, a short follow-up the day after; never between 21:00 and
08:00 where the contact lives. The time zone comes from the number (phonenumbers' prefix
table); where a country spans several zones and the prefix does not say which, the operator's
``HELPLINE_TIMEZONE`` is used when it is one of them, else the country's first.

Pure: no Flask, no database, no clock (``now`` is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as number_zones

# What a reminder sends.
CHECKLIST, QUESTIONS, FOLLOW_UP = "checklist", "questions", "follow_up"
#: The caregiver's copy of the questions (sent under the sharing limits).
CAREGIVER_QUESTIONS = "caregiver_questions"
KINDS = (CHECKLIST, QUESTIONS, FOLLOW_UP, CAREGIVER_QUESTIONS)

CHECKLIST_DAYS_BEFORE = 14
#: Local times of day: the questions at 09:00 as promised, the others mid-morning.
QUESTIONS_AT = time(9, 0)
CHECKLIST_AT = time(10, 0)
FOLLOW_UP_AT = time(10, 0)
#: No text the helpline starts arrives from 21:00 to 08:00 local time.
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)

_UNKNOWN_ZONE = "Etc/Unknown"

#: Where a number's prefix spans several zones and the operator's is not one of them: the
#: zone most of the country lives in (phonenumbers lists them alphabetically).
MAIN_ZONES = {
    "AU": "Australia/Sydney", "BR": "America/Sao_Paulo", "CA": "America/Toronto",
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "EC": "America/Guayaquil",
    "ES": "Europe/Madrid", "FR": "Europe/Paris", "GB": "Europe/London",
    "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland", "PT": "Europe/Lisbon", "RU": "Europe/Moscow",
    "US": "America/New_York", "UA": "Europe/Kyiv", "AR": "America/Argentina/Buenos_Aires",
}


@dataclass(frozen=True)
class Planned:
    """One reminder text: what, and the UTC instant it is due."""

    kind: str
    due_at: datetime


def local_zone(number: str | None, operator_zone: str = "UTC") -> str:
    """The IANA time zone of a number's owner, as far as the number tells it."""
    try:
        parsed = phonenumbers.parse(number or "", None)
    except phonenumbers.NumberParseException:
        return _known(operator_zone)
    zones = [z for z in number_zones.time_zones_for_number(parsed) if z != _UNKNOWN_ZONE]
    if not zones:
        region = phonenumbers.region_code_for_number(parsed)
        example = phonenumbers.example_number(region) if region else None
        zones = [z for z in (number_zones.time_zones_for_number(example) if example else ())
                 if z != _UNKNOWN_ZONE]
    if len(zones) == 1:
        return _known(zones[0])
    if operator_zone in zones or not zones:
        return _known(operator_zone)
    main = MAIN_ZONES.get(phonenumbers.region_code_for_number(parsed) or "")
    return _known(main if main in zones else zones[0])


def _known(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def is_quiet(moment: datetime, zone: str) -> bool:
    """Whether ``moment`` falls in the local night (21:00 to 08:00)."""
    local = moment.astimezone(ZoneInfo(zone)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_allowed(moment: datetime, zone: str) -> datetime:
    """``moment`` itself, or 08:00 local after it when it falls in the night."""
    if not is_quiet(moment, zone):
        return moment
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return _at(day, QUIET_UNTIL, zone).astimezone(moment.tzinfo)


def _at(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def plan(appointment: date, zone: str, now: datetime) -> list[Planned]:
    """The reminders for an appointment, each due at an allowed local time, none before now.

    A reminder whose time has already passed is sent at once (the checklist for an
    appointment less than two weeks away); the follow-up is always the day after.
    """
    wanted = [
        (CHECKLIST, _at(appointment - timedelta(days=CHECKLIST_DAYS_BEFORE), CHECKLIST_AT, zone)),
        (QUESTIONS, _at(appointment - timedelta(days=1), QUESTIONS_AT, zone)),
        (FOLLOW_UP, _at(appointment + timedelta(days=1), FOLLOW_UP_AT, zone)),
    ]
    planned = []
    for kind, at in wanted:
        due = next_allowed(max(at, now), zone)
        planned.append(Planned(kind, due.astimezone(now.tzinfo)))
    return planned


def due_or_later(due_at: datetime, now: datetime, zone: str) -> datetime | None:
    """None when a reminder due at ``due_at`` may go out at ``now``, else when it may.

    A worker that was stopped overnight must not send the evening's reminders at 03:00.
    """
    if due_at > now:
        return due_at
    allowed = next_allowed(now, zone)
    return None if allowed == now else allowed
