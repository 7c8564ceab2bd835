"""Where a text the helpline starts may go: mobiles in allowed countries, nothing else."""

from __future__ import annotations

import pytest

from helpline.core import destinations
from helpline.core.destinations import allowed_regions, parse_countries, refusal

GB_AND_US = allowed_regions(["GB", "US"])


@pytest.mark.parametrize(
    "number, reason",
    [
        ("+447400123456", None),  # a British mobile
        ("+447911123456", None),  # filed under Guernsey by the tables: same plan, GB covers it
        ("+447624123456", None),  # an Isle of Man mobile
        ("+14155550123", None),  # US numbers are "fixed line or mobile": textable
        ("+881612345678", destinations.NON_GEOGRAPHIC),  # Iridium satellite
        ("+870773123456", destinations.NON_GEOGRAPHIC),  # Inmarsat
        ("+882345678901", destinations.NON_GEOGRAPHIC),  # international networks
        ("+883510012345678", destinations.NON_GEOGRAPHIC),
        ("+19005551234", destinations.NOT_MOBILE),  # US premium rate
        ("+442079460000", destinations.NOT_MOBILE),  # a London landline
        ("+448001234567", destinations.NOT_MOBILE),  # UK freephone
        ("+18765551234", destinations.COUNTRY),  # Jamaica shares +1 but is not the US
        ("+33612345678", destinations.COUNTRY),  # France, not allowed here
        ("+86282452253", destinations.PLACEHOLDER),  # Twilio's "unavailable" caller id
        ("+266696687", destinations.PLACEHOLDER),  # Twilio's "anonymous"
        ("+447700900123", destinations.NOT_A_NUMBER),  # fictional: nobody's phone
        ("", destinations.NOT_A_NUMBER),
    ],
)
def test_it_refuses_all_but_mobiles_in_allowed_countries(number, reason):
    assert refusal(number, GB_AND_US) == reason


def test_a_country_brings_the_places_that_share_its_numbering_plan():
    assert {"GB", "GG", "JE", "IM"} <= allowed_regions(["gb"])
    assert "JM" not in allowed_regions(["US"])


def test_the_default_adds_the_helpline_numbers_country():
    regions = parse_countries("", "+819012345678")  # a Japanese helpline number
    assert {"JP", "GB", "US"} <= regions
    assert parse_countries("ie, fr") == {"IE", "FR"}


def test_an_unknown_country_code_is_named():
    with pytest.raises(ValueError, match="UK"):
        parse_countries("GB,UK")
