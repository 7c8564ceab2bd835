"""The content check holds every keyword reply to its segment budget, in every language."""

from __future__ import annotations

from pathlib import Path

from helpline.content_check import check_content

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]


def test_the_shipped_content_keeps_every_reply_within_its_budget():
    result = check_content(REPO / "scripts_content", LANGUAGES)

    assert result.ok, [str(p) for r in result.languages for p in r.problems]


def test_an_item_too_long_for_a_reply_is_reported_with_how_to_fix_it(content_dir):
    english = content_dir / "en.yaml"
    text = english.read_text(encoding="utf-8")
    longer = "Ask for every report, every scan and every letter, and keep them safe. " * 6
    english.write_text(text.replace("RECORDS TO GET for a second opinion.",
                                    "RECORDS TO GET for a second opinion. " + longer, 1),
                       encoding="utf-8")

    result = check_content(content_dir, ["en"])

    problems = [p for r in result.languages for p in r.problems
                if p.text_id == "checklist.intro (sms)"]
    assert not result.ok and problems
    assert "segments" in problems[0].message and "at most 3" in problems[0].message
    assert "shorter for SMS" in problems[0].fix
