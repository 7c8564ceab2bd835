"""Engines for the two supported databases, and the migrations that shape them.

SQLite is the embedded default for one machine; PostgreSQL serves several instances. The same
models, queries and migrations run on both; the only differences live here: connection
settings, and how a writer gets exclusive access (BEGIN IMMEDIATE on SQLite, row locks and an
advisory lock on PostgreSQL).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from .hashing import StoreStartupError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "helpline.sqlite3"

#: Execution option marking a connection whose transactions write (BEGIN IMMEDIATE on SQLite).
WRITE_OPTION = "helpline_write"

#: How long migrations (an operator's command, or the embedded file at start-up) wait for
#: another process's lock, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Waits:
    """How long one database wait may last before it fails, in seconds.

    ``lock``: SQLite's busy timeout, PostgreSQL's ``lock_timeout``; ``statement``:
    PostgreSQL's ``statement_timeout``; ``pool``: waiting for a free pooled connection;
    ``connect``: opening a connection to PostgreSQL.
    """

    lock: float
    statement: float
    pool: float
    connect: float


#: A webhook must answer within Twilio's 15 s, and it may wait twice (a read, then a write):
#: a stuck lock fails after a few seconds into the normal spoken or texted fallback.
WEBHOOK_WAITS = Waits(lock=3, statement=4, pool=2, connect=2)
#: The worker answers nobody in real time: it waits longer rather than retry a send later.
WORKER_WAITS = Waits(lock=20, statement=60, pool=20, connect=10)

#: Arbitrary constant for pg_advisory_xact_lock: only one instance migrates at a time.
_MIGRATION_LOCK_ID = 0x48454C50  # "HELP"


class SchemaOutOfDate(StoreStartupError):
    """The database schema is not the one this code needs; the message names the fix."""


def database_url(configured: str | None, instance_dir: Path | str) -> str:
    """DATABASE_URL as SQLAlchemy needs it, or the SQLite file under instance/.

    ``postgres://`` and ``postgresql://`` (as hosting providers hand them out) are pointed at
    the psycopg 3 driver, the one installed.
    """
    value = (configured or "").strip()
    if not value:
        folder = Path(instance_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return f"sqlite:///{folder.resolve() / SQLITE_FILE}"
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    backend = value.split(":", 1)[0]
    if backend not in ("sqlite", "postgresql+psycopg"):
        raise StoreStartupError(
            f"DATABASE_URL uses {backend!r}, which the helpline does not support. Leave it "
            "unset for the embedded SQLite file, or use postgresql+psycopg://user:pass@host/db."
        )
    return value


def make_engine(url: str | URL, waits: Waits = WEBHOOK_WAITS, **options: Any) -> Engine:
    """An engine with the settings each backend needs to be safe under concurrent use, and
    every wait bounded by ``waits``."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, waits, **options)
    if url.get_backend_name() == "postgresql":
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_timeout", waits.pool)
        connect_args = dict(options.pop("connect_args", {}))
        connect_args.setdefault("connect_timeout", max(1, round(waits.connect)))
        # Set at connection start, so every statement of every session is bounded.
        bounds = (f"-c statement_timeout={int(waits.statement * 1000)} "
                  f"-c lock_timeout={int(waits.lock * 1000)}")
        given = url.query.get("options", "")  # e.g. a search_path; connect_args would hide it
        given = " ".join(given) if isinstance(given, tuple) else given
        connect_args["options"] = " ".join(
            part for part in (given, connect_args.get("options", ""), bounds) if part)
        return create_engine(url, connect_args=connect_args, **options)
    raise StoreStartupError(f"Unsupported database {url.get_backend_name()!r}.")


def _sqlite_engine(url: URL, waits: Waits, **options: Any) -> Engine:
    busy_ms = int(waits.lock * 1000)
    connect_args = dict(options.pop("connect_args", {}))
    connect_args.setdefault("timeout", waits.lock)
    in_memory = url.database in (None, "", ":memory:")
    if in_memory:
        # One shared connection, or every connection would see its own empty database.
        connect_args["check_same_thread"] = False
        options.setdefault("poolclass", StaticPool)
    else:
        _precreate_private_file(Path(url.database))
        options.setdefault("pool_timeout", waits.pool)
    engine = create_engine(url, connect_args=connect_args, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it would BEGIN lazily and
        # never IMMEDIATE); _begin below emits the right BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                _use_wal(cursor)
                cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            # Deleted rows (a forgotten number, a sent message's recipient) are overwritten
            # with zeros instead of lingering in free pages of the file.
            cursor.execute("PRAGMA secure_delete=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads and then
        # writes fails with "database is locked" if another writer got in between, whatever the
        # busy timeout. This is the single-writer rule that makes outbox claims exclusive.
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch to WAL (readers never wait for the writer); it persists in the file.

    Switching needs an exclusive lock and SQLite does not wait for it (no busy handler), so
    when two processes open a brand-new file together one of them retries briefly.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _precreate_private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only: it holds unsent recipients' numbers."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def writer(engine: Engine) -> Engine:
    """The same engine (and pool) with write transactions marked for BEGIN IMMEDIATE."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def exclusive_write(engine: Engine) -> Iterator[Connection]:
    """A transaction no other writer can interleave with, on either backend.

    Migrations, not webhooks, run here: they may wait for another migrating process and take
    longer than a webhook's bounds, so this transaction lifts them.
    """
    with writer(engine).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # before BEGIN IMMEDIATE, which is where SQLite waits
            raw = conn.connection.driver_connection
            previous = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SET LOCAL statement_timeout = 0"))
                    conn.execute(text("SET LOCAL lock_timeout = 0"))
                    conn.execute(text("SELECT pg_advisory_xact_lock(:id)"),
                                 {"id": _MIGRATION_LOCK_ID})
                yield conn
        finally:
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={previous}")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic settings built in code, so the package needs no alembic.ini to migrate."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:  # a merge is missing: a packaging bug, not an operator problem
        raise RuntimeError(f"The helpline migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn, _quiet_alembic():
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply migrations in one exclusive transaction; return (before, after) revisions.

    Exclusive so that two processes starting at once (``serve`` and ``worker`` on SQLite,
    several instances on PostgreSQL) do not both try to create the same tables.
    """
    with exclusive_write(engine) as conn, _quiet_alembic():
        before = MigrationContext.configure(conn).get_current_revision()
        command.upgrade(alembic_config(conn), revision)
        after = MigrationContext.configure(conn).get_current_revision()
    if before != after:
        log.info("Database schema upgraded from %s to %s.", before or "empty", after)
    return before, after


def downgrade(engine: Engine, revision: str) -> None:
    with exclusive_write(engine) as conn, _quiet_alembic():
        command.downgrade(alembic_config(conn), revision)


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic narrates every start-up at INFO; one line of our own says what changed."""
    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def check_schema(engine: Engine) -> str:
    """Raise SchemaOutOfDate unless the database is at this code's head revision."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return current
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        state = "has no helpline tables yet"
    elif current in _known_revisions():
        state = f"is at revision {current}, this version needs {head}"
    else:
        raise SchemaOutOfDate(
            f"The database at {where} is at revision {current}, which this version of the "
            f"helpline does not know (it needs {head}). It was probably upgraded by a newer "
            "release: run that release, or restore a backup."
        )
    raise SchemaOutOfDate(
        f"The database at {where} {state}. Run `helpline db upgrade` (with the same "
        "DATABASE_URL) before starting the helpline."
    )


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}
