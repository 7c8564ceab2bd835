"""Reliability tests: properties, a stateful opt-out model, signed fuzzing and injected faults.

Hypothesis runs with no deadline (this machine is shared and slow at times; speed belongs in
benchmarks/) and a modest number of examples, so the whole folder stays quick in the normal
suite. ``HYPOTHESIS_PROFILE=thorough`` runs many more examples when hunting a bug.
"""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from helpline.store import Store

settings.register_profile(
    "helpline",
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("helpline"),
    max_examples=2000,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "helpline"))


@pytest.fixture(scope="module")
def postgres_schema():
    """A fresh, migrated schema in the test PostgreSQL (one per test module); dropped after."""
    from ..machine import postgres_url

    base = postgres_url()
    name = f"helpline_reliability_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = base.update_query_dict({"options": f"-csearch_path={name}"})
    store = Store(url, "test-secret-key-for-hashing-numbers")
    store.upgrade()
    store.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()
