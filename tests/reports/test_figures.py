"""The figures from grouped rows: plain functions, table tests, the seeded week by hand."""

from __future__ import annotations

from datetime import date

import pytest

from helpline.reports.figures import (
    Figure,
    PeriodError,
    call_endings,
    compute,
    group_of,
    period,
    question_funnel,
    shown,
)
from helpline.store.report_queries import OutboxRow, UsageRow

from ..catalogues import shipped_catalogue
from .seeding import EXPECTED, FIRST_DAY, QUESTIONS, WEEK, calls_on, walk_events

CATALOGUE = shipped_catalogue()

TODAY = date(2026, 3, 31)


@pytest.mark.parametrize("since, until, expected", [
    (None, None, (date(2026, 3, 2), TODAY)),
    ("2026-03-01", None, (date(2026, 3, 1), TODAY)),
    (None, "2026-02-10", (date(2026, 1, 12), date(2026, 2, 10))),
    ("2026-03-05", "2026-03-05", (date(2026, 3, 5), date(2026, 3, 5))),
    (" 2026-03-05 ", "", (date(2026, 3, 5), TODAY)),
])
def test_it_reads_the_period_with_sane_defaults(since, until, expected):
    assert period(since, until, TODAY) == expected


@pytest.mark.parametrize("since, until, message", [
    ("yesterday", None, "since must be a date written YYYY-MM-DD"),
    ("2026-02-30", None, "since must be a date written YYYY-MM-DD"),
    ("20260301", None, "since must be a date written YYYY-MM-DD"),
    (None, "31/03/2026", "until must be a date written YYYY-MM-DD"),
    ("2026-03-10", "2026-03-01", "The start date 2026-03-10 is after the end date 2026-03-01"),
    ("2020-01-01", "2026-01-01", "at most 731 days"),
])
def test_a_bad_date_says_what_to_write(since, until, message):
    with pytest.raises(PeriodError, match=message):
        period(since, until, TODAY)


@pytest.mark.parametrize("value, text", [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"),
                                         (1234, "1234")])
def test_small_counts_are_hidden(value, text):
    assert shown(value) == text


@pytest.mark.parametrize("screen, group", [
    ("questions.q03", "questions"), ("scripts_menu", "scripts"), ("scripts.calm", "scripts"),
    ("last:checklist", "checklist"), ("main", None), ("menu.main", None), ("start", None),
    (None, None), ("goodbye", None),
])
def test_screens_belong_to_content_sections(screen, group):
    assert group_of(screen, CATALOGUE) == group


def screens(*moves: tuple[str, str, int]) -> list[UsageRow]:
    """(reached, from, count) as grouped screen rows."""
    return [UsageRow(FIRST_DAY, "voice", "screen", to, "en", came_from, n)
            for to, came_from, n in moves]


@pytest.mark.parametrize("moves, expected", [
    # Two calls: one hangs up in the main menu, one on the second checklist item.
    ([("main", "start", 2), ("checklist.pathology", "main", 1),
      ("checklist.imaging", "checklist.pathology", 1)], {"main": 1, "checklist": 1}),
    # Repeats and re-prompts reach the same screen again: no ending of their own.
    ([("main", "start", 1), ("main", "main", 3)], {"main": 1}),
    # Silence ends with a goodbye: the call ended there, not in the menu.
    ([("language", "start", 1), ("language", "language", 2), ("goodbye", "language", 1)],
     {"goodbye": 1}),
    # Next on the last question stays on it.
    ([("questions.q10", "start", 1), ("last:questions", "questions.q10", 1),
      ("main", "questions.q10", 1)], {"main": 1}),
    # A call that started before the period leaves a screen it never arrived at: not negative.
    ([("main", "scripts_menu", 1)], {"main": 1}),
    # Handed to a person: one talks and hears goodbye, one finds nobody and goes on to the
    # checklist. Both calls end once.
    ([("language", "start", 2), ("main", "language", 2), ("transfer", "main", 2),
      ("goodbye", "start", 1), ("main", "start", 1), ("checklist.pathology", "main", 1)],
     {"transfer": 1, "checklist": 1}),
])
def test_calls_end_where_arrivals_outnumber_departures(moves, expected):
    endings = {k: v for k, v in call_endings(screens(*moves), CATALOGUE).items() if v}
    assert endings == expected


def test_the_funnel_counts_steps_forward_not_returns():
    rows = screens(("questions.q01", "main", 5), ("questions.q02", "questions.q01", 4),
                   ("questions.q01", "questions.q02", 2),  # back: not a new entry
                   ("questions.q02", "caregiver_confirm", 1),  # after a share: not a step
                   ("questions.q03", "questions.q02", 1), ("last:questions", "questions.q03", 1))

    funnel = question_funnel(rows, CATALOGUE, "questions", QUESTIONS[:3])

    assert funnel == [Figure("questions.q01", 5), Figure("questions.q02", 4),
                      Figure("questions.q03", 1), Figure("end of the list", 1)]


def week_rows() -> list[UsageRow]:
    """The seeded week's calls as grouped rows, without a database."""
    rows = []
    for i, day in enumerate(WEEK):
        for walk, language in calls_on(i):
            events, length = walk_events(walk, language)
            events.append({"channel": "voice", "kind": "call_ended", "detail": length})
            rows += [UsageRow(day, e["channel"], e["kind"], e.get("content_id"),
                              e.get("language"), e.get("detail"), 1) for e in events]
    return rows


def test_the_seeded_calls_add_up_to_the_figures_worked_out_by_hand():
    sections = {"scripts": ["scripts.direct", "scripts.emotional"],
                "checklist": ["checklist.pathology", "checklist.imaging"],
                "questions": QUESTIONS}
    report = compute(week_rows(), [OutboxRow(WEEK[4], "failed", 9)], WEEK[0], WEEK[-1],
                     catalogue=CATALOGUE, sections=sections,
                     languages={"en": "English", "zh": "中文", "es": "Español"})

    for key in ("calls_per_day", "calls_by_language", "content_reached", "pieces_reached",
                "questions_funnel", "call_endings", "call_lengths", "text_me_content"):
        values = {f.label: f.value for f in report.section(key).figures}
        for label, value in EXPECTED[key].items():
            assert values[label] == value, (key, label)
    assert [f.value for f in report.section("failures_per_day").figures] == [0, 0, 0, 0, 9, 0, 0]


def test_rows_outside_the_period_and_unknown_pieces_are_handled():
    rows = [UsageRow(date(2026, 2, 1), "voice", "call_started", None, None, None, 7),
            *screens(("checklist.retired_item", "main", 6))]

    report = compute(rows, [], FIRST_DAY, FIRST_DAY, catalogue=CATALOGUE,
                     sections={"checklist": ["checklist.a"]})

    assert report.section("summary").figures[0] == Figure("calls", 0)
    pieces = {f.label: f.value for f in report.section("pieces_reached").figures}
    assert pieces == {"checklist.a": 0, "checklist.retired_item": 6}
    assert ("calls_per_day", "2026-03-02", "0") in report.rows()


def test_sms_and_whatsapp_are_counted_apart_and_small_counts_hidden():
    from helpline.store.report_queries import ChannelRow

    day = WEEK[0]
    rows = [UsageRow(day, "sms", "checklist", None, "en", None, 12),
            UsageRow(day, "whatsapp", "checklist", None, "en", None, 9),
            UsageRow(day, "whatsapp", "listen", None, "en", None, 3),
            UsageRow(day, "whatsapp", "opt_out", None, "en", None, 1)]
    report = compute(rows, [], day, day, catalogue=CATALOGUE,
                     channels=[ChannelRow(day, "sms", 20), ChannelRow(day, "whatsapp", 6),
                               ChannelRow(WEEK[1], "whatsapp", 50)])

    shown = {f.label: f.shown for f in report.section("channels").figures}
    assert shown == {"messages received by SMS": "12", "messages received on WhatsApp": "13",
                     "voice notes asked for on WhatsApp": "<5", "opt-outs on WhatsApp": "<5",
                     "messages the helpline sent by SMS": "20",
                     "messages the helpline sent on WhatsApp": "6"}
    # The SMS figures stay SMS only.
    assert report.section("texts_per_day").figures[0].value == 12
