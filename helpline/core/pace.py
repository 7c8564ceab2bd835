"""How long a take of some words may be, and how fast it was read: plain arithmetic, no audio.

The phone call is written to be heard at 140-150 words a minute (slow enough for an anxious
listener in a second language). The studio shows each take's pace beside that target, and
refuses a take far outside it: one that fast cannot hold all the words, one that slow holds
something else too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Longer than the longest prompt read slowly (about 80 words at 70 a minute).
MAX_SECONDS = 120.0
#: The pace the phone call is written for (words a minute), shown beside each take.
TARGET_WPM = (140, 150)
#: Chinese is counted in characters; the same pace is about this many a minute.
TARGET_CPM = (200, 230)
#: The slow rendering a caller gets after pressing "slower".
SLOW_TARGET_WPM, SLOW_TARGET_CPM = (110, 120), (160, 185)
#: Faster or slower than this share of the target, the take cannot be all (or only) the words.
FASTEST_SHARE, SLOWEST_SHARE = 1.8, 0.45
#: Seconds of slack on the allowed length: a short prompt's pace varies most.
SLACK_SECONDS = 1.5
#: ``helpline audio status`` flags a built prompt paced outside this share of the target
#: (wider than the target itself: one sentence's pace varies more than a whole call's) ...
FLAG_SHARE = (0.85, 1.12)
#: ... once it holds enough words for its pace to mean something ("Question 3 of 10" does not).
MIN_UNITS_TO_JUDGE = 8

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Pace:
    """How fast the words were read, beside the pace the call is written for."""

    units: int
    unit: str
    per_minute: float
    target: tuple[int, int]

    @property
    def label(self) -> str:
        low, high = self.target
        return (f"{self.per_minute:.0f} {self.unit} a minute "
                f"(the call is written for {low}-{high})")

    def as_dict(self) -> dict[str, object]:
        return {"units": self.units, "unit": self.unit, "per_minute": round(self.per_minute),
                "target": list(self.target), "label": self.label}


def units_of(text: str, language: str, slow: bool = False) -> tuple[int, str, tuple[int, int]]:
    """What the pace is counted in: words, or characters for Chinese (and its target)."""
    if language.split("-")[0] == "zh" or len(_CJK.findall(text)) > len(text) // 3:
        count = len(_CJK.findall(text)) + len(re.findall(r"[0-9A-Za-z]+", text))
        return max(1, count), "characters", SLOW_TARGET_CPM if slow else TARGET_CPM
    words = [w for w in text.split() if any(unicodedata.category(c)[0] in "LN" for c in w)]
    return max(1, len(words)), "words", SLOW_TARGET_WPM if slow else TARGET_WPM


def off_pace(pace: Pace) -> bool:
    """Too fast or too slow for the call, on enough words to tell."""
    low, high = pace.target
    return pace.units >= MIN_UNITS_TO_JUDGE and not (
        low * FLAG_SHARE[0] <= pace.per_minute <= high * FLAG_SHARE[1])


#: A prompt built further than this from the middle of its target pace is spoken again at the
#: right pace (an engine reads a menu's short sentences slowly and a long sentence fast).
PACE_TOLERANCE = 0.04
#: ... but never sped up or slowed down by more than this in all.
PACE_LIMITS = (0.6, 1.6)


def pace_correction(text: str, language: str, seconds: float, slow: bool = False
                    ) -> float | None:
    """How much faster (above 1) or slower to speak ``text`` to reach the middle of its
    target pace; None when it is close enough, or too short to judge."""
    pace = pace_of(text, language, seconds, slow)
    if pace.units < MIN_UNITS_TO_JUDGE:
        return None
    share = (sum(pace.target) / 2) / pace.per_minute
    return None if abs(share - 1) <= PACE_TOLERANCE else share


def pace_of(text: str, language: str, seconds: float, slow: bool = False) -> Pace:
    """How fast ``text`` was read in ``seconds``, beside the target (the slow rendering's)."""
    units, unit, target = units_of(text, language, slow)
    return Pace(units, unit, units * 60.0 / max(seconds, 1e-3), target)


def seconds_at_pace(text: str, language: str) -> float:
    """How long the words take read at the middle of the call's pace (whole seconds from 10)."""
    units, _, (low, high) = units_of(text, language)
    seconds = units * 60.0 / ((low + high) / 2)
    return round(seconds) if seconds >= 10 else round(seconds, 1)


def allowed_seconds(text: str, language: str) -> tuple[float, float]:
    """The shortest and longest take that can hold these words."""
    units, _, (low, high) = units_of(text, language)
    shortest = units * 60.0 / (high * FASTEST_SHARE) - 0.2 * SLACK_SECONDS
    longest = units * 60.0 / (low * SLOWEST_SHARE) + SLACK_SECONDS
    return round(max(0.3, shortest), 1), round(min(MAX_SECONDS, longest), 1)
