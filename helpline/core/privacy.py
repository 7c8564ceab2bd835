"""Phone numbers are health data here: mask them wherever text leaves the process.

A masked number keeps its country code and gains a short keyed tag: ``+447911123456`` becomes
``+44[3fa91c]``. The tag is an HMAC of the number's last nine digits and the day, so the lines
about one person on one day can be read together ("the same caller, twice"), but tags do not
link across days or across instances (each has its own key), and the last digits that let
lines from different days be joined are gone. The same person's number written as
``07911 123456``, ``0044 7911 123456`` or ``447911123456`` gets the same tag.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import phonenumbers

# A number as people write it: +44 7700 900123, 0044 7700 900123, (415) 555-0100,
# 07911 123456, 447911123456, to:447911123456, or as Twilio posts it in a form body
# (%2B14155550100). Dates and times (2026-12-01, 22:27:52) are not numbers: a run with a
# colon is never taken. Written without a country code, a number starts with 0 or "(" or
# holds ten digits, so a status and a size ("200 1234") are left alone.
_PHONE = re.compile(
    r"(?:\+|%2B)\d[\d\s().-]{5,20}\d"
    r"|(?<![\w.%/-])\(?\d[\d\s().-]{5,20}\d(?![\w.%/-])",
    re.IGNORECASE,
)
_DATE_OR_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}|^\d{1,3}(?:\.\d{1,3}){3}$")
MIN_DIGITS = 7
NATIONAL_DIGITS = 10
TAG_DIGITS = 9
TAG_LENGTH = 6

_key = os.urandom(32)
_today: Callable[[], date] = lambda: datetime.now(UTC).date()  # noqa: E731


def use_tag_key(key: bytes) -> None:
    """Tags from this instance's key (all its processes agree), instead of a random one."""
    global _key
    _key = key


def tag(digits: str, day: date | None = None) -> str:
    """The keyed tag of a number's digits: the same on one day, unrelated on the next."""
    message = f"{(day or _today()).isoformat()}|{digits[-TAG_DIGITS:]}".encode()
    return hmac.new(_key, message, hashlib.sha256).hexdigest()[:TAG_LENGTH]


def _country_code(digits: str) -> str:
    """The calling code at the start of an international number, or "" when unknown."""
    for length in (1, 2, 3):
        code = int(digits[:length])
        if phonenumbers.region_codes_for_country_code(code) and len(digits) - length >= 6:
            return str(code)
    return ""


def _masked(raw: str) -> str | None:
    text = raw.strip()
    encoded_plus = text[:3].upper() == "%2B"
    digits = re.sub(r"\D", "", text[3:] if encoded_plus else text)
    if len(digits) < MIN_DIGITS or _DATE_OR_TIME.match(text):
        return None
    international = encoded_plus or text.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international and len(digits) >= 11 and not digits.startswith("0"):
        international = True  # a bare E.164 number such as Twilio writes: 447911123456
    if not international and text[0] not in "0(" and len(digits) < NATIONAL_DIGITS:
        return None
    code = _country_code(digits) if international else ""
    return f"{'+' + code if code else ''}[{tag(digits)}]"


def _mask_match(match: re.Match[str]) -> str:
    raw = match.group(0)
    masked = _masked(raw)
    if masked is None:
        return raw
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()):]
    return f"{lead}{masked}{trail}"


def mask_numbers(text: str) -> str:
    """Every phone number in ``text``, in any usual format, replaced by its masked form."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _PHONE.sub(_mask_match, text)


def mask_number(number: str | None) -> str:
    """Mask one number for a log line or a screen, whatever its format."""
    if not number:
        return "(none)"
    return _masked(number) or "[" + tag(re.sub(r"\D", "", number) or "-") + "]"


def shown_to_sender(e164: str) -> str:
    """A number as the person who typed it may see it back: country code and last three
    digits ("+44 *** 123"), enough to notice a slip and too little to be worth stealing."""
    digits = re.sub(r"\D", "", e164)
    code = _country_code(digits)
    return f"+{code} *** {digits[-3:]}" if code else f"*** {digits[-3:]}"
