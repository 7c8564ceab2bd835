"""A seeded week of helpline traffic, written as the voice and SMS views record it.

Calls are walks through the menu turned into events with the same rules as
``helpline.voice.views._respond``: each screen event names the screen reached and the one it
was reached from ("start" first); "text me" and repeats reach the same screen again; pressing
next on the last question reaches "last:questions" and stays on it. The expected figures
below are worked out by hand from the walks, not by the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from helpline.store import Store
from helpline.store.models import OutboxMessage

from ..catalogues import shipped_catalogue

FIRST_DAY = date(2026, 3, 2)
WEEK = [FIRST_DAY + timedelta(days=i) for i in range(7)]
QUESTIONS = [f"questions.q{n:02d}" for n in range(1, 11)]

TEXT_ME, SHARE = "<text me>", "<share>"

#: name: (screens in order, call length bucket)
WALKS: dict[str, tuple[list[str], str]] = {
    "all_questions": (["language", "main", *QUESTIONS, "last:questions"], "3-10 min"),
    "script": (["language", "main", "scripts_menu", "scripts.direct"], "1-3 min"),
    "checklist_text": (["language", "main", "checklist.pathology", "checklist.imaging",
                        TEXT_ME], "1-3 min"),
    "silence": (["language", "language", "language", "goodbye"], "under 1 min"),
    "share": (["language", "main", *QUESTIONS[:3], "caregiver_number", "caregiver_confirm",
               SHARE, "questions.q03", "main"], "3-10 min"),
    "hang_up_at_once": (["language"], "under 1 min"),
}


def calls_on(day_index: int) -> list[tuple[str, str]]:
    """(walk, language) for every call on one day of the week."""
    calls = [("all_questions", "en")] * 2
    calls += [("script", "en" if day_index % 2 == 0 else "zh")] * (day_index + 1)
    calls += [("checklist_text", "es")] * 3
    calls += [("silence", "en"), ("hang_up_at_once", "en")]
    if day_index == 0:
        calls += [("share", "en")] * 2
    return calls


def texts_on(day_index: int) -> list[tuple[str, str]]:
    """(intent, language) for every text received on one day."""
    texts = [("checklist", "en")] * 2 + [("checklist", "es")] * 2 + [("questions", "en")] * 2
    texts += [("help", "en"), ("share", "en")]
    if day_index <= 2:
        texts.append(("opt_out", "en"))
    if day_index == 0:
        texts.append(("opt_in", "en"))
    if day_index == 3:
        texts += [("unknown", "fr")] * 2
    return texts


def outbox_on(day_index: int) -> dict[str, int]:
    states = {"delivered": 6, "sent": 1}
    if day_index == 4:
        states["failed"] = 9  # a spike of failed deliveries
    if day_index == 2:
        states["suppressed"] = 1
    if day_index == 6:
        states["pending"] = 2
    return states


#: Sections are shown under the catalogue's report labels.
_LABELS = {section.id: section.report for section in shipped_catalogue()}
SCRIPTS, CHECKLIST, QUESTIONS_LABEL, CHINA, AFTER = (
    _LABELS[name] for name in ("scripts", "checklist", "questions", "international", "support"))

#: What the week adds up to, by hand from the walks above (section -> label -> value).
EXPECTED: dict[str, dict[str, int]] = {
    "summary": {"calls": 79, "texts received": 62, "text-me requests from calls": 21,
                "caregiver shares asked for": 9, "opt-outs": 3,
                "texts queued in the outbox": 61, "texts that failed to deliver": 9},
    "calls_per_day": {d.isoformat(): n for d, n in zip(WEEK, [10, 9, 10, 11, 12, 13, 14],
                                                       strict=True)},
    "texts_per_day": {d.isoformat(): n for d, n in zip(WEEK, [10, 9, 9, 10, 8, 8, 8],
                                                       strict=True)},
    "calls_by_language": {"English (en)": 32, "中文 (zh)": 12, "Español (es)": 21,
                          "language not chosen": 14},
    "content_reached": {SCRIPTS: 28, CHECKLIST: 21, QUESTIONS_LABEL: 16, CHINA: 0, AFTER: 0},
    "pieces_reached": {"scripts.direct": 28, "scripts.emotional": 0,
                       "checklist.pathology": 21, "checklist.imaging": 21},
    "questions_funnel": {**{q: 16 for q in QUESTIONS[:3]}, **{q: 14 for q in QUESTIONS[3:]},
                         "end of the list": 14},
    "call_endings": {"language": 7, "main": 2, "scripts_menu": 0, SCRIPTS: 28,
                     CHECKLIST: 21, QUESTIONS_LABEL: 14, "goodbye": 7, "caregiver_number": 0},
    "call_lengths": {"under 1 min": 14, "1-3 min": 49, "3-10 min": 16, "over 10 min": 0},
    "sharing": {"text me, from a call": 21, "caregiver share, from a call": 2,
                "caregiver share, by text": 7},
    "text_me_content": {CHECKLIST: 21, QUESTIONS_LABEL: 0},
    "sms_requests": {CHECKLIST: 28, QUESTIONS_LABEL: 14, "help": 7, "share": 7, "opt_out": 3,
                     "opt_in": 1, "unknown": 2, "forget": 0},
    "opt_outs": {"opt-outs (STOP and the like)": 3, "opt-ins (START, UNSTOP)": 1},
    "outbox": {"pending": 2, "sending": 0, "sent": 7, "delivered": 42, "failed": 9,
               "suppressed": 1},
    "failures_per_day": {WEEK[4].isoformat(): 9, WEEK[3].isoformat(): 0},
}


def walk_events(walk: str, language: str) -> tuple[list[dict], str]:
    """The events one call records, and its length bucket."""
    screens, length = WALKS[walk]
    events = [{"channel": "voice", "kind": "call_started"}]
    came_from, chosen = "start", False
    for step in screens:
        spoken = language if chosen or step not in ("language",) else "en"
        if step == "main":
            chosen = True
            spoken = language
        if step == TEXT_ME:
            events.append({"channel": "voice", "kind": "text_me", "content_id": came_from,
                           "language": language})
            step = came_from  # the caller hears the same piece again
        if step == SHARE:
            events.append({"channel": "voice", "kind": "share", "content_id": "questions",
                           "language": language})
            continue
        events.append({"channel": "voice", "kind": "screen", "content_id": step,
                       "language": spoken, "detail": came_from})
        if not step.startswith("last:"):
            came_from = step
    return events, length


def _write(store: Store, events: list[dict], when: datetime, simulated: bool) -> None:
    with store.transaction() as tx:
        tx.usage.record({**event, "created_at": when, "simulated": simulated} for event in events)


def _outbox(store: Store, when: datetime, state: str, count: int, simulated: bool) -> None:
    with Session(store.engine) as session, session.begin():
        for i in range(count):
            session.add(OutboxMessage(
                batch=f"{when:%Y%m%d}-{state}-{i}-{int(simulated)}", position=1, total=1,
                to_number=None, to_hash="0" * 64, body="(seeded)", kind="text_me",
                language="en", simulated=simulated, state=state, next_attempt_at=when,
                created_at=when, updated_at=when))


def seed_week(store: Store, first_day: date = FIRST_DAY, *, noise: bool = True) -> None:
    """The week above, plus (with ``noise``) traffic the report must leave out: simulated
    calls, texts and outbox rows inside the week, and real traffic just outside it."""
    for i in range(7):
        day = datetime.combine(first_day + timedelta(days=i), datetime.min.time(), tzinfo=UTC)
        for n, (walk, language) in enumerate(calls_on(i)):
            events, length = walk_events(walk, language)
            events.append({"channel": "voice", "kind": "call_ended", "detail": length})
            _write(store, events, day + timedelta(hours=8, minutes=n), simulated=False)
        texts = [{"channel": "sms", "kind": kind, "language": language}
                 for kind, language in texts_on(i)]
        _write(store, texts, day + timedelta(hours=12), simulated=False)
        for state, count in outbox_on(i).items():
            _outbox(store, day + timedelta(hours=13), state, count, simulated=False)
    if not noise:
        return
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    end = start + timedelta(days=7)
    simulated_call, _ = walk_events("all_questions", "fr")
    for n in range(6):
        _write(store, simulated_call, start + timedelta(days=1, hours=n), simulated=True)
        _write(store, [{"channel": "sms", "kind": "opt_out", "language": "en"}],
               start + timedelta(days=2, hours=n), simulated=True)
    _outbox(store, start + timedelta(days=1), "failed", 6, simulated=True)
    for when in (start - timedelta(microseconds=1), end):  # the instants either side
        events, _ = walk_events("script", "en")
        _write(store, events + [{"channel": "sms", "kind": "help", "language": "en"}], when,
               simulated=False)
        _outbox(store, when, "failed", 1, simulated=False)
