"""The dangerous cases: texts that must stop, and harmless ones that must not alarm, in six
languages, matched by the shipped words of every language at once (as a helpline serving all
six does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.content.loader import load_packs
from helpline.core.keywords import Intent, KeywordTable

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "es", "fr", "ru", "ar", "zh"]

#: Every way of asking to stop below is answered as STOP, and never with content.
ASKING_TO_STOP = {
    "en": ["STOP ALL", "please stop all messages", "that's all, thanks", "no more texts please",
           "Stop texting me", "unsubscribe me please", "don't text me again", "leave me alone",
           "Please remove my number", "stop sending these"],
    "es": ["no más mensajes", "No mas mensajes por favor", "basta ya", "no me manden más",
           "dejen de escribirme", "quiero darme de baja", "eso es todo, gracias", "BAJA por favor"],
    "fr": ["je ne veux plus de sms", "plus de messages svp", "arrêtez de m'écrire",
           "Arrêtez les SMS", "ne m'envoyez plus rien", "stop sms merci", "c'est tout merci"],
    "ru": ["всё, хватит", "хватит присылать", "больше не пишите", "не присылайте мне ничего",
           "СТОП всё", "отпишите меня", "прекратите рассылку"],
    "ar": ["لا ترسلوا لي رسائل", "بطلوا رسايل", "كفاية رسائل", "اوقف الرسائل من فضلك",
           "الغاء الاشتراك", "كفى"],
    "zh": ["不要再发了", "别再发了谢谢", "退订", "停止发送短信", "不想再收到短信", "TD"],
}

#: Harmless sentences that a typo-tolerant or loose matcher took for a safety phrase.
NOT_IN_DANGER = {
    "en": ["I never got my records", "never mind", "fewer texts please", "I am confused about "
           "the questions", "my mother had chest x-rays", "can I stop worrying"],
    "es": ["nunca recibí mis documentos", "da igual", "menos mensajes por favor",
           "la segunda opinión"],
    "fr": ["je n'ai jamais reçu mon dossier", "pas grave", "moins de messages svp",
           "la liste des documents"],
    "ru": ["я не получил документы", "неважно", "поменьше сообщений", "список документов"],
    "ar": ["لم احصل على ملفاتي", "مش مهم", "رسائل اقل من فضلك", "قائمة الملفات"],
    "zh": ["我没拿到病历", "没关系", "少发点短信", "清单"],
}

#: One phrase per danger per language: each is the urgent-care text, whatever else follows.
IN_DANGER = {
    "en": ["I want to kill myself", "chest pain", "he is not breathing", "heavy bleeding",
           "fever after chemo", "she collapsed", "he is very confused"],
    "es": ["me quiero matar", "dolor en el pecho", "no puede respirar", "sangrado abundante",
           "fiebre después de la quimio", "se desmayó", "está muy confundido"],
    "fr": ["je veux mourir", "douleur dans la poitrine", "il ne respire plus",
           "saignement abondant", "fièvre après la chimio", "elle s'est effondrée",
           "il est désorienté"],
    "ru": ["хочу умереть", "боль в груди", "он не дышит", "сильное кровотечение",
           "температура после химии", "потеряла сознание", "у него спутанность сознания"],
    "ar": ["اريد ان اموت", "الم في الصدر", "مش قادر اتنفس", "نزيف شديد",
           "حرارة بعد الكيماوي", "اغمي عليه", "مش واعي"],
    "zh": ["我想死", "胸口痛", "不能呼吸", "大出血", "化疗后发烧", "晕倒了", "神志不清"],
}


@pytest.fixture(scope="module")
def table() -> KeywordTable:
    catalogue, packs, problems = load_packs(REPO / "scripts_content", LANGUAGES)
    assert not [p for p in problems if p.severity == "error"], problems
    return KeywordTable.from_packs([packs[code] for code in LANGUAGES],
                                   {section.key: section.id for section in catalogue})


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(code, text) for code, texts in table.items() for text in texts]


@pytest.mark.parametrize(("language", "body"), _cases(ASKING_TO_STOP))
def test_every_way_of_asking_to_stop_is_stop(table, language, body):
    for prefer in (None, *LANGUAGES):
        found = table.match(body, prefer=prefer)
        assert found.name == "opt_out", (prefer, found)
        assert not found.urgent


@pytest.mark.parametrize(("language", "body"), _cases(NOT_IN_DANGER))
def test_harmless_sentences_are_not_safety(table, language, body):
    found = table.match(body, prefer=language)
    assert found.name not in ("safety", "opt_out"), found


@pytest.mark.parametrize(("language", "body"), _cases(IN_DANGER))
def test_each_danger_is_heard_in_each_language(table, language, body):
    assert table.match(body, prefer=language) == Intent("safety", language)


def test_asking_to_stop_while_in_danger_gets_both(table):
    found = table.match("stop texting me, I can't breathe")
    assert (found.name, found.urgent) == ("opt_out", True)


@pytest.mark.parametrize(("body", "name"), [("LISTEN", "listen"), ("listen", "listen"),
                                            ("Listen.", "listen"), ("LISTE", "checklist")])
def test_listen_does_not_switch_an_english_texter_to_french(table, body, name):
    found = table.match(body, prefer="en")
    assert found.name == name
    assert found.language == ("en" if name == "listen" else "fr")


@pytest.mark.parametrize(("body", "name"), [
    ("MORE", "more"), ("ALL", "all"), ("DISCREET", "discreet"), ("REMIND OFF", "remind_off"),
    ("REMINDERS", "reminders"), ("FAQ", "faq"), ("MÁS", "more"), ("TODO", "all"),
    ("PLUS", "more"), ("TOUT", "all"), ("ЕЩЁ", "more"), ("ЦЕЛИКОМ", "all"), ("更多", "more"),
    ("全部", "all"), ("المزيد", "more"), ("الكل", "all"),
])
def test_commands_are_the_whole_message(table, body, name):
    assert table.match(body).name == name
    assert table.match(f"I want {body} of it, the questions").name != name


@pytest.mark.parametrize("body", ["MROE", "ALLL", "LISTNE", "DISCRET E", "REMINDRES"])
def test_commands_forgive_no_typos(table, body):
    assert table.match(body, prefer="en").name not in ("more", "all", "listen", "discreet",
                                                        "reminders")


def test_a_section_with_a_language_keeps_the_language_for_later(table):
    assert table.match("QUESTIONS FRENCH") == Intent("questions", "en", "fr")
    assert table.match("REMIND 9am") == Intent("remind", "en", "9am")
