"""Where the helpline may send a text it starts: mobiles in the countries the operator allows.

SMS pumping works by making a service text numbers whose carriers pay the fraudster per message:
satellite, premium and far-away ranges. So a text goes only to a number that is certainly a
mobile in an allowed country, and everything else is refused before anything is queued.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from .phone import PARSE_CACHE_SIZE

#: Countries texts may go to when the operator has not chosen (HELPLINE_SMS_COUNTRIES), besides
#: the helpline number's own: where most callers' families are for the shipped languages, and
#: none of them a known SMS-pumping destination. The README tells the operator to edit it.
DEFAULT_SMS_COUNTRIES = ("US", "CA", "GB", "IE", "AU", "FR", "ES", "MX", "CN")

#: Places that share a country's calling code and numbering plan, and that the country's own
#: carriers serve: Guernsey, Jersey and the Isle of Man mobiles are +44 7... but the numbering
#: tables file them under GG, JE and IM. Not every region of a calling code: +1 also covers
#: Caribbean countries whose ranges are a favourite of SMS pumping, so those must be named.
SAME_NUMBERING = {
    "GB": ("GG", "JE", "IM"),
    "US": ("PR", "VI", "GU", "AS", "MP"),
    "FI": ("AX",),
    "NO": ("SJ",),
    "AU": ("CX", "CC"),
}

#: Caller ids Twilio uses when the real one is withheld: they are not anybody's phone.
PLACEHOLDER_CALLER_IDS = frozenset({"+266696687", "+86282452253", "+7378742833", "+2562533"})

#: Calling codes of no country: satellite phones (870, 881), international networks (882,
#: 883), premium and shared international services. Refused whatever the tables say of them.
NON_GEOGRAPHIC_PREFIXES = ("+800", "+808", "+870", "+878", "+881", "+882", "+883", "+888",
                           "+979", "+991")

#: The kinds of number a text can reach. FIXED_LINE_OR_MOBILE is every US and Canadian number:
#: their plans do not tell a mobile from a landline, and Twilio reports a landline on sending.
TEXTABLE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)

#: Countries whose carriers filter texts from abroad unless sent under a registered template
#: (China, error 30007): the helpline still sends, and tells the caller it may not arrive.
FILTERED_REGIONS = frozenset({"CN"})

# Why a destination is refused. Internal: a caller or texter never learns which.
PLACEHOLDER = "placeholder"
NON_GEOGRAPHIC = "non_geographic"
NOT_A_NUMBER = "not_a_number"
COUNTRY = "country"
NOT_MOBILE = "not_mobile"


def allowed_regions(countries: Iterable[str]) -> frozenset[str]:
    """The region codes the named countries cover, their dependencies included."""
    regions: set[str] = set()
    for code in countries:
        code = code.strip().upper()
        if code:
            regions.add(code)
            regions.update(SAME_NUMBERING.get(code, ()))
    return frozenset(regions)


def parse_countries(value: str, helpline_number: str | None = None) -> frozenset[str]:
    """HELPLINE_SMS_COUNTRIES as regions: the list given, or the default list plus the
    helpline number's country. Raises ValueError naming a code that is not a country."""
    named = [part.strip().upper() for part in value.split(",") if part.strip()]
    known = phonenumbers.SUPPORTED_REGIONS
    unknown = [code for code in named if code not in known]
    if unknown:
        raise ValueError(", ".join(unknown))
    if not named:
        named = list(DEFAULT_SMS_COUNTRIES)
        home = _region(helpline_number)
        if home:
            named.append(home)
    return allowed_regions(named)


#: What Twilio accepts as an alphanumeric sender id: up to 11 letters, digits, spaces and
#: ``+ - _ &``, not only digits.
_SENDER_ID = re.compile(r"[A-Za-z0-9 +\-_&]{1,11}")


def parse_sender_ids(value: str) -> dict[str, str]:
    """HELPLINE_SMS_SENDER_IDS (``GB=Helpline,FR=Helpline``) as {country: sender id}.

    Raises ValueError with a sentence naming the part that cannot be used.
    """
    found: dict[str, str] = {}
    for part in (p.strip() for p in str(value or "").split(",")):
        if not part:
            continue
        code, sep, name = (piece.strip() for piece in part.partition("="))
        code = code.upper()
        if not sep or code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{part!r} is not COUNTRY=NAME with an ISO country code")
        if not _SENDER_ID.fullmatch(name) or name.replace(" ", "").isdigit():
            raise ValueError(f"{name!r} (for {code}) is not a sender id: use 1 to 11 letters, "
                             "digits or spaces, not only digits")
        found[code] = name
    return found


def texts_filtered(e164: str | None) -> bool:
    """Whether texts to this number are often filtered by its carriers (see FILTERED_REGIONS)."""
    return _region(e164) in FILTERED_REGIONS


def region_of(e164: str | None) -> str | None:
    """The country a number belongs to, or None."""
    return _region(e164)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def refusal(e164: str | None, regions: frozenset[str]) -> str | None:
    """Why a text may not go to ``e164``, or None when it may (remembered per number: every
    step of a call asks whether the caller can be texted)."""
    if not e164:
        return NOT_A_NUMBER
    if e164 in PLACEHOLDER_CALLER_IDS:
        return PLACEHOLDER
    if e164.startswith(NON_GEOGRAPHIC_PREFIXES):
        return NON_GEOGRAPHIC
    try:
        parsed = phonenumbers.parse(e164, None)
    except NumberParseException:
        return NOT_A_NUMBER
    region = phonenumbers.region_code_for_number(parsed)
    if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        return NON_GEOGRAPHIC
    if not phonenumbers.is_valid_number(parsed) or not region:
        return NOT_A_NUMBER
    if region not in regions:
        return COUNTRY
    if phonenumbers.number_type(parsed) not in TEXTABLE_TYPES:
        return NOT_MOBILE
    return None


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _region(number: str | None) -> str | None:
    if not number:
        return None
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except NumberParseException:
        return None
    return region if region in phonenumbers.SUPPORTED_REGIONS else None
