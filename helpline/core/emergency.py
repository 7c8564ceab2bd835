"""The medical emergency number to say to a caller, by the country of their phone.

A frightened caller abroad may not know the local number, and the wrong one costs minutes:
999 means nothing in China, and ``phonenumbers``' own example numbers are not the ones to say
(it offers 112 for the US and 110, the police, for China). Each entry is the number for an
ambulance, from the source named beside it; ``tests/core/test_emergency.py`` checks every one
with ``phonenumbers.is_emergency_number`` for its region. Where a country is missing, callers
hear "your local emergency number" instead of a guess.
"""

from __future__ import annotations

from . import phone

#: Region -> the number to call for an ambulance. Sources: Ofcom (UK 999); FCC (US 911) and
#: CRTC (Canada 911); China's National Health Commission (120 medical emergency); EU Directive
#: 2018/1972, art. 109 (112 in every member state); Russia's Ministry of Health (103
#: ambulance); Egypt's Ministry of Health (123); Saudi Red Crescent (997); UAE National
#: Ambulance (998); the other governments' emergency services pages for the rest.
EMERGENCY_NUMBERS: dict[str, str] = {
    # English-speaking countries
    "GB": "999", "IE": "112", "US": "911", "CA": "911", "AU": "000", "NZ": "111",
    # Chinese-speaking places
    "CN": "120", "HK": "999", "MO": "999", "TW": "119", "SG": "995", "MY": "999",
    # Spanish-speaking countries
    "ES": "112", "MX": "911",
    # Arabic-speaking countries
    "EG": "123", "SA": "997", "AE": "998", "JO": "911", "QA": "999", "KW": "112", "BH": "999",
    "LB": "140", "IQ": "122",
    # Russian-speaking countries
    "RU": "103", "KZ": "103", "BY": "103", "UA": "103",
    # French-speaking countries and the rest of the EU
    "FR": "112", "BE": "112", "LU": "112", "CH": "144", "DE": "112", "IT": "112", "NL": "112",
    "PT": "112", "AT": "112", "PL": "112", "SE": "112", "DK": "112", "FI": "112", "GR": "112",
}


def emergency_number(caller: str | None, override: str = "", helpline_region: str = "") -> str:
    """The number to say to this caller, or "" when the helpline does not know it.

    ``override`` (HELPLINE_EMERGENCY_NUMBER) replaces the table for callers from the
    helpline's own country, where the operator knows best."""
    region = phone.region_of(caller) or ""
    if override and region and region == helpline_region:
        return override
    return EMERGENCY_NUMBERS.get(region, "")


#: Every number a caller may hear, for the prompts made ahead of time.
SPOKEN_NUMBERS = tuple(sorted(set(EMERGENCY_NUMBERS.values())))


def spoken(number: str) -> str:
    """Digits one by one, as people say an emergency number ("9 9 9", "1 2 0")."""
    return " ".join(number)
