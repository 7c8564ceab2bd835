"""Fixtures for the reports: a local-mode app, a seeded week, and both database backends."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from helpline import create_app
from helpline.store import Store

from ..conftest import DATABASES
from .seeding import seed_week

KEY = "report-test-key-0123456789abcdef"


def local_config(folder: Path) -> dict:
    """Local mode (no Twilio token): the operator pages are open, as on a laptop."""
    DATABASES.append(folder / "helpline.sqlite3")
    return {
        "TESTING": True,
        "HELPLINE_SECRET_KEY": KEY,
        "HELPLINE_LANGUAGES": "en,zh,es,fr",
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": f"sqlite:///{folder / 'helpline.sqlite3'}",
        "HELPLINE_AUDIO_DIR": str(folder / "no-audio"),
    }


@pytest.fixture
def local_settings(tmp_path: Path) -> dict:
    return local_config(tmp_path)


@pytest.fixture
def local_app(local_settings):
    return create_app(local_settings)


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory):
    """A local-mode app whose database holds the seeded week (and the noise to leave out).

    Shared by a module's tests, which only read it.
    """
    from helpline.store import get_store

    app = create_app(local_config(tmp_path_factory.mktemp("seeded")))
    with app.app_context():
        seed_week(get_store())
    return app


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh schema on the test PostgreSQL server, dropped at the end of the session."""
    from ..machine import postgres_url as test_server

    url = test_server()
    name = f"helpline_reports_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    schema_url = url.update_query_dict({"options": f"-csearch_path={name}"})
    yield schema_url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        DATABASES.append(tmp_path / "reports.sqlite3")
        url = make_url(f"sqlite:///{tmp_path / 'reports.sqlite3'}")
    else:
        url = request.getfixturevalue("postgres_url")
    store = Store(url, KEY)
    store.upgrade()
    if not store.is_embedded:
        with store.engine.begin() as conn:
            conn.execute(text("TRUNCATE usage_events, outbox RESTART IDENTITY"))
    yield store
    store.dispose()
