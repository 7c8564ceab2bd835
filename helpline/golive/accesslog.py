"""gunicorn's access log without phone numbers.

The helpline's own URLs carry no number (typed digits ride sealed), but a misdirected client or
a forged request may put one anywhere. Every text field of the log line goes through the same
masking as the app's logs, and query values get a stricter rule, since a half-typed number is
shorter than a whole one.
Form bodies, where Twilio puts From and To, are never part of an access log line.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

from ..core.privacy import mask_numbers, tag

#: In a query string, any run of five or more digits is treated as (part of) a number.
_QUERY_DIGITS = re.compile(r"(?<=[=&?])([^&=\s[]*?)(\d{5,})")


def _mask_run(match: re.Match[str]) -> str:
    return match.group(1) + f"[{tag(match.group(2))}]"


def mask_request_text(text: str) -> str:
    """Mask numbers anywhere, and every long digit run in query values."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    masked = mask_numbers(text)
    path, sep, query = masked.partition("?")
    if not sep:
        return masked
    return path + sep + _QUERY_DIGITS.sub(_mask_run, query)


def mask_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    """The same atoms, with every text value masked (numbers such as sizes are left alone)."""
    return {key: mask_request_text(value) if isinstance(value, str) else value
            for key, value in atoms.items()}


class MaskingLogger(Logger):
    """gunicorn's logger with masked access-log atoms (``logger_class`` in gunicorn_conf)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        return mask_atoms(super().atoms(resp, req, environ, request_time))
