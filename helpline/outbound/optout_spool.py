"""STOP while the database is down: remember it on disk, apply it when the database is back.

An opt-out must never be lost, even when the store cannot be written. The SMS handler's error
path appends the number's keyed hash (never the number) with the time and the word used to a
file in the instance folder, fsync'd before the texter is told they are opted out. Whoever
next reaches the database (the next SMS webhook, a start-up, the worker when wired to) replays
the file into the store and empties it.

Replay records each STOP through the store's one opt-out (``tx.contacts.record_opt_out``), which
suppresses what was queued as a live STOP does, unless the number has said START since the
spooled time: a START sent after the outage wins, as it would have.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from ..store import KeyedHash
from ..store.models import utcnow

log = logging.getLogger(__name__)

SPOOL_FILE = "optout-spool.jsonl"


def spool_path(instance_path: str | Path) -> Path:
    return Path(instance_path) / SPOOL_FILE


def append(path: Path, number_hash: str, via: str, at: datetime | None = None) -> None:
    """Durably record one opt-out: on disk (fsync'd) before this returns."""
    line = json.dumps({"hash": number_hash, "via": via[:64],
                       "at": (at or utcnow()).astimezone(UTC).isoformat()}) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one whole line per writer, even across processes
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def pending(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def replay(store, path: Path) -> int:
    """Apply spooled opt-outs to the store, then empty the spool; how many were applied.

    Never raises: while the database is still down the spool is kept for the next try.
    """
    if not pending(path):
        return 0
    try:
        with open(path, "r+", encoding="utf-8") as spool:
            fcntl.flock(spool, fcntl.LOCK_EX)
            entries = _read(spool.read())
            applied = _apply(store, entries) if entries else 0
            spool.seek(0)
            spool.truncate()
            spool.flush()
            os.fsync(spool.fileno())
    except FileNotFoundError:
        return 0
    except Exception as exc:  # the database is still unreachable: keep the spool
        log.warning("spooled opt-outs not applied yet: %s", type(exc).__name__)
        return 0
    if entries:
        log.info("applied %d spooled opt-out(s) of %d", applied, len(entries))
    return applied


def _read(text: str) -> list[dict]:
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
            entries.append({"hash": str(entry["hash"]), "via": str(entry["via"]),
                            "at": datetime.fromisoformat(entry["at"])})
        except (ValueError, KeyError, TypeError):
            log.error("unreadable line in the opt-out spool skipped (%d characters)", len(line))
    return entries


def _apply(store, entries: list[dict]) -> int:
    """One transaction: every spooled opt-out, through the store's one way of recording one."""
    applied = 0
    with store.transaction() as tx:
        for entry in entries:
            suppressed = tx.contacts.record_opt_out(
                KeyedHash(entry["hash"]), entry["via"], said_at=entry["at"])
            if suppressed is not None:  # None: said START after this STOP, and START wins
                applied += 1
    return applied
