"""Alembic environment: runs on the connection the store hands over, or on a URL.

``helpline db upgrade`` passes its own connection (already inside an exclusive transaction) in
``config.attributes["connection"]``; plain ``alembic -x url=...`` use is supported for
generating new revisions during development.
"""

from __future__ import annotations

from alembic import context

from helpline.store.db import make_engine
from helpline.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: later migrations rebuild tables in batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `helpline db upgrade`.")
run_migrations_online()
