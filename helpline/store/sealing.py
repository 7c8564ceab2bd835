"""Sealing a value for the caller's next request: encrypted and bound to one call.

A caregiver number typed on a call has to reach the screen that reads it back and the one
that sends to it. Twilio keeps every request URL in its logs, where FORGET cannot reach, so
the digits travel in the step URL sealed (AES-GCM with a key derived from the instance key,
the call's sid as associated data): unreadable in any log, and useless on another call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


def derive_key(key: bytes, purpose: bytes, length: int = 32) -> bytes:
    """HKDF-SHA256 of the instance key for one purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(key)


class Sealer:
    """Seal and open short strings with a 64-byte key of their own (see ``derive_key``)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key[:32])
        self._nonce_key = key[32:]

    def seal(self, value: str, context: str) -> str:
        """The same value on the same call seals the same way (a synthetic nonce, as in SIV):
        a screen's URL stays one URL, and a nonce is never reused for another value."""
        nonce = hmac.new(self._nonce_key, f"{context}\0{value}".encode(), hashlib.sha256
                         ).digest()[:NONCE_BYTES]
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), context.encode("utf-8"))
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")

    def open(self, token: str, context: str) -> str | None:
        """The value, or None for anything forged, altered, truncated or from another call."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                       context.encode("utf-8"))
        except (InvalidTag, ValueError, TypeError):
            return None
        return plain.decode("utf-8", "replace")
