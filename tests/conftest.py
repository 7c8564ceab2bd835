"""Fixtures that read like the people who use the helpline: Twilio, a caller, a texter.

Every webhook request is signed with twilio's own RequestValidator, exactly as Twilio signs it,
so signature checking stays on in the tests.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from helpline import create_app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

AUTH_TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "https://helpline.example.org"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped content that a test may edit."""
    target = tmp_path / "scripts_content"
    shutil.copytree(REPO / "scripts_content", target)
    return target


#: Every SQLite file the tests' apps wrote, scanned for phone numbers at the end of the run.
DATABASES: list[Path] = []


@pytest.fixture
def settings(tmp_path: Path) -> dict:
    """A production-like configuration: signed webhooks, a private instance folder."""
    DATABASES.append(tmp_path / "helpline.sqlite3")
    return {
        "TESTING": True,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "HELPLINE_PUBLIC_URL": PUBLIC_URL,
        "HELPLINE_SECRET_KEY": "test-secret-key-for-hashing-numbers",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'helpline.sqlite3'}",
    }


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Twilio:
    """Posts to the helpline as Twilio does: form-encoded, signed against the public URL."""

    def __init__(self, client, token: str = AUTH_TOKEN, public_url: str = PUBLIC_URL):
        self.client = client
        self.validator = RequestValidator(token)
        self.public_url = public_url

    def sign(self, path: str, params: dict) -> str:
        return self.validator.compute_signature(self.public_url + path, params)

    def post(self, path: str, params: dict | None = None, signature: str | None = None):
        params = {k: v for k, v in (params or {}).items() if v is not None}
        headers = {"X-Twilio-Signature": signature if signature is not None
                   else self.sign(path, params)}
        return self.client.post(path, data=params, headers=headers)


@pytest.fixture
def twilio(client) -> Twilio:
    return Twilio(client)


class Outbox:
    """What is waiting to be texted, read straight from the database."""

    def __init__(self, app):
        self.app = app

    def rows(self, **where):
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from helpline.store import get_store
        from helpline.store.models import OutboxMessage

        with self.app.app_context(), Session(get_store().engine) as session:
            stmt = select(OutboxMessage).order_by(OutboxMessage.id)
            for name, value in where.items():
                stmt = stmt.where(getattr(OutboxMessage, name) == value)
            return list(session.scalars(stmt))

    def bodies_to(self, number: str) -> list[str]:
        return [row.body for row in self.rows(to_number=number)]


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)


@pytest.fixture
def store(app):
    from helpline.store import get_store

    with app.app_context():
        yield get_store()


class Texter:
    """Sends texts to the helpline as Twilio posts them and reads the <Message> replies."""

    def __init__(self, twilio, number: str = "+447400123001"):
        self.twilio = twilio
        self.number = number
        self._sids = iter(range(1, 10**6))

    def send(self, body: str, **extra) -> list[str]:
        import xml.etree.ElementTree as ET

        params = {"MessageSid": f"SM{next(self._sids):032x}", "AccountSid": "AC" + "0" * 32,
                  "From": self.number, "To": "+15005550006", "Body": body, "NumMedia": "0",
                  **extra}
        response = self.twilio.post("/sms", params)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        root = ET.fromstring(response.data)
        assert root.tag == "Response"
        return [message.text or "" for message in root.findall("Message")]


@pytest.fixture
def texter(twilio) -> Texter:
    return Texter(twilio)


@pytest.fixture(scope="session")
def twilio_api():
    """Twilio's REST API as its OpenAPI spec describes it (Prism), behind our fault proxy."""
    from .machine import prism as installed_prism
    from .twilio_mock import Prism, TwilioMock

    prism = Prism(installed_prism())
    mock = TwilioMock(prism.url)
    yield mock
    mock.close()
    prism.stop()


@pytest.fixture
def twilio_mock(twilio_api):
    twilio_api.reset()
    yield twilio_api
    twilio_api.reset()


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


#: A number as the helpline would see it: E.164, or the national digits of a test number.
_PLAIN_NUMBER = re.compile(r"\+\d{8,15}|%2B\d{8,15}|7400\d{6}|7700\d{6}", re.IGNORECASE)


def _numbers_in_database(path: Path) -> list[str]:
    found = []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            for row in db.execute(f'SELECT * FROM "{table}"'):
                values = dict(zip(columns, row, strict=True))
                if table == "outbox" and values.get("state") in ("pending", "sending"):
                    continue  # a text not yet sent (queued, or claimed) needs its number
                for name, value in values.items():
                    if isinstance(value, str) and _PLAIN_NUMBER.search(value):
                        found.append(f"{path.parent.name}/{path.name} {table}.{name}: {value!r}")
    return found


@pytest.fixture(scope="session", autouse=True)
def no_phone_number_left_behind():
    """After the whole run: no plain number in any log line or database, but pending texts."""
    collector = _LogCollector()
    collector.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    yield
    root.removeHandler(collector)
    root.setLevel(old_level)
    leaks = [f"log: {line}" for line in collector.lines if _PLAIN_NUMBER.search(line)]
    for path in DATABASES:
        if path.exists():
            leaks += _numbers_in_database(path)
    assert leaks == [], "plain phone numbers were kept:\n" + "\n".join(leaks[:20])


@pytest.fixture(scope="session")
def carrier_apis_session():
    """Twilio's Messaging, Pricing and Lookups APIs (a Prism per spec, started on first use)."""
    import os

    from .carrier_apis import CarrierApis, prism_missing_reason

    reason = prism_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Twilio API tests: {reason}")
        pytest.skip(reason)
    apis = CarrierApis()
    yield apis
    apis.close()


@pytest.fixture
def carrier_apis(carrier_apis_session):
    carrier_apis_session.reset()
    yield carrier_apis_session
    carrier_apis_session.reset()
