"""The dangerous cases: texts that ask to stop must never get content, harmless sentences
must never be taken for danger, and a short command never hides inside a sentence.

Read by the real matcher over the shipped words of all six languages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.content import Content, load_content
from helpline.core import keywords
from helpline.core.keywords import KeywordTable

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]

#: Every intent that sends content (a section, a piece, a command that will send some).
CONTENT = {"scripts", "checklist", "questions", "international", "support", "menu", "more",
           "all", "listen", "faq", "questions_in", "share", "remind"}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(REPO / "scripts_content", LANGUAGES)


@pytest.fixture(scope="module")
def table(content: Content) -> KeywordTable:
    return KeywordTable.from_content(content)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("STOP ALL", None),
        ("that's all, thanks", "en"),
        ("Eso es todo, gracias", "es"),
        ("c'est tout merci", "fr"),
        ("please stop all messages", "en"),
        ("Stop please", "en"),
        ("stop!!", None),
        ("no more texts please", "en"),
        ("unsubscribe me please", "en"),
        ("Please STOP sending me the checklist", "en"),
        ("no más mensajes", "es"),
        ("No mas mensajes por favor", "es"),
        ("ya no quiero mensajes, gracias", "es"),
        ("je ne veux plus de sms", "fr"),
        ("Arrêtez les SMS svp", "fr"),
        ("всё, хватит", "ru"),
        ("Хватит писать мне", "ru"),
        ("больше не присылайте ничего", "ru"),
        ("我不想再收到短信了，请不要再发了", "zh"),
        ("我要退订", "zh"),
        ("TD", "zh"),
        ("من فضلك لا ترسلوا لي اي شيء", "ar"),
        ("الغاء الاشتراك من فضلك", "ar"),
    ],
)
def test_a_request_to_stop_is_honoured_as_stop_in_every_language(
    table: KeywordTable, message: str, language: str | None
) -> None:
    for prefer in (None, *LANGUAGES):
        intent = table.match(message, prefer=prefer)
        assert intent.name == "opt_out", (message, prefer, intent)
        assert intent.language in (language, None) or language is None
        assert not intent.urgent


def test_every_opt_out_phrasing_of_every_language_is_stop_and_never_content(
    content: Content, table: KeywordTable
) -> None:
    for pack in content:
        assert pack.opt_out_phrases, pack.code
        for phrase in pack.opt_out_phrases:
            for message in (phrase, f"{phrase}!", f"{phrase} 🙏", phrase.upper()):
                assert table.match(message).name == "opt_out", (pack.code, message)


@pytest.mark.parametrize(
    "message",
    [
        "I never got my records",
        "never mind",
        "fewer texts please",
        "is that all?",
        "more questions please",
        "tout va bien, merci",
        "всё понятно, спасибо",
        "gracias por todo",
        "كله تمام شكرا",
    ],
)
def test_a_harmless_sentence_is_neither_danger_nor_a_command(
    table: KeywordTable, message: str
) -> None:
    intent = table.match(message)
    assert intent.name not in {"opt_out", "safety", "all", "more", "listen", "discreet",
                               "remind_off", "forget"}, (message, intent)


@pytest.mark.parametrize(
    ("message", "name", "language"),
    [
        ("I have a fever after chemo", "safety", "en"),
        ("high temperature", "safety", "en"),
        ("I cant breath", "safety", "en"),
        ("tengo fiebre alta", "safety", "es"),
        ("не могу дышать", "safety", "ru"),
        ("Он потерял сознание", "safety", "ru"),
        ("我胸口痛", "safety", "zh"),
        ("عندي الم في الصدر", "safety", "ar"),
        ("j'ai une forte fièvre", "safety", "fr"),
    ],
)
def test_a_safety_phrase_is_still_found_in_every_language(
    table: KeywordTable, message: str, name: str, language: str
) -> None:
    assert table.match(message) == keywords.Intent(name, language)


@pytest.mark.parametrize(
    "message",
    ["STOP, I want to die", "stop all messages, I can't breathe", "不要再发了，我想死",
     "хватит писать, хочу умереть"],
)
def test_stop_with_a_safety_phrase_gets_both_answers(table: KeywordTable, message: str) -> None:
    intent = table.match(message)
    assert intent.name == "opt_out" and intent.urgent


@pytest.mark.parametrize("prefer", [None, "en", "fr", "es"])
def test_listen_is_a_command_and_never_french_liste(table: KeywordTable, prefer) -> None:
    assert table.match("LISTEN", prefer=prefer) == keywords.Intent("listen", "en")
    assert table.match("liste", prefer=prefer).language == "fr"


@pytest.mark.parametrize(
    ("message", "name", "language"),
    [
        ("MORE", "more", "en"),
        ("more!", "more", "en"),
        ("ALL", "all", "en"),
        ("MÁS", "more", "es"),
        ("TOUT", "all", "fr"),
        ("ЦЕЛИКОМ", "all", "ru"),
        ("全部", "all", "zh"),
        ("الكل", "all", "ar"),
        ("REMIND OFF", "remind_off", "en"),
        ("DISCREET", "discreet", "en"),
        ("FORGET", "forget", "en"),
    ],
)
def test_a_command_is_the_whole_message(
    table: KeywordTable, message: str, name: str, language: str
) -> None:
    assert table.match(message) == keywords.Intent(name, language)
    assert table.match(f"please {message} now").name != name
    assert table.match(message[0] + message).name != name  # no typo tolerance


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("REMIND 12 May", keywords.Intent("remind", "en", "12 May")),
        ("QUESTIONS FRENCH", keywords.Intent("questions_in", "en", "fr")),
        ("questions in español", keywords.Intent("questions_in", "en", "es")),
        ("PREGUNTAS EN English", keywords.Intent("questions_in", "es", "en")),
        ("QUESTIONS to ask", keywords.Intent("questions", "en")),
        ("SHARE +44 7700 900123", keywords.Intent("share", "en", "+44 7700 900123")),
    ],
)
def test_a_command_with_an_argument_reads_what_follows(
    table: KeywordTable, message: str, intent: keywords.Intent
) -> None:
    assert table.match(message) == intent


def test_spoken_navigation_and_digits_are_for_calls_only(table: KeywordTable) -> None:
    assert table.match("slower").name == "unknown"
    assert table.match("seven").name == "unknown"
    heard = {"slower", "key_7", "repeat"}
    assert table.match("slower please", allowed=heard).name == "slower"
    assert table.match("seven", allowed=heard).name == "key_7"
    assert table.match("сем", allowed=heard).name == "unknown"


def _characters_normalised(table: KeywordTable, message: str,
                           monkeypatch: pytest.MonkeyPatch) -> int:
    seen = [0]
    original = keywords.normalise

    def counting(text: str) -> str:
        seen[0] += len(text)
        return original(text)

    monkeypatch.setattr(keywords, "normalise", counting)
    table.match(message)
    monkeypatch.setattr(keywords, "normalise", original)
    return seen[0]


@pytest.mark.parametrize("filler", ["\u0640 ", "\u0640.", "\u0640🙏"])
def test_matching_work_grows_linearly_with_the_message(
    table: KeywordTable, monkeypatch: pytest.MonkeyPatch, filler: str
) -> None:
    """Ten times the text costs about ten times the work, not a hundred (the argument after
    SHARE was once found by normalising every prefix of the message)."""
    short = _characters_normalised(table, filler * 800 + "SHARE 555", monkeypatch)
    long = _characters_normalised(table, filler * 8000 + "SHARE 555", monkeypatch)
    assert long <= 12 * short, (short, long)
