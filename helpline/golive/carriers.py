"""`helpline doctor`'s carrier checks: will the texts the helpline sends reach anyone?

Carriers drop texts that break their country's rules, and Twilio then reports only an error
code. Three checks say before the first caller does whether the sender is registered where it
must be: US/Canada A2P 10DLC campaigns and toll-free verification (asked of Twilio's
Messaging API), alphanumeric sender ids per destination country (from a table of Twilio's
country guidelines), and China, where texts are filtered without a registered template.
``CarrierApi`` is the one seam to Twilio; the verdicts are plain functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers

from ..core import destinations
from .doctor import CheckResult
from .twilio_setup import NumberApi, SetupError

#: Where Twilio keeps each country's rules for senders.
GUIDELINES = "https://www.twilio.com/en-us/guidelines/{cc}/sms"

#: Alphanumeric sender ids by destination country, from Twilio's country guidelines at the time
#: of writing (they change: the doctor names the page to confirm). REQUIRED: carriers drop texts
#: that do not come from a registered sender id. FORBIDDEN: a sender id is not supported, the
#: text must come from a number. Countries not listed accept a number or a sender id.
REQUIRED, FORBIDDEN = "required", "forbidden"
SENDER_ID_RULES: dict[str, str] = {
    "US": FORBIDDEN, "CA": FORBIDDEN, "CN": FORBIDDEN, "PR": FORBIDDEN,
    "AE": REQUIRED, "SA": REQUIRED, "EG": REQUIRED, "JO": REQUIRED, "KW": REQUIRED,
    "QA": REQUIRED, "OM": REQUIRED, "RU": REQUIRED, "IN": REQUIRED, "VN": REQUIRED,
}

#: Where in the Twilio console each fix is made.
CONSOLE_A2P = "Messaging > Regulatory Compliance > Onboarding (A2P 10DLC)"
CONSOLE_TOLL_FREE = "Phone Numbers > Regulatory Compliance > Toll-free verifications"
CONSOLE_SENDER_POOL = "Messaging > Services > your service > Sender Pool"

#: Statuses Twilio gives an A2P campaign and a toll-free verification once carriers accept it.
CAMPAIGN_APPROVED = "VERIFIED"
TOLL_FREE_APPROVED = "TWILIO_APPROVED"
TOLL_FREE_REJECTED = "TWILIO_REJECTED"
NANP_REGIONS = {"US", "CA"}


@dataclass(frozen=True)
class Sender:
    """Who the helpline texts from, and where it may text."""

    number: str
    service_sid: str
    countries: frozenset[str]
    sender_ids: Mapping[str, str]


def number_kind(number: str) -> str:
    """"toll_free", "local" (a US/Canadian 10-digit number), "short_code", or "other"."""
    digits = number.lstrip("+")
    if number.startswith("+1") and len(digits) == 11:
        parsed = phonenumbers.parse(number, None)
        if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE:
            return "toll_free"
        return "local"
    if digits.isdigit() and 5 <= len(digits) <= 6 and not number.startswith("+"):
        return "short_code"
    return "other"


def campaign_verdict(where: str, statuses: Iterable[str]) -> tuple[bool, str]:
    """A2P 10DLC: approved, waiting, rejected or missing, for the service(s) in ``where``."""
    found = [s.upper() for s in statuses if s]
    if CAMPAIGN_APPROVED in found:
        return True, f"A2P 10DLC campaign approved for {where}"
    if not found:
        return False, (f"no A2P 10DLC campaign for {where}: US carriers block its texts "
                       f"(error 30034). Register a brand, then a campaign, in the Twilio "
                       f"console ({CONSOLE_A2P}), and put the number in that campaign's "
                       f"messaging service ({CONSOLE_SENDER_POOL})")
    if "FAILED" in found:
        return False, (f"the A2P 10DLC campaign for {where} was rejected: read why in the "
                       f"console ({CONSOLE_A2P}), correct it and submit it again")
    return False, (f"the A2P 10DLC campaign for {where} is waiting for approval "
                   f"({', '.join(sorted(set(found)))}): texts to US numbers are blocked "
                   "(error 30034) until carriers approve it, which can take weeks")


def toll_free_verdict(number: str, status: str | None, reason: str = "") -> tuple[bool, str]:
    """Toll-free verification: approved, waiting, rejected or never asked for."""
    status = (status or "").upper()
    if status == TOLL_FREE_APPROVED:
        return True, f"toll-free number {number} is verified"
    if not status:
        return False, (f"toll-free number {number} is not verified: carriers block its texts. "
                       f"Submit a verification in the console ({CONSOLE_TOLL_FREE})")
    if status == TOLL_FREE_REJECTED:
        return False, (f"the verification of {number} was rejected"
                       f"{': ' + reason if reason else ''}. Correct it and submit it again "
                       f"({CONSOLE_TOLL_FREE})")
    return False, (f"the verification of {number} is {status}: texts may be blocked until "
                   "Twilio approves it (usually a few business days)")


def sender_id_verdict(countries: Iterable[str], sender_ids: Mapping[str, str]) -> CheckResult:
    """For each allowed destination: a sender id where one is required, none where forbidden."""
    name = "sender ids"
    missing, wrong, kept = [], [], []
    for cc in sorted(set(countries)):
        rule = SENDER_ID_RULES.get(cc)
        if rule == REQUIRED and cc not in sender_ids:
            missing.append(cc)
        elif rule == FORBIDDEN and cc in sender_ids:
            wrong.append(cc)
        elif cc in sender_ids:
            kept.append(f"{cc} as {sender_ids[cc]!r}")
    problems = []
    if missing:
        problems.append(
            f"{', '.join(missing)} require{'s' if len(missing) == 1 else ''} a registered "
            "alphanumeric sender id: register one with Twilio (console: Messaging > Senders > "
            "Alphanumeric sender IDs), then set HELPLINE_SMS_SENDER_IDS, e.g. "
            f"{missing[0]}=Helpline; see {GUIDELINES.format(cc=missing[0].lower())}")
    if wrong:
        problems.append(f"{', '.join(wrong)} do{'es' if len(wrong) == 1 else ''} not accept "
                        "alphanumeric sender ids: remove "
                        f"{', '.join(cc + '=' for cc in wrong)} from HELPLINE_SMS_SENDER_IDS")
    if problems:
        return CheckResult(name, False, "; ".join(problems))
    detail = "no allowed country requires one"
    if kept:
        detail = "texts to " + ", ".join(kept) + " use their sender id"
    return CheckResult(name, True, detail)


def china_warning(countries: Iterable[str]) -> CheckResult | None:
    """Texts to +86 mobiles are filtered (error 30007) unless sent under a registered template."""
    if "CN" not in set(countries):
        return None
    return CheckResult(
        "china", True,
        "texts to mobiles in China (+86) are filtered by carriers (error 30007) unless sent "
        "under a template registered with Twilio for China; few arrive without one. Calls from "
        "China work: callers there are told, in their language, that a text may not arrive "
        "and can hear everything again on the call. To register templates, ask Twilio support "
        "(China SMS); or remove CN from HELPLINE_SMS_COUNTRIES.",
        warn=True)


class CarrierApi:
    """Twilio's Messaging API: messaging services, A2P 10DLC campaigns, toll-free checks."""

    def __init__(self, settings: Mapping[str, Any]):
        self.numbers = NumberApi(settings)  # the same credentials check and error sentences
        self.client = self.numbers.client

    def services_with(self, number: str) -> list[str]:
        """The messaging services whose sender pool holds ``number``."""
        services = self.numbers._call(lambda: self.client.messaging.v1.services.list(limit=50))
        found = []
        for service in services:
            pool = self.numbers._call(lambda s=service: self.client.messaging.v1.services(
                s.sid).phone_numbers.list(limit=400))
            if any(str(entry.phone_number) == number for entry in pool):
                found.append(str(service.sid))
        return found

    def campaign_statuses(self, service_sid: str) -> list[str]:
        campaigns = self.numbers._call(lambda: self.client.messaging.v1.services(
            service_sid).us_app_to_person.list(limit=20))
        return [str(c.campaign_status or "") for c in campaigns]

    def pool(self, service_sid: str) -> list[str]:
        return [str(entry.phone_number) for entry in self.numbers._call(
            lambda: self.client.messaging.v1.services(service_sid).phone_numbers.list(
                limit=400))]

    def toll_free_status(self, number: str) -> tuple[str | None, str]:
        """The latest verification's status for ``number`` and its rejection reason."""
        found = self.numbers._call(
            lambda: self.client.messaging.v1.tollfree_verifications.list(limit=50))
        mine = [v for v in found if str(v.tollfree_phone_number or "") == number]
        if not mine:
            return None, ""
        latest = max(mine, key=lambda v: str(v.date_updated or ""))
        return str(latest.status or ""), str(latest.rejection_reason or "")


def registration(sender: Sender, api: Callable[[], CarrierApi]) -> CheckResult | None:
    """US/Canada: is the sender registered as carriers require? None where it does not apply."""
    name = "us/ca texting"
    if not sender.countries & NANP_REGIONS:
        return None
    kind = number_kind(sender.number) if sender.number else "service"
    if kind == "short_code":
        return None  # carriers approved it when it was bought
    if kind == "other":
        return CheckResult(name, True, (
            f"texts to US and Canadian numbers from {sender.number} (not a North American "
            "number) are mostly blocked by their carriers: for callers there, buy a US or "
            "toll-free number and register it (README: Texting rules by region), or leave US "
            "and CA out of HELPLINE_SMS_COUNTRIES"), warn=True)
    try:
        carrier = api()
        if kind == "toll_free":
            ok, detail = toll_free_verdict(sender.number, *carrier.toll_free_status(
                sender.number))
        elif sender.service_sid:
            ok, detail = _service_verdict(carrier, sender.service_sid)
        else:
            services = carrier.services_with(sender.number)
            if not services:
                return CheckResult(name, False, (
                    f"{sender.number} is in no messaging service, so in no A2P 10DLC "
                    "campaign: US carriers block its texts (error 30034). Register a brand "
                    f"and a campaign ({CONSOLE_A2P}), then add the number to the campaign's "
                    f"messaging service ({CONSOLE_SENDER_POOL})"))
            statuses = [s for sid in services for s in carrier.campaign_statuses(sid)]
            ok, detail = campaign_verdict(f"{sender.number} (service "
                                          f"{', '.join(services)})", statuses)
    except SetupError as exc:
        return CheckResult(name, False, str(exc))
    return CheckResult(name, ok, detail)


def _service_verdict(carrier: CarrierApi, service_sid: str) -> tuple[bool, str]:
    """A messaging service passes with an approved campaign, or when it sends only from
    verified toll-free numbers."""
    ok, detail = campaign_verdict(f"messaging service {service_sid}",
                                  carrier.campaign_statuses(service_sid))
    if ok:
        return ok, detail
    pool = carrier.pool(service_sid)
    toll_free = [n for n in pool if number_kind(n) == "toll_free"]
    if toll_free and len(toll_free) == len(pool):
        verdicts = [toll_free_verdict(n, *carrier.toll_free_status(n)) for n in toll_free]
        if all(v[0] for v in verdicts):
            return True, f"messaging service {service_sid} sends from verified toll-free numbers"
        return False, "; ".join(v[1] for v in verdicts if not v[0])
    return ok, detail


def carrier_checks(sender: Sender, api: Callable[[], CarrierApi] | None) -> list[CheckResult]:
    """Every carrier check that applies to this sender, in the order an operator fixes them."""
    results = []
    if api is not None:
        found = registration(sender, api)
        if found is not None:
            results.append(found)
    results.append(sender_id_verdict(sender.countries, sender.sender_ids))
    warning = china_warning(sender.countries)
    if warning is not None:
        results.append(warning)
    return results


def sender_of(settings: Mapping[str, Any]) -> Sender:
    """The sender and destinations from the same settings the worker sends with."""
    regions = destinations.parse_countries(str(settings.get("HELPLINE_SMS_COUNTRIES") or ""),
                                           settings.get("TWILIO_FROM_NUMBER"))
    named = {cc for cc in regions if not any(cc in deps for deps in
                                                 destinations.SAME_NUMBERING.values())}
    return Sender(number=str(settings.get("TWILIO_FROM_NUMBER") or ""),
                  service_sid=str(settings.get("TWILIO_MESSAGING_SERVICE_SID") or ""),
                  countries=frozenset(named),
                  sender_ids=destinations.parse_sender_ids(
                      str(settings.get("HELPLINE_SMS_SENDER_IDS") or "")))
