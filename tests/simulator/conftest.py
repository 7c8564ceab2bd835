"""The simulator's fixtures: the helpline served by a real HTTP server, and its words."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from helpline import create_app
from helpline.content.model import SMS, VOICE
from helpline.core.prompts import deployment_values
from helpline.web.content import current_content

ADMIN_PASSWORD = "operator-password-for-tests"


@pytest.fixture
def operator_settings(settings) -> dict:
    """Production with an operator password: signed webhooks, the simulator behind a login."""
    return {**settings, "HELPLINE_ADMIN_PASSWORD": ADMIN_PASSWORD}


class Words:
    """The exact words of a text, as a caller hears or a texter reads them."""

    def __init__(self, app):
        self.app = app

    def voice(self, text_id: str, language: str = "en", **values) -> str:
        with self.app.app_context():
            pack = current_content().pack(language)
            return pack.render(text_id, VOICE, {**deployment_values(self.app.config), **values})

    def sms(self, text_id: str, language: str = "en", **values) -> str:
        with self.app.app_context():
            pack = current_content().pack(language)
            return pack.render(text_id, SMS, {**deployment_values(self.app.config), **values})


class LiveHelpline:
    """The helpline behind a real werkzeug server on a loopback port, in a thread."""

    def __init__(self, settings: dict):
        self.server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # The public URL is this server's own address, so the audio URLs in the TwiML are
        # ones the browser can fetch, and signatures are checked against it.
        self.app = create_app({**settings, "HELPLINE_PUBLIC_URL": self.url})
        self.words = Words(self.app)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_helpline(operator_settings) -> Iterator[LiveHelpline]:
    helpline = LiveHelpline(operator_settings)
    yield helpline
    helpline.close()


@pytest.fixture
def words(app) -> Words:
    return Words(app)
