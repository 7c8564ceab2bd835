"""Typed digits read back the way the caller's country writes numbers."""

from __future__ import annotations

import pytest

from helpline.core.phone import spoken_groups


@pytest.mark.parametrize("typed, region, said", [
    ("07400123456", "GB", "0 7 4 0 0, 1 2 3 4 5 6"),
    ("4155552671", "US", "4 1 5, 5 5 5, 2 6 7 1"),
    ("13800138000", "CN", "1 3 8, 0 0 1 3, 8 0 0 0"),
    ("612345678", "ES", "6 1 2, 3 4, 5 6, 7 8"),
    ("0033612345678", "GB", "0 0 3, 3 6 1, 2 3 4, 5 6 7, 8"),  # every digit, in threes
    ("12", None, "1 2"),
])
def test_every_typed_digit_is_said_in_order_grouped_as_the_country_writes_it(typed, region,
                                                                             said):
    assert spoken_groups(typed, region) == said
    assert said.replace(",", "").replace(" ", "") == typed
