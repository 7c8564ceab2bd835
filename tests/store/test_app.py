"""The store inside the Flask app: start-up checks, the embedded default, and the db commands."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import URL

from helpline.store import SchemaOutOfDate, SecretKeyError, Store, get_store


def url_of(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def test_local_mode_needs_no_settings_at_all(make_app, tmp_path: Path, nums) -> None:
    """First run on a laptop: the SQLite file and the key appear under instance/."""
    app = make_app()
    instance = tmp_path / "instance"
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((instance / "helpline.sqlite3").stat().st_mode) == 0o600
    with app.app_context():
        store = get_store()
        assert store.is_embedded
        assert store.current_revision() == store.head_revision()
        with store.transaction() as tx:
            tx.contacts.record_opt_out(nums.alice, "STOP")
    with make_app().app_context():  # a restart reuses the key: the opt-out still matches
        with get_store().reading() as tx:
            assert tx.contacts.is_opted_out(nums.alice)


def test_sqlite_is_migrated_at_start_postgres_is_refused_until_upgraded(
    backend: str, empty_url: URL, make_app, run_cli, nums
) -> None:
    def factory() -> Flask:
        return make_app(DATABASE_URL=url_of(empty_url), HELPLINE_SECRET_KEY=nums.key)

    if backend == "sqlite":
        with factory().app_context():
            assert get_store().check_schema()
        return
    with pytest.raises(SchemaOutOfDate, match="Run `helpline db upgrade`"):
        factory()

    current = run_cli(factory, "db", "current", "--check")
    assert current.exit_code == 1, current.output
    assert "Revision: none" in current.output and "helpline db upgrade" in current.output

    upgraded = run_cli(factory, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "upgraded from an empty database to" in upgraded.output
    assert "already at revision" in run_cli(factory, "db", "upgrade").output
    assert run_cli(factory, "db", "current", "--check").exit_code == 0
    with factory().app_context():
        assert get_store().check_schema()


def test_production_without_a_key_refuses_to_start(store_url: URL, make_app) -> None:
    with pytest.raises(SecretKeyError, match="HELPLINE_SECRET_KEY is not set"):
        make_app(DATABASE_URL=url_of(store_url), TWILIO_AUTH_TOKEN="auth-token")


def test_a_changed_key_refuses_to_start_until_adopted(
    store_url: URL, make_app, run_cli, nums
) -> None:
    make_app(DATABASE_URL=url_of(store_url), HELPLINE_SECRET_KEY=nums.key)

    def with_new_key() -> Flask:
        return make_app(DATABASE_URL=url_of(store_url), HELPLINE_SECRET_KEY=nums.other_key)

    with pytest.raises(SecretKeyError, match="HELPLINE_OLD_SECRET_KEYS"):
        with_new_key()
    refused = run_cli(with_new_key, "db", "adopt-key", input="n\n")
    assert refused.exit_code == 1 and "no longer be recognised" in refused.output
    adopted = run_cli(with_new_key, "db", "adopt-key", "--yes")
    assert adopted.exit_code == 0, adopted.output
    with_new_key()


def test_old_keys_from_the_settings_allow_a_rotation(store_url: URL, make_app, nums) -> None:
    with make_app(DATABASE_URL=url_of(store_url), HELPLINE_SECRET_KEY=nums.key).app_context():
        with get_store().transaction() as tx:
            tx.contacts.record_opt_out(nums.alice, "STOP")
    rotated = make_app(
        DATABASE_URL=url_of(store_url),
        HELPLINE_SECRET_KEY=nums.other_key,
        HELPLINE_OLD_SECRET_KEYS=nums.key,
    )
    with rotated.app_context(), get_store().reading() as tx:
        assert tx.contacts.is_opted_out(nums.alice)


def test_get_store_explains_a_missing_init_app() -> None:
    with Flask("bare").app_context(), pytest.raises(RuntimeError, match="init_app"):
        get_store()


def test_the_store_works_without_flask(store: Store, nums) -> None:
    """The worker and scripts build a Store from a URL and a key; no app needed."""
    with store.transaction() as tx:
        tx.contacts.set_language(nums.alice, "ru")
    with store.reading() as tx:
        assert tx.contacts.texter_state(nums.alice) == ("ru", False)
    assert store.current_revision() == store.head_revision()


def test_the_store_never_shows_a_database_password(nums) -> None:
    store = Store("postgresql+psycopg://helpline:s3cret-pw@db.example/helpline", nums.key)
    try:
        assert "s3cret-pw" not in repr(store) and "db.example" in repr(store)
    finally:
        store.dispose()
