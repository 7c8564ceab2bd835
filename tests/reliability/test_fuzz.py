"""A few hundred hostile, correctly signed requests to every webhook: never a 5xx, always TwiML.

The full run (ten thousand requests or more) is ``.venv/bin/python benchmarks/fuzz.py``.
"""

from __future__ import annotations

import os

import pytest

from helpline import create_app
from helpline.store import get_store
from helpline.web.usage import EXTENSION as USAGE

from .fuzzing import FUZZ_SETTINGS, Fuzzer, flask_poster

#: A fixed seed, so the suite is repeatable; FUZZ_SEED adds one of your own.
SEEDS = [2026, *([int(os.environ["FUZZ_SEED"])] if os.environ.get("FUZZ_SEED") else [])]


@pytest.fixture(params=["sqlite", "postgres"])
def app(request, settings):
    """On both databases: PostgreSQL refuses some values SQLite takes (a NUL byte)."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_schema")
        settings = {**settings, "DATABASE_URL": url.render_as_string(hide_password=False)}
    app = create_app({**settings, **FUZZ_SETTINGS})
    yield app
    with app.app_context():
        get_store().dispose()


@pytest.mark.parametrize("seed", SEEDS)
def test_it_answers_hostile_signed_requests_with_twiml_and_never_fails(app, seed):
    recorder = app.extensions[USAGE]
    flushed = []

    def write_usage(n: int) -> None:
        if n % 100 == 99:
            flushed.append(recorder.flush())

    fuzzer = Fuzzer(flask_poster(app.test_client()), seed)
    report = fuzzer.run(300, between=write_usage)

    assert report.failures == []
    assert report.handler_errors == []
    assert report.statuses == {200: 300}
    assert set(report.by_endpoint) >= {"voice", "voice_step", "sms", "sms_status"}
    assert report.action_urls > 20  # real calls were followed, not just made up
    recorder.flush()
    assert sum(flushed) > 0 and len(recorder.pending) == 0  # every count written, none stuck
