"""Reading phone numbers the way people write and type them, with Google's libphonenumber."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException

#: Numbers whose parse is remembered: the same caller posts the same From on every step of a
#: call and every text, and libphonenumber's parse costs more than the rest of a call step.
#: Bounded, in memory only, and holding nothing a request did not already hold.
PARSE_CACHE_SIZE = 4096


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def region_of(number: str | None) -> str | None:
    """The country of an E.164 number (``GB`` for +44...), or None when it is not one."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    if not region:  # a range the tables do not know yet: the country code's main region
        region = phonenumbers.region_code_for_country_code(parsed.country_code)
    return None if region == phonenumbers.UNKNOWN_REGION else region


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def to_e164(text: str | None, default_region: str | None = None, *,
            strict: bool = True) -> str | None:
    """A number in E.164 form, or None.

    ``strict`` asks for a number that is valid in its country's numbering plan (for a number a
    person typed); without it any number of a possible length passes (for a number Twilio
    gives us, which is real even if the numbering tables do not know its range yet).

    A national number ("07700 900123") is read in ``default_region`` (the sender's country);
    digits typed on a keypad without "+" are also tried as an international number, since a
    caller abroad cannot type "+".
    """
    if not text:
        return None
    text = text.strip()[:40]
    candidates = [(text, default_region)]
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") and digits:
        candidates.append(("+" + digits, None))
    for candidate, region in candidates:
        try:
            parsed = phonenumbers.parse(candidate, region)
        except NumberParseException:
            continue
        valid = (phonenumbers.is_valid_number(parsed) if strict
                 else phonenumbers.is_possible_number(parsed))
        if valid:
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def spoken_groups(typed: str, region: str | None) -> str:
    """Typed digits read back as the caller's country writes them: "07400 123456" is said
    "0 7 4 0 0, 1 2 3 4 5 6". Every digit typed is said, in order; only the pauses come
    from the numbering plan (groups of three where it does not know the number)."""
    groups: list[str] = []
    try:
        formatted = phonenumbers.format_number(phonenumbers.parse(typed, region),
                                               phonenumbers.PhoneNumberFormat.NATIONAL)
        groups = re.findall(r"\d+", formatted)
    except NumberParseException:
        pass
    if "".join(groups) != typed:
        groups = [typed[i:i + 3] for i in range(0, len(typed), 3)]
    return ", ".join(" ".join(group) for group in groups)


def is_fictional(e164: str | None) -> bool:
    """A number set aside for films and tests, owned by nobody: Ofcom's 07700 900000-900999
    and North America's 555-0100 to 555-0199. The simulator uses these, and nothing is ever
    sent to them."""
    if not e164:
        return False
    if e164.startswith("+447700900"):
        return len(e164) == 13
    return len(e164) == 12 and e164.startswith("+1") and e164[5:10] == "55501"
