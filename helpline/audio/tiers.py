"""Quality tiers, so no caller hears audio worse than Twilio's own neural <Say> voice.

A human recording beats a neural voice, which beats a robotic one. Each language's content says
the lowest tier the voice flow may play (``audio_min_tier``); below it the caller hears <Say>.
"""

from __future__ import annotations

ROBOTIC = "robotic"
NEURAL = "neural"
RECORDED = "recorded"

#: Worst to best.
TIERS = (ROBOTIC, NEURAL, RECORDED)

#: Recorded and neural audio plays; robotic audio only where an operator opts in.
DEFAULT_MIN_TIER = NEURAL


class UnknownTier(ValueError):
    """A tier name that is not one of TIERS; the message lists the valid ones."""


def tier_rank(tier: str) -> int:
    try:
        return TIERS.index(str(tier).strip().lower())
    except ValueError:
        raise UnknownTier(
            f"{tier!r} is not an audio tier; use one of: {', '.join(reversed(TIERS))}."
        ) from None


def meets_min_tier(tier: str, minimum: str) -> bool:
    """Whether audio of ``tier`` may play where the language asks for at least ``minimum``."""
    return tier_rank(tier) >= tier_rank(minimum)
