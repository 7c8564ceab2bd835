"""What the texting tests share: the words a texter should read, and their opt-out state."""

from __future__ import annotations

import pytest

from helpline.content.model import SMS
from helpline.core.prompts import deployment_values
from helpline.web.content import current_content


@pytest.fixture
def words(app):
    """A text's SMS words in a language, as the app renders them."""

    def render(text_id: str, language: str = "en", **values: object) -> str:
        with app.app_context():
            return current_content().pack(language).render(
                text_id, SMS, {**deployment_values(app.config), **values})

    return render


def opted_out(store, number: str) -> bool:
    with store.reading() as tx:
        return tx.contacts.is_opted_out(number)
