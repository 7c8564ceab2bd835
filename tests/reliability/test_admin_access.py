"""The operator pages refuse anyone without the password, and slow down whoever keeps guessing.

Tested through a tiny page protected exactly as the real ones are (``check_admin`` before each
request of its blueprint), and through /simulator and /admin/reports.
"""

from __future__ import annotations

import base64
import threading
import time

import pytest
from flask import Blueprint

from helpline import create_app
from helpline.config import ConfigError
from helpline.web import admin

from ..conftest import Twilio

PASSWORD = "correct horse battery staple"

page = Blueprint("secret_page", __name__)
page.before_request(admin.check_admin)


@page.get("/operators-only")
def operators_only():
    return "the operator page"


def basic(password: str, user: str = "operator") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class Clock:
    """A clock the test moves by hand, so waits are checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(admin, "FAILURES", admin._Failures(clock))
    return clock


def make(settings, **extra):
    app = create_app({**settings, "HELPLINE_LANGUAGES": "en", **extra})
    app.register_blueprint(page)
    return app.test_client()


def test_in_production_without_a_password_the_pages_do_not_exist(settings, clock):
    client = make(settings)

    assert client.get("/operators-only").status_code == 404
    assert client.get("/operators-only", headers=basic("anything")).status_code == 404


def test_without_the_password_the_page_asks_for_it(settings, clock):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)

    refused = client.get("/operators-only")
    wrong = client.get("/operators-only", headers=basic("guess"))
    empty = client.get("/operators-only", headers=basic(""))
    bearer = client.get("/operators-only", headers={"Authorization": f"Bearer {PASSWORD}"})
    right = client.get("/operators-only", headers=basic(PASSWORD))

    for answer in (refused, wrong, empty, bearer):
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Basic ")
        assert b"the operator page" not in answer.data
    assert right.status_code == 200 and right.data == b"the operator page"


def test_guessing_is_turned_away_at_once_for_longer_and_longer_per_address(settings, clock):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)

    answers = [client.get("/operators-only", headers=basic(f"guess {n}")) for n in range(5)]
    locked = client.get("/operators-only", headers=basic(PASSWORD))
    other = client.get("/operators-only", headers=basic("guess"),
                       environ_base={"REMOTE_ADDR": "192.0.2.7"})

    assert [answer.status_code for answer in answers] == [401] * 5  # five free tries
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "1"
    assert b"the operator page" not in locked.data  # even the right password waits
    assert other.status_code == 401  # another address is not turned away
    clock.now += 1
    assert client.get("/operators-only", headers=basic("guess 6")).status_code == 401
    assert client.get("/operators-only").headers["Retry-After"] == "2"  # doubled
    clock.now += 2
    assert client.get("/operators-only", headers=basic(PASSWORD)).status_code == 200
    assert client.get("/operators-only", headers=basic("one more guess")).status_code == 401


def test_in_local_mode_the_pages_are_open(settings, clock):
    local = {**settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": ""}
    client = make(local)

    assert client.get("/operators-only").status_code == 200


@pytest.mark.parametrize("path", ["/simulator", "/admin/reports"])
def test_the_real_operator_pages_refuse_without_the_password(settings, clock, path):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)
    if not any(rule.rule.rstrip("/") == path for rule in client.application.url_map.iter_rules()):
        pytest.skip(f"{path} is not in this checkout yet")

    assert client.get(path).status_code == 401
    assert client.get(path, headers=basic("guess")).status_code == 401
    assert client.get(path, headers=basic(PASSWORD)).status_code in (200, 302, 308)


@pytest.mark.parametrize("path", ["/simulator", "/admin/reports"])
def test_operator_pages_cannot_be_framed_or_leak_their_address(settings, clock, path):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)

    page = client.get(path, headers=basic(PASSWORD))

    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_a_short_operator_password_stops_start_up(settings):
    with pytest.raises(ConfigError, match="HELPLINE_ADMIN_PASSWORD has 6 characters; use at "
                                          "least 12"):
        create_app({**settings, "HELPLINE_ADMIN_PASSWORD": "secret"})


def test_forty_concurrent_wrong_passwords_never_hold_a_worker(settings, clock, monkeypatch):
    """The review's attack: guesses used to sleep in the worker thread Twilio's webhooks need.
    Now nothing on the sign-in path may sleep, and a signed call is answered meanwhile."""
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)
    app = client.application

    def no_sleeping(seconds):
        raise AssertionError(f"the sign-in path slept {seconds} s")

    monkeypatch.setattr(time, "sleep", no_sleeping)
    barrier = threading.Barrier(41)
    answers: list[int] = []

    def guess(n: int) -> None:
        barrier.wait()
        answers.append(app.test_client().get("/operators-only",
                                             headers=basic(f"guess {n}")).status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    barrier.wait()
    call = Twilio(app.test_client()).post("/voice", {"CallSid": "CA" + "1" * 32,
                                                     "From": "+447400123123"})
    for thread in threads:
        thread.join(10)

    assert call.status_code == 200 and b"<Gather" in call.data
    assert sorted(set(answers)) == [401, 429] and len(answers) == 40
