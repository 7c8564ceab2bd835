"""A content error points at the line where the mistake is, and says it once, in the file to
fix: what an editor with a text editor and no Python needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.content.loader import load_packs

LANGUAGES = ("en", "zh", "es", "ar", "ru", "fr")


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def set_line(path: Path, number: int, old: str, new: str) -> None:
    rows = lines_of(path)
    assert old in rows[number - 1], f"line {number} of {path.name} is {rows[number - 1]!r}"
    rows[number - 1] = rows[number - 1].replace(old, new, 1)
    path.write_text("\n".join(rows), encoding="utf-8")


def line_of(path: Path, starts: str) -> int:
    return next(n for n, row in enumerate(lines_of(path), start=1) if row.startswith(starts))


def errors(content_dir: Path) -> list:
    _, _, problems = load_packs(content_dir, LANGUAGES)
    return [p for p in problems if p.severity == "error"]


@pytest.mark.parametrize("key", ["    voice: >-", "    sms: >-"])
def test_an_unclosed_quote_is_reported_at_its_own_line(content_dir, key):
    en = content_dir / "en.yaml"
    safety = line_of(en, "  safety:")
    if lines_of(en)[safety] != key and key.startswith("    voice"):  # a one-line voice text
        set_line(en, safety + 1, "voice: ", "voice: >-\n      ")
    quoted = next(n for n in range(safety, safety + 10) if lines_of(en)[n - 1] == key)
    set_line(en, quoted, ">-", '"We share information. It is not medical advice.')

    (problem,) = errors(content_dir)

    assert problem.path.name == "en.yaml" and problem.line == quoted
    assert f"while parsing a block mapping at line {safety + 1}" in problem.message
    assert f"quote opened on line {quoted} is never closed" in problem.fix
    assert str(problem).startswith(f"en.yaml:{quoted}: ")


def test_a_tab_gets_a_hint_about_tabs(content_dir):
    en = content_dir / "en.yaml"
    safety = line_of(en, "  safety:")
    sms = next(n for n in range(safety, safety + 10) if lines_of(en)[n - 1] == "    sms: >-")
    set_line(en, sms, "    sms:", "\tsms:")

    (problem,) = errors(content_dir)

    assert problem.line == sms
    assert "tab" in problem.fix and "spaces" in problem.fix


def test_other_yaml_mistakes_keep_the_parsers_line(content_dir):
    en = content_dir / "en.yaml"
    welcome = line_of(en, "  welcome:")
    set_line(en, welcome, "  welcome:", "  welcome: [unclosed")

    (problem,) = errors(content_dir)

    assert problem.line >= welcome and "is not valid YAML" in problem.message


@pytest.mark.parametrize(("new", "said"), [
    ("{helpline_nam}", "unknown placeholder(s) {helpline_nam}"),
    ("the helpline", "uses placeholders none but every translation"),
])
def test_a_placeholder_broken_in_english_is_reported_once_against_en_yaml(content_dir, new, said):
    en = content_dir / "en.yaml"
    named = line_of(en, "    help:") + 2
    set_line(en, named, "{helpline_name}", new)

    found = errors(content_dir)

    assert [(p.path.name, p.text_id) for p in found] == [("en.yaml", "sms.help (sms)")]
    assert said in found[0].message


def test_a_placeholder_broken_in_one_translation_is_reported_against_it(content_dir):
    es = content_dir / "es.yaml"
    rows = lines_of(es)
    number = next(n for n, row in enumerate(rows, start=1) if "{helpline_name}" in row)
    set_line(es, number, "{helpline_name}", "{helpline_nombre}")

    found = errors(content_dir)

    assert {p.path.name for p in found} == {"es.yaml"}
