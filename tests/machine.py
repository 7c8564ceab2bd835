"""What the tests need from this machine beyond Python, and the one command that provides it.

`make test` installs Prism itself (npm). Chromium and PostgreSQL come from the system: a test
that needs one and does not find it is skipped with the command that fixes it, and under
``CI=true`` the same is a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
#: Third-party test data, copied into the repository with its source and licence (README there).
TWILIO_DATA = Path(__file__).resolve().parent / "data" / "twilio"

CHROMIUM_FIX = "sudo apt-get install chromium"
POSTGRES_FIX = "sudo .ci/postgres"
NODE_FIX = "sudo apt-get install nodejs npm && make test"
PRISM_FIX = "make test"

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PRISM = REPO / ".prism" / "node_modules" / ".bin" / "prism"  # as in twilio_mock.py


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(thing: str, fix_command: str) -> NoReturn:
    """Skip the test: ``thing`` is not on this machine and ``fix_command`` provides it.

    Under CI=true this fails instead: a CI run must run every test it has.
    """
    reason = f"{thing}: run `{fix_command}`"
    if in_ci():
        pytest.fail(f"CI must run this test, but {reason}", pytrace=False)
    pytest.skip(reason)


def chromium() -> str:
    """Debian's Chromium, which Playwright drives (no browser download)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    missing("Chromium is not installed", CHROMIUM_FIX)


def postgres_url():
    """The test PostgreSQL server's URL (HELPLINE_TEST_POSTGRES_URL or the default), once it
    answers. With the variable set explicitly, a server that does not answer is a failure."""
    import psycopg
    from sqlalchemy import make_url

    explicit = os.environ.get("HELPLINE_TEST_POSTGRES_URL")
    url = make_url(explicit or DEFAULT_POSTGRES_URL)
    try:
        psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                        connect_timeout=3).close()
    except psycopg.Error as exc:
        where = url.render_as_string(hide_password=True)
        reason = (f"PostgreSQL does not answer at {where} "
                  f"({str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r})")
        if explicit:
            pytest.fail(f"HELPLINE_TEST_POSTGRES_URL is set but {reason}", pytrace=False)
        missing(reason, POSTGRES_FIX)
    return url


def prism() -> Path:
    """Stoplight Prism, which `make test` installs with npm into .prism/."""
    if PRISM.exists():
        return PRISM
    if shutil.which("npm") is None or shutil.which("node") is None:
        missing("Node.js and npm are not installed (Prism, the Twilio API mock, runs on them)",
                NODE_FIX)
    missing("Prism, the Twilio API mock, is not installed in .prism/", PRISM_FIX)
