"""The emergency number said to a caller is their own country's, and a real one."""

from __future__ import annotations

import phonenumbers
import pytest

from helpline.core.emergency import EMERGENCY_NUMBERS, emergency_number


@pytest.mark.parametrize("region, number", sorted(EMERGENCY_NUMBERS.items()))
def test_every_number_in_the_table_is_an_emergency_number_there(region, number):
    assert phonenumbers.is_emergency_number(number, region)


@pytest.mark.parametrize("caller, said", [
    ("+447400123456", "999"),
    ("+14155552671", "911"),
    ("+8613800138000", "120"),
    ("+33612345678", "112"),
    ("+79161234567", "103"),
    ("+201001234567", "123"),
    ("+966501234567", "997"),
    ("+971501234567", "998"),
])
def test_a_caller_hears_their_own_countrys_number(caller, said):
    assert emergency_number(caller) == said


def test_a_caller_from_china_never_hears_999():
    assert emergency_number("+8613800138000", override="999", helpline_region="GB") == "120"


def test_the_operators_number_wins_for_callers_from_the_helplines_own_country():
    assert emergency_number("+447400123456", override="112", helpline_region="GB") == "112"


@pytest.mark.parametrize("caller", ["", None, "anonymous", "+266696687", "+8801712345678"])
def test_unknown_or_withheld_callers_get_no_guess(caller):
    assert emergency_number(caller) == ""
