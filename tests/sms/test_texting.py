"""Texting the helpline: keywords, reserved words, sharing and forgetting, over signed webhooks."""

from __future__ import annotations

import pytest

from helpline.core.segments import analyse
from helpline.store.models import PENDING, SUPPRESSED
from helpline.web.content import current_content

from ..conftest import Texter, Twilio
from .conftest import opted_out


@pytest.fixture
def settings(settings):
    settings["HELPLINE_LANGUAGES"] = "en"
    return settings




@pytest.mark.parametrize(
    "body, first_text",
    [
        ("MENU", "menu.main"),
        ("hi", "menu.main"),
        ("SCRIPTS", "scripts.intro"),
        ("SCRIPT 2", "scripts.emotional"),
        ("script 3", "scripts.calm"),
        ("checklist", "checklist.intro"),
        ("RECORDS", "checklist.intro"),
        ("QUESTIONS", "questions.intro"),
        ("china", "international.intro"),
        ("SUPPORT", "support.intro"),
        ("2", "checklist.intro"),
        ("3", "questions.intro"),
    ],
)
def test_each_keyword_answers_with_its_content(texter, words, body, first_text):
    replies = texter.send(body)

    assert replies
    assert words(first_text) in replies[0]


@pytest.mark.parametrize("body", ["Checklist!!", "  checklist ", "CHEKLIST", "checklsit",
                                  "Check list", "CHECKLIST 🙏", "ＣＨＥＣＫＬＩＳＴ", "checklist."])
def test_misspelt_and_decorated_keywords_still_work(texter, words, body):
    assert words("checklist.intro") in texter.send(body)[0]


@pytest.mark.parametrize("body", ["Qestions?", "questons", "QUESTION", "  Questions  ",
                                  "questions please", "10 questions"])
def test_misspelt_questions_still_work(texter, words, body):
    assert words("questions.intro") in texter.send(body)[0]


def test_unknown_text_lists_the_keywords(texter, words):
    assert texter.send("what is this about") == [words("sms.unknown")]


def test_long_content_is_split_at_item_boundaries_into_numbered_gsm7_parts(texter, app):
    texter.send("QUESTIONS")
    replies = texter.send("ALL")

    with app.app_context():
        pack = current_content().default
    items = [t.sms for t in pack.sections["questions"].items]
    assert len(replies) >= 2
    for n, part in enumerate(replies, start=1):
        assert part.startswith(f"({n} of {len(replies)}) ")
        assert len(part) <= 1600
        assert analyse(part).encoding == "GSM-7"
    joined = "\n".join(part.split(") ", 1)[1] for part in replies)
    for item in items:
        assert item in joined  # no item was cut between two parts


@pytest.mark.parametrize("word", ["STOP", "stop", "Stop.", " STOPALL ", "unsubscribe", "CANCEL",
                                  "end", "QUIT", "revoke", "OPTOUT", "stop!"])
def test_every_opt_out_word_stops_all_texts(texter, words, word, store):
    assert texter.send(word) == [words("sms.opted_out")]

    assert opted_out(store, texter.number)
    assert texter.send("CHECKLIST") == []
    assert texter.send("HELP") == []


@pytest.mark.parametrize("body", ["stopp", "sto p", "don't stop", "non-stop"])
def test_near_misses_of_stop_do_not_opt_out(texter, store, body):
    texter.send(body)

    assert not opted_out(store, texter.number)


def test_stop_is_confirmed_once(texter, words):
    assert texter.send("STOP") == [words("sms.opted_out")]
    assert texter.send("STOP") == []


@pytest.mark.parametrize("word", ["START", "unstop", "Yes"])
def test_start_switches_texts_back_on(texter, words, word, store):
    texter.send("STOP")

    assert texter.send(word) == [words("sms.opted_in")]
    assert not opted_out(store, texter.number)
    assert texter.send("CHECKLIST")


@pytest.mark.parametrize("word", ["HELP", "info", "Help?"])
def test_help_names_the_program_and_how_to_opt_out(texter, words, word, app):
    reply = texter.send(word)

    assert reply == [words("sms.help")]
    assert "This is the Second Opinion Helpline." in reply[0]
    assert "STOP" in reply[0]


@pytest.mark.parametrize("body", ["I want to kill myself", "there is heavy bleeding",
                                  "I CANNOT BREATHE"])
def test_a_message_that_signals_danger_gets_urgent_care_guidance_first(texter, words, body):
    assert texter.send(body)[0] == words("sms.safety_call", emergency_number="999")


@pytest.mark.parametrize("number, said", [("+8613800138000", "120"), ("+14155552671", "911"),
                                          ("+33612345678", "112"), ("+8801712345678", None)])
def test_the_urgent_care_text_names_the_texters_own_emergency_number(twilio, words, number,
                                                                     said):
    reply = Texter(twilio, number).send("I want to kill myself")[0]

    if said is None:  # a country the table does not know: no guess
        assert reply == words("sms.safety")
    else:
        assert reply == words("sms.safety_call", emergency_number=said)
        assert "999" not in reply or said == "999"


def test_the_crisis_line_is_added_when_configured(settings):
    from helpline import create_app

    settings["HELPLINE_CRISIS_LINE"] = "116 123"
    app = create_app(settings)
    texter = Texter(Twilio(app.test_client()))

    replies = texter.send("I want to end my life")

    assert "116 123" in replies[-1]


def test_share_sends_an_introduction_then_the_questions(texter, words, outbox):
    reply = texter.send("SHARE +44 7400 123456")

    assert reply == [words("sms.share_sent", masked_number="+44 *** 456")]
    rows = outbox.rows(to_number="+447400123456")
    assert rows[0].kind == "share_intro" and rows[0].body == words("sms.share_intro")
    assert all(row.state == PENDING for row in rows)
    assert "10. " in "".join(row.body for row in rows)


def test_a_national_number_is_read_in_the_senders_country(texter, outbox):
    texter.send("share 07400 123456")

    assert outbox.rows(to_number="+447400123456")


@pytest.mark.parametrize("body", ["SHARE", "SHARE 12", "share my doctor"])
def test_share_without_a_number_explains_how(texter, words, body):
    assert texter.send(body) == [words("sms.share_invalid", example_number="07700 900123")]


def test_shares_are_limited_per_sender_and_per_recipient(texter, words):
    first = texter.send("SHARE +447400123456")
    same_recipient = texter.send("SHARE +447400123456")
    others = [texter.send(f"SHARE +44740012346{n}") for n in range(3)]

    assert first == [words("sms.share_sent", masked_number="+44 *** 456")]
    assert same_recipient == [words("sms.share_not_sent")]
    assert others[0] == [words("sms.share_sent", masked_number="+44 *** 460")]
    assert others[-1] == [words("sms.share_limit")]


def test_a_recipient_who_opted_out_is_never_messaged(texter, words, store, outbox):
    with store.transaction() as tx:
        tx.contacts.record_opt_out("+447400123456", via="STOP")

    assert texter.send("SHARE +447400123456") == [words("sms.share_not_sent")]
    assert [r for r in outbox.rows() if r.state == PENDING] == []


def test_stop_suppresses_what_was_waiting_to_be_sent(texter, twilio, store, outbox):
    recipient_phone = texter.__class__(twilio, "+447400123456")
    texter.send("SHARE +447400123456")

    recipient_phone.send("STOP")

    rows = outbox.rows(to_hash=store.hash_number("+447400123456"))
    assert rows and all(row.state == SUPPRESSED and row.to_number is None for row in rows)


def test_forget_deletes_language_and_pending_sends_but_keeps_an_opt_out(texter, words, store):
    texter.send("SHARE +447400123456")

    assert texter.send("FORGET") == [words("sms.forget_done")]

    texter.send("STOP")
    texter.send("FORGET")
    assert opted_out(store, texter.number)


def test_forget_answers_at_once_and_leaves_compacting_the_file_to_the_worker(texter, words,
                                                                             store):
    def free_pages() -> int:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()

    with store.transaction() as tx:  # enough queued texts that deleting them frees whole pages
        for n in range(60):
            tx.outbox.enqueue(texter.number, [f"part {n} " + "x" * 200], kind="text_me")

    assert texter.send("FORGET") == [words("sms.forget_done")]

    assert free_pages() > 0  # the webhook did not rewrite the file
    assert store.housekeeping()["compacted"] == 1  # the worker's next pass does
    assert free_pages() == 0


def test_status_callbacks_are_recorded_and_unknown_ids_still_get_200(twilio, texter, outbox,
                                                                     store):
    texter.send("SHARE +447400123456")
    row = outbox.rows()[0]
    with store.transaction() as tx:
        tx.outbox.mark_sent(row.id, "SM" + "a" * 32)

    delivered = twilio.post("/sms/status", {"MessageSid": "SM" + "a" * 32,
                                            "MessageStatus": "delivered"})
    unknown = twilio.post("/sms/status", {"MessageSid": "SM" + "b" * 32,
                                          "MessageStatus": "delivered"})

    assert delivered.status_code == 200 and unknown.status_code == 200
    updated = outbox.rows(id=row.id)[0]
    assert updated.delivery_status == "delivered" and updated.to_number is None


def test_unsigned_texts_are_refused(twilio, texter):
    response = twilio.client.post("/sms", data={"From": texter.number, "Body": "STOP"})

    assert response.status_code == 403


@pytest.mark.parametrize("body", ["", " ", "\x00", "🙂" * 2000, "a" * 20000, "%%%", "<Message>"])
def test_odd_bodies_get_a_polite_answer(texter, words, body):
    replies = texter.send(body)

    assert replies == [words("sms.unknown")]


@pytest.mark.parametrize("raw, as_read", [
    (b"Body=%ED%A0%BD&From=%2B447400123001", {"Body": "%ED%A0%BD", "From": "+447400123001"}),
    (b"Body=%FF%FE&From=%2B447400123001", {"Body": "%FF%FE", "From": "+447400123001"}),
    (b"From=%2B447400123001&Body=CHECKLIST%", {"Body": "CHECKLIST%", "From": "+447400123001"}),
])
def test_bodies_that_are_not_utf8_get_an_answer_not_an_error(twilio, raw, as_read):
    # Undecodable bytes reach the handler as their literal %-escapes; signed as such.
    response = twilio.client.post(
        "/sms", data=raw, content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": twilio.sign("/sms", as_read)})

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert b"<Message>" in response.data


def test_a_failing_handler_still_texts_an_apology(texter, words, monkeypatch):
    from helpline.core import pieces

    monkeypatch.setattr(pieces, "piece", lambda *a, **k: 1 / 0)

    assert texter.send("CHECKLIST") == [words("sms.error")]
