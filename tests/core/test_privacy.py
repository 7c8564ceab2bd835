"""Masking numbers in log lines: the country code and a keyed tag, whatever the format."""

from __future__ import annotations

import re
from datetime import date

import pytest

from helpline.core import privacy
from helpline.core.privacy import mask_number, mask_numbers, tag

UK = "447911123456"


def tagged(expected: str) -> str:
    """``<digits>`` in a table row becomes the tag those digits get now (with this run's key)."""
    return re.sub(r"<(\d+)>", lambda m: f"[{tag(m.group(1))}]", expected)


@pytest.mark.parametrize("line, masked", [
    ("from +447911123456", "from +44<447911123456>"),
    ("from +44 7911 123456.", "from +44<447911123456>."),
    ("from 07911 123456", "from <447911123456>"),
    ("from 0044 7911 123456", "from +44<447911123456>"),
    ("to:447911123456", "to:+44<447911123456>"),
    ("To=%2B447911123456&Body=hi", "To=+44<447911123456>&Body=hi"),
    ("call (415) 555-0100 now", "call <4155550100> now"),
    ("+1 (415) 555-0100", "+1<14155550100>"),
    ("+86 138 0013 8000", "+86<8613800138000>"),
    ("+7 912 345-67-89", "+7<79123456789>"),
])
def test_every_usual_format_is_masked_to_country_code_and_tag(line, masked):
    assert mask_numbers(line) == tagged(masked)


@pytest.mark.parametrize("line", [
    "2026-12-01 22:27:52,123 INFO helpline.voice: step",
    "client 192.168.100.200 asked",
    "POST /voice/step?s=questions&l=en&i=3",
    "CA00000000000000000000000000000001 and SM0123456789abcdef0123456789abcdef",
    "GET /audio/en/menu.main.3f2a9c1d.mp3 took 1234 ms",
    "5 parts, 160 characters",
    '127.0.0.1 "POST /voice HTTP/1.1" 200 1234 3ms "curl/8.5"',
    "sent 3 of 1500 today",
])
def test_what_is_not_a_number_is_left_alone(line):
    assert mask_numbers(line) == line


def test_one_persons_lines_link_within_a_day_and_not_across_days_or_instances():
    today, tomorrow = date(2026, 12, 1), date(2026, 12, 2)
    assert tag(UK, today) == tag("07911123456", today)  # one person, two formats
    assert tag(UK, today) != tag(UK, tomorrow)
    assert tag(UK, today) != tag("447911123457", today)
    here = tag(UK, today)
    original = privacy._key
    privacy.use_tag_key(b"another instance's key")
    try:
        assert tag(UK, today) != here
    finally:
        privacy.use_tag_key(original)


def test_no_digits_of_the_number_survive():
    masked = mask_number("+447911123456")
    assert masked.startswith("+44[") and "123456" not in masked and "3456" not in masked
    assert mask_number(None) == "(none)"
