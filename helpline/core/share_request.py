"""SHARE as people write it: the number among other words, and the example we show.

"SHARE 07911 123410 please", "share +44 7400 123456 to my son ZH": the first run of digits
that reads as a phone number is the recipient, a language's name or code after it picks the
language the caregiver reads, and every other word is ignored.

The example in our messages is a number nobody owns, in the texter's own country's format
(Ofcom's 07700 900xxx, North America's 555-01xx), so a texter who copies it texts no stranger;
sending to it gets "that was our example".

Pure: no Flask, no Twilio, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from .normalise import normalise
from .phone import region_of

#: The example per country, as E.164. Only countries with a range set aside for fiction.
EXAMPLES = {"GB": "+447700900123", "US": "+12015550123", "CA": "+12015550123"}
#: Elsewhere the UK example in international form: still nobody's number.
DEFAULT_EXAMPLE = "+447700900123"

#: A run that may be a phone number: a digit or +, digits and the separators people type.
_NUMBER_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]{4,}\d")


@dataclass(frozen=True)
class ShareRequest:
    """What a SHARE message asks: the number as typed ("" if none) and a language code."""

    typed: str
    language: str | None = None


def read_share(argument: str, language_named: Callable[[str], str | None]) -> ShareRequest:
    """The number and the optional language in what followed SHARE; other words ignored."""
    found = _NUMBER_RUN.search(argument or "")
    if found is None:
        return ShareRequest("")
    rest = (argument[:found.start()] + " " + argument[found.end():]).split()
    language = None
    for size in (2, 1):  # "EN FRANÇAIS" before "FRANÇAIS"
        for start in range(len(rest) - size + 1):
            named = language_named(normalise(" ".join(rest[start:start + size])))
            if named:
                language = named
                break
        if language:
            break
    return ShareRequest(found.group(0).strip(), language)


def example_number(sender: str | None) -> str:
    """The example to show a texter, in their country's own format where one exists."""
    region = region_of(sender)
    e164 = EXAMPLES.get(region or "")
    if e164 is None:
        return _formatted(DEFAULT_EXAMPLE, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return _formatted(e164, phonenumbers.PhoneNumberFormat.NATIONAL)


def is_example(e164: str | None) -> bool:
    """Whether a share goes to one of our example numbers."""
    return bool(e164) and (e164 in EXAMPLES.values() or e164 == DEFAULT_EXAMPLE)


def _formatted(e164: str, style: int) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164, None), style)
