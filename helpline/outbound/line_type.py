"""Twilio's line type intelligence (Lookups v2), asked before the first text to a new number.

Optional (HELPLINE_LOOKUP_LINE_TYPE=1), because each look-up is charged. Landlines cannot
receive texts (error 30006) and VoIP numbers are what SMS pumping and throwaway sign-ups use,
so the sending policy refuses both. A look-up that fails lets the text through: the numbering
rules have already refused what is certainly not a mobile, and a caller must not lose a text
because Twilio's Lookups answered slowly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ..core.privacy import mask_number

log = logging.getLogger(__name__)

#: Twilio's line types the helpline will not text, and the refusal each is counted under.
REFUSED_TYPES = {"landline": "landline", "fixedVoip": "voip", "nonFixedVoip": "voip"}


class LineTypeLookup:
    """One question to Twilio's Lookups API: what kind of line is this number?"""

    def __init__(self, settings: Mapping[str, object], timeout: float = 3.0):
        from .transport import TwilioTransport

        self.client = TwilioTransport(settings, timeout=timeout).client

    def __call__(self, number: str) -> str | None:
        """Twilio's line type (``mobile``, ``landline``, ``nonFixedVoip``, ...), or None."""
        from requests import RequestException
        from twilio.base.exceptions import TwilioException

        try:
            found = self.client.lookups.v2.phone_numbers(number).fetch(
                fields="line_type_intelligence")
        except (RequestException, TwilioException, OSError) as exc:
            log.warning("line type of %s not known (%s): texting it anyway",
                        mask_number(number), type(exc).__name__)
            return None
        info = found.line_type_intelligence or {}
        kind = info.get("type") if isinstance(info, dict) else None
        return str(kind) if kind else None


def refusal_for(kind: str | None) -> str | None:
    """The refusal rule for a line type, or None when it may be texted."""
    return REFUSED_TYPES.get(kind or "")
