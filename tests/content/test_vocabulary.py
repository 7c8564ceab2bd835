"""The catalogue's vocabulary (each word list's kind) and key card, as the loader reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpline.content.loader import load_packs

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "scripts_content"


def _folder(tmp_path: Path, catalogue_edit=None, en_edit=None) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("catalogue.yaml", "en.yaml", "fr.yaml"):
        shutil.copy(SHIPPED / name, folder / name)
    for name, edit in (("catalogue.yaml", catalogue_edit), ("en.yaml", en_edit)):
        if edit:
            path = folder / name
            old, new = edit
            text = path.read_text()
            assert old in text
            path.write_text(text.replace(old, new, 1))
    return folder


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in load_packs(folder, ["en", "fr"])[2]]


def test_the_shipped_catalogue_gives_every_word_list_a_kind_and_a_key_card() -> None:
    catalogue, packs, problems = load_packs(SHIPPED, ["en", "fr"])

    assert problems == []
    assert catalogue.vocabulary["more"] == "command"
    assert catalogue.vocabulary["share"] == "command with a number"
    assert catalogue.vocabulary["slower"] == "spoken navigation"
    card = catalogue.keys
    assert not set(card.navigation) & set(card.choices)
    # Five sections on the main menu's choices; the sixth (the FAQ) sits under "more".
    more = set(card.screens["more"].keys.values())
    assert all(s.key in card.choices or s.id in more for s in catalogue)
    assert card.key_for("next_or_more") is not None  # next and more share one key
    assert card.screens["number_entry"].keeps == ("back",)
    for pack in packs.values():
        assert pack.opt_out_phrases and set(pack.spoken_digits) == {*"0123456789", "*", "#"}


@pytest.mark.parametrize(
    ("catalogue_edit", "en_edit", "reported"),
    [
        (("  more: command", "  more: order"), None, "vocabulary.more: has the kind 'order'"),
        (None, ("  more: [MORE]\n", ""), "intents.more: has no words"),
        (('choices: ["1", "2", "3", "4", "5"]', 'choices: ["1", "2", "3", "4", "5", "9"]'),
         None, "uses navigation keys (9) as choices"),
        (('    "7": slower', '    "7": repeat'), None, "gives repeat more than one key"),
        (('    "7": slower', '    "7": nothing'), None, "gives no key to slower"),
        (('      keys: {"1": language, "2": reminders, "3": faq, "4": remember}',
          '      keys: {"1": language, "*": reminders, "3": faq, "4": remember}'), None,
         "gives key * the meaning reminders, but it means back on every screen"),
        (('      keys: {"0-9": the_number, "#": done}',
          '      keys: {"0-9": the_number, "*": done}'), None,
         "keeps back but gives its key * to done"),
    ],
)
def test_the_loader_reports_a_broken_vocabulary_or_key_card(
    tmp_path: Path, catalogue_edit, en_edit, reported: str
) -> None:
    problems = _problems(_folder(tmp_path, catalogue_edit, en_edit))

    assert any(reported in p for p in problems), problems


def test_a_language_without_opt_out_phrasings_or_spoken_digits_is_reported(
        tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    fr = folder / "fr.yaml"
    text = fr.read_text()
    start = text.index("opt_out_phrases:")
    end = text.index("safety_words:")
    fr.write_text(text[:start] + text[end:])

    problems = _problems(folder)

    assert any("fr.yaml" in p and "opt_out_phrases: has no words" in p for p in problems)
    assert any("fr.yaml" in p and "spoken_digits.7: has no words" in p for p in problems)
