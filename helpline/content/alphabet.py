"""The GSM-7 alphabet, and texts written in it the way texters write when accents cost money.

One character outside GSM-7 makes a whole SMS UCS-2: 70 characters a segment instead of 160,
so about three times the price. Spanish and French need only a few such letters (á í ó ú,
â ê î ô û ç, œ), and people who text in those languages often leave the accents off. A
language with ``sms_alphabet: economy`` has its SMS written that way: only the letters GSM-7
lacks are changed (é è à ù ñ ü ¿ ¡ stay), to the plain letter a texter would type.
"""

from __future__ import annotations

import unicodedata

#: The GSM 03.38 default alphabet in septet order (3GPP TS 23.038). Position 0x1B is the escape
#: to the extension table, not a character, so it holds a placeholder that is never matched.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
_ESCAPE = 0x1B

#: The extension table: character -> septet sent after the escape.
GSM7_EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

#: Punctuation a texter types plainly; letters are stripped of their accent instead.
_PLAIN = {
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u202f": " ",
    "\u0153": "oe", "\u0152": "OE",
}
_GSM7 = frozenset(GSM7_BASIC) | frozenset(GSM7_EXTENSION)


def to_gsm7(text: str) -> str:
    """The text with every character GSM-7 lacks replaced as a texter would write it.

    Characters with no plain form (Chinese, Arabic, Cyrillic, emoji) are left as they are.
    """
    out = []
    for ch in text:
        if ch in _GSM7:
            out.append(ch)
        elif ch in _PLAIN:
            out.append(_PLAIN[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", ch)
                           if not unicodedata.combining(c))
            out.append(base if base and all(c in _GSM7 for c in base) else ch)
    return "".join(out)
