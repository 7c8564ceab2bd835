"""Keyed hashes of phone numbers, and the key they are made with.

A hash stands in for a number wherever the plain number is not needed to send a message. A plain
SHA-256 would not do: there are only about 10^10 numbers per country, so anyone with the
database could hash them all. With HMAC and a key kept apart from the database, the hashes are
useless without the key. The flip side: a lost or changed key makes every stored hash (and so
every opt-out) unrecognisable, so the key is created once, kept, and checked at start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..config import ConfigError

log = logging.getLogger(__name__)

#: File under the instance folder that holds the generated key in local mode.
KEY_FILE = "secret_key"

#: Shorter keys are refused: the number space is small, so a guessable key undoes the hashing.
MIN_KEY_LENGTH = 16

_GENERATE_HINT = 'python -c "import secrets; print(secrets.token_hex(32))"'


class StoreStartupError(ConfigError):
    """The store cannot start as configured; the message says what to do."""


class SecretKeyError(StoreStartupError):
    """HELPLINE_SECRET_KEY is missing, too short, or not the key the database was hashed with."""


def canonical_number(number: str) -> str:
    """The form that is hashed: ``+`` and digits, whatever punctuation the number came with.

    Deliberately not phonenumbers' E.164 formatting: its metadata changes between releases, and a
    hash must never change for the same number, or an opt-out would silently stop matching.
    Twilio already posts E.164, which this leaves as it is. Addresses that are not phone numbers
    (``client:alice``, ``whatsapp:+1...``) are only trimmed, so they hash consistently too.
    """
    text = str(number).strip()
    compact = re.sub(r"[\s().\-/]", "", text)
    if compact.startswith("00") and compact[2:].isdigit():
        compact = "+" + compact[2:]
    if re.fullmatch(r"\+?\d+", compact):
        return compact if compact.startswith("+") else "+" + compact
    return text


class KeyedHash(str):
    """A number already hashed with the instance key, standing in for the number.

    What the opt-out spool keeps (it never holds a number). Every lookup accepts one where it
    accepts a number; it is used as it is, since it cannot be hashed again under old keys.
    """


class NumberHasher:
    """HMAC-SHA256 of the canonical number with the instance key, hex encoded.

    ``old_keys`` are previous keys during a rotation: lookups try them too, so records made
    under an old key are still found (and moved to the current key when next written).
    """

    def __init__(self, key: str | bytes, old_keys: Iterable[str | bytes] = ()) -> None:
        self._key = _as_bytes(key)
        if not self._key:
            raise SecretKeyError("The secret key is empty.")
        self._old = [k for k in (_as_bytes(o) for o in old_keys) if k and k != self._key]

    def hash(self, number: str) -> str:
        if isinstance(number, KeyedHash):
            return str(number)
        return _hmac(self._key, canonical_number(number))

    def candidates(self, number: str) -> list[str]:
        """The hash under the current key first, then under each old key."""
        if isinstance(number, KeyedHash):
            return [str(number)]
        canonical = canonical_number(number)
        return [_hmac(self._key, canonical), *(_hmac(k, canonical) for k in self._old)]

    def candidates_for(self, purpose: str, number: str) -> list[str]:
        """Keyed hashes of the number that match no other purpose's: ``purpose`` salts them
        (e.g. a day and a limit), so they link to nothing outside it. Current key first."""
        message = f"{purpose}|{canonical_number(number)}".encode()
        return [hmac.new(key, message, hashlib.sha256).hexdigest()
                for key in (self._key, *self._old)]

    @property
    def key_count(self) -> int:
        """How many hashes ``candidates`` gives for a number: the current key and old ones."""
        return 1 + len(self._old)

    @property
    def fingerprint(self) -> str:
        """A short, one-way id of the current key, stored to notice a changed key at start-up."""
        return _fingerprint(self._key)

    @property
    def old_fingerprints(self) -> list[str]:
        return [_fingerprint(k) for k in self._old]


def _as_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else key.encode("utf-8")


def _hmac(key: bytes, canonical: str) -> str:
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def _fingerprint(key: bytes) -> str:
    return hmac.new(key, b"helpline key fingerprint", hashlib.sha256).hexdigest()[:16]


def split_keys(value: str | Sequence[str] | None) -> list[str]:
    """HELPLINE_OLD_SECRET_KEYS: comma- or whitespace-separated keys (or a list of them)."""
    if not value:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,]+", value) if part]
    return [str(part) for part in value if part]


def resolve_secret_key(configured: str | None, instance_dir: Path, *, local: bool) -> str:
    """HELPLINE_SECRET_KEY if set; else, in local mode only, the key generated into instance/.

    In production a generated key would be a trap: a second instance, or a fresh container,
    would generate a different one and every stored opt-out would stop matching.
    """
    key = (configured or "").strip()
    if key:
        if len(key) < MIN_KEY_LENGTH:
            raise SecretKeyError(
                f"HELPLINE_SECRET_KEY is too short ({len(key)} characters, at least "
                f"{MIN_KEY_LENGTH} needed): phone number hashes made with a guessable key can be "
                f"reversed. Generate one with: {_GENERATE_HINT}"
            )
        return key
    if not local:
        generated = Path(instance_dir) / KEY_FILE
        if generated.exists():
            how = (f"Local mode already generated one in {generated}: to keep the records made "
                   "with it, set HELPLINE_SECRET_KEY to the line in that file (for example "
                   f"HELPLINE_SECRET_KEY=$(cat {generated})), then keep the file apart from "
                   "database backups.")
        else:
            how = (f"Generate one with: {_GENERATE_HINT} and keep it apart from database "
                   "backups. (If you tried the helpline in local mode elsewhere, use the key it "
                   f"generated in that instance folder's {KEY_FILE} instead.)")
        raise SecretKeyError(
            "HELPLINE_SECRET_KEY is not set. In production it is required: phone numbers are "
            f"stored as keyed hashes, and every instance must use the same key. {how}"
        )
    return load_or_create_key(instance_dir)


def load_or_create_key(instance_dir: Path) -> str:
    """Read ``<instance>/secret_key``, creating it (mode 0600) on first run.

    Creation is atomic (write a private temporary file, then hard-link it into place) so that
    ``serve`` and ``worker`` starting together still end up with one key.
    """
    path = Path(instance_dir) / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    _tighten_permissions(path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise SecretKeyError(
            f"{path} is empty or damaged. Restore it from a backup: without the original key "
            "the stored opt-outs and languages cannot be matched. Only if it is truly lost, "
            f"delete the file (a new key is generated) and run `helpline db adopt-key`."
        )
    return key


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
        log.warning(
            "Generated a new secret key in %s for hashing phone numbers. Keep this file: "
            "without it stored opt-outs cannot be recognised.",
            path,
        )
    except FileExistsError:
        pass  # another process created it first; use theirs
    finally:
        tmp.unlink()


def _tighten_permissions(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by other users (mode %o); setting it to 0600.", path, mode)
        with contextlib.suppress(OSError):
            path.chmod(0o600)
