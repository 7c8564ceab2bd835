"""A stuck lock ends in the helpline's own fallback, never in Twilio's 15 s timeout.

Another process holds a real lock (SQLite's write lock on the file; a PostgreSQL table lock,
as a migration or VACUUM FULL takes) while a caller and a texter use the helpline. Each webhook's
database wait is bounded to a few seconds (store.WEBHOOK_WAITS), so the answer is the normal
spoken or texted apology, in time for Twilio to deliver it. Without the bounds SQLite waited
30 s and PostgreSQL for ever.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from helpline import create_app
from helpline.outbound.optout_spool import SPOOL_FILE
from helpline.store import EXTENSION as STORE
from helpline.store import WEBHOOK_WAITS

from ..conftest import Texter, Twilio
from ..voice.conftest import Caller
from .test_faults import sms_words

#: Twilio gives up on a webhook after 15 s and plays or sends its own error instead.
TWILIO_TIMEOUT_S = 15.0


@pytest.fixture
def settings(settings):
    return {**settings, "HELPLINE_LANGUAGES": "en,es"}


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def ask_for_a_text(caller: Caller):
    caller.dial()
    caller.press("1")  # English
    caller.press("6")  # text me the menu
    return timed(lambda: caller.press("1"))  # yes: a write, which waits for the lock


def test_the_bounds_fit_inside_twilios_timeout():
    # A text may wait twice (its read, then its write), each for a pooled connection and then
    # a statement (a lock wait is part of one); all of it must end before Twilio gives up.
    one = WEBHOOK_WAITS.pool + max(WEBHOOK_WAITS.lock, WEBHOOK_WAITS.statement)
    assert 2 * one < TWILIO_TIMEOUT_S


def test_a_held_sqlite_lock_ends_in_the_spoken_and_texted_fallback(app, twilio, settings):
    database = settings["DATABASE_URL"].removeprefix("sqlite:///")
    texter = Texter(twilio, "+447400123401")
    texter.send("QUESTIONS")  # known to the helpline before the lock
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, and stuck
    try:
        (screen, spoken_after) = ask_for_a_text(Caller(twilio, app))
        stop, stop_after = timed(lambda: texter.send("STOP"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert screen.hears("voice.error") and screen.hears("menu.main")
    assert stop == [sms_words(app, "sms.opted_out")]  # confirmed, and kept in the spool
    assert Path(settings["INSTANCE_PATH"], SPOOL_FILE).read_text().strip()
    for waited in (spoken_after, stop_after):
        assert WEBHOOK_WAITS.lock * 0.9 <= waited < TWILIO_TIMEOUT_S / 2, waited
    assert texter.send("QUESTIONS") == []  # the next text applies the spooled STOP first


@pytest.fixture
def pg_app(settings, postgres_schema):
    app = create_app({**settings, "DATABASE_URL": postgres_schema.render_as_string(
        hide_password=False)})
    yield app
    app.extensions[STORE].dispose()


@pytest.fixture
def table_lock(postgres_schema):
    """Take ACCESS EXCLUSIVE on the contacts table in another session, when asked."""
    engine = create_engine(make_url(postgres_schema))
    conn = engine.connect()
    held = []

    def take() -> None:
        conn.begin()
        conn.execute(text("LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE"))
        held.append(True)

    yield take
    if held:
        conn.rollback()
    conn.close()
    engine.dispose()


@pytest.mark.postgres
def test_a_held_postgresql_lock_ends_in_the_texted_fallback(pg_app, table_lock):
    twilio = Twilio(pg_app.test_client())
    texter = Texter(twilio, "+447400123402")
    assert texter.send("QUESTIONS")
    table_lock()

    reply, waited = timed(lambda: texter.send("QUESTIONS"))  # its one read waits for the lock

    assert reply == [sms_words(pg_app, "sms.error")]
    assert WEBHOOK_WAITS.lock * 0.9 <= waited < TWILIO_TIMEOUT_S / 2, waited


@pytest.mark.postgres
def test_the_worker_waits_longer_than_a_webhook(pg_app):
    from helpline.store import WORKER_WAITS, worker_store

    store = worker_store(pg_app)
    try:
        with store.engine.connect() as conn:
            shown = conn.execute(text("SHOW lock_timeout")).scalar()
    finally:
        store.dispose()
    with pg_app.extensions[STORE].engine.connect() as conn:
        webhook = conn.execute(text("SHOW lock_timeout")).scalar()
    assert (shown, webhook) == (f"{WORKER_WAITS.lock:g}s", f"{WEBHOOK_WAITS.lock:g}s")
