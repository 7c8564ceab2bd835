"""The numbers reminders keep: encrypted, bound to their row, readable after a key rotation."""

from __future__ import annotations

import re

from helpline.store.number_cipher import NumberCipher

NUMBER = "+447400123001"
OLD, NEW = b"old-key-0123456789abcdef", b"new-key-0123456789abcdef"


def test_a_sealed_number_opens_only_for_its_row():
    cipher = NumberCipher(NEW)
    sealed = cipher.seal(NUMBER, "row-hash-a")
    assert cipher.open(sealed, "row-hash-a") == NUMBER
    assert cipher.open(sealed, "row-hash-b") is None           # copied to another row
    assert cipher.open(sealed[:-2] + "AA", "row-hash-a") is None  # altered


def test_the_same_number_seals_differently_each_time_and_shows_no_digits():
    cipher = NumberCipher(NEW)
    first, second = cipher.seal(NUMBER, "h"), cipher.seal(NUMBER, "h")
    assert first != second
    assert "7400123001" not in first and not re.search(r"\+\d{6}", first)


def test_after_a_rotation_the_old_key_still_opens_what_it_sealed():
    sealed = NumberCipher(OLD).seal(NUMBER, "h")
    assert NumberCipher(NEW, [OLD]).open(sealed, "h") == NUMBER
    assert NumberCipher(NEW).open(sealed, "h") is None  # the old key dropped: unreadable
