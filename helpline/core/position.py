"""The data of a call: where a caller is (and how it rides in the URL of every step), what
they hear next, and what the helpline does for them.

Any instance can answer any step of any call because everything a step needs is in its URL;
typed digits are the exception: a URL is logged by Twilio, so the channel seals them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MAIN = "main"


@dataclass(frozen=True)
class Position:
    """Where a caller is. Everything a step needs rides in the URL as these fields."""

    screen: str
    language: str
    index: int = 0
    silences: int = 0
    digits: str = ""
    #: The caller asked to hear it slower: every prompt from then on is the slow rendering.
    slow: bool = False
    #: The caller asked to be remembered: where they stop is kept for their next call.
    remembered: bool = False
    #: On the welcome back: the screen the last call stopped on.
    resume: str = ""


@dataclass(frozen=True)
class Say:
    """One prompt: a text id and the values for its placeholders."""

    text_id: str
    values: Mapping[str, object] = field(default_factory=dict)
    #: Speak in this language rather than the call's (the language menu offers each
    #: language in its own words and voice).
    language: str | None = None


#: A short silence between prompts (between the groups of a number read back).
PAUSE = Say("")


@dataclass(frozen=True)
class TextMe:
    """Send the content of ``text_id`` (a piece, or the menu) to the caller by SMS."""

    text_id: str


@dataclass(frozen=True)
class ShareWithCaregiver:
    """Send the catalogue's shared section to the caregiver number the caller typed."""

    digits: str


@dataclass(frozen=True)
class VoiceNote:
    """Send the recorded audio of ``text_id`` to the caller on WhatsApp."""

    text_id: str


@dataclass(frozen=True)
class Remember:
    """Keep where this caller stops (keyed hash of their number) for their next call."""


@dataclass(frozen=True)
class Forget:
    """Stop remembering this caller."""


Effect = TextMe | ShareWithCaregiver | VoiceNote | Remember | Forget


@dataclass(frozen=True)
class Step:
    """What to do next: speak ``prompts``, then listen on ``listen`` (or hang up / transfer)."""

    prompts: tuple[Say, ...]
    listen: Position | None
    effect: Effect | None = None
    transfer: bool = False
    hangup: bool = False
    #: The screen the caller reached, for anonymous usage counts.
    reached: str = ""
    #: Screens the channel owns (setting a reminder): hand the call over to them.
    hand_off: str = ""


def to_query(position: Position) -> dict[str, str]:
    """The query string that brings a caller back to ``position`` on the next request,
    except typed digits: a URL is logged by Twilio, so the channel seals them separately."""
    query = {"s": position.screen, "l": position.language}
    if position.index:
        query["i"] = str(position.index)
    if position.silences:
        query["r"] = str(position.silences)
    if position.slow:
        query["v"] = "1"
    if position.remembered:
        query["m"] = "1"
    if position.resume:
        query["c"] = position.resume
    return query  # typed digits are the channel's to carry, sealed: never plain in a URL


def from_query(args: Mapping[str, str]) -> Position:
    """Read a position back from a URL, whatever junk it holds (``normalise`` cleans it up)."""

    def number(name: str) -> int:
        value = str(args.get(name, "") or "")
        return int(value) if value.isdecimal() and len(value) < 4 else 0

    return Position(
        screen=str(args.get("s", "") or MAIN)[:40],
        language=str(args.get("l", "") or "")[:10].lower(),
        index=number("i"),
        silences=number("r"),
        slow=args.get("v") == "1",
        remembered=args.get("m") == "1",
        resume=str(args.get("c", "") or "")[:40],
    )
