"""WhatsApp at go-live: what the operator does by hand in Twilio's console, and doctor's checks.

WhatsApp messages come to the same Messaging webhook as SMS (/sms). A WhatsApp sender's
webhook is set on the sender (the Senders API is still a beta without a published spec here),
and templates need Meta's approval, so set-up prints the steps and the wording to use, and
doctor checks what it can see: the webhook answering a WhatsApp message, and which templates
are missing (those sends go by SMS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..whatsapp import templates
from .doctor import CheckResult, Doctor
from .health import DOCTOR_FIELD

#: Twilio's WhatsApp sandbox number: only phones that sent its join code can use it.
SANDBOX = "+14155238886"


def whatsapp_from(settings: Mapping[str, Any]) -> str:
    """HELPLINE_WHATSAPP_FROM without its ``whatsapp:`` prefix ('' when WhatsApp is off)."""
    return str(settings.get("HELPLINE_WHATSAPP_FROM") or "").strip().removeprefix("whatsapp:")


def steps(public_url: str, sender: str, invites: Mapping[str, str]) -> list[str]:
    """The hand steps, in order, with this deployment's URLs and each language's wording."""
    lines = [f"WhatsApp sender {sender}{' (the sandbox)' if sender == SANDBOX else ''}: "
             "do these by hand in the Twilio console."]
    if sender == SANDBOX:
        lines += [
            "  1. Messaging > Try it out > Send a WhatsApp message > Sandbox settings:",
            f"     When a message comes in: {public_url}/sms (POST)",
            f"     Status callback URL:     {public_url}/sms/status (POST)",
            "  2. From each phone that will try it, send the sandbox's join code to "
            f"{SANDBOX} on WhatsApp.",
        ]
    else:
        lines += [
            f"  1. Messaging > Senders > WhatsApp senders > {sender} > Endpoint configuration:",
            f"     Webhook URL for incoming messages: {public_url}/sms (POST)",
            f"     Fallback URL:                      {public_url}/sms/fallback (POST)",
            f"     Status callback URL:               {public_url}/sms/status (POST)",
            "  2. Check the sender shows Online (Meta approved its display name).",
        ]
    lines += [
        "  3. Content Template Builder: one WhatsApp template per purpose (text_me, "
        "voice_note) and language, category Utility, one variable {{1}} (the helpline's "
        "name). Wording to submit:",
        *(f"     {code}: {wording}" for code, wording in invites.items()),
        "  4. Once Meta approves them, list their Content SIDs in HELPLINE_WHATSAPP_TEMPLATES, "
        "e.g. text_me.en=HX...,voice_note.en=HX... Until then, sends outside the 24-hour "
        "window go by SMS.",
    ]
    return lines


def checks(doctor: Doctor, settings: Mapping[str, Any],
           languages: Sequence[str]) -> list[CheckResult]:
    """Doctor's WhatsApp lines; none when HELPLINE_WHATSAPP_FROM is not set."""
    sender = whatsapp_from(settings)
    if not sender:
        return []
    address = "whatsapp:" + sender
    params = {"MessageSid": "SM" + "d0c8" * 8, "AccountSid": doctor.target.account_sid,
              "From": address, "To": address, "Body": "HELP", "NumMedia": "0",
              "ApiVersion": "2010-04-01", DOCTOR_FIELD: "1"}
    webhook, _ = doctor._webhook("whatsapp webhook", "/sms", params, {"Message"}, {"Message"})
    missing = templates.missing(settings, list(languages))
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6
                                          else "")
        template = CheckResult("templates", True,
                               f"none for {shown}: outside the 24-hour window these go by "
                               "SMS (set HELPLINE_WHATSAPP_TEMPLATES)", warn=True)
    else:
        template = CheckResult("templates", True,
                               f"text_me and voice_note templates for {', '.join(languages)}")
    results = [webhook, template]
    if sender == SANDBOX:
        results.append(CheckResult("whatsapp sender", True, "the sandbox: only phones that "
                                   "joined it can write; register a sender to go live",
                                   warn=True))
    return results
