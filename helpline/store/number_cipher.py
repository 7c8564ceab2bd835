"""Phone numbers kept encrypted while a reminder waits: AES-GCM with a key of their own.

A reminder may wait a year, so its number cannot simply be hashed: it must be read back to
send. It is encrypted with a key derived (HKDF) from the instance key for this purpose alone,
under a random nonce, with the row's keyed hash as associated data (a sealed number copied to
another row does not open). Keys rotate like the hashes: each sealed value names the key it
was made with (a short fingerprint), and the old keys in ``HELPLINE_OLD_SECRET_KEYS`` still
open what they sealed.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .sealing import NONCE_BYTES, derive_key

PURPOSE = b"helpline reminder numbers v1"


class NumberCipher:
    """Seal a number for storage; open it with the current key or an old one."""

    def __init__(self, key: bytes, old_keys: Iterable[bytes] = ()) -> None:
        derived = [derive_key(k, PURPOSE) for k in (key, *old_keys)]
        self._keys = {_key_id(k): AESGCM(k) for k in reversed(derived)}
        self._current = _key_id(derived[0])

    def seal(self, number: str, bound_to: str) -> str:
        """``<key id>.<nonce and ciphertext>`` in URL-safe base64 (no ``+``: never looks
        like a number to a scan of the database)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current].encrypt(nonce, number.encode(), bound_to.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{self._current}.{body}"

    def open(self, token: str, bound_to: str) -> str | None:
        """The number, or None when no known key opens it (a key lost, or the row altered)."""
        key_id, _, body = token.partition(".")
        aead = self._keys.get(key_id)
        if aead is None:
            return None
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to.encode()).decode()
        except (InvalidTag, ValueError):
            return None


def _key_id(derived: bytes) -> str:
    return hashlib.sha256(b"key id|" + derived).hexdigest()[:8]
