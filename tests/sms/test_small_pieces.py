"""Texting in small pieces, in every language: a keyword answers with what fits in a few
segments and says what to text next; MORE, ALL and a number walk the rest; the texter's own
language, manners, SHARE as people write it, a card for the doctor and discreet texts."""

from __future__ import annotations

import pytest

from helpline.content.model import SMS
from helpline.core import compose, pieces
from helpline.core.discreet import first_line, names_subject
from helpline.core.normalise import normalise
from helpline.core.prompts import deployment_values
from helpline.web.content import current_content

from ..conftest import Texter, Twilio
from .conftest import opted_out

LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]
SECTIONS = ["scripts", "checklist", "questions", "international", "support", "faq"]


@pytest.fixture
def content(app):
    with app.app_context():
        return current_content()


@pytest.fixture
def render(app, content):
    values = deployment_values(app.config)

    def rendered(code: str, text_id: str, **more: object) -> str:
        return content.pack(code).render(text_id, SMS, {**values, **more})

    return rendered


def texter_in(app, code: str, content, number: str = "+447400123001") -> Texter:
    """A texter whose language is ``code`` (said once with the language's name)."""
    texter = Texter(Twilio(app.test_client()), number)
    texter.send(content.pack(code).meta.name)
    return texter


def word(content, code: str, intent: str) -> str:
    return content.pack(code).intents[intent][0]


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("section", SECTIONS)
def test_a_keyword_answers_with_one_small_piece_that_says_what_to_text_next(
        app, content, render, code, section):
    texter = texter_in(app, code, content)

    (reply,) = texter.send(word(content, code, section))

    assert pieces.fits(reply), reply  # 3 GSM-7 or 4 UCS-2 segments, footer included
    total = pieces.item_count(content.pack(code), section)
    assert reply.endswith(render(code, "sms.piece_more", total=total))
    footer = normalise(reply.rsplit("\n", 1)[1])
    assert normalise(word(content, code, "more")) in footer
    assert normalise(word(content, code, "all")) in footer


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("section", ["checklist", "questions"])
def test_more_walks_every_item_in_order_then_says_it_was_the_last(
        app, content, render, code, section):
    texter = texter_in(app, code, content)
    pack = content.pack(code)
    values = deployment_values(app.config)
    replies = texter.send(word(content, code, section))
    while not replies[-1].endswith(render(code, "sms.piece_last")):
        (more,) = texter.send(word(content, code, "more"))
        assert pieces.fits(more)
        replies.append(more)
        assert len(replies) <= 12, "MORE never reached the last item"

    read = "\n".join(replies)
    places = [read.index(pack.render(i.id, SMS, values)) for i in pack.sections[section].items]
    assert places == sorted(places)  # every item, in reading order
    assert texter.send(word(content, code, "more")) == [render(code, "sms.more_end")]


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("section", ["checklist", "questions", "faq"])
def test_all_gives_the_whole_section_as_it_was_sent_before(app, content, code, section):
    texter = texter_in(app, code, content)
    texter.send(word(content, code, section))

    replies = texter.send(word(content, code, "all"))

    pack = content.pack(code)
    whole = compose.parts(pack, compose.section_ids(pack, section),
                          deployment_values(app.config))
    assert replies == whole and len(whole) > 1


def test_all_is_limited_per_number_per_day_with_a_kind_reply(texter, words, settings):
    texter.send("QUESTIONS")
    for _ in range(3):  # HELPLINE_ALL_PER_DAY
        assert len(texter.send("ALL")) > 1

    assert texter.send("ALL") == [words("sms.all_limit")]
    assert texter.send("MORE")[0].startswith("2. ")  # the small pieces still come


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_number_picks_one_item_with_the_keyword_or_after_a_piece(app, content, render, code):
    texter = texter_in(app, code, content)
    pack = content.pack(code)
    values = deployment_values(app.config)
    third = pack.render(pack.sections["checklist"].items[2].id, SMS, values)
    seventh = pack.render(pack.sections["questions"].items[6].id, SMS, values)

    (picked,) = texter.send(f"{word(content, code, 'checklist')} 3")
    texter.send(word(content, code, "questions"))
    (bare,) = texter.send("7")

    assert picked.startswith(third) and pieces.fits(picked)
    assert bare.startswith(seventh) and pieces.fits(bare)
    assert texter.send("11") == [render(code, "sms.no_item", n=11, total=10)]


def test_a_bare_number_after_the_menu_opens_a_section(texter, words):
    texter.send("MENU")

    (reply,) = texter.send("2")

    assert reply.startswith(words("checklist.intro"))


def test_a_typo_of_another_languages_word_keeps_an_english_texter_in_english(
        app, content, render, store):
    texter = texter_in(app, "en", content)

    assert texter.send("meny") == [render("en", "menu.main")]
    assert texter.send("HELP") == [render("en", "sms.help")]
    with store.reading() as tx:
        assert tx.contacts.texter(texter.number).language == "en"


def test_a_whole_word_of_another_language_still_switches(app, content, render):
    texter = texter_in(app, "en", content)

    (reply,) = texter.send("PREGUNTAS")

    assert reply.startswith(render("es", "questions.intro"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_thanks_ok_help_me_and_yes_get_kind_useful_answers(app, content, render, code):
    texter = texter_in(app, code, content)
    pack = content.pack(code)
    unknown = render(code, "sms.unknown")

    for said in pack.intents["thanks"][:2]:
        assert texter.send(said) == [render(code, "sms.thanks")], said
    for said in pack.intents["help_me"][:2]:
        assert texter.send(said) == [render(code, "sms.help")], said
    yes = "yes" if code == "en" else pack.intents["yes"][0]
    assert texter.send(yes) == [render(code, "sms.already_on")]
    assert unknown not in texter.send("ok" if code == "en" else pack.intents["thanks"][-1])


def test_yes_from_a_number_that_never_stopped_is_not_told_texts_are_on_again(texter, words):
    assert texter.send("YES") == [words("sms.already_on")]
    assert texter.send("STOP") == [words("sms.opted_out")]
    assert texter.send("YES") == [words("sms.opted_in")]  # and only then


def test_a_message_naming_several_topics_answers_the_first_and_lists_the_others(
        texter, words):
    (reply,) = texter.send("I need help with my records and the questions to ask")

    assert reply.startswith(words("checklist.intro"))
    assert words("sms.also", keywords="QUESTIONS") in reply
    assert pieces.fits(reply)


@pytest.mark.parametrize("body", ["stop all", "no more texts please", "no más mensajes",
                                  "je ne veux plus de sms", "больше не присылайте сообщения",
                                  "不要再发短信了", "لا أريد رسائل بعد الآن", "STOP ALL",
                                  "Stop please", "please stop all messages"])
def test_asking_to_stop_in_any_words_opts_out_and_is_never_answered_with_content(
        app, content, store, body):
    texter = Texter(Twilio(app.test_client()), "+447400123055")

    (reply,) = texter.send(body)

    assert opted_out(store, texter.number)
    assert reply in {pack.render("sms.opted_out", SMS, deployment_values(app.config))
                     for pack in content}
    assert texter.send("QUESTIONS") == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_share_as_people_write_it_repeats_the_masked_number(
        app, content, render, outbox, code):
    texter = texter_in(app, code, content)
    said = {"en": "please", "es": "por favor", "fr": "merci", "ru": "пожалуйста",
            "zh": "谢谢", "ar": "من فضلك"}[code]

    (reply,) = texter.send(f"{word(content, code, 'share')} 07400 123 456 {said}")

    assert reply == render(code, "sms.share_sent", masked_number="+44 *** 456")
    assert outbox.rows(to_number="+447400123456")


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_example_number_in_every_share_message_is_answered_as_an_example(
        app, content, render, outbox, code):
    texter = texter_in(app, code, content)
    share = word(content, code, "share")

    (explained,) = texter.send(share)
    example = explained.rsplit(share, 1)[1].strip()
    (reply,) = texter.send(f"{share} {example}")

    assert example == "07700 900123"  # Ofcom's drama range, as a UK texter writes it
    assert reply == render(code, "sms.share_example")
    assert outbox.rows() == []


def test_a_north_american_texter_sees_a_555_example(app, words):
    texter = Texter(Twilio(app.test_client()), "+12025550123")

    (reply,) = texter.send("SHARE")

    assert reply == words("sms.share_invalid", example_number="(201) 555-0123")
    assert texter.send("SHARE (201) 555-0123") == [words("sms.share_example")]


def test_share_in_a_language_sends_the_caregiver_that_language_with_a_discreet_first_line(
        app, content, render, outbox):
    texter = texter_in(app, "en", content)

    texter.send("SHARE 07400 123 456 ZH")

    intro, *questions = outbox.bodies_to("+447400123456")
    assert intro == render("zh", "sms.share_intro")
    assert not names_subject(first_line(intro), content.pack("zh").sensitive_words)
    assert render("zh", "questions.q01") in "".join(questions)


@pytest.mark.parametrize("asked, code", [("QUESTIONS ZH", "zh"), ("QUESTIONS 中文", "zh"),
                                         ("PREGUNTAS EN", "en"), ("QUESTIONS FR", "fr"),
                                         ("QUESTIONS RU", "ru"), ("QUESTIONS ES", "es")])
def test_questions_in_a_language_is_a_card_for_the_doctor(app, content, render, store,
                                                          asked, code):
    texter = texter_in(app, "ar" if code == "en" else "en", content)
    own = "ar" if code == "en" else "en"

    (card,) = texter.send(asked)
    (more,) = texter.send(word(content, own, "more"))

    assert card.startswith(render(code, "questions.intro")) and pieces.fits(card)
    assert render(code, "questions.q01") in card + more  # MORE goes on in that language
    with store.reading() as tx:
        assert tx.contacts.texter(texter.number).language == own
    assert texter.send("HELP") == [render(own, "sms.help")]


@pytest.mark.parametrize("code", LANGUAGES)
def test_after_discreet_no_replys_first_line_names_the_subject(app, content, render, code):
    texter = texter_in(app, code, content)
    sensitive = content.pack(code).sensitive_words
    assert texter.send(word(content, code, "discreet")) == [render(code, "sms.discreet_on")]

    replies = []
    for section in SECTIONS:
        replies += texter.send(word(content, code, section))
        replies += texter.send(word(content, code, "more"))
        replies += texter.send("2")
    replies += texter.send(word(content, code, "all"))
    replies += texter.send("HELP") + texter.send(word(content, code, "menu"))

    assert len(replies) > 20
    for reply in replies:
        assert not names_subject(first_line(reply), sensitive), reply
    assert any(reply.startswith(render(code, "sms.discreet_line")) for reply in replies)


def test_discreet_off_undoes_it_and_forget_keeps_it(texter, words, store):
    texter.send("DISCREET")
    texter.send("FORGET")
    with store.reading() as tx:
        assert tx.contacts.is_discreet(texter.number)
    assert texter.send("QUESTIONS")[0].startswith(words("sms.discreet_line"))

    assert texter.send("DISCREET OFF") == [words("sms.discreet_off")]
    assert texter.send("QUESTIONS")[0].startswith(words("questions.intro"))


def test_forget_removes_the_place_so_more_starts_nothing(texter, words, store):
    texter.send("QUESTIONS")
    texter.send("FORGET")

    assert texter.send("MORE") == [words("sms.more_none")]
    with store.reading() as tx:
        assert tx.contacts.texter(texter.number).position is None


def test_the_place_expires_after_a_day(texter, words, store):
    from datetime import timedelta

    from helpline.store.models import utcnow

    texter.send("QUESTIONS")
    with store.reading() as tx:
        assert tx.contacts.texter(texter.number).position
        later = tx.contacts.texter(texter.number, now=utcnow() + timedelta(hours=25))
    assert later.position is None


def test_a_caregiver_who_asked_for_discreet_texts_gets_every_share_part_discreet(
        app, content, render, outbox):
    caregiver = Texter(Twilio(app.test_client()), "+447400123456")
    caregiver.send("DISCREET")

    texter_in(app, "en", content).send("SHARE 07400 123 456")

    bodies = outbox.bodies_to("+447400123456")
    assert len(bodies) > 2
    for body in bodies:
        assert not names_subject(first_line(body), content.pack("en").sensitive_words), body


@pytest.mark.parametrize("code", LANGUAGES)
def test_discreet_off_in_each_language_brings_the_subject_back(app, content, render, code):
    texter = texter_in(app, code, content)
    texter.send(word(content, code, "discreet"))

    assert texter.send(word(content, code, "discreet_off")) == [
        render(code, "sms.discreet_off")]
    (reply,) = texter.send(word(content, code, "questions"))
    assert reply.startswith(render(code, "questions.intro"))


def test_the_workers_housekeeping_drops_places_once_they_expire(texter, store):
    from datetime import timedelta

    from helpline.store.models import utcnow

    texter.send("QUESTIONS")
    assert store.housekeeping()["places_expired"] == 0
    assert store.housekeeping(now=utcnow() + timedelta(hours=25))["places_expired"] == 1
    with store.reading() as tx:
        [contact] = tx.contacts.records_of(texter.number)
    assert (contact.position, contact.position_at) == (None, None)
