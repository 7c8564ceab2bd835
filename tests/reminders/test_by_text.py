"""A reminder set by text sends the right texts at the right local times, and nothing at
other instants; REMIND OFF and STOP end them; the number is never readable in the file."""

from __future__ import annotations

from datetime import time, timedelta

from helpline.store.models import Reminder

from ..conftest import Texter
from .conftest import LONDON, appointment_in, at

UK = "+447400123001"
US = "+14155552671"
LOS_ANGELES = "America/Los_Angeles"


def first_lines(texts):
    return [body.split("\n")[0] for _, body in texts]


def reminders_waiting(store):
    with store.reading() as tx:
        return tx.reminders.waiting()


def test_a_reminder_set_by_text_sends_each_text_at_its_local_time(texter, worker, words, store,
                                                                   outbox):
    day = appointment_in(40)
    reply = texter.send(f"REMIND {day.isoformat()}")

    assert reply == [words("reminder.set", date=day.strftime("%A %-d %B"), time_zone=LONDON)]
    checklist_at = at(LONDON, day - timedelta(days=14), time(10))
    assert worker.run_at(checklist_at - timedelta(minutes=1)) == []
    sent = worker.run_at(checklist_at)
    assert {to for to, _ in sent} == {UK}
    assert first_lines(sent)[0].endswith(
        words("reminder.checklist", date=day.strftime("%A %-d %B")))
    assert "RECORDS TO GET" in sent[0][1] and words("sms.stop_footer") in sent[-1][1]
    assert worker.run_at(checklist_at) == []  # not twice

    questions_at = at(LONDON, day - timedelta(days=1), time(9))
    assert worker.run_at(questions_at - timedelta(hours=3)) == []
    sent = worker.run_at(questions_at)
    assert words("reminder.questions", date=day.strftime("%A %-d %B")) in sent[0][1]
    assert "10." in "".join(body for _, body in sent)  # all ten questions
    assert worker.run_at(questions_at + timedelta(hours=1)) == []

    follow_up_at = at(LONDON, day + timedelta(days=1), time(10))
    assert worker.run_at(day and at(LONDON, day, time(12))) == []  # the day itself: nothing
    sent = worker.run_at(follow_up_at)
    assert [body for _, body in sent] == [
        words("reminder.follow_up") + "\n" + words("sms.stop_footer")]
    assert reminders_waiting(store) == 0  # the last text took the number with it


def test_every_reminder_opens_without_naming_cancer(texter, worker, store):
    day = appointment_in(20)
    texter.send(f"REMIND {day.isoformat()}")
    sent = []
    for moment in (at(LONDON, day - timedelta(days=14), time(10)),
                   at(LONDON, day - timedelta(days=1), time(9)),
                   at(LONDON, day + timedelta(days=1), time(10))):
        sent += worker.run_at(moment)
    openings = [body.split("\n")[0] for _, body in sent if body.startswith(("(1 ", "A ", "Y",
                                                                            "W"))]
    assert len(openings) == 3
    assert not any("cancer" in line.lower() for line in openings)


def test_quiet_hours_hold_in_the_texters_own_time_zone(twilio, worker, words):
    texter = Texter(twilio, US)
    day = appointment_in(30, LOS_ANGELES)
    texter.send(f"REMIND {day.isoformat()}")
    questions_at = at(LOS_ANGELES, day - timedelta(days=1), time(9))

    # A worker that was stopped all day and runs at 22:30 local sends nothing...
    checklist_at = at(LOS_ANGELES, day - timedelta(days=14), time(22, 30))
    assert worker.run_at(checklist_at) == []
    # ...and sends the checklist at 08:00 the next morning.
    assert {to for to, _ in worker.run_at(checklist_at + timedelta(hours=9, minutes=30))} == {US}
    # 09:00 in London is 01:00 in California: no questions yet.
    assert worker.run_at(at(LONDON, day - timedelta(days=1), time(9))) == []
    assert words("reminder.questions", date=day.strftime("%A %-d %B")) in \
        worker.run_at(questions_at)[0][1]


def test_remind_off_ends_the_reminders_only(texter, worker, words, store):
    day = appointment_in(10)
    texter.send(f"REMIND {day.isoformat()}")

    assert texter.send("REMIND OFF") == [words("reminder.off_done")]

    assert texter.send("REMINDERS") == [words("reminder.none")]
    for moment in (at(LONDON, day - timedelta(days=14 - 3), time(12)),
                   at(LONDON, day - timedelta(days=1), time(9)),
                   at(LONDON, day + timedelta(days=1), time(10))):
        assert worker.run_at(moment) == []
    assert texter.send("CHECKLIST")[0].startswith(words("checklist.intro"))  # still a texter


def test_stop_ends_everything(texter, worker, store):
    day = appointment_in(10)
    texter.send(f"REMIND {day.isoformat()}")

    texter.send("STOP")

    assert reminders_waiting(store) == 0
    for moment in (at(LONDON, day - timedelta(days=1), time(9)),
                   at(LONDON, day + timedelta(days=1), time(10))):
        assert worker.run_at(moment) == []
    assert texter.send(f"REMIND {day.isoformat()}") == []  # nothing at all after STOP


def test_reminders_lists_what_waits_in_local_time(texter, words):
    day = appointment_in(40)
    texter.send(f"REMIND {day.isoformat()}")

    (listing,) = texter.send("REMINDERS")

    lines = listing.split("\n")
    assert lines[0] == words("reminder.list", date=day.strftime("%A %-d %B"), time_zone=LONDON)
    checklist_day = day - timedelta(days=14)
    assert lines[1] == words("reminder.item_checklist",
                             when=f"{checklist_day.strftime('%A %-d %B')} 10:00")
    assert lines[2].startswith((day - timedelta(days=1)).strftime("%A %-d %B") + " 09:00")
    assert lines[-1] == words("reminder.change")


def test_a_new_date_replaces_the_old_one(texter, store):
    texter.send(f"REMIND {appointment_in(40).isoformat()}")
    texter.send(f"REMIND {appointment_in(50).isoformat()}")

    with store.reading() as tx:
        assert {s.appointment for s in tx.reminders.scheduled(UK)} == {appointment_in(50)}


def test_dates_that_cannot_be_used_are_asked_back(texter, words):
    assert texter.send("REMIND 2020-01-01") == [words("reminder.ask_past")]
    assert texter.send(f"REMIND {appointment_in(400).isoformat()}") == \
        [words("reminder.ask_too_far")]
    assert texter.send("REMIND soon") == [words("reminder.ask_date")]


def test_a_caregiver_added_with_share_gets_the_questions_and_how_to_stop(texter, worker,
                                                                         words):
    caregiver = "+447400123456"
    day = appointment_in(30)
    texter.send(f"REMIND {day.isoformat()}")
    texter.send(f"SHARE {caregiver}")
    worker.run_at(at(LONDON, day - timedelta(days=14), time(10)))  # the share itself, too

    sent = worker.run_at(at(LONDON, day - timedelta(days=1), time(9)))

    to_caregiver = [body for to, body in sent if to == caregiver]
    assert words("reminder.caregiver", date=day.strftime("%A %-d %B")) in to_caregiver[0]
    assert to_caregiver[-1].endswith(words("sms.stop_footer"))
    assert {to for to, _ in sent} == {UK, caregiver}


def test_the_number_is_not_readable_in_the_database_file(texter, app, store, tmp_path):
    texter.send(f"REMIND {appointment_in(40).isoformat()}")
    store.dispose()  # everything written to the file

    raw = b"".join(path.read_bytes() for path in tmp_path.glob("helpline.sqlite3*"))
    with store.reading() as tx:
        rows = tx.session.query(Reminder).all()
    assert len(rows) == 3 and all(row.number_sealed for row in rows)
    for form in (UK, UK[1:], UK[3:], "7400 123001"):
        assert form.encode() not in raw
    assert texter.send("REMINDERS")[0]  # and yet it can still be read back to send
