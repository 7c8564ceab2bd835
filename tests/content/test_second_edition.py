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
def test_a_caller_reaches_the_faq_under_more_in_every_language(app, code):
    caller = Caller(Twilio(app.test_client()), app)
    caller.dial()
    caller.press(str(LANGUAGES.index(code) + 1))

    assert caller.press("9").hears("menu.more_faq", code)
    heard = caller.press("3")

    assert heard.hears("faq.intro", code) and heard.hears("faq.offended", code)
    assert heard.hears("nav.part", code, n=1, total=6)
    assert caller.press("9").hears("faq.why_hard", code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_texter_reaches_the_faq_by_the_word_the_menu_offers(app, code):
    words = pack(app, code)
    menu = words.texts["menu.main"].sms
    assert FAQ_WORD[code] in menu

    texter = Texter(Twilio(app.test_client()))
    if code == "fr":  # French writes FAQ as English does: a French texter has said so before
        texter.send("FRANÇAIS")
    texter.send(FAQ_WORD[code])
    replies = " ".join(texter.send(words.intents["all"][0]))  # the whole FAQ, not a piece

    from helpline.content.model import SMS

    for piece in ("faq.intro", "faq.why_hard", "faq.time_cost"):
        first_words = words.render(piece, SMS, {}).split()[:3]
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
            if text_id == "sms.help"}
    assert "the Second Opinion Helpline" in said["en"]
    # By text, Spanish leaves off the accents GSM-7 lacks.
    assert "第二诊疗意见热线" in said["zh"] and "la Linea de Segunda Opinion" in said["es"]


def test_an_operator_names_the_helpline_once_or_per_language(settings):
    from helpline import create_app

    one = create_app({**settings, "HELPLINE_NAME": "Hope Line"})
    assert all("Hope Line" in words for _, text_id, words in every_rendered_text(one)
               if text_id == "sms.help")

    per = create_app({**settings, "HELPLINE_NAME": "en=Hope Line, es=Línea Esperanza"})
    said = {code: words for code, text_id, words in every_rendered_text(per)
            if text_id == "sms.help"}
    assert "Hope Line" in said["en"] and "Linea Esperanza" in said["es"]
    assert "Линия второго мнения" in said["ru"]  # not named by the operator: its own name


def test_helpline_name_is_one_name_or_one_per_language():
    from helpline.core.prompts import helpline_names

    assert helpline_names("") == ""
    assert helpline_names("Hope Line") == "Hope Line"
    assert helpline_names("en=Hope Line,fr=Ligne Espoir") == {"en": "Hope Line",
                                                              "fr": "Ligne Espoir"}


def test_economy_leaves_off_only_the_accents_gsm7_lacks():
    from helpline.content.alphabet import to_gsm7

    assert to_gsm7("¿Qué opinión? Línea. ARRÊT, APRÈS, À bientôt, ça, cœur, «hola» – ñü") == (
        "¿Qué opinion? Linea. ARRET, APRES, A bientot, ca, coeur, \"hola\" - ñü")
    assert to_gsm7("第二诊疗意见 второе мнение") == "第二诊疗意见 второе мнение"


@pytest.mark.parametrize("code, word, name", [("es", "AYUDA", "la Linea de Segunda Opinion"),
                                              ("fr", "AIDE", "la Ligne Deuxième Avis")])
def test_spanish_and_french_texts_are_sent_in_gsm7_by_default(app, code, word, name):
    from helpline.core.segments import GSM7, analyse

    texter = Texter(Twilio(app.test_client()))
    texter.send({"es": "ESPAÑOL", "fr": "FRANÇAIS"}[code])
    for keyword in (word, "MENU", FAQ_WORD[code]):
        replies = texter.send(keyword)
        assert all(analyse(reply).encoding == GSM7 for reply in replies), (keyword, replies)
    assert name in " ".join(texter.send(word))


def test_an_operator_can_keep_the_accents(settings, content_dir):
    from helpline import create_app
    from helpline.core.segments import UCS2, analyse

    spanish = content_dir / "es.yaml"
    spanish.write_text(spanish.read_text(encoding="utf-8").replace(
        "sms_alphabet: economy", "sms_alphabet: ucs2"), encoding="utf-8")
    app = create_app({**settings, "HELPLINE_CONTENT_DIR": str(content_dir)})
    texter = Texter(Twilio(app.test_client()))
    texter.send("ESPAÑOL")

    reply = " ".join(texter.send("AYUDA"))

    assert "la Línea de Segunda Opinión" in reply and analyse(reply).encoding == UCS2


def replies(app, *messages):
    texter = Texter(Twilio(app.test_client()))
    return [" ".join(texter.send(message)) for message in messages]


def sms(app, code, text_id):
    from helpline.content.model import SMS

    return pack(app, code).render(text_id, SMS, {})


@pytest.mark.parametrize("code, words", [
    ("en", "second opinion"), ("es", "segunda opinión"), ("fr", "deuxième avis"),
    ("zh", "第二意见"), ("ru", "второе мнение"), ("ar", "رأي ثاني")])
def test_second_opinion_in_each_language_is_understood(app, code, words):
    (reply,) = replies(app, words)

    assert reply.startswith(sms(app, code, "scripts.intro")[:20]), reply


def test_calma_keeps_a_spanish_texter_in_spanish(app):
    _, reply = replies(app, "ESPAÑOL", "calma")

    assert reply.startswith("FRASE 3 - La forma calmada")


def test_fin_from_a_spanish_texter_is_answered_in_spanish(app):
    _, reply = replies(app, "ESPAÑOL", "FIN")

    assert reply == sms(app, "es", "sms.opted_out")


@pytest.mark.parametrize("code, word", [("en", "caregiver"), ("es", "cuidador"),
                                        ("fr", "aidant")])
def test_caregiver_words_lead_to_the_caregiver_share(app, code, word):
    (reply,) = replies(app, word)

    # How to send the questions to them, with an example number in the texter's format.
    assert reply == sms(app, code, "sms.share_invalid").replace("{example_number}",
                                                                 "07700 900123")


@pytest.mark.parametrize("code, text_id, present, absent", [
    ("en", "checklist.imaging", "P E T", " PET,"),
    ("en", "menu.back", "press the star key", "press star."),
    ("en", "nav.last", "That was the last one", "next"),
    ("en", "questions.intro", "press 6 and we will text it to you", "text them to you"),
    ("en", "support.while_deciding", "You can ask for care", "right now"),
    ("en", "questions.q02", "blood cancers", "how big"),
    ("en", "menu.main", "To ask another doctor to look at your case, press 1", "Hello"),
    ("zh", "support.while_deciding", "缓和医疗", "姑息治疗"),
    ("zh", "scripts.emotional", "您能帮我再请一位医生看看吗", "帮我听取"),
    ("es", "support.opinions_match", "no fue en vano", "igual cumplió su función"),
    ("fr", "scripts.calm", "Je tiens à bien les comprendre", "Je veux bien les comprendre"),
    ("fr", "scripts.emotional", "Pourriez-vous m'aider", "Voulez-vous bien"),
    ("fr", "international.specialties", "R C P", "qu'on appelle M D T."),
    ("ru", "international.specialties", "консилиум", "проводит эм-ди-ти"),
    ("ru", "international.records", "Это можете сделать вы сами", "Это можете быть вы"),
    ("ru", "safety", "пожалуйста", "сейчас же"),
    ("ar", "scripts.direct", "إلى طبيب آخر؟", "ملفاتي الطبية إليه"),
    ("ar", "menu.main", "الرقم 1", "اضغط"),
])
def test_each_finding_is_fixed_where_a_caller_hears_it(app, code, text_id, present, absent):
    from helpline.content.model import VOICE

    words = pack(app, code).render(text_id, VOICE, {})

    assert present in words and absent not in words


@pytest.mark.parametrize("code", ["es", "ru"])
def test_china_texts_carry_no_chinese_characters_in_other_languages(app, code):
    import re

    for text_id in ("international.specialties", "international.records"):
        assert not re.search(r"[\u4e00-\u9fff]", sms(app, code, text_id))


def test_welcome_and_safety_are_short():
    from helpline.content.loader import load_content
    from helpline.core.readability import words

    from ..test_catalogue import REPO

    content = load_content(REPO / "scripts_content", ["en"])
    english = content.pack("en")
    said = " ".join(english.texts[text_id].voice for text_id in ("welcome", "safety",
                                                                   "menu.main"))
    assert len(words(said)) <= 55  # about 25 seconds at the pace of the call


#: Amazon Polly voices as Amazon's voice table (and Twilio's <Say> page) pair them with a
#: language: Hala speaks ar-AE (arb is Zeina's, a standard voice); Tatyana is standard only,
#: Polly has no neural Russian voice.
POLLY = {"Polly.Joanna-Neural": "en-US", "Polly.Zhiyu-Neural": "cmn-CN",
         "Polly.Lupe-Neural": "es-US", "Polly.Hala-Neural": "ar-AE", "Polly.Tatyana": "ru-RU",
         "Polly.Lea-Neural": "fr-FR"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_voice_speaks_its_documented_language_and_speech_has_a_region(app, code):
    meta = pack(app, code).meta

    assert POLLY[meta.say_voice] == meta.say_language
    # Twilio refuses a bare language for speech (error 13512: "en" is invalid, "en-US" valid).
    assert "-" in meta.speech_language
    if code == "ar":
        assert meta.speech_language == meta.say_language  # the same Arabic heard and spoken
