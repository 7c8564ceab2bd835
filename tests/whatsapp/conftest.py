"""WhatsApp texters: Twilio posts their messages to /sms with From=whatsapp:+..."""

from __future__ import annotations

import pytest

from ..conftest import Texter
from ..sms.conftest import words  # noqa: F401 - the texting tests' words fixture

NUMBER = "+447400123777"
ADDRESS = "whatsapp:" + NUMBER


@pytest.fixture
def whatsapp(twilio) -> Texter:
    return Texter(twilio, number=ADDRESS)


def rows_to(outbox, key: str = ADDRESS):
    return outbox.rows(to_hash=_hash(outbox.app, key))


def _hash(app, key: str) -> str:
    from helpline.store import get_store

    with app.app_context():
        return get_store().hash_number(key)
