"""The loader turns YAML into content, and names the file, id and fix for every mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpline.content.loader import ContentError, load_content, load_packs
from helpline.content.model import SMS, VOICE

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "content_two_languages"
REPO_CONTENT = Path(__file__).resolve().parents[2] / "scripts_content"


@pytest.fixture
def two_languages(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SMALL = {"required_texts": (), "required_intents": ()}


def problems_of(content_dir: Path, codes=("en", "es")) -> list[str]:
    _, _, problems = load_packs(content_dir, codes, **SMALL)
    return [str(p) for p in problems]


def test_it_loads_two_languages_in_menu_order(two_languages):
    content = load_content(two_languages, ["es", "en"], **SMALL)

    assert content.codes == ("es", "en")
    assert content.default.code == "es"
    assert content.pack("en").meta.name == "English"


def test_it_keeps_spoken_and_texted_words_apart():
    content = load_content(REPO_CONTENT, ["en"])
    menu = content.pack("en").text("menu.main")

    assert "press 1" in menu.voice
    assert "press" not in menu.sms.lower()


def test_it_reads_sections_as_ordered_pieces():
    pack = load_content(REPO_CONTENT, ["en"]).pack("en")

    assert [t.id for t in pack.sections["scripts"].items] == [
        "scripts.direct", "scripts.emotional", "scripts.calm"]
    assert len(pack.sections["checklist"].items) == 6
    assert [t.id for t in pack.sections["questions"].items] == [
        f"questions.q{n:02d}" for n in range(1, 11)]
    assert pack.sections["questions"].intro.id == "questions.intro"


@pytest.mark.parametrize("asked, served", [("es", "es"), ("ES", "es"), ("fr", "en"), (None, "en"),
                                           ("", "en")])
def test_it_falls_back_to_the_default_language(two_languages, asked, served):
    content = load_content(two_languages, ["en", "es"], **SMALL)

    assert content.pack(asked).code == served


def test_it_fills_placeholders_and_leaves_unknown_ones_visible(two_languages):
    pack = load_content(two_languages, ["en"], **SMALL).pack("en")

    assert pack.render("welcome", VOICE, {"helpline_name": "Hope Line"}) == "Welcome to Hope Line."
    assert pack.render("nav.item", VOICE, {"n": 2}) == "Item 2 of {total}."
    # a text with only spoken words still has something to text
    assert pack.render("welcome", SMS, {"helpline_name": "X"}) == "Welcome to X."


def test_the_shipped_content_has_no_problems():
    assert problems_of(REPO_CONTENT, ["en"]) == []


def test_it_names_an_id_missing_from_a_second_language(two_languages):
    edit(two_languages / "es.yaml", "    imaging:\n      title: Estudios de imagen",
         "    imagenes:\n      title: Estudios de imagen")

    found = problems_of(two_languages)

    assert any(p.startswith("es.yaml: checklist.imaging: is missing") and "Fix: Add" in p
               for p in found), found
    assert any("es.yaml" in p and "checklist.imagenes: is not in en.yaml" in p for p in found)


def test_it_gives_the_line_of_a_yaml_syntax_error(two_languages):
    edit(two_languages / "es.yaml", "    voice: Bienvenido a {helpline_name}.",
         "    voice: Bienvenido: a {helpline_name}.")

    found = problems_of(two_languages)

    assert len(found) == 1
    assert found[0].startswith("es.yaml:13: (file): is not valid YAML"), found


def test_it_names_a_placeholder_used_in_one_language_only(two_languages):
    edit(two_languages / "es.yaml", "Documento {n} de {total}.", "Documento {n}.")

    found = problems_of(two_languages)

    assert any(p.startswith("es.yaml:") and "nav.item (voice): uses placeholders {n} but en.yaml"
               " uses {n}, {total}" in p for p in found), found


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("Welcome to {helpline_name}.", "Welcome to {helpline_nam}.",
         "welcome (voice): uses unknown placeholder(s) {helpline_nam}"),
        ("Welcome to {helpline_name}.", "Welcome to {helpline_name.",
         "welcome (voice): has a lone { or } brace"),
        ("  code: en\n", "  code: fr\n", "language.code: is 'fr' but the file is named en.yaml"),
        ("  say_voice: Polly.Joanna-Neural\n", "", "language.say_voice: is missing"),
        ("Text CHECKLIST for", "Text \u201cCHECKLIST\u201d for",
         "menu.main (sms): has '\u201c' (U+201C), '\u201d' (U+201D)"),
        ("    imaging:\n", "    pathology:\n", "checklist.pathology: appears twice"),
    ],
)
def test_it_explains_each_broken_english_file(two_languages, old, new, expected):
    edit(two_languages / "en.yaml", old, new)

    found = problems_of(two_languages, ["en"])

    assert any(expected in p and "Fix:" in p for p in found), found


def test_it_names_an_enabled_language_without_a_file(two_languages):
    found = problems_of(two_languages, ["en", "zh"])

    assert any(p.startswith("zh.yaml: (file): does not exist") for p in found), found


def test_load_content_raises_one_error_listing_every_problem(two_languages):
    edit(two_languages / "es.yaml", "Documento {n} de {total}.", "Documento {n}.")
    edit(two_languages / "es.yaml", "    imaging:\n", "    imagenes:\n")

    with pytest.raises(ContentError) as raised:
        load_content(two_languages, ["en", "es"], **SMALL)

    assert len(raised.value.problems) >= 3
    assert "es.yaml" in str(raised.value) and "checklist.imaging" in str(raised.value)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("  welcome:\n    voice:", "  welcome:\n    words:", "welcome.words: is not used"),
        ("  welcome:\n    voice:", "  welcom:\n    voice:", "welcome: is missing"),
        ("  forget: [", "  forgot: [", "intents.forget: has no words"),
    ],
)
def test_it_names_what_the_flows_need_but_cannot_find(content_dir, old, new, expected):
    edit(content_dir / "en.yaml", old, new)

    found = [str(p) for p in load_packs(content_dir, ["en"])[2]]

    assert any(expected in p and "Fix:" in p for p in found), found
