"""Text as it is compared: case, accents, width, punctuation and digits folded.

Texters write "Checklist!!", "  questions ", "CHEKLIST", "ＱＵＥＳＴＩＯＮＳ" or "lísta", and a
caller's speech comes back as "Next." — all of them must reach the same words. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: Apostrophes vanish rather than split words, so "can't", "can’t" and "cant" are one word.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032\uff07"))

#: Latin letters that carry their accent built in (no Unicode decomposition to strip).
_LATIN_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "ð": "d", "þ": "th",
     "æ": "ae", "œ": "oe"}
)

#: Alef with hamza or madda is typed as a bare alef by many texters.
_ALEF = "\u0627"
_ARABIC_FOLD = str.maketrans({"\u0622": _ALEF, "\u0623": _ALEF, "\u0625": _ALEF, "\u0671": _ALEF})
_TATWEEL = "\u0640"

_DIACRITIC_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0xFE20, 0xFE2F))
_ALWAYS_DROPPED_MARKS = ((0x20D0, 0x20FF), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
_HARAKAT = ((0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED))
_HAMZA_MARKS = (0x0653, 0x0654, 0x0655)
_HEBREW_POINTS = ((0x0591, 0x05C7),)
_CYRILLIC_BREVE = 0x0306  # keeps й and ў, which are letters of their own

_SCRIPT_RANGES = (
    ("latin", ((0x0041, 0x024F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF),
               (0xAB30, 0xAB6F))),
    ("greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("cyrillic", ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))),
    ("arabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                (0xFE70, 0xFEFF))),
    ("hebrew", ((0x0590, 0x05FF),)),
)

#: Scripts written without spaces between words: a phrase in them is found anywhere in a message.
UNSPACED_RANGES = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x2E80, 0x2FDF), (0x3040, 0x30FF),
    (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)

_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def in_ranges(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def script_of(ch: str) -> str:
    code = ord(ch)
    for name, ranges in _SCRIPT_RANGES:
        if in_ranges(code, ranges):
            return name
    return "other"


def _drops_mark(mark: str, base: str) -> bool:
    """Whether a combining mark is an accent to strip, given the letter it sits on."""
    code = ord(mark)
    if in_ranges(code, _ALWAYS_DROPPED_MARKS):
        return True
    script = script_of(base)
    if script == "arabic":
        if code in _HAMZA_MARKS:
            return base == _ALEF
        return in_ranges(code, _HARAKAT)
    if script == "hebrew":
        return in_ranges(code, _HEBREW_POINTS)
    if script == "cyrillic" and code == _CYRILLIC_BREVE:
        return False
    return in_ranges(code, _DIACRITIC_RANGES)


def normalise(text: str) -> str:
    """The message as it is compared: "¡LÍSTA!! 🙏" -> "lista".

    NFKC (full-width to half-width, ligatures apart), case folded, accents stripped from Latin,
    Greek and Cyrillic (but й stays й, and CJK, Cyrillic and Arabic letters stay), Arabic harakat
    and tatweel removed and alef forms unified, digits of any script made ASCII, apostrophes
    dropped, punctuation, symbols and emoji turned into spaces, white space collapsed. Total and
    idempotent.
    """
    # Apostrophes go before NFKC (which turns "´" into a space and an accent) and after it
    # (which turns "ŉ" into "ʼn").
    text = unicodedata.normalize("NFKC", text.translate(_APOSTROPHES)).casefold()
    text = text.translate(_APOSTROPHES)
    out: list[str] = []
    base = ""  # the letter or digit the next combining mark would sit on
    for ch in unicodedata.normalize("NFD", text):
        category = unicodedata.category(ch)
        kind = category[0]
        if kind == "M":
            if base and not _drops_mark(ch, base):
                out.append(ch)
            continue
        if ch == _TATWEEL:
            continue
        if kind in "LN":
            if category == "Nd":
                ch = str(unicodedata.decimal(ch))
            out.append(ch)
            base = ch
        elif kind in "PSZ" or category == "Cc":
            out.append(" ")
            base = ""
        # Cf, Cs, Co, Cn (format marks, broken surrogates, private use, emoji newer than this
        # Python's Unicode tables) carry no word: drop them.
    text = "".join(out).translate(_LATIN_FOLD).translate(_ARABIC_FOLD)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def split_numbers(normalised: str) -> str:
    """ "script2" -> "script 2", so a number glued to a word is still found."""
    return _LETTER_DIGIT.sub(" ", normalised)


def has_unspaced_script(text: str) -> bool:
    """Whether the text has letters of a script written without spaces (Chinese, Thai, ...)."""
    return any(in_ranges(ord(ch), UNSPACED_RANGES) for ch in text)


def latin_only(text: str) -> bool:
    return all(ch == " " or ch.isdigit() or script_of(ch) == "latin" for ch in text)
