"""How many texts the helpline may start in a day: per kind, per number, and in all.

Caller ids are easy to spoof, so "text me" from a call and a SHARE typed in a text are both
ways for a stranger to make the operator pay for messages. Each send is counted against every
limit below before it is queued; the first limit already reached refuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

Scope = Literal["to", "from", "all"]

TEXT_ME = "text_me"
SHARE = "share"
REMINDER = "reminder"
#: ALL by text: a whole section as a reply. A reply is not a text the helpline starts, but a
#: whole section costs up to a dozen segments, so a number may ask for it only so often.
ALL = "all"
#: A WhatsApp voice note (LISTEN, or offered from a call): counted like any text.
VOICE_NOTE = "voice_note"


@dataclass(frozen=True)
class Limit:
    """At most ``per_day`` sends of ``kinds`` (None: every kind) per number in ``scope``;
    ``setting`` names the environment setting that holds ``per_day`` (defaults in config)."""

    rule: str
    setting: str
    scope: Scope
    kinds: frozenset[str] | None = None
    per_day: int = 0

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


#: Every limit and the setting that holds it. "to": texts one number receives; "from": texts
#: one number asks for (a call's caller, a texter); "all": the whole helpline.
LIMITS = (
    Limit("text_me_to", "HELPLINE_TEXT_ME_PER_DAY", "to", frozenset({TEXT_ME})),
    Limit("shares_from", "HELPLINE_SHARES_PER_DAY", "from", frozenset({SHARE})),
    Limit("shares_to", "HELPLINE_SHARES_RECEIVED_PER_DAY", "to", frozenset({SHARE})),
    Limit("all_from", "HELPLINE_ALL_PER_DAY", "from", frozenset({ALL})),
    Limit("texts_to", "HELPLINE_TEXTS_TO_NUMBER_PER_DAY", "to"),
    Limit("texts_from", "HELPLINE_TEXTS_FROM_NUMBER_PER_DAY", "from"),
    Limit("texts_in_all", "HELPLINE_TEXTS_PER_DAY", "all"),
)


@dataclass(frozen=True)
class Claim:
    """One count a send takes: ``number`` is None for the helpline-wide total."""

    rule: str
    number: str | None
    per_day: int


def configured_limits(settings: Mapping[str, Any]) -> tuple[Limit, ...]:
    """The limits with the operator's values (checked to be whole numbers by config)."""
    return tuple(replace(limit, per_day=int(settings[limit.setting])) for limit in LIMITS)


def claims(limits: tuple[Limit, ...], kind: str, origin: str | None,
           destination: str) -> list[Claim]:
    """The counts one send of ``kind`` takes, started by ``origin`` and going to ``destination``."""
    numbers: dict[Scope, str | None] = {"to": destination, "from": origin or destination,
                                        "all": None}
    return [Claim(limit.rule, numbers[limit.scope], limit.per_day)
            for limit in limits if limit.applies_to(kind)]


def reply_claims(limits: tuple[Limit, ...], kind: str, number: str) -> list[Claim]:
    """The counts a costly reply of ``kind`` takes: only the limits named for that kind (a
    reply goes back to the number that asked, so no destination or helpline-wide count)."""
    return [Claim(limit.rule, number, limit.per_day)
            for limit in limits if limit.kinds is not None and kind in limit.kinds]

