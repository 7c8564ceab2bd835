"""Migrations build the same schema as the models, from empty, on both backends."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import URL, inspect

from helpline.store import WORKER_WAITS, SchemaOutOfDate, Store
from helpline.store.db import database_url
from helpline.store.models import Base


def test_it_migrates_an_empty_database_to_the_models(empty_url: URL, nums) -> None:
    store = Store(empty_url, nums.key)
    try:
        assert store.current_revision() is None
        before, after = store.upgrade()
        assert (before, after) == (None, store.head_revision())
        with store.engine.connect() as conn:
            assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert store.check_schema() == store.head_revision()
    finally:
        store.dispose()


def test_it_upgrades_idempotently_and_downgrades_to_empty(empty_url: URL, nums) -> None:
    store = Store(empty_url, nums.key)
    try:
        store.upgrade()
        head = store.head_revision()
        assert store.upgrade() == (head, head)
        from helpline.store import db

        db.downgrade(store.engine, "base")
        with store.engine.connect() as conn:
            assert not set(Base.metadata.tables) & set(inspect(conn).get_table_names())
        assert store.current_revision() is None
    finally:
        store.dispose()


def test_it_refuses_an_empty_schema_naming_the_command(empty_url: URL, nums) -> None:
    store = Store(empty_url, nums.key)
    try:
        with pytest.raises(SchemaOutOfDate, match="helpline db upgrade"):
            store.check_schema()
    finally:
        store.dispose()


def test_it_explains_a_schema_newer_than_the_code(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaOutOfDate, match="does not know"):
        store.check_schema()
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{store.head_revision()}'")


def test_two_processes_upgrading_at_once_both_succeed(empty_url: URL, nums) -> None:
    """serve and worker start together on SQLite; instances roll out together on PostgreSQL."""
    stores = [Store(empty_url, nums.key) for _ in range(2)]
    results: list[tuple[str | None, str | None]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(store: Store) -> None:
        try:
            barrier.wait()
            results.append(store.upgrade())
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for s in stores:
            s.dispose()
    assert not errors
    head = Store.head_revision()
    assert sorted(results, key=str) == sorted([(None, head), (head, head)], key=str)


def test_the_embedded_default_is_a_private_wal_file_under_instance(tmp_path: Path, nums) -> None:
    url = database_url("", tmp_path / "instance")
    assert url == f"sqlite:///{tmp_path / 'instance' / 'helpline.sqlite3'}"
    store = Store(url, nums.key)
    try:
        store.upgrade()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            # Waits for another writer, but never past Twilio's 15 s webhook timeout.
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 3000
    finally:
        store.dispose()
    worker = Store(url, nums.key, waits=WORKER_WAITS)  # answers nobody live: waits longer
    try:
        with worker.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 20_000
    finally:
        worker.dispose()
    path = tmp_path / "instance" / "helpline.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("postgres://u:p@db/helpline", "postgresql+psycopg://u:p@db/helpline"),
        ("postgresql://u@db/helpline", "postgresql+psycopg://u@db/helpline"),
        ("postgresql+psycopg://u@db/helpline", "postgresql+psycopg://u@db/helpline"),
        ("sqlite:////srv/helpline.db", "sqlite:////srv/helpline.db"),
    ],
)
def test_it_normalises_database_urls(configured: str, expected: str, tmp_path: Path) -> None:
    assert database_url(configured, tmp_path) == expected


def test_it_refuses_unsupported_databases(tmp_path: Path) -> None:
    from helpline.store import StoreStartupError

    with pytest.raises(StoreStartupError, match="postgresql\\+psycopg"):
        database_url("mysql://u@db/helpline", tmp_path)
