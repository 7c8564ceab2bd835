"""A deployment on loopback for the going-live tests: the helpline served over real HTTP,
Twilio's number API (Prism behind our proxy), and the `helpline` command run against both."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from werkzeug.serving import make_server

from helpline import create_app
from helpline.cli import cli

from ..twilio_mock import free_port
from .twilio_numbers import NumbersApi

ACCOUNT = "AC" + "0" * 32
HELPLINE_NUMBER = "+15005550006"


@pytest.fixture
def settings(settings: dict) -> dict:
    """The shared production-like settings, English only: loading all six content files
    costs seconds per app, and nothing checked here depends on the language."""
    return {**settings, "HELPLINE_LANGUAGES": "en",
            "HELPLINE_ADMIN_PASSWORD": "operator-password-for-doctor-tests"}


@pytest.fixture(scope="session")
def numbers_api(twilio_api) -> Iterator[NumbersApi]:
    """Twilio's IncomingPhoneNumbers API, sharing the session's Prism."""
    api = NumbersApi(twilio_api.prism_url)
    yield api
    api.close()


@pytest.fixture
def numbers(numbers_api: NumbersApi) -> Iterator[NumbersApi]:
    numbers_api.reset()
    yield numbers_api
    numbers_api.reset()


class Deployment:
    """The helpline served on a loopback port, and the operator's shell next to it."""

    def __init__(self, settings: dict) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = {**settings, "HELPLINE_PUBLIC_URL": self.url}
        self.app = create_app(self.settings)
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def command(self, *args: str, **overrides: object):
        """Run `helpline ARGS` as the operator would, in its own app, with these settings."""
        settings = {**self.settings, **overrides}
        # The app is made inside the command, as the installed command does, so a command
        # that skips the start-up checks (db, doctor, twilio) really starts without them.
        info = ScriptInfo(create_app=lambda: create_app(settings))
        return CliRunner().invoke(cli, list(args), obj=info)

    def doctor(self, *args: str, **overrides: object):
        return self.command("doctor", "--allow-http", *args, **overrides)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


#: The messaging service that holds the helpline number in an approved A2P 10DLC campaign.
SERVICE = "MG" + "5" * 32


@pytest.fixture
def carriers(carrier_apis, numbers: NumbersApi):
    """Twilio's Messaging API in front of the number API, the helpline number registered."""
    carrier_apis.start("twilio_messaging_v1.json")  # before a request waits on its start
    carrier_apis.upstream = numbers.url
    carrier_apis.services = {SERVICE: [HELPLINE_NUMBER]}
    carrier_apis.campaigns = {SERVICE: ["VERIFIED"]}
    return carrier_apis


@pytest.fixture
def deployment(settings: dict, numbers: NumbersApi, carriers) -> Iterator[Deployment]:
    """A running helpline whose Twilio number already points at it."""
    live = Deployment({**settings, "TWILIO_API_BASE_URL": carriers.url})
    numbers.add_number(ACCOUNT, HELPLINE_NUMBER, voice_url=live.url + "/voice",
                       voice_fallback_url=live.url + "/voice/fallback",
                       status_callback=live.url + "/voice/status", sms_url=live.url + "/sms",
                       sms_fallback_url=live.url + "/sms/fallback")
    yield live
    live.stop()


def lines_by_check(output: str) -> dict[str, str]:
    """`helpline doctor` output, one line per check, keyed by the check's name."""
    found = {}
    for line in output.splitlines():
        status = line[:4].strip()
        if status in ("ok", "FAIL", "skip", "warn"):
            found[line[6:22].strip()] = f"{status} {line[23:]}"
    return found


@pytest.fixture
def repo_audio() -> Path:
    return Path(__file__).resolve().parents[2] / "audio"


@contextmanager
def database_down(settings: dict) -> Iterator[None]:
    """The SQLite file is gone and its path cannot be opened (a lost disk, a bad mount)."""
    path = Path(settings["DATABASE_URL"].removeprefix("sqlite:///"))
    saved = path.with_name(path.name + ".saved")
    path.rename(saved)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.mkdir()
    try:
        yield
    finally:
        path.rmdir()
        saved.rename(path)
