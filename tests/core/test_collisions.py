"""The collision check of ``helpline content check``: the shipped words of all six languages
have none, and each kind of dangerous word an editor might add is reported."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from helpline.content import Content, load_content
from helpline.content_check import check_content
from helpline.core.collisions import collision_problems

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(REPO / "scripts_content", LANGUAGES)


def test_the_shipped_words_of_six_languages_have_no_collision(content: Content) -> None:
    assert [str(p) for p in collision_problems(content)] == []


def _with(content: Content, code: str, **changes) -> Content:
    pack = content.pack(code)
    fields = {}
    for name, value in changes.items():
        if name in ("opt_out_phrases", "safety_words"):
            fields[name] = (*getattr(pack, name), *value)
        else:
            intents = dict(pack.intents)
            intents[name] = (*intents.get(name, ()), *value)
            fields["intents"] = intents
    languages = dict(content.languages)
    languages[code] = dataclasses.replace(pack, **fields)
    return Content(languages=languages, catalogue=content.catalogue)


@pytest.mark.parametrize(
    ("code", "changes", "reported"),
    [
        # a command that holds an opt-out phrasing: content for someone asking to stop
        ("en", {"more": ["no more texts"]}, "'no more texts' (command) is read as opt_out"),
        # a keyword that is another kind's word: ALL inside the checklist's words
        ("en", {"checklist": ["ALL"]}, "'ALL' (keyword) is read as all"),
        # the same word for two things in two languages
        ("fr", {"more": ["LISTEN"]}, "'LISTEN' (command) is read as listen (en)"),
        # a keyword one typing slip from STOP
        ("en", {"support": ["STOPS"]}, "one typing slip from 'stop'"),
        # two keywords one slip apart catch each other's typos
        ("es", {"checklist": ["SOPORTES"]},
         "'SOPORTE' (support) is one typing slip from 'SOPORTES'"),
        # a safety phrase the opt-out rule takes first would opt out someone in danger
        ("ar", {"opt_out_phrases": ["توقف"]}, "'توقف عن التنفس' (safety phrase) is read as "
                                              "opt_out (ar) with a safety phrase"),
        # a harmless word inside a safety phrase list is fine, a reserved word is not
        ("es", {"support": ["BAJA"]}, "'BAJA' (keyword) is read as opt_out"),
        # spoken navigation: a word for two things on the same screen
        ("en", {"next": ["again"]}, "'again' (spoken navigation) is read as"),
    ],
)
def test_each_kind_of_collision_is_reported(content: Content, code: str, changes: dict,
                                            reported: str) -> None:
    problems = [str(p) for p in collision_problems(_with(content, code, **changes))]

    assert any(reported in p for p in problems), problems


def test_content_check_fails_on_a_collision_and_names_the_file_and_word(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(REPO / "scripts_content", folder)
    en = folder / "en.yaml"
    en.write_text(en.read_text().replace("  more: [MORE]", "  more: [MORE, no more texts]"))

    result = check_content(folder, LANGUAGES)

    assert not result.ok
    english = next(r for r in result.languages if r.code == "en")
    assert any("intents.more" in str(p) and "no more texts" in str(p) for p in english.problems)
    assert check_content(REPO / "scripts_content", LANGUAGES).ok
