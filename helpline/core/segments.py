"""Count what an SMS costs: its encoding and number of segments, exactly as Twilio does.

Twilio bills per segment, and one character outside the GSM-7 alphabet switches the whole
message to UCS-2, which holds 70 characters a segment instead of 160. The content check and the
SMS splitter use this module to keep texts cheap and to say which character made them dear.

The rules follow Twilio's own Messaging Segment Calculator (sms-segments-calculator):

- GSM-7: 160 septets in a single segment, 153 per segment once the message is concatenated
  (each part then carries a 6-byte user data header). Characters of the extension table
  (``^ { } \\ [ ~ ] | €`` and form feed) cost 2 septets: an escape and the character. An escape
  pair is never split across segments.
- UCS-2: 70 UTF-16 code units in a single segment, 67 per concatenated segment. A character
  outside the Basic Multilingual Plane (most emoji) is a surrogate pair of 2 code units and is
  never split across segments. Like the calculator, a user-perceived character of at most two
  code units (a letter with one combining accent, a single emoji) moves to the next segment
  whole; a longer cluster (a flag, a family emoji) may be split between its code points.

Pure: no I/O, no Twilio client.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# The alphabet lives with the content, which writes texts in it (sms_alphabet: economy).
from ..content.alphabet import _ESCAPE, GSM7_BASIC, GSM7_EXTENSION  # noqa: F401

GSM7 = "GSM-7"
UCS2 = "UCS-2"

#: Every character GSM-7 can carry, with the septets it is sent as.
GSM7_SEPTETS: dict[str, tuple[int, ...]] = {
    **{ch: (code,) for code, ch in enumerate(GSM7_BASIC) if code != _ESCAPE},
    **{ch: (_ESCAPE, code) for ch, code in GSM7_EXTENSION.items()},
}

#: Units per segment: (single message, each part of a concatenated message).
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentInfo:
    """What a message costs to send.

    ``units`` are GSM-7 septets or UTF-16 code units, whichever the encoding counts.
    ``characters`` are user-perceived characters (grapheme clusters), as Twilio's calculator
    shows them; CR LF counts as two. ``non_gsm`` lists the distinct code points that force
    UCS-2, in order of first appearance, so a content editor can be told which one to replace.
    """

    encoding: str
    segments: int
    units: int
    characters: int
    non_gsm: tuple[str, ...]

    @property
    def payload_bits(self) -> int:
        """Bits of text, without the user data headers (Twilio's ``messageSize``)."""
        return self.units * (7 if self.encoding == GSM7 else 16)

    @property
    def total_bits(self) -> int:
        """Bits sent, with a 48-bit user data header per part when concatenated."""
        return self.payload_bits + (48 * self.segments if self.segments > 1 else 0)


def is_gsm7(text: str) -> bool:
    """True when every character of the text fits the GSM-7 alphabet (basic or extension)."""
    return all(ch in GSM7_SEPTETS for ch in text)


def analyse(text: str) -> SegmentInfo:
    """Encoding, segment count and size of a message as Twilio would send it."""
    non_gsm = tuple(dict.fromkeys(ch for ch in text if ch not in GSM7_SEPTETS))
    encoding = UCS2 if non_gsm else GSM7
    clusters = graphemes(text)
    atoms = _atoms(clusters, encoding)
    units = sum(size for _, size in atoms)
    return SegmentInfo(
        encoding=encoding,
        segments=len(_pack(atoms, encoding, units)),
        units=units,
        characters=len(clusters),
        non_gsm=non_gsm,
    )


def split_segments(text: str) -> list[str]:
    """The text of each segment Twilio would send (an empty text is one empty segment)."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    atoms = _atoms(graphemes(text), encoding)
    units = sum(size for _, size in atoms)
    return ["".join(piece for piece, _ in segment) for segment in _pack(atoms, encoding, units)]


def _atoms(clusters: list[str], encoding: str) -> list[tuple[str, int]]:
    """The pieces that are never split across segments, with their size in units.

    The calculator keeps a cluster of up to two UTF-16 code units whole and splits longer
    clusters into code points; a code point itself is never split.
    """
    atoms: list[tuple[str, int]] = []
    for cluster in clusters:
        pieces = [cluster] if _utf16_len(cluster) <= 2 else list(cluster)
        for piece in pieces:
            if encoding == GSM7:
                size = sum(len(GSM7_SEPTETS[ch]) for ch in piece)
            else:
                size = _utf16_len(piece)
            atoms.append((piece, size))
    return atoms


def _pack(atoms: list[tuple[str, int]], encoding: str, units: int) -> list[list[tuple[str, int]]]:
    """Fill segments greedily; an atom that does not fit whole starts the next segment."""
    single, part = _LIMITS[encoding]
    if units <= single:
        return [atoms]
    segments: list[list[tuple[str, int]]] = [[]]
    free = part
    for atom in atoms:
        if atom[1] > free:
            segments.append([])
            free = part
        segments[-1].append(atom)
        free -= atom[1]
    return segments


def _utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


# --- user-perceived characters -----------------------------------------------------------------
#
# A compact version of the Unicode extended grapheme cluster rules (UAX #29), enough to count
# characters the way Twilio's calculator (which uses the `graphemer` library) shows them:
# combining marks, emoji modifiers and variation selectors join their base, ZWJ emoji sequences
# and flag pairs are one character, Hangul jamo join into syllables. CR LF stays two characters,
# as the calculator counts it. Rare rules (prepended concatenation marks, Indic conjuncts) are
# left out: they change only the character count, never the encoding or the segment count.

_ZWJ = "\u200d"
_RI_FIRST, _RI_LAST = 0x1F1E6, 0x1F1FF


def graphemes(text: str) -> list[str]:
    """The text cut into user-perceived characters (CR LF is two, as Twilio counts it)."""
    clusters: list[str] = []
    for ch in text:
        if clusters and _joins(clusters[-1], ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def _joins(cluster: str, ch: str) -> bool:
    previous = cluster[-1]
    if _is_control(previous) or _is_control(ch):
        return False
    if _is_extend(ch):
        return True
    if previous == _ZWJ and _is_pictographic(ch):
        return True
    if _is_regional(ch):
        # Flags are pairs of regional indicators: join only onto a lone one.
        return len(cluster) == 1 and _is_regional(previous)
    return _hangul_joins(previous, ch)


def _is_regional(ch: str) -> bool:
    return _RI_FIRST <= ord(ch) <= _RI_LAST


def _is_control(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    return category == "Cf" and ch not in "\u200c\u200d" and not _is_tag(ch)


def _is_tag(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007F


def _is_extend(ch: str) -> bool:
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    code = ord(ch)
    return ch in "\u200c\u200d" or 0x1F3FB <= code <= 0x1F3FF or _is_tag(ch)


def _is_pictographic(ch: str) -> bool:
    code = ord(ch)
    return unicodedata.category(ch) == "So" or 0x1F000 <= code <= 0x1FAFF


def _hangul_kind(ch: str) -> str:
    code = ord(ch)
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _hangul_joins(previous: str, ch: str) -> bool:
    before, after = _hangul_kind(previous), _hangul_kind(ch)
    if before == "L":
        return after in ("L", "V", "LV", "LVT")
    if before in ("LV", "V"):
        return after in ("V", "T")
    if before in ("LVT", "T"):
        return after == "T"
    return False
