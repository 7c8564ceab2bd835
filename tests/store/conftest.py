"""Fixtures: every store test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from HELPLINE_TEST_POSTGRES_URL (CI sets it) or the default in
tests/machine.py. Without a server the PostgreSQL half is skipped naming the command that starts
one (a failure under CI=true, or with the variable set explicitly). Each session gets its own
schema (dropped at the end) and each test starts from empty tables, so runs can share a server.

After every test the database (and, for SQLite, the raw file) and the captured logs are
scanned: no test phone number may appear anywhere but in an unsent outbox row.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy import URL, create_engine, make_url, select, text

from helpline.store import Store, db_cli, get_store, init_app, privacy_cli
from helpline.store.models import UNSENT_STATES, Base

KEY = "test-key-0123456789abcdef0123456789abcdef"
OTHER_KEY = "another-key-fedcba9876543210fedcba9876543210"

# Fictional numbers (US 555-01xx, UK drama range, Australian drama range). Every test number
# is listed here so that the privacy scans know what to look for.
ALICE = "+14155550101"
BOB = "+447700900102"
CAROL = "+61491570103"
DAN = "+14155550104"
ERIN = "+447700900105"
FRANK = "+61491570106"
WORKER_NUMBERS = [f"+1415555{n:04d}" for n in range(150, 190)]
TEST_NUMBERS = [ALICE, BOB, CAROL, DAN, ERIN, FRANK, *WORKER_NUMBERS]

TABLES = [table.name for table in Base.metadata.sorted_tables]


class Numbers:
    """The test numbers, for test modules (which cannot import from conftest)."""

    alice, bob, carol, dan, erin, frank = ALICE, BOB, CAROL, DAN, ERIN, FRANK
    workers = WORKER_NUMBERS
    key, other_key = KEY, OTHER_KEY


@pytest.fixture
def nums() -> type[Numbers]:
    return Numbers


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_base_url() -> URL:
    from ..machine import postgres_url

    return postgres_url()


@pytest.fixture(scope="session")
def postgres_schemas(postgres_base_url: URL) -> Iterator[Callable[[], URL]]:
    """Make uniquely named schemas (dropped at session end); returns a URL that uses one."""
    admin = create_engine(postgres_base_url)
    made: list[str] = []

    def new_schema() -> URL:
        name = f"helpline_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        made.append(name)
        return postgres_base_url.update_query_dict({"options": f"-csearch_path={name}"})

    yield new_schema
    with admin.begin() as conn:
        for name in made:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_schemas: Callable[[], URL]) -> URL:
    """One migrated schema for the session; tests empty its tables before they start."""
    url = postgres_schemas()
    store = Store(url, KEY)
    store.upgrade()
    store.dispose()
    return url


# -- SQLite -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating every time is slower)."""
    path = tmp_path_factory.mktemp("template") / "helpline.sqlite3"
    store = Store(f"sqlite:///{path}", KEY)
    store.upgrade()
    store.dispose()
    return path


# -- the store --------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A database with no tables at all (a fresh file, or a fresh schema)."""
    if backend == "sqlite":
        return make_url(f"sqlite:///{tmp_path / 'empty' / 'helpline.sqlite3'}")
    return request.getfixturevalue("postgres_schemas")()


@pytest.fixture
def store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A migrated, empty database for this test."""
    if backend == "sqlite":
        path = tmp_path / "helpline.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return make_url(f"sqlite:///{path}")
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
    engine.dispose()
    return url


@pytest.fixture
def store(store_url: URL) -> Iterator[Store]:
    """A Store on an empty, migrated database, scanned for plain numbers after the test.

    Rows are checked as the test left them. The raw SQLite file (free space and WAL included)
    is checked after housekeeping, which the worker runs periodically: SQLite can leave stale
    copies of moved rows in unused page space until the file is compacted.
    """
    store = Store(store_url, KEY)
    yield store
    try:
        leaks = plain_numbers_in_database(store)
        if store.is_embedded:
            store.housekeeping()
        allowed = unsent_recipients(store)
    finally:
        store.dispose()
    assert not leaks, f"plain phone numbers stored outside unsent outbox rows: {leaks}"
    if store.is_embedded:
        raw = plain_numbers_in_sqlite_files(Path(store_url.database), allowed)
        assert not raw, f"plain phone numbers left in the SQLite file bytes: {raw}"


@pytest.fixture
def make_store(store_url: URL) -> Iterator[Callable[..., Store]]:
    """More stores on the same database: separate engines, as separate processes would have."""
    made: list[Store] = []

    def make(key: str = KEY, **options: object) -> Store:
        made.append(Store(store_url, key, **options))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for extra in made:
        extra.dispose()


# -- Flask and the CLI ------------------------------------------------------------------------


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """A bare Flask app with the store wired in, as create_app will do it."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        app = Flask("helpline_store_test", instance_path=str(tmp_path / "instance"))
        app.config.update(TESTING=True, **config)
        init_app(app)
        made.append(app)
        return app

    yield make
    for app in made:
        get_store_of(app).dispose()


def get_store_of(app: Flask) -> Store:
    with app.app_context():
        return get_store()


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Run the `helpline` command as cli.py builds it: the store's groups on a FlaskGroup."""

    def run(factory: Callable[[], Flask], *args: str, input: str | None = None) -> Result:
        group = FlaskGroup(create_app=factory, load_dotenv=False, add_default_commands=False)
        group.add_command(db_cli)
        group.add_command(privacy_cli)
        return CliRunner().invoke(group, list(args), input=input)

    return run


# -- privacy scans ----------------------------------------------------------------------------

_PLUS_NUMBER = re.compile(r"\+\d{7,15}")


def _forms(number: str) -> list[str]:
    return [number, number.lstrip("+")]


def unsent_recipients(store: Store) -> set[str]:
    table = Base.metadata.tables["outbox"]
    stmt = select(table.c.to_number).where(
        table.c.state.in_(UNSENT_STATES), table.c.to_number.is_not(None)
    )
    with store.engine.connect() as conn:
        return set(conn.scalars(stmt))


def plain_numbers_in_database(store: Store) -> list[str]:
    """Every text value in every table that holds a number, except unsent recipients."""
    found = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if not isinstance(value, str):
                        continue
                    if (
                        table.name == "outbox"
                        and column == "to_number"
                        and row["state"] in UNSENT_STATES
                    ):
                        continue
                    hits = _PLUS_NUMBER.findall(value)
                    hits += [n for n in TEST_NUMBERS for form in _forms(n) if form in value]
                    found += [f"{table.name}.{column}={hit}" for hit in hits]
    return found


def plain_numbers_in_sqlite_files(path: Path, allowed: set[str]) -> list[str]:
    """Search the raw bytes (free pages, WAL included) for test numbers no unsent row needs."""
    found = []
    for candidate in (path, path.with_name(path.name + "-wal")):
        if not candidate.exists():
            continue
        data = candidate.read_bytes()
        for number in TEST_NUMBERS:
            if number in allowed:
                continue
            if any(form.encode() in data for form in _forms(number)):
                found.append(f"{candidate.name}: {number}")
    return found


@pytest.fixture(autouse=True)
def no_numbers_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Everything the store logs during a test is checked for plain numbers."""
    caplog.set_level(logging.DEBUG)
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    leaks = []
    for record in records:
        line = record.getMessage() + (record.exc_text or "")
        if _PLUS_NUMBER.search(line) or any(
            form in line for n in TEST_NUMBERS for form in _forms(n)
        ):
            leaks.append(line)
    assert not leaks, f"plain phone numbers in log lines: {leaks}"
