"""The one sending policy every text the helpline starts passes: where it may go, how many.

Text-me, caregiver shares and reminders all ask ``check`` inside the transaction that queues
the text, so a refusal and a count are never out of step with the queue. Refusals are logged
(masked) and counted per day for ``helpline doctor`` and ``/readyz``, where an operator sees an
attack begin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from ..config import ConfigError, local_mode
from ..core import destinations, phone
from ..core.privacy import mask_number
from ..core.send_limits import Limit, claims, configured_limits, reply_claims
from ..store.transaction import Transaction
from .line_type import refusal_for

log = logging.getLogger(__name__)

_EXTENSION = "helpline.sending_policy"
STOP_FOOTER, STOP_TO_NUMBER = "sms.stop_footer", "sms.stop_footer_number"


@dataclass(frozen=True)
class Refusal:
    """Why a send was refused: ``rule`` is a limit's rule or a destination reason."""

    rule: str
    limit: bool

    @property
    def about_recipient(self) -> bool:
        """A refusal the person who asked must not learn of (it is about someone else)."""
        return not self.limit or self.rule.endswith("_to")


@dataclass(frozen=True)
class SendingPolicy:
    """Allowed destination regions and the daily limits, read once from the settings."""

    regions: frozenset[str]
    limits: tuple[Limit, ...]
    #: Twilio's line type look-up (HELPLINE_LOOKUP_LINE_TYPE=1), or None when off.
    lookup: Callable[[str], str | None] | None = None
    #: Countries texted from an alphanumeric sender id, which cannot be replied to: texts
    #: there say which number to send STOP to.
    named_sender: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: dict) -> SendingPolicy:
        try:
            regions = destinations.parse_countries(
                str(settings.get("HELPLINE_SMS_COUNTRIES") or ""),
                settings.get("TWILIO_FROM_NUMBER"))
        except ValueError as exc:
            raise ConfigError(
                f"HELPLINE_SMS_COUNTRIES lists {exc}, which is not a country code. Use ISO "
                "codes separated by commas, e.g. HELPLINE_SMS_COUNTRIES=GB,IE,US."
            ) from None
        try:
            sender_ids = destinations.parse_sender_ids(
                str(settings.get("HELPLINE_SMS_SENDER_IDS") or ""))
        except ValueError as exc:
            raise ConfigError(f"HELPLINE_SMS_SENDER_IDS: {exc}. Write it as "
                              "COUNTRY=NAME pairs, e.g. GB=Helpline,FR=Helpline.") from None
        lookup = None
        if _is_on(settings.get("HELPLINE_LOOKUP_LINE_TYPE")) and not local_mode(settings):
            from .line_type import LineTypeLookup

            lookup = LineTypeLookup(settings)
        named = frozenset(sender_ids) if settings.get("TWILIO_FROM_NUMBER") and not \
            settings.get("TWILIO_MESSAGING_SERVICE_SID") else frozenset()
        return cls(regions, configured_limits(settings), lookup, named)

    def stop_footer(self, ids: list[str], destination: str) -> list[str]:
        """``ids`` with the footer that names the helpline number where a text comes from a
        sender id (a name cannot be replied to)."""
        if destinations.region_of(destination) not in self.named_sender:
            return ids
        return [STOP_TO_NUMBER if text_id == STOP_FOOTER else text_id for text_id in ids]

    def destination_refusal(self, number: str, *, simulated: bool = False) -> Refusal | None:
        """Why no text may go to ``number`` at all, or None. Simulated traffic (never sent)
        may use fictional numbers."""
        if simulated and phone.is_fictional(number):
            return None
        reason = destinations.refusal(number, self.regions)
        return Refusal(reason, limit=False) if reason else None

    def check(self, tx: Transaction, kind: str, origin: str | None, destination: str, *,
              simulated: bool = False, now: datetime | None = None) -> Refusal | None:
        """None when the text may be queued (its counts are taken), else why not.

        Simulated traffic (never sent) may use fictional numbers and takes nothing of the
        helpline's daily total. ``now`` picks the day counted (a worker run with ``--now``).
        """
        refused = self.destination_refusal(destination, simulated=simulated)
        if refused is not None:
            tx.send_counts.count_refusal(refused.rule, now)
        else:
            wanted = [claim for claim in claims(self.limits, kind, origin, destination)
                      if not (simulated and claim.number is None)]
            rule = tx.send_counts.take(wanted, now)
            refused = Refusal(rule, limit=True) if rule else None
            if refused is None and not simulated:
                # After the limits, so an abuser cannot run up look-ups the limits would stop.
                refused = self.line_type_refusal(tx, destination)
        if refused is not None:
            log.warning("refused a %s text to %s: %s", kind, mask_number(destination),
                        refused.rule)
        return refused

    def check_reply(self, tx: Transaction, kind: str, number: str) -> Refusal | None:
        """None when a costly reply (ALL) may go to ``number`` (its count is taken), else the
        limit reached. The same daily counts as every other send."""
        rule = tx.send_counts.take(reply_claims(self.limits, kind, number))
        if rule:
            log.warning("refused a %s reply to %s: %s", kind, mask_number(number), rule)
            return Refusal(rule, limit=True)
        return None

    def line_type_refusal(self, tx: Transaction, destination: str) -> Refusal | None:
        """Landlines and VoIP numbers, by Twilio's line type, looked up once a day a number."""
        if self.lookup is None:
            return None
        kind = tx.send_counts.line_type(destination)
        if kind is None:
            kind = self.lookup(destination)
            if kind is not None:
                tx.send_counts.keep_line_type(destination, kind)
        rule = refusal_for(kind)
        if rule is None:
            return None
        tx.send_counts.count_refusal(rule)
        return Refusal(rule, limit=False)


def _is_on(value: object) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def init_app(app: Flask) -> SendingPolicy:
    policy = SendingPolicy.from_settings(app.config)
    app.extensions[_EXTENSION] = policy
    return policy


def current_policy() -> SendingPolicy:
    return policy_of(current_app)


def policy_of(app: Flask) -> SendingPolicy:
    """``app``'s policy, outside a request (the worker)."""
    return app.extensions[_EXTENSION]
