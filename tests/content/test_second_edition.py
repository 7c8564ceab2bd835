"""The second edition of the content: the guide's FAQ in every language, reached by key 6 on a
call and by each language's word by text, and the fixes a reader can hear or read."""

from __future__ import annotations

import pytest

from ..conftest import Texter, Twilio
from ..voice.conftest import Caller

LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]
#: The word each language's menu offers for the FAQ.
FAQ_WORD = {"en": "FAQ", "zh": "问答", "es": "DUDAS", "ar": "أجوبة", "ru": "ОТВЕТЫ", "fr": "FAQ"}


def pack(app, code):
    with app.app_context():
        from helpline.web.content import current_content

        return current_content().pack(code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_caller_reaches_the_faq_with_key_6_in_every_language(app, code):
    caller = Caller(Twilio(app.test_client()), app)
    caller.dial()
    caller.press(str(LANGUAGES.index(code) + 1))

    heard = caller.press("6")

    assert heard.hears("faq.intro", code) and heard.hears("faq.offended", code)
    assert heard.hears("nav.part", code, n=1, total=6)
    assert caller.press("2").hears("faq.why_hard", code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_texter_reaches_the_faq_by_the_word_the_menu_offers(app, code):
    words = pack(app, code)
    menu = words.texts["menu.main"].sms
    assert FAQ_WORD[code] in menu

    texter = Texter(Twilio(app.test_client()))
    if code == "fr":  # French writes FAQ as English does: a French texter has said so before
        texter.send("FRANÇAIS")
    replies = " ".join(texter.send(FAQ_WORD[code]))

    for piece in ("faq.intro", "faq.why_hard", "faq.time_cost"):
        first_words = words.texts[piece].sms.split()[:3]
        assert " ".join(first_words) in replies, (code, piece)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_faq_answers_the_guides_five_questions_and_why_asking_is_hard(app, code):
    faq = pack(app, code).sections["faq"]

    assert faq.item_ids == tuple(f"faq.{piece}" for piece in (
        "offended", "why_hard", "matching", "differ", "china_review", "time_cost"))


def every_rendered_text(app):
    from helpline.content.model import CHANNELS
    from helpline.core.prompts import deployment_values
    from helpline.web.content import current_content

    with app.app_context():
        values = deployment_values(app.config)
        for language in current_content():
            for text_id, text in language.texts.items():
                for channel in CHANNELS:
                    if text.for_channel(channel):
                        yield language.code, text_id, language.render(text_id, channel, values)


def test_no_other_language_says_the_english_name_of_the_helpline(app):
    found = [(code, text_id) for code, text_id, words in every_rendered_text(app)
             if code != "en" and "Second Opinion" in words]

    assert not found
    said = {code: words for code, text_id, words in every_rendered_text(app)
            if text_id == "sms.opted_out"}
    assert "the Second Opinion Helpline" in said["en"]
    assert "第二诊疗意见热线" in said["zh"] and "la Línea de Segunda Opinión" in said["es"]


def test_an_operator_names_the_helpline_once_or_per_language(settings):
    from helpline import create_app

    one = create_app({**settings, "HELPLINE_NAME": "Hope Line"})
    assert all("Hope Line" in words for _, text_id, words in every_rendered_text(one)
               if text_id == "sms.opted_out")

    per = create_app({**settings, "HELPLINE_NAME": "en=Hope Line, es=Línea Esperanza"})
    said = {code: words for code, text_id, words in every_rendered_text(per)
            if text_id == "sms.opted_out"}
    assert "Hope Line" in said["en"] and "Línea Esperanza" in said["es"]
    assert "Линия второго мнения" in said["ru"]  # not named by the operator: its own name


def test_helpline_name_is_one_name_or_one_per_language():
    from helpline.core.prompts import helpline_names

    assert helpline_names("") == ""
    assert helpline_names("Hope Line") == "Hope Line"
    assert helpline_names("en=Hope Line,fr=Ligne Espoir") == {"en": "Hope Line",
                                                              "fr": "Ligne Espoir"}
