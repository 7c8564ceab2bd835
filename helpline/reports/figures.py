"""The report's figures, computed from grouped event rows by plain functions.

Every output (the page, the CLI table, CSV, JSON) reads one ``Report``, so they cannot
disagree. Figures are counts of anonymous events; nothing here can follow one caller, and
counts of 1 to 4 are shown as "<5" everywhere so that no single person stands out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..content import Catalogue
from ..core.delivery_errors import KNOWN, explain
from ..core.menu import (
    CAREGIVER_CONFIRM,
    CAREGIVER_NUMBER,
    GOODBYE,
    LANGUAGE,
    LAST_PREFIX,
    MAIN,
    MORE,
    REMEMBER_CONFIRM,
    TRANSFER,
    WELCOME_BACK,
)
from ..store.models import OUTBOX_STATES
from ..store.report_queries import ChannelRow, FailureRow, OutboxRow, UsageRow

#: Counts below this are shown as "<5".
SMALL_COUNT = 5
DEFAULT_DAYS = 30
#: Longest period a report covers (two years), to keep pages and queries small.
MAX_DAYS = 731

START = "start"
LENGTH_BUCKETS = ("under 1 min", "1-3 min", "3-10 min", "over 10 min")
#: SMS commands listed even when nobody used them (besides each section and chosen piece),
#: so a spreadsheet keeps the same rows.
SMS_COMMANDS = ("menu", "share", "forget", "opt_out", "opt_in", "help", "safety", "language",
                "unknown")


class PeriodError(ValueError):
    """The dates asked for cannot make a period; the message says how to write them."""


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str, name: str) -> date:
    """A YYYY-MM-DD date, or PeriodError naming the field and the expected form."""
    text = text.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"{name} must be a date written YYYY-MM-DD, e.g. 2026-03-01 (got {text!r})."
        ) from None


def period(since: str | None, until: str | None, today: date) -> tuple[date, date]:
    """First and last day (both included); by default the 30 days ending today."""
    last = parse_day(until, "until") if until else today
    first = parse_day(since, "since") if since else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise PeriodError(f"The start date {first} is after the end date {last}.")
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError(f"A report covers at most {MAX_DAYS} days; choose a shorter period.")
    return first, last


def shown(value: int) -> str:
    """A count as every output shows it: 0, "<5" for 1 to 4, else the number."""
    if 0 < value < SMALL_COUNT:
        return f"<{SMALL_COUNT}"
    return str(value)


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    #: What to do about it, for figures that are problems (failure reasons); else empty.
    detail: str = ""

    @property
    def shown(self) -> str:
        return shown(self.value)

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < SMALL_COUNT


@dataclass(frozen=True)
class Section:
    """One block of the report: a title, a chart kind ("daily" or "bars") and its figures."""

    key: str
    title: str
    chart: str
    figures: tuple[Figure, ...]
    note: str = ""


@dataclass(frozen=True)
class Report:
    since: date
    until: date
    sections: tuple[Section, ...]
    #: The time zone whose midnight starts each day (HELPLINE_TIMEZONE).
    zone: str = "UTC"

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def rows(self) -> list[tuple[str, str, str]]:
        """(section, label, value as shown), the one list every output is made from."""
        return [(s.key, f.label, f.shown) for s in self.sections for f in s.figures]


# --- the pieces of a call ---------------------------------------------------------------------


def group_of(screen: str | None, catalogue: Catalogue) -> str | None:
    """The section a screen belongs to ("questions" for "questions.q03" and "last:questions",
    "scripts" for its chooser "scripts_menu")."""
    if not screen:
        return None
    if screen.startswith(LAST_PREFIX):
        return screen[len(LAST_PREFIX):]
    for section in catalogue:
        if section.chooser and screen == section.chooser_screen:
            return section.id
    found = catalogue.section_of(screen)
    return found.id if found is not None else None


def ending_places(catalogue: Catalogue) -> tuple[str, ...]:
    """Screens listed under "where calls ended" even with no ending, in menu order."""
    choosers = [s.chooser_screen for s in catalogue if s.chooser]
    return (LANGUAGE, MAIN, MORE, *choosers, *catalogue.ids, CAREGIVER_NUMBER,
            CAREGIVER_CONFIRM, REMEMBER_CONFIRM, WELCOME_BACK, TRANSFER, GOODBYE)


def sms_kinds(catalogue: Catalogue, pieces: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """What a texter can ask for: each section, each piece chosen by its own words, commands."""
    kinds: list[str] = []
    for section in catalogue:
        kinds.append(section.id)
        if section.chooser:
            kinds.extend(pieces.get(section.id, ()))
    return (SMS_COMMANDS[0], *kinds, *SMS_COMMANDS[1:])


def _ordered(counts: Mapping[str, int], first: Sequence[str]) -> list[Figure]:
    """Figures for ``first`` (zeros included) in that order, then any other label seen."""
    labels = list(dict.fromkeys(first))
    labels += sorted(label for label, n in counts.items() if label not in labels and n)
    return [Figure(label, counts.get(label, 0)) for label in labels]


def _daily(counts: Mapping[date, int], since: date, until: date) -> tuple[Figure, ...]:
    days = (until - since).days + 1
    return tuple(Figure((since + timedelta(days=i)).isoformat(),
                        counts.get(since + timedelta(days=i), 0)) for i in range(days))


def call_endings(screens: Iterable[UsageRow], catalogue: Catalogue,
                 first_screen: str = LANGUAGE) -> Counter[str]:
    """Where calls ended: per screen, arrivals minus departures.

    Every screen event is an arrival at ``content_id`` and a departure from ``detail``; what
    arrives and never leaves is where calls stopped. "goodbye" is never left, so each kind
    goodbye counts as an ending. A "last:<section>" event is the caller pressing next on the
    last piece and staying there, so it is neither an arrival nor a departure.

    After a hand-off to a person the voice views start counting afresh ("start"): a goodbye
    then is the end of a call already counted at "transfer", and the main menu is a caller
    back from a hand-off that failed. ``first_screen`` is the screen a new call starts on.
    """
    arrivals: Counter[str] = Counter()
    departures: Counter[str] = Counter()
    for row in screens:
        target = row.content_id or "?"
        if target.startswith(LAST_PREFIX):
            continue
        came_from = row.detail
        if came_from == START and target != first_screen:
            if target == GOODBYE:
                continue
            came_from = TRANSFER
        arrivals[target] += row.count
        if came_from and came_from != START:
            departures[came_from] += row.count
    endings: Counter[str] = Counter()
    for screen, arrived in arrivals.items():
        # Calls that crossed the start of the period leave without arriving: never below 0.
        place = group_of(screen, catalogue) if "." in screen else screen
        endings[place or screen] += max(0, arrived - departures[screen])
    return endings


def _is_entry(row: UsageRow, catalogue: Catalogue) -> bool:
    """A move into a content section from outside it (coming back from the caregiver
    screens to the question one was on is not a new entry)."""
    group = group_of(row.content_id, catalogue)
    return bool(group) and not (row.content_id or "").startswith(LAST_PREFIX) and (
        group != group_of(row.detail, catalogue)) and row.detail not in (CAREGIVER_NUMBER,
                                                                         CAREGIVER_CONFIRM)


def question_funnel(screens: Iterable[UsageRow], catalogue: Catalogue, section: str,
                    questions: Sequence[str]) -> list[Figure]:
    """How far callers got: entries to the first piece, then each step forward by "next".

    Going back and forward again counts the step again: events do not say who moved.
    """
    rows = list(screens)
    figures = []
    for i, question in enumerate(questions):
        if i == 0:
            n = sum(r.count for r in rows
                    if r.content_id == question and _is_entry(r, catalogue))
        else:
            n = sum(r.count for r in rows
                    if r.content_id == question and r.detail == questions[i - 1])
        figures.append(Figure(question, n))
    end = sum(r.count for r in rows if r.content_id == LAST_PREFIX + section)
    figures.append(Figure("end of the list", end))
    return figures


def failure_reasons(rows: Iterable[FailureRow]) -> tuple[Figure, ...]:
    """Failed parts by reason: the common codes always listed (so a spreadsheet keeps its
    rows), then any other code seen, then parts that failed without a code."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts[row.error_code or ""] += row.count
    codes = [*KNOWN, *sorted(code for code in counts if code and code not in KNOWN)]
    if counts.get(""):
        codes.append("")
    return tuple(Figure(explain(code).label, counts.get(code, 0), explain(code).fix)
                 for code in codes)


# --- the report -------------------------------------------------------------------------------


#: Usage events about reminders start with this.
REMINDER_EVENT = "reminder_"
#: The reminder texts, as the reports name them.
REMINDER_TEXTS = (("checklist", "records checklist"), ("questions", "the questions"),
                  ("follow_up", "follow-up"), ("caregiver_questions", "questions to a caregiver"))


def count_channels(rows: Iterable[ChannelRow]) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        counts[row.channel] += row.count
    return counts


def compute(
    usage: Iterable[UsageRow],
    outbox: Iterable[OutboxRow],
    since: date,
    until: date,
    *,
    catalogue: Catalogue,
    sections: Mapping[str, Sequence[str]] | None = None,
    languages: Mapping[str, str] | None = None,
    failures: Iterable[FailureRow] = (),
    zone: str = "UTC",
    channels: Iterable[ChannelRow] = (),
) -> Report:
    """Every figure for the period from grouped rows.

    ``catalogue`` names the sections (rows for each, under its report label); ``sections``
    lists each section's piece ids in order (from the content), so that pieces nobody reached
    still appear with 0; ``languages`` maps enabled codes to names; ``failures`` are the
    failed parts by Twilio error code; ``channels`` the outbox messages by channel.
    """
    usage = [r for r in usage if since <= r.day <= until]
    outbox = [r for r in outbox if since <= r.day <= until]
    # Reminder events (set, sent, cancelled) are the helpline's doing, not texts received.
    reminders = [r for r in usage if r.kind.startswith(REMINDER_EVENT)]
    usage = [r for r in usage if not r.kind.startswith(REMINDER_EVENT)]
    voice = [r for r in usage if r.channel == "voice"]
    sms = [r for r in usage if r.channel == "sms"]
    whatsapp = [r for r in usage if r.channel == "whatsapp"]
    sent = count_channels(r for r in channels if since <= r.day <= until)
    screens = [r for r in voice if r.kind == "screen"]
    languages = dict(languages or {})

    def total(rows: Iterable[UsageRow | OutboxRow]) -> int:
        return sum(r.count for r in rows)

    def count_by(rows: Iterable[UsageRow], key) -> Counter:
        counts: Counter = Counter()
        for r in rows:
            counts[key(r)] += r.count
        return counts

    calls = [r for r in voice if r.kind == "call_started"]
    text_me = [r for r in voice if r.kind == "text_me"]
    voice_shares = [r for r in voice if r.kind == "share"]
    sms_shares = [r for r in sms if r.kind == "share"]
    failed = [r for r in outbox if r.state == "failed"]

    def language_label(code: str | None) -> str:
        if not code:
            return "unknown"
        return f"{languages[code]} ({code})" if code in languages else code

    enabled = [language_label(code) for code in languages]

    # A call's language is the one its main menu was first heard in (straight from the
    # language menu, or as the first screen when one language is enabled).
    first_screen = LANGUAGE if len(languages) != 1 else MAIN
    chosen = count_by((r for r in screens if r.content_id == MAIN and (
        r.detail == LANGUAGE or r.detail == START and first_screen == MAIN)),
        lambda r: language_label(r.language))
    call_languages = _ordered(chosen, enabled)
    call_languages.append(Figure("language not chosen",
                                 max(0, total(calls) - sum(chosen.values()))))

    pieces = {name: list(ids) for name, ids in (sections or {}).items()}
    for r in screens:  # pieces the content no longer lists still count
        group = group_of(r.content_id, catalogue)
        if group and r.content_id and "." in r.content_id and r.content_id not in pieces.get(
                group, []):
            pieces.setdefault(group, []).append(r.content_id)
    # The section a caregiver can be sent gets a funnel of its own, so its pieces are
    # counted there rather than among the others.
    funnel = catalogue.shared
    funnel_pieces = pieces.get(funnel.id, []) if funnel else []
    entries = count_by((r for r in screens if _is_entry(r, catalogue)),
                       lambda r: group_of(r.content_id, catalogue))
    reached = count_by((r for r in screens if r.content_id != r.detail),
                       lambda r: r.content_id)
    piece_ids = [p for name in catalogue.ids if not (funnel and name == funnel.id)
                 for p in pieces.get(name, [])]
    piece_ids += [p for name, ids in pieces.items() if name not in catalogue.ids for p in ids]

    text_me_sections = count_by(text_me, lambda r: group_of(r.content_id, catalogue) or (
        (r.content_id or "unknown").split(".", 1)[0]))
    labels = {section.id: section.report for section in catalogue}

    def by_section(counts: Mapping[str, int], first: Sequence[str]) -> tuple[Figure, ...]:
        """Figures in ``first`` order, a section shown under its report label."""
        return tuple(Figure(labels.get(f.label, f.label), f.value)
                     for f in _ordered(counts, first))

    summary = (
        Figure("calls", total(calls)),
        Figure("texts received", total(sms)),
        Figure("text-me requests from calls", total(text_me)),
        Figure("caregiver shares asked for", total(voice_shares) + total(sms_shares)),
        Figure("opt-outs", total(r for r in sms if r.kind == "opt_out")),
        Figure("texts queued in the outbox", total(outbox)),
        Figure("texts that failed to deliver", total(failed)),
    )
    report_sections = (
        Section("summary", "Summary", "bars", summary),
        Section("calls_per_day", "Calls per day", "daily",
                _daily(count_by(calls, lambda r: r.day), since, until)),
        Section("texts_per_day", "Texts received per day", "daily",
                _daily(count_by(sms, lambda r: r.day), since, until)),
        Section("calls_by_language", "Calls by language", "bars", tuple(call_languages),
                "The language of the main menu a call first reached."),
        Section("texts_by_language", "Texts by language", "bars",
                tuple(_ordered(count_by(sms, lambda r: language_label(r.language)), enabled))),
        Section("channels", "SMS and WhatsApp", "bars", (
            Figure("messages received by SMS", total(sms)),
            Figure("messages received on WhatsApp", total(whatsapp)),
            Figure("voice notes asked for on WhatsApp", total(
                r for r in whatsapp if r.kind == "listen")),
            Figure("opt-outs on WhatsApp", total(r for r in whatsapp if r.kind == "opt_out")),
            Figure("messages the helpline sent by SMS", sent.get("sms", 0)),
            Figure("messages the helpline sent on WhatsApp", sent.get("whatsapp", 0)),
        ), "The other text figures count SMS only. Sent: text-me, shares, voice notes and "
           "templates, one per message part."),
        Section("content_reached", "Content reached on calls", "bars",
                by_section(entries, catalogue.ids),
                "How many times callers went into each part of the menu."),
        Section("pieces_reached", "Scripts, checklist items and other pieces heard", "bars",
                tuple(_ordered({p: reached.get(p, 0) for p in piece_ids}, piece_ids)),
                "Times each piece was reached from another screen (repeats not counted)."),
        Section("questions_funnel",
                f"How far callers got through {labels.get(funnel.id) if funnel else 'a section'}",
                "bars",
                tuple(question_funnel(screens, catalogue, funnel.id, funnel_pieces)
                      if funnel else ()),
                "Entries to the first piece, then each step forward with 'next'."),
        Section("call_endings", "Where calls ended", "bars",
                by_section(call_endings(screens, catalogue, first_screen),
                           ending_places(catalogue)),
                "Screens reached and never left. 'goodbye' is the helpline hanging up after "
                "silence; 'transfer' is a call handed to a person."),
        Section("call_lengths", "Call lengths", "bars",
                tuple(_ordered(count_by((r for r in voice if r.kind == "call_ended"),
                                        lambda r: r.detail or "unknown"), LENGTH_BUCKETS))),
        Section("sharing", "Text-me and caregiver shares", "bars", (
            Figure("text me, from a call", total(text_me)),
            Figure("caregiver share, from a call", total(voice_shares)),
            Figure("caregiver share, by text", total(sms_shares)),
        )),
        Section("text_me_content", "What callers asked to be texted", "bars",
                by_section(text_me_sections, ("menu", *catalogue.ids))),
        Section("sms_requests", "What texters asked for", "bars",
                by_section(count_by(sms, lambda r: r.kind),
                           sms_kinds(catalogue, pieces))),
        Section("reminders", "Reminders before an appointment", "bars", (
            Figure("set by text", total(r for r in reminders
                                        if r.kind == "reminder_set" and r.channel == "sms")),
            Figure("set on a call", total(r for r in reminders
                                          if r.kind == "reminder_set" and r.channel == "voice")),
            *(Figure(f"sent: {label}", total(r for r in reminders if r.kind == "reminder_sent"
                                             and r.content_id == kind))
              for kind, label in REMINDER_TEXTS),
            Figure("not sent (sending limits or destination)",
                   total(r for r in reminders if r.kind == "reminder_refused")),
            Figure("cancelled (REMIND OFF)",
                   total(r for r in reminders if r.kind == "reminder_cancelled")),
        ), "Reminders people set, the texts sent for them, and those cancelled. STOP and "
           "FORGET also end reminders; they are counted as opt-outs, not here."),
        Section("opt_outs", "Opt-outs and opt-ins by text", "bars", (
            Figure("opt-outs (STOP and the like)", total(r for r in sms if r.kind == "opt_out")),
            Figure("opt-ins (START, UNSTOP)", total(r for r in sms if r.kind == "opt_in")),
        )),
        Section("outbox", "Outbox delivery outcomes", "bars",
                tuple(_ordered(count_by(outbox, lambda r: r.state), OUTBOX_STATES)),
                "Texts sent outside a reply (text-me, caregiver shares), by their state now, "
                "one per SMS part. Finished texts are deleted after 30 days."),
        Section("failures_per_day", "Failed deliveries per day", "daily",
                _daily(count_by(failed, lambda r: r.day), since, until)),
        Section("failure_reasons", "Why texts failed", "bars",
                failure_reasons(r for r in failures if since <= r.day <= until),
                "Failed parts by Twilio's error code, with what to do."),
    )
    return Report(since, until, report_sections, zone)
