"""SMS encoding and segment counts, checked against Twilio's own calculator vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpline.core.segments import (
    GSM7,
    GSM7_SEPTETS,
    UCS2,
    analyse,
    graphemes,
    is_gsm7,
    split_segments,
)

#: Twilio's segment-calculator vectors, copied into the repository (tests/data/twilio/README.md).
VECTORS = Path(__file__).resolve().parents[1] / "data" / "twilio" / "sms_segments.json"
DATA: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))


#: Smart Encoding (Twilio replacing curly quotes and the like at send time) is not done by
#: segments.py: the content check refuses those characters instead. Its vectors are checked
#: against the content check's advice below, not against analyse().
SMART = [case for case in DATA["cases"] if case.get("options", {}).get("smart_encoding")]


def _case_params() -> list[Any]:
    params = []
    for case in DATA["cases"]:
        options = case.get("options", {})
        if options.get("smart_encoding"):
            continue
        marks = []
        if "country" in options:
            marks = [pytest.mark.skip(reason=(
                "needs the calculator's country argument (Malaysia sends é as UCS-2); "
                "Twilio's npm release 1.3.0 has no such argument, so no sender can rely on it"
            ))]
        params.append(pytest.param(case, marks=marks, id=case["id"]))
    return params


#: What each expectation of a vector means for our result (``units`` is in the message's own
#: encoding: septets for GSM-7, UTF-16 code units for UCS-2).
def _units(text: str, encoding: str) -> int:
    if encoding == GSM7:
        return sum(len(GSM7_SEPTETS[ch]) for ch in text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


@pytest.mark.parametrize("case", _case_params())
def test_it_counts_encoding_and_segments_like_twilios_calculator(case: dict[str, Any]) -> None:
    text, expected = case["text"], case["expected"]
    info = analyse(text)
    parts = split_segments(text)
    checks = {
        "encoding": lambda: info.encoding,
        "segments": lambda: info.segments,
        "message_size_bits": lambda: info.payload_bits,
        "total_size_bits": lambda: info.total_bits,
        "characters": lambda: info.characters,
        "non_gsm_characters": lambda: list(info.non_gsm),
        "all_chars_non_gsm7": lambda: set(info.non_gsm) == set(text),
        "code_units": lambda: [list(GSM7_SEPTETS[ch]) for ch in text],
        "chars_in_first_segment": lambda: len(parts[0]),
        "first_segment_used_units": lambda: _units(parts[0], info.encoding),
        "last_segment_last_char": lambda: parts[-1][-1],
        "last_segment_len_incl_udh": lambda: _units(parts[-1], info.encoding)
        + expected.get("udh_septets_per_segment", expected.get("udh_units_per_segment", 0)),
    }
    # These describe the vector itself (code points, the header the calculator models) and
    # say nothing about this module on their own; they are used above where they matter.
    described = {"unicode_scalars", "udh_septets_per_segment", "udh_units_per_segment"}
    unknown = set(expected) - set(checks) - described
    assert not unknown, f"a new kind of expectation in the vectors: {unknown}"
    got = {key: checks[key]() for key in expected if key in checks}
    assert got == {key: expected[key] for key in got}
    assert "".join(parts) == text


def test_it_uses_the_same_gsm7_alphabet_as_twilio() -> None:
    twilio = {row["char"]: tuple(row["gsm7_septets"]) for row in DATA["gsm7_charset"]}
    assert GSM7_SEPTETS == twilio
    extension = {row["char"] for row in DATA["gsm7_charset"] if row["extension"]}
    assert {ch for ch, septets in GSM7_SEPTETS.items() if len(septets) == 2} == extension


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "units"),
    [
        ("", GSM7, 1, 0),
        ("a" * 160, GSM7, 1, 160),
        ("a" * 161, GSM7, 2, 161),
        ("a" * 306, GSM7, 2, 306),
        ("a" * 307, GSM7, 3, 307),
        ("€" * 80, GSM7, 1, 160),
        ("€" * 81, GSM7, 2, 162),
        ("Reply CHECKLIST [or 2] ~ {ok}", GSM7, 1, 34),
        ("ы" * 70, UCS2, 1, 70),
        ("ы" * 71, UCS2, 2, 71),
        ("问" * 134, UCS2, 2, 134),
        ("问" * 135, UCS2, 3, 135),
        ("😀" * 35, UCS2, 1, 70),
        ("😀" * 36, UCS2, 2, 72),
        ("It’s fine", UCS2, 1, 9),
        ("€" * 10 + "é" + "ç", UCS2, 1, 12),
    ],
    ids=[
        "empty",
        "gsm7-160",
        "gsm7-161",
        "gsm7-306",
        "gsm7-307",
        "euro-costs-two-septets",
        "euro-over-single",
        "brackets-cost-two",
        "cyrillic-70",
        "cyrillic-71",
        "chinese-134",
        "chinese-135",
        "emoji-35",
        "emoji-36",
        "curly-apostrophe",
        "extension-costs-one-unit-in-ucs2",
    ],
)
def test_it_counts_segments_at_the_boundaries(
    text: str, encoding: str, segments: int, units: int
) -> None:
    info = analyse(text)
    assert (info.encoding, info.segments, info.units) == (encoding, segments, units)


@pytest.mark.parametrize(
    ("text", "first_segment"),
    [
        # 152 septets, then an escape pair that would straddle the boundary: it moves whole.
        ("a" * 152 + "€" + "b" * 10, "a" * 152),
        # 66 code units, then a surrogate pair that would straddle the boundary: it moves whole.
        ("a" * 66 + "😀" + "b" * 10, "a" * 66),
        # An accented letter written as e + combining accent is one character: kept together.
        ("ы" * 66 + "e\u0301" + "b" * 10, "ы" * 66),
    ],
    ids=["escape-pair", "surrogate-pair", "two-unit-cluster"],
)
def test_it_never_splits_a_character_across_segments(text: str, first_segment: str) -> None:
    parts = split_segments(text)
    assert parts[0] == first_segment
    assert "".join(parts) == text


@pytest.mark.parametrize(
    ("text", "non_gsm"),
    [
        ("Plain text, £5 and €5.", ()),
        ("It’s “fine” – really", ("’", "“", "”", "–")),
        ("mañana ¿qué tal? más", ("á",)),
        ("ççç Ç", ("ç",)),
        ("😀 hi 😀", ("😀",)),
        ("Привет", ("П", "р", "и", "в", "е", "т")),
    ],
    ids=["gsm7", "smart-punctuation", "spanish", "only-capital-c-cedilla", "emoji", "cyrillic"],
)
def test_it_names_the_characters_that_force_ucs2(text: str, non_gsm: tuple[str, ...]) -> None:
    info = analyse(text)
    assert info.non_gsm == non_gsm
    assert is_gsm7(text) is (not non_gsm)
    assert info.encoding == (GSM7 if not non_gsm else UCS2)


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("abc", 3),
        ("\r\n", 2),
        ("e\u0301", 1),
        ("🇮🇹🇫🇷", 2),
        ("👍🏽", 1),
        ("👨‍👩‍👧", 1),
        ("مَرْحَبًا", 5),
        ("한국어", 3),
        ("\u1100\u1161\u11a8", 1),
    ],
    ids=["ascii", "crlf-is-two", "combining", "flags", "skin-tone", "family", "arabic", "hangul",
         "hangul-jamo"],
)
def test_it_counts_characters_as_a_reader_sees_them(text: str, characters: int) -> None:
    assert len(graphemes(text)) == characters
    assert analyse(text).characters == characters


def test_the_content_checks_plain_characters_are_what_twilio_would_send() -> None:
    """Each character the content check refuses in a GSM-7 text has the replacement Twilio's
    Smart Encoding would make, so following the check's advice costs what Twilio would."""
    from helpline.content.validation import SMART_PUNCTUATION

    twilio = {case["text"]: case["expected"]["smart_encoded"] for case in SMART}
    ours = dict(SMART_PUNCTUATION)
    assert set(ours) <= set(twilio)
    # A no-break space: we advise a plain space, Twilio's table sends two.
    assert ours.pop("\u00a0") == "a plain space" and twilio["\u00a0"].strip(" ") == ""
    assert ours == {ch: twilio[ch] for ch in ours}
