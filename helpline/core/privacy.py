"""Phone numbers are health data here: mask them wherever text leaves the process."""

from __future__ import annotations

import re

# A number written for people (+44 7700 900123, +1 (415) 555-0100), as Twilio posts it in a
# form body (%2B14155550100), or as a bare run of digits long enough to be one.
_PHONE = re.compile(
    r"(?:\+|%2B)\d(?:[\d\s().-]{5,20})\d"
    r"|(?<![\w.:/-])\d{8,15}(?![\w.:/-])",
    re.IGNORECASE,
)


def _mask_match(match: re.Match[str]) -> str:
    raw = match.group(0)
    prefix = "+" if raw.startswith("+") else "%2B" if raw[:3].upper() == "%2B" else ""
    digits = re.sub(r"\D", "", raw[len(prefix):])
    if len(digits) < 7:
        return raw
    head = digits[:1] if prefix else ""
    return f"{prefix}{head}{'*' * (len(digits) - len(head) - 4)}{digits[-4:]}"


def mask_numbers(text: str) -> str:
    """``+14155554567`` becomes ``+1******4567``: enough to tell two callers apart, no more."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _PHONE.sub(_mask_match, text)


def mask_number(number: str | None) -> str:
    """Mask one number for a log line or a screen, whatever its format."""
    if not number:
        return "(none)"
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits[:1] if number.strip().startswith("+") else ""
    plus = "+" if head else ""
    return f"{plus}{head}{'*' * (len(digits) - len(head) - 4)}{digits[-4:]}"
