"""The dangerous cases through the real, signed /sms webhook in all six languages: a request to
stop gets the opt-out confirmation and nothing else, ever after; a harmless sentence is never
answered as danger; a command is never read inside a sentence."""

from __future__ import annotations

import pytest

from ..conftest import Texter
from .conftest import opted_out

LANGUAGES = "en,zh,es,ar,ru,fr"


@pytest.fixture
def settings(settings):
    settings["HELPLINE_LANGUAGES"] = LANGUAGES
    return settings




@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("STOP ALL", "en"),
        ("that's all, thanks", "en"),
        ("please stop all messages", "en"),
        ("no more texts please", "en"),
        ("no más mensajes", "es"),
        ("je ne veux plus de sms", "fr"),
        ("всё, хватит", "ru"),
        ("不要再发了", "zh"),
        ("لا ترسلوا لي رسائل", "ar"),
    ],
)
def test_a_request_to_stop_is_confirmed_and_nothing_is_sent_after_it(
    texter: Texter, words, store, body: str, language: str
) -> None:
    assert texter.send("CHECKLIST")  # a texter who has had content before
    replies = texter.send(body)

    assert replies == [words("sms.opted_out", language)]
    assert opted_out(store, texter.number)
    assert texter.send("ALL") == []
    assert texter.send("QUESTIONS") == []


def test_stop_with_a_safety_phrase_is_answered_with_urgent_care_and_the_opt_out(
    texter: Texter, words, store
) -> None:
    replies = texter.send("STOP texting me, I want to die")

    joined = "\n".join(replies)
    urgent = words("sms.safety_call", emergency_number="999")  # a UK texter
    assert urgent in joined and words("sms.opted_out") in joined
    assert joined.index(urgent) < joined.index(words("sms.opted_out"))
    assert opted_out(store, texter.number)


@pytest.mark.parametrize(
    "body",
    ["I never got my records", "never mind", "fewer texts please", "is that all?"],
)
def test_a_harmless_sentence_gets_no_urgent_care_text_and_no_content_flood(
    texter: Texter, words, store, body: str
) -> None:
    replies = texter.send(body)

    assert words("sms.safety_call", emergency_number="999") not in "\n".join(replies)
    assert not opted_out(store, texter.number)


@pytest.mark.parametrize("body", ["is that all?",
                                  "gracias por todo", "tout va bien merci"])
def test_a_sentence_with_all_or_more_in_it_never_sends_a_whole_section(
    texter: Texter, words, body: str
) -> None:
    assert len(texter.send(body)) <= 1


def test_listen_does_not_switch_a_texter_to_french(texter: Texter, words) -> None:
    texter.send("LISTEN")

    assert texter.send("MENU") == [words("menu.main", "en")]


def test_questions_with_a_language_sends_the_questions_in_that_language(
    texter: Texter, words
) -> None:
    replies = texter.send("QUESTIONS FRENCH")

    assert words("questions.intro", "fr") in replies[0]
    assert texter.send("MENU") == [words("menu.main", "en")]  # the texter's language stays
