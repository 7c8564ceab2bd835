"""Fixtures that read like the people who use the helpline: Twilio, a caller, a texter.

Every webhook request is signed with twilio's own RequestValidator, exactly as Twilio signs it,
so signature checking stays on in the tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from helpline import create_app

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

AUTH_TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "https://helpline.example.org"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped content that a test may edit."""
    target = tmp_path / "scripts_content"
    shutil.copytree(REPO / "scripts_content", target)
    return target


@pytest.fixture
def settings(tmp_path: Path) -> dict:
    """A production-like configuration: signed webhooks, a private instance folder."""
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
