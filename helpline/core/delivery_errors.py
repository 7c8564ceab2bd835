"""Why a text did not arrive, in the operator's words: Twilio's error code, a plain reason and
what to do about it.

Twilio reports a failed text by number only (30007, 30034, ...). The reports and the doctor
show the reason and the fix instead, so an operator learns why texts vanish without looking
each code up. Codes not listed here are shown as their number, with where to read about it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The page where Twilio explains any error code.
ERROR_PAGE = "https://www.twilio.com/docs/api/errors/{code}"


@dataclass(frozen=True)
class DeliveryError:
    code: str
    reason: str
    fix: str

    @property
    def label(self) -> str:
        """How a report names it: the code first, so a spreadsheet sorts and filters by it."""
        return f"{self.code} {self.reason}" if self.code else self.reason


#: The failures an operator meets most, with what helps.
KNOWN: dict[str, tuple[str, str]] = {
    "30003": ("unreachable",
              "The phone was off or out of signal. Nothing to change: many in one country at "
              "once can mean a carrier outage."),
    "30005": ("unknown number",
              "The number does not exist or is no longer in service (mistyped, or given up). "
              "Nothing to change."),
    "30006": ("landline",
              "The number cannot receive texts. To refuse landlines and VoIP numbers before "
              "sending, set HELPLINE_LOOKUP_LINE_TYPE=1."),
    "30007": ("filtered by the carrier",
              "The carrier blocked it as unwanted. Register the sender (US/Canada: A2P 10DLC "
              "or toll-free verification); texts to China need a registered template. "
              "`helpline doctor` shows what is missing."),
    "30008": ("unknown carrier error",
              "Usually passes: try again later. If it keeps happening for one country, ask "
              "Twilio support."),
    "30034": ("unregistered sender",
              "US carriers block texts from a number that is not in an approved A2P 10DLC "
              "campaign. Register a brand and a campaign in the Twilio console (Messaging > "
              "Regulatory Compliance > A2P 10DLC) and add the number to its messaging "
              "service, or use a verified toll-free number. `helpline doctor` shows where "
              "it stands."),
    "21610": ("opted out",
              "The person replied STOP to this number. Nothing to change: the helpline has "
              "recorded it and texts them again only after START."),
}

#: Failures without a code (the worker gave up after retrying, or Twilio gave none).
NO_CODE = DeliveryError("", "no error code",
                        "Twilio gave no code, or the worker gave up after retrying: run "
                        "`helpline doctor` to see whether the worker reaches Twilio.")


def explain(code: str | None) -> DeliveryError:
    """The plain reason and fix for a Twilio error code; any other code as its number."""
    code = (code or "").strip()
    if not code:
        return NO_CODE
    if code in KNOWN:
        reason, fix = KNOWN[code]
        return DeliveryError(code, reason, fix)
    return DeliveryError(code, "other error",
                         f"See {ERROR_PAGE.format(code=code)} for what it means.")
