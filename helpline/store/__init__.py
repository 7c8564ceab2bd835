"""The helpline's memory: opt-outs, languages, the SMS outbox, share limits and usage counts.

The ``Store`` (``get_store()`` inside the app) owns the engine and hands out transactions;
each topic is a module over a transaction's one session (``tx.contacts``, ``tx.outbox``,
``tx.receipts``, ``tx.send_counts``, ``tx.usage``, ``tx.housekeeping``, ``tx.meta``,
``tx.reports``). Views and the worker never see a session. SQLite under instance/ by default,
PostgreSQL via DATABASE_URL, one set of migrations for both.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

from ..config import local_mode
from .commands import SKIP_START_CHECKS, db_cli, privacy_cli
from .db import WEBHOOK_WAITS, WORKER_WAITS, SchemaOutOfDate, Waits, database_url
from .hashing import (
    KeyedHash,
    SecretKeyError,
    StoreStartupError,
    resolve_secret_key,
    split_keys,
)
from .models import (
    DELIVERED,
    FAILED,
    OUTBOX_STATES,
    PENDING,
    SENDING,
    SENT,
    SUPPRESSED,
)
from .outbox import MAX_PART_LENGTH
from .receipts import FINAL_STATUSES
from .records import OutboxActivity, OutboxItem, TexterState, UsageCount
from .store import Store
from .transaction import Transaction

EXTENSION = "helpline.store"


def store_from_config(config: Mapping[str, Any], instance_path: str | Path, *,
                      waits: Waits = WEBHOOK_WAITS) -> Store:
    """Build the Store the settings describe (the worker and CLI use this too).

    ``waits`` bounds every database wait: a webhook's few seconds by default, so a stuck lock
    ends in the spoken or texted fallback before Twilio's 15 s; ``WORKER_WAITS`` for the worker.
    """
    instance = Path(instance_path)
    local = bool(config.get("LOCAL_MODE", local_mode(config)))
    key = resolve_secret_key(config.get("HELPLINE_SECRET_KEY"), instance, local=local)
    # Read from the environment as a fallback until config.DEFAULTS lists this setting.
    old_keys = config.get("HELPLINE_OLD_SECRET_KEYS") or os.environ.get(
        "HELPLINE_OLD_SECRET_KEYS", ""
    )
    url = database_url(config.get("DATABASE_URL"), instance)
    return Store(url, key, old_keys=split_keys(old_keys), waits=waits)


def worker_store(app: Flask) -> Store:
    """A store for a background worker of ``app``: the same database and key, with the
    worker's longer waits (it answers nobody in real time). The caller disposes of it."""
    return store_from_config(app.config, app.instance_path, waits=WORKER_WAITS)


def prepare(store: Store) -> None:
    """Start-up: bring the embedded SQLite file up to date, insist on it for PostgreSQL.

    Several instances share a PostgreSQL database, so none of them should change its schema
    behind the others' backs: an operator runs `helpline db upgrade` once per release.
    """
    if store.is_embedded:
        store.upgrade()
    else:
        store.check_schema()
    store.check_key()


def init_app(app: Flask) -> Store:
    """Create the store for this app; refuse to start on a stale schema or a wrong key."""
    store = store_from_config(app.config, app.instance_path)
    if not _start_checks_skipped():
        try:
            prepare(store)
        except Exception:
            store.dispose()
            raise
        store.dispose()  # close start-up connections; the pool reopens on first use
    app.extensions[EXTENSION] = store
    # Close pooled connections when the app goes away (tests make many apps; PostgreSQL
    # connections left to the garbage collector are closed uncleanly, with a warning).
    weakref.finalize(app, store.dispose)
    return store


def get_store() -> Store:
    """The running app's store."""
    return store_of(current_app)


def store_of(app: Flask) -> Store:
    """``app``'s store, outside a request (start-up, commands)."""
    try:
        return app.extensions[EXTENSION]
    except KeyError:
        raise RuntimeError(
            "The store is not set up: call helpline.store.init_app(app) in create_app."
        ) from None


def _start_checks_skipped() -> bool:
    """`helpline db ...` must load the app even when the schema is behind: it is the fix."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(SKIP_START_CHECKS))


__all__ = [
    "DELIVERED",
    "EXTENSION",
    "FAILED",
    "FINAL_STATUSES",
    "KeyedHash",
    "MAX_PART_LENGTH",
    "OUTBOX_STATES",
    "OutboxActivity",
    "PENDING",
    "SENDING",
    "SENT",
    "SUPPRESSED",
    "OutboxItem",
    "SchemaOutOfDate",
    "SecretKeyError",
    "Store",
    "StoreStartupError",
    "TexterState",
    "Transaction",
    "UsageCount",
    "WEBHOOK_WAITS",
    "WORKER_WAITS",
    "Waits",
    "db_cli",
    "get_store",
    "init_app",
    "prepare",
    "privacy_cli",
    "store_from_config",
    "worker_store",
]
