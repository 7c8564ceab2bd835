"""Calls are counted without knowing who called, and counting never changes what is heard."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.store.models import UsageEvent
from helpline.web.usage import EXTENSION, duration_bucket


@pytest.fixture
def settings(settings, tmp_path):
    settings["HELPLINE_LANGUAGES"] = "en"
    settings["HELPLINE_AUDIO_DIR"] = str(tmp_path / "no-audio")
    return settings


def events(app, store) -> list[UsageEvent]:
    app.extensions[EXTENSION].flush()
    with Session(store.engine) as session:
        return list(session.scalars(select(UsageEvent).order_by(UsageEvent.id)))


def test_a_call_is_counted_by_screen_language_and_length(caller, twilio, app, store):
    caller.dial()
    caller.press("3")
    caller.press("9")
    twilio.post("/voice/status", caller.params(CallStatus="completed", CallDuration="95"))

    recorded = events(app, store)

    kinds = [(e.kind, e.content_id) for e in recorded]
    assert ("call_started", None) in kinds
    assert ("screen", "main") in kinds
    assert ("screen", "questions.q01") in kinds and ("screen", "questions.q02") in kinds
    assert ("call_ended", None) in kinds
    assert next(e for e in recorded if e.kind == "call_ended").detail == "1-3 min"
    assert all(e.language in (None, "en") for e in recorded)
    for event in recorded:
        for value in (event.content_id, event.detail, event.kind):
            assert caller.call_sid not in str(value) and "7700" not in str(value)


def test_a_database_outage_changes_nothing_the_caller_hears(caller, app, store, monkeypatch):
    caller.dial()
    expected = caller.press("3").spoken

    def down(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(store, "transaction", down)
    caller.dial()
    assert caller.press("3").spoken == expected
    assert app.extensions[EXTENSION].flush() == 0  # kept for later, not lost
    assert len(app.extensions[EXTENSION].pending) > 0

    monkeypatch.undo()
    assert app.extensions[EXTENSION].flush() > 0


@pytest.mark.parametrize("seconds, bucket", [("5", "under 1 min"), ("60", "1-3 min"),
                                             ("599", "3-10 min"), ("3600", "over 10 min"),
                                             ("x", "unknown"), (None, "under 1 min")])
def test_call_lengths_are_coarse_buckets(seconds, bucket):
    assert duration_bucket(seconds) == bucket
