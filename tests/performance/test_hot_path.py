"""Regression guard for the webhook hot path, without timing anything.

Speed itself is measured by benchmarks/run.py. These tests pin down what made it fast, in
terms that do not depend on the machine: a call step touches neither the database nor the
disk (the start of a call may read once, for a returning caller), a text reads only the
texter's state in one select and writes at most once, and content is read once per process.
"""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from helpline import create_app
from helpline.store import get_store

from ..conftest import Texter, Twilio
from ..voice.conftest import Caller

#: The texter's state (language, opt-out and whatever else a text needs), read together in one
#: select. A reply needs nothing else from the database.
STATE_QUERIES = 1
#: At most one write per text: whatever a text changes about its sender (its language, where it
#: is in a section) is kept in the same row, or batched.
TEXT_WRITES = 1
#: The start of a call may read once (whether a returning caller can continue where the last
#: call stopped); no other step of a call touches the database.
CALL_START_QUERIES = 1


class DiskAndDatabase:
    """Counts SQL statements sent to the store and files opened, while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.opened: list[str] = []

    def clear(self) -> None:
        self.statements.clear()
        self.opened.clear()

    @property
    def selects(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]

    @property
    def writes(self) -> list[str]:
        return [s for s in self.statements
                if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


@contextmanager
def watching(app, monkeypatch: pytest.MonkeyPatch) -> Iterator[DiskAndDatabase]:
    seen = DiskAndDatabase()

    # SQLite's own trace sees every statement the driver runs, through SQLAlchemy or straight
    # on a pooled connection's cursor (the texter-state read), each exactly once.
    def on_checkout(dbapi_connection, record, proxy):
        dbapi_connection.set_trace_callback(seen.statements.append)

    def on_checkin(dbapi_connection, record):
        if dbapi_connection is not None:
            dbapi_connection.set_trace_callback(None)

    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        seen.opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):
        seen.opened.append(str(path))
        return real_os_open(path, *args, **kwargs)

    with app.app_context():
        engine = get_store().engine
    assert engine.dialect.name == "sqlite"
    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "checkin", on_checkin)
    # builtins.open is io.open, which pathlib calls directly: spy on both names.
    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    try:
        yield seen
    finally:
        monkeypatch.undo()
        event.remove(engine, "checkout", on_checkout)
        event.remove(engine, "checkin", on_checkin)


def walk_a_call(caller: Caller, seen: DiskAndDatabase | None = None) -> None:
    """A call through every kind of screen that only listens and speaks; with ``seen``, what
    the start of the call did is checked and then forgotten."""
    caller.dial()
    if seen is not None:
        assert seen.writes == [] and seen.opened == [], (seen.writes, seen.opened)
        assert len(seen.selects) <= CALL_START_QUERIES, seen.selects
        assert all("returning_callers" in select for select in seen.selects), seen.selects
        seen.clear()
    caller.press("1")  # English
    caller.press("3")  # the ten questions
    caller.press("9")  # next
    caller.say("next")
    caller.press("2")  # a key with no meaning here
    caller.press("7")  # slower
    caller.stay_silent()
    caller.press("8")  # main menu
    caller.press("9")  # more
    caller.press("*")  # back
    caller.press("1")  # ways to ask
    caller.press("2")  # the emotional script
    caller.press("*")


def test_it_answers_every_call_step_without_the_database_or_the_disk(app, twilio, monkeypatch):
    """Only the start of a call reads the database: is this a caller who asked to be
    remembered? Every step after that answers from memory."""
    walk_a_call(Caller(twilio, app))  # first requests may import lazily; not the hot path
    caller = Caller(twilio, app)
    with watching(app, monkeypatch) as seen:
        walk_a_call(caller, seen)
        status = twilio.post("/voice/status", caller.params(CallStatus="completed",
                                                             CallDuration="75"))
    assert status.status_code == 200
    assert caller.screen is not None and caller.screen.gather is not None
    assert seen.statements == []
    assert seen.opened == []


def test_it_reads_once_and_writes_at_most_once_to_answer_a_keyword(app, twilio, monkeypatch):
    texter = Texter(twilio, "+447400123077")
    assert texter.send("QUESTIONS")  # the first text remembers the texter's language
    with watching(app, monkeypatch) as seen:
        for body in ("QUESTIONS", "Qestions?", "MORE", "3", "CHECKLIST 2", "menu", "HELP"):
            seen.clear()
            assert texter.send(body)
            assert len(seen.writes) <= TEXT_WRITES, (body, seen.writes)
            assert len(seen.selects) <= STATE_QUERIES, (body, seen.selects)
            assert seen.opened == [], body


def test_it_still_reads_the_opt_out_on_every_text(app, twilio, monkeypatch):
    texter = Texter(twilio, "+447400123078")
    texter.send("QUESTIONS")
    texter.send("STOP")
    with watching(app, monkeypatch) as seen:
        assert texter.send("QUESTIONS") == []
    assert 1 <= len(seen.selects) <= STATE_QUERIES
    assert seen.writes == []


def test_it_reads_the_content_once_per_process(settings, monkeypatch):
    read: list[str] = []
    real_read_text = Path.read_text

    def spy_read_text(self, *args, **kwargs):
        if self.suffix in (".yaml", ".yml"):
            read.append(self.name)
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", spy_read_text)
    app = create_app(settings)
    at_start = sorted(read)
    assert len(at_start) == len(set(at_start)) >= 2, at_start  # each language file, once
    twilio = Twilio(app.test_client())
    Caller(twilio, app).dial()
    Texter(twilio).send("QUESTIONS")
    Texter(twilio, "+447400123079").send("CHECKLIST")
    assert sorted(read) == at_start
