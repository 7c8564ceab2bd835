"""A new section needs YAML only: added to the catalogue and the six language files, it is
reached by its key on a call and by its keyword by text, checked by `content check`, counted in
the reports and walked by the menu-graph test, with no change to the Python."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from helpline import create_app
from helpline.content.loader import load_content
from helpline.content_check import check_content
from helpline.core import menu
from helpline.reports import build_report
from helpline.store import get_store
from helpline.web.content import current_content
from helpline.web.usage import recorder

from .conftest import Texter, Twilio
from .voice.conftest import Caller
from .voice.test_reachability import walk

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]

#: The new section as each language writes it: its keyword, its line on the "more" screen, an
#: intro and three pieces.
GLOSSARY = {
    "en": ("GLOSSARY", "For words you may hear, press 5.", "Here are words you may hear.",
           ["A biopsy takes a small piece of tissue.",
            "A scan makes a picture of the inside of the body.",
            "A trial tests a new treatment."]),
    "zh": ("词语解释", "想听常用词语的解释，请按5。", "您可能会听到的词。",
           ["活检是取一小块组织。", "扫描是给身体内部拍照。", "临床试验是在测试新的治疗。"]),
    "es": ("GLOSARIO", "Para palabras que quizás escuche, marque 5.",
           "Palabras que quizás escuche.",
           ["Una biopsia toma un trocito de tejido.", "Un estudio de imagen fotografía el cuerpo.",
            "Un ensayo prueba un tratamiento nuevo."]),
    "ar": ("مصطلحات", "لشرح بعض الكلمات، الرقم 5.", "كلمات قد تسمعها.",
           ["الخزعة قطعة صغيرة من النسيج.", "الأشعة صورة لداخل الجسم.",
            "التجربة تختبر علاجا جديدا."]),
    "ru": ("СЛОВАРЬ", "Словарь - нажмите 5.", "Слова, которые вы можете услышать.",
           ["Биопсия - это кусочек ткани.", "Снимок показывает тело изнутри.",
            "Исследование проверяет новое лечение."]),
    "fr": ("GLOSSAIRE", "Pour les mots à connaître, appuyez sur 5.",
           "Des mots que vous entendrez peut-être.",
           ["Une biopsie prélève un peu de tissu.", "Une image montre l'intérieur du corps.",
            "Un essai teste un nouveau traitement."]),
}


def add_glossary_section(content_dir: Path) -> None:
    """What an operator would do: a catalogue entry offered under "more" (the main menu's five
    choices are taken), and the words in every language file."""
    catalogue = yaml.safe_load((content_dir / "catalogue.yaml").read_text(encoding="utf-8"))
    catalogue["sections"]["glossary"] = {"key": "more", "position": "nav.part",
                                         "report": "Words explained"}
    catalogue["keys"]["screens"]["more"]["keys"]["5"] = "glossary"
    (content_dir / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True),
                                                encoding="utf-8")
    for code, (keyword, offer, intro, pieces) in GLOSSARY.items():
        path = content_dir / f"{code}.yaml"
        text = path.read_text(encoding="utf-8")
        # Plain text edits, as a person would make them: a block under texts: and a line
        # under intents:.
        block = "\n".join(
            ["  glossary:", f"    intro: {json.dumps(intro, ensure_ascii=False)}"]
            + [f"    q{n}: {json.dumps(piece, ensure_ascii=False)}"
               for n, piece in enumerate(pieces, start=1)]) + "\n"
        text = text.replace("\ntexts:\n", "\ntexts:\n" + block, 1)
        text = text.replace("\n  menu:\n", "\n  menu:\n    more_glossary: "
                            f"{json.dumps(offer, ensure_ascii=False)}\n", 1)
        text = text.replace("\nintents:\n", f"\nintents:\n  glossary: [{keyword}]\n", 1)
        assert "  glossary:" in text and f"glossary: [{keyword}]" in text
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def glossary_content(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("glossary") / "scripts_content"
    shutil.copytree(REPO / "scripts_content", target)
    add_glossary_section(target)
    return target


@pytest.fixture
def glossary_app(settings, glossary_content):
    return create_app({**settings, "HELPLINE_CONTENT_DIR": str(glossary_content)})


def test_content_check_accepts_the_new_section_and_measures_its_texts(glossary_content):
    result = check_content(glossary_content, LANGUAGES)

    assert result.ok, [str(p) for r in result.languages for p in r.problems]
    for report in result.languages:
        measured = {row.id for row in report.texts}
        pieces = {"glossary.intro", "glossary.q1", "glossary.q2", "glossary.q3"}
        assert pieces <= measured, report.code


def test_a_caller_reaches_it_by_its_key_and_hears_each_piece(glossary_app):
    caller = Caller(Twilio(glossary_app.test_client()), glossary_app)
    caller.dial()
    caller.press("1")  # English

    assert caller.press("9").hears("menu.more_glossary")
    first = caller.press("5")
    assert first.hears("glossary.intro") and first.hears("glossary.q1")
    assert first.hears("nav.part", n=1, total=3)
    assert caller.press("9").hears("glossary.q2")


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_texter_reaches_it_by_its_keyword_in_every_language(glossary_app, code):
    from helpline.content.alphabet import to_gsm7

    keyword, _, intro, pieces = GLOSSARY[code]
    replies = " ".join(Texter(Twilio(glossary_app.test_client())).send(keyword))

    # Spanish and French texts leave off the accents GSM-7 lacks (sms_alphabet: economy).
    assert to_gsm7(intro) in replies and all(to_gsm7(piece) in replies for piece in pieces)


def test_the_reports_count_it_under_its_label(glossary_app):
    client = glossary_app.test_client()
    for _ in range(2):
        caller = Caller(Twilio(client), glossary_app)
        caller.dial()
        caller.press("1")
        caller.press("9")
        caller.press("5")
    Texter(Twilio(client)).send("GLOSSARY")
    recorder(glossary_app).flush()

    today = datetime.now(UTC).date()
    with glossary_app.app_context():
        report = build_report(get_store(), current_content(), today, today)

    reached = {f.label: f.value for f in report.section("content_reached").figures}
    asked = {f.label: f.value for f in report.section("sms_requests").figures}
    assert reached["Words explained"] == 2
    assert asked["Words explained"] == 1


def test_the_menu_graph_walk_hears_every_new_piece(glossary_content):
    content = load_content(glossary_content, ["en"])
    config = replace(menu.MenuConfig.for_content(content), languages=("en", "es"))

    heard, steps = walk(config)

    assert {"glossary.intro", "glossary.q1", "glossary.q2", "glossary.q3"} <= heard
    assert any(step.listen and step.listen.screen == "glossary" for step in steps)
