"""Why a check failed, in the operator's words: never a library's exception class name.

``MissingSchema`` means HELPLINE_PUBLIC_URL is not set; ``ConnectionError`` means nothing
answers there. Each reason says what is wrong and, where it can, which setting to look at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

#: Settings a production helpline cannot do without, and what each is for.
PRODUCTION_SETTINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("TWILIO_ACCOUNT_SID",), "your Twilio account"),
    (("TWILIO_AUTH_TOKEN",), "checks that requests come from Twilio"),
    (("HELPLINE_PUBLIC_URL",), "the https:// address Twilio calls"),
    (("HELPLINE_SECRET_KEY",), "the key phone numbers are hashed with"),
    (("HELPLINE_ADMIN_PASSWORD",), "opens the simulator and reports"),
    (("TWILIO_FROM_NUMBER", "TWILIO_MESSAGING_SERVICE_SID"), "who texts are sent from"),
)


def missing_for_production(config: Mapping[str, Any]) -> list[str]:
    """The production settings that are not set, each as "NAME (what it is for)"."""
    missing = []
    for names, purpose in PRODUCTION_SETTINGS:
        if not any(str(config.get(name) or "").strip() for name in names):
            missing.append(f"{' or '.join(names)} ({purpose})")
    return missing


def unreachable(url: str, exc: BaseException, timeout: float) -> str:
    """Why ``url`` could not be fetched, as a sentence about the deployment."""
    if isinstance(exc, requests.exceptions.MissingSchema | requests.exceptions.InvalidSchema
                  | requests.exceptions.InvalidURL):
        if not url or url.startswith("/"):
            return "HELPLINE_PUBLIC_URL is not set"
        return f"{url} is not a web address: check HELPLINE_PUBLIC_URL"
    if isinstance(exc, requests.exceptions.SSLError):
        return (f"{url}: its HTTPS certificate was refused (expired, self-signed or for "
                "another name); Twilio would refuse it too")
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{url} did not answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return f"{url} redirects in a loop: check the proxy's redirects"
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        if any(word in text for word in ("Name or service not known", "NameResolution",
                                          "nodename nor servname", "getaddrinfo failed")):
            return f"{url} not reachable: no such host name (check DNS and HELPLINE_PUBLIC_URL)"
        return (f"{url} not reachable: nothing answers there (is the server running, and does "
                "the proxy forward to it?)")
    return f"{url} not reachable: {first_line(exc)}"


def database_trouble(exc: BaseException) -> str:
    """Why the database could not be read, without the driver's class names."""
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.OperationalError | sa.InterfaceError):
        return "the database does not answer: check DATABASE_URL and that the server is up"
    if isinstance(exc, sa.ProgrammingError):
        return "a table is missing or different: run `helpline db upgrade`"
    return f"the database answered with an error: {first_line(exc)}"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's own message (its class name only if it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "no reason given"
