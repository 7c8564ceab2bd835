"""Opening hours of the hand-off to a person, e.g. ``mon-fri 09:00-17:00; sat 10:00-13:00``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from ..config import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RULE = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class Window:
    days: frozenset[int]
    start: time
    end: time


EXAMPLE = "'mon-fri 09:00-17:00; sat 10:00-13:00'"


class HoursError(ConfigError, ValueError):
    """HELPLINE_OPENING_HOURS cannot be read; the message shows the expected form."""


def _clock(value: str, spec: str) -> time:
    hours, minutes = (int(part) for part in value.split(":"))
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise HoursError(f"HELPLINE_OPENING_HOURS: {value!r} in {spec!r} is not a time of day. "
                         f"Write it like {EXAMPLE}.")
    return time(hours, minutes)


def parse_hours(spec: str) -> tuple[Window, ...]:
    """Read the opening hours; raises HoursError naming the part it cannot read."""
    windows = []
    for rule in filter(None, (part.strip().lower() for part in spec.split(";"))):
        match = _RULE.match(rule)
        if not match or match["first"] not in DAYS or (match["last"] and match["last"] not in DAYS):
            raise HoursError(
                f"HELPLINE_OPENING_HOURS: cannot read {rule!r}. Write it like {EXAMPLE}."
            )
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        windows.append(Window(frozenset(days), _clock(match["start"], rule),
                              _clock(match["end"], rule)))
    return tuple(windows)


def is_open(windows: tuple[Window, ...], now: datetime) -> bool:
    moment = now.time()
    return any(now.weekday() in w.days and w.start <= moment < w.end for w in windows)
