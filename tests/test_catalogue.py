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

#: The new section as each language writes it: its keyword, an intro and three pieces.
FAQ = {
    "en": ("FAQ", "Here are things people ask us.", ["Will my doctor mind?", "Is a matching "
           "opinion a waste?", "What if the opinions differ?"]),
    "zh": ("常见问题", "大家常问的问题。",
           ["医生会不高兴吗？", "意见一样是不是白问了？", "意见不同怎么办？"]),
    "es": ("PREGUNTAS FRECUENTES", "Preguntas que la gente hace a menudo.",
           ["¿Se molestará mi médico?", "¿Es inútil una opinión igual?",
            "¿Y si las opiniones son distintas?"]),
    "ar": ("أسئلة شائعة", "أسئلة يسألها الناس كثيرا.",
           ["هل سيغضب طبيبي؟", "هل الرأي المطابق مضيعة؟", "ماذا لو اختلفت الآراء؟"]),
    "ru": ("ЧАСТЫЕ ВОПРОСЫ", "Вопросы, которые часто задают.", ["Врач обидится?",
           "Совпавшее мнение бесполезно?", "А если мнения разные?"]),
    "fr": ("QUESTIONS FREQUENTES", "Les questions que l'on pose souvent.",
           ["Mon médecin sera-t-il vexé ?", "Un avis identique est-il inutile ?",
            "Et si les avis diffèrent ?"]),
}


def add_faq_section(content_dir: Path) -> None:
    """What an operator would do: a catalogue entry and the words in every language file."""
    catalogue = yaml.safe_load((content_dir / "catalogue.yaml").read_text(encoding="utf-8"))
    catalogue["sections"]["faq"] = {"key": 6, "position": "nav.part",
                                    "report": "Questions people ask"}
    (content_dir / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True),
                                                encoding="utf-8")
    for code, (keyword, intro, pieces) in FAQ.items():
        path = content_dir / f"{code}.yaml"
        text = path.read_text(encoding="utf-8")
        # Plain text edits, as a person would make them: a block under texts: and a line
        # under intents:.
        block = "\n".join(
            ["  faq:", f"    intro: {json.dumps(intro, ensure_ascii=False)}"]
            + [f"    q{n}: {json.dumps(piece, ensure_ascii=False)}"
               for n, piece in enumerate(pieces, start=1)]) + "\n"
        text = text.replace("\ntexts:\n", "\ntexts:\n" + block, 1)
        text = text.replace("\nintents:\n", f"\nintents:\n  faq: [{keyword}]\n", 1)
        assert "  faq:" in text and f"faq: [{keyword}]" in text
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def faq_content(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("faq") / "scripts_content"
    shutil.copytree(REPO / "scripts_content", target)
    add_faq_section(target)
    return target


@pytest.fixture
def faq_app(settings, faq_content):
    return create_app({**settings, "HELPLINE_CONTENT_DIR": str(faq_content)})


def test_content_check_accepts_the_new_section_and_measures_its_texts(faq_content):
    result = check_content(faq_content, LANGUAGES)

    assert result.ok, [str(p) for r in result.languages for p in r.problems]
    for report in result.languages:
        measured = {row.id for row in report.texts}
        assert {"faq.intro", "faq.q1", "faq.q2", "faq.q3"} <= measured, report.code


def test_a_caller_reaches_it_by_its_key_and_hears_each_piece(faq_app):
    caller = Caller(Twilio(faq_app.test_client()), faq_app)
    caller.dial()
    caller.press("1")  # English

    first = caller.press("6")
    assert first.hears("faq.intro") and first.hears("faq.q1")
    assert first.hears("nav.part", n=1, total=3)
    assert caller.press("2").hears("faq.q2")


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_texter_reaches_it_by_its_keyword_in_every_language(faq_app, code):
    keyword, intro, pieces = FAQ[code]
    replies = " ".join(Texter(Twilio(faq_app.test_client())).send(keyword))

    assert intro in replies and all(piece in replies for piece in pieces)


def test_the_reports_count_it_under_its_label(faq_app):
    client = faq_app.test_client()
    for _ in range(2):
        caller = Caller(Twilio(client), faq_app)
        caller.dial()
        caller.press("1")
        caller.press("6")
    Texter(Twilio(client)).send("FAQ")
    recorder(faq_app).flush()

    today = datetime.now(UTC).date()
    with faq_app.app_context():
        report = build_report(get_store(), current_content(), today, today)

    reached = {f.label: f.value for f in report.section("content_reached").figures}
    asked = {f.label: f.value for f in report.section("sms_requests").figures}
    assert reached["Questions people ask"] == 2
    assert asked["Questions people ask"] == 1


def test_the_menu_graph_walk_hears_every_new_piece(faq_content):
    content = load_content(faq_content, ["en"])
    config = replace(menu.MenuConfig.for_content(content), languages=("en", "es"))

    heard, steps = walk(config)

    assert {"faq.intro", "faq.q1", "faq.q2", "faq.q3"} <= heard
    assert any(step.listen and step.listen.screen == "faq" for step in steps)
