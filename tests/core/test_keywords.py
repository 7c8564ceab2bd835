"""What a texter's words (or a caller's speech) are understood to ask for, in any language."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.content.loader import load_packs
from helpline.content.model import LanguageMeta, LanguagePack
from helpline.core import keywords
from helpline.core.keywords import Intent, KeywordTable, normalise

REPO = Path(__file__).resolve().parents[2]

#: The words a voice menu screen listens for while reading content.
VOICE_SCREEN = {"repeat", "next", "previous", "text_me", "menu"}


def _spanish() -> LanguagePack:
    """A small second language, enough to show matching across languages and accents."""
    return LanguagePack(
        meta=LanguageMeta(
            code="es",
            name="Español",
            say_voice="Polly.Lupe-Neural",
            say_language="es-US",
            speech_language="es-US",
        ),
        texts={},
        intents={
            "menu": ("MENÚ",),
            "checklist": ("LISTA", "documentos"),
            "questions": ("PREGUNTAS",),
            "share": ("COMPARTIR",),
            "language": ("ESPAÑOL", "ES"),
        },
        reserved={"opt_out": ("BAJA", "DETENER"), "opt_in": ("ALTA",), "help": ("AYUDA",)},
        safety_words=("emergencia", "quiero morir"),
        readability_exempt={},
        path=Path("es.yaml"),
    )


@pytest.fixture(scope="module")
def table() -> KeywordTable:
    catalogue, packs, _ = load_packs(REPO / "scripts_content", ["en"])
    assert "en" in packs, "scripts_content/en.yaml did not load"
    numbers = {section.key: section.id for section in catalogue}
    return KeywordTable.from_packs([packs["en"], _spanish()], numbers)


def en(name: str, argument: str = "") -> Intent:
    return Intent(name, "en", argument)


def es(name: str, argument: str = "") -> Intent:
    return Intent(name, "es", argument)


UNKNOWN = Intent("unknown")


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("CHECKLIST", en("checklist")),
        ("Checklist!!", en("checklist")),
        ("  questions ", en("questions")),
        ("CHEKLIST", en("checklist")),
        ("Qestions?", en("questions")),
        ("QUESTIONS 🙏", en("questions")),
        ("ＱＵＥＳＴＩＯＮＳ", en("questions")),
        ("ＣＨＥＣＫＬＩＳＴ", en("checklist")),
        ("checklist.", en("checklist")),
        ("Check list", en("checklist")),
        ("CHECKLSIT", en("checklist")),
        ("chcklist", en("checklist")),
        ("checklists", en("checklist")),
        ("QUESTONS", en("questions")),
        ("questons please", en("questions")),
        ("I'd like the checklist please", en("checklist")),
        ("ten questions", en("questions")),
        ("scripts?", en("scripts")),
        ("SCRITPS", en("scripts")),
        ("suport", en("support")),
        ("SUPPORT!!!", en("support")),
        ("Chína", en("international")),
        ("travle", en("international")),
        ("records", en("checklist")),
        ("Hello!", en("menu")),
        ("main menu", en("menu")),
        ("gentle way please", en("scripts.emotional")),
        ("Can you text me the questions?", en("questions")),
    ],
)
def test_it_understands_decorated_and_misspelt_keywords(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("lista", es("checklist")),
        ("LISTA!", es("checklist")),
        ("LÍSTA", es("checklist")),
        ("lísta", es("checklist")),
        ("listaa", es("checklist")),
        ("Documentós", es("checklist")),
        ("quiero la lista por favor", es("checklist")),
        ("PREGUNTAS", es("questions")),
        ("preguntsa", es("questions")),
        ("ｐｒｅｇｕｎｔａｓ", es("questions")),
    ],
)
def test_it_answers_in_the_language_the_keyword_was_written_in(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "prefer", "intent"),
    [
        ("menu", None, en("menu")),
        ("menu", "en", en("menu")),
        ("menu", "es", es("menu")),
        ("MENÚ", "es", es("menu")),
        ("MENÚ", None, es("menu")),  # the accent says Spanish even to a new texter
        ("Menú!", "en", es("menu")),
        ("checklist", "es", en("checklist")),
    ],
)
def test_it_breaks_a_tie_between_languages_in_favour_of_the_texters_language(
    table: KeywordTable, message: str, prefer: str | None, intent: Intent
) -> None:
    assert table.match(message, prefer=prefer) == intent


@pytest.mark.parametrize(
    "message",
    [
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
        "stop", "Stop.", " stop ", "STOP!", "Stop 🛑", "ＳＴＯＰ", "stop\n", "¡Stop!", "'stop'",
        "unsubscribe.", "Cancel", "quit!!", "End",
    ],
)
def test_it_opts_out_on_every_stop_word(table: KeywordTable, message: str) -> None:
    assert table.match(message) == Intent("opt_out")


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("BAJA", es("opt_out")),
        ("bajá", es("opt_out")),
        ("Detener.", es("opt_out")),
        ("START", Intent("opt_in")),
        ("unstop", Intent("opt_in")),
        ("Yes", Intent("opt_in")),
        ("alta", es("opt_in")),
        ("HELP", Intent("help")),
        ("Help?", Intent("help")),
        ("info", Intent("help")),
        ("ayuda", es("help")),
    ],
)
def test_it_knows_the_reserved_words_of_every_language(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("stopp", UNKNOWN),
        ("stops", UNKNOWN),
        ("sotp", UNKNOWN),
        ("unsubscrbe", UNKNOWN),
        ("don't stop", UNKNOWN),
        ("unsubscribe me please", en("opt_out")),  # an opt-out phrasing: honoured as STOP
        ("non-stop", UNKNOWN),
        ("s t o p", UNKNOWN),
        ("stop sending me the checklist later", en("opt_out")),
        ("help me", en("help_me")),  # asks for help, never to stop
        ("bajas", UNKNOWN),
    ],
)
def test_it_does_not_opt_out_on_near_misses(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("I want to kill myself", en("safety")),
        ("i cant breathe", en("safety")),
        ("I can’t breathe!!", en("safety")),
        ("I can't breath", en("safety")),
        ("HEAVY BLEEDING since this morning", en("safety")),
        ("Chest pain", en("safety")),
        ("help, chest pain", en("safety")),
        ("is this an emergency?", en("safety")),
        ("I want to end my life.", en("safety")),
        ("suicde", en("safety")),  # a common misspelling, listed: no typo tolerance
        ("Es una EMERGENCIA", es("safety")),
        ("quiero morir", es("safety")),
        ("skill myself", UNKNOWN),
    ],
)
def test_it_spots_a_texter_in_danger(table: KeywordTable, message: str, intent: Intent) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("English", en("language")),
        ("EN", en("language")),
        ("englsh", en("language")),
        ("espanol", es("language")),
        ("Español!", es("language")),
        ("ES", es("language")),
        ("necesito ayuda en casa", UNKNOWN),  # "en" inside a sentence is not a language
    ],
)
def test_it_switches_language_on_a_languages_name_alone(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("SHARE +1 555 123 4567", en("share", "+1 555 123 4567")),
        ("share 07700 900123", en("share", "07700 900123")),
        ("Share: +447700900123", en("share", "+447700900123")),
        ("SHARE5551234", en("share", "5551234")),
        ("🙏 share   +1 (555) 010-0100 ", en("share", "+1 (555) 010-0100")),
        ("ＳＨＡＲＥ　５５５", en("share", "５５５")),
        ("SEND TO +44 7700 900123", en("share", "+44 7700 900123")),
        ("share", en("share")),
        ("compartir +34 600 000 000", es("share", "+34 600 000 000")),
        ("send to family", en("caregiver")),
    ],
)
def test_it_reads_the_number_after_share(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("1", Intent("scripts")),
        ("2", Intent("checklist")),
        ("3", Intent("questions")),
        ("4", Intent("international")),
        ("5", Intent("support")),
        ("2.", Intent("checklist")),
        ("#3", Intent("questions")),
        (" 4 ", Intent("international")),
        ("４", Intent("international")),
        ("٥", Intent("support")),
        ("1️⃣", Intent("scripts")),
        ("6", UNKNOWN),  # the FAQ sits under "more" on calls; by text it has its word, FAQ
        ("7", UNKNOWN),
        ("0", UNKNOWN),
        ("12", UNKNOWN),
        ("SCRIPT 1", en("scripts.direct")),
        ("script2", en("scripts.emotional")),
        ("Script #3", en("scripts.calm")),
        ("script 2 please", en("scripts.emotional")),
        ("GENTLE", en("scripts.emotional")),
        ("calm", en("scripts.calm")),
    ],
)
def test_it_understands_menu_numbers_and_script_numbers(
    table: KeywordTable, message: str, intent: Intent
) -> None:
    assert table.match(message) == intent


@pytest.mark.parametrize(
    "message",
    ["", "   ", "?!", "🙏🙏", "what is this?",
     "asdfghjkl", "x" * 1600],
)
def test_it_says_unknown_to_everything_else(table: KeywordTable, message: str) -> None:
    assert table.match(message) == UNKNOWN


@pytest.mark.parametrize(
    ("speech", "intent"),
    [
        ("Next.", en("next")),
        ("next one please", en("next")),
        ("go back", en("previous")),
        ("Previous", en("previous")),
        ("again", en("repeat")),
        ("say that again", en("repeat")),
        ("Text me.", en("text_me")),
        ("main menu", en("menu")),
        ("checklist", UNKNOWN),
        ("2", UNKNOWN),
        ("stop", UNKNOWN),
        ("emergency", UNKNOWN),
        ("English", UNKNOWN),
        ("share 555", UNKNOWN),
    ],
)
def test_it_listens_only_for_the_words_a_voice_screen_allows(
    table: KeywordTable, speech: str, intent: Intent
) -> None:
    assert table.match(speech, allowed=VOICE_SCREEN) == intent


def test_it_normalises_only_the_message_on_each_call(
    table: KeywordTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = keywords.normalise

    def counting(text: str) -> str:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(keywords, "normalise", counting)
    for message in ("CHEKLIST", "thank you", "I can't breath", "lísta"):
        calls.clear()
        table.match(message)
        assert calls == [message]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("  Hello,   WORLD!! ", "hello world"),
        ("ＱＵＥＳＴＩＯＮＳ　１２３", "questions 123"),
        ("Ça, c'est l'été", "ca cest lete"),
        ("can’t", "cant"),
        ("Straße", "strasse"),
        ("ŁÓDŹ Øre", "lodz ore"),
        ("SCRIPT-1", "script 1"),
        ("QUESTIONS🙏🏽", "questions"),
        ("e\u0301te\u0301", "ete"),
        ("Ёлка и йод", "елка и йод"),
        ("ПРИВЕТ", "привет"),
        ("مَرْحَبًا", "مرحبا"),
        ("مـــرحبا", "مرحبا"),
        ("أهلا وسهلا", "اهلا وسهلا"),
        ("١٢٣", "123"),
        ("问题清单！", "问题清单"),
        ("テキスト", "テキスト"),
        ("ｶﾞｲﾄﾞ", "ガイド"),
        ("한국어", "한국어"),
        ("Ἀθῆναι", "αθηναι"),
        ("\u200fشكرا\u200f", "شكرا"),
        ("tab\there\nnewline", "tab here newline"),
    ],
)
def test_it_normalises_case_width_accents_and_punctuation(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


ODD_INPUTS = [
    "",
    " ",
    "\x00\x01\x7f",
    "\ud800 lone surrogate \udfff",
    "\u0301\u0301 marks with no letter",
    "\ufeffbom",
    "\u200d\u200c\u2060",
    "👨‍👩‍👧‍👦🏳️‍🌈🇮🇹",
    "ŉ ǰ İ ß ẞ ﬀ ﬃ ſ",
    "´`'’ʼ",
    "½ ² ① ⅷ",
    "\U0010ffff\ue000",
    "a\u0308\u0301\u0323",
    "ـــ",
    "Ⅻ ㎏ ℡",
    "\u1100\u1161\u11a8",
    "x" * 5000,
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_it_normalises_any_text_and_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once

