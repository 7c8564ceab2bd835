"""The dangerous-case table, phrase by phrase: texts that must stop, harmless ones that must
not alarm, and one danger of each sort in each of the six languages, matched by the shipped
words of every language at once (as a helpline serving all six does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.content import load_content
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
           "the questions", "my mother had chest x-rays", "can I stop worrying",
           # Sentences a second reader found caught by earlier, broader phrases:
           "should I stop all my medication?", "how do I stop these side effects",
           "they want to take me off chemo", "what if there is an emergency at the review?",
           "they took lots of blood tests", "I'm very confused about the records",
           "I think that's all the documents I have"],
    "es": ["nunca recibí mis documentos", "da igual", "menos mensajes por favor",
           "la segunda opinión", "¿Basta con llevar el informe?", "tomo muchas pastillas al día",
           "¿la biopsia va a hacerme daño?", "¿tengo que dejar de recibir quimio?"],
    "fr": ["je n'ai jamais reçu mon dossier", "pas grave", "moins de messages svp",
           "la liste des documents", "Arrêt maladie pendant la chimio ?",
           "je respire plus facilement", "Stopper la chimio ?", "je prends trop de médicaments",
           "c'est inconscient de voyager"],
    "ru": ["я не получил документы", "неважно", "поменьше сообщений", "список документов",
           "Хватит ли денег на лечение в Китае?", "Почему вы не пишите?",
           "я отравился в поезде", "ночью судороги в ногах"],
    "ar": ["لم احصل على ملفاتي", "مش مهم", "رسائل اقل من فضلك", "قائمة الملفات",
           "باخد حبوب كتير كل يوم", "أوقف الكيماوي؟", "المستشفى مش بيرد علينا"],
    "zh": ["我没拿到病历", "没关系", "少发点短信", "清单", "希望不要再发烧了", "医院拒收我",
           "医院不再接收新病人", "要不要短信提醒", "累得快死了"],
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
    return KeywordTable.from_content(load_content(REPO / "scripts_content", LANGUAGES))


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
