"""The operator pages refuse anyone without the password, and slow down whoever keeps guessing.

Tested through a tiny page protected exactly as the real ones are (``check_admin`` before each
request of its blueprint), and through /simulator and /admin/reports.
"""

from __future__ import annotations

import base64

import pytest
from flask import Blueprint

from helpline import create_app
from helpline.web import admin

PASSWORD = "correct horse battery staple"

page = Blueprint("secret_page", __name__)
page.before_request(admin.check_admin)


@page.get("/operators-only")
def operators_only():
    return "the operator page"


def basic(password: str, user: str = "operator") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def delays(monkeypatch) -> list[float]:
    """The slow-downs the page imposed, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(admin, "sleep", slept.append)
    monkeypatch.setattr(admin, "FAILURES", admin._Failures())
    return slept


def make(settings, **extra):
    app = create_app({**settings, "HELPLINE_LANGUAGES": "en", **extra})
    app.register_blueprint(page)
    return app.test_client()


def test_in_production_without_a_password_the_pages_do_not_exist(settings, delays):
    client = make(settings)

    assert client.get("/operators-only").status_code == 404
    assert client.get("/operators-only", headers=basic("anything")).status_code == 404


def test_without_the_password_the_page_asks_for_it(settings, delays):
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


def test_guessing_is_slowed_down_more_and_more_per_address(settings, delays):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)

    for n in range(10):
        client.get("/operators-only", headers=basic(f"guess {n}"))
    other = client.get("/operators-only", headers=basic("guess"),
                       environ_base={"REMOTE_ADDR": "192.0.2.7"})

    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0]  # five free tries, then doubling, capped
    assert other.status_code == 401 and len(delays) == 5  # another address is not slowed


def test_the_right_password_is_never_slowed_and_clears_the_count(settings, delays):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)
    for n in range(7):
        client.get("/operators-only", headers=basic(f"guess {n}"))
    slowed = len(delays)

    assert client.get("/operators-only", headers=basic(PASSWORD)).status_code == 200
    assert len(delays) == slowed
    client.get("/operators-only", headers=basic("one more guess"))
    assert len(delays) == slowed  # counting starts again


def test_in_local_mode_the_pages_are_open(settings, delays):
    local = {**settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": ""}
    client = make(local)

    assert client.get("/operators-only").status_code == 200


@pytest.mark.parametrize("path", ["/simulator", "/admin/reports"])
def test_the_real_operator_pages_refuse_without_the_password(settings, delays, path):
    client = make(settings, HELPLINE_ADMIN_PASSWORD=PASSWORD)
    if not any(rule.rule.rstrip("/") == path for rule in client.application.url_map.iter_rules()):
        pytest.skip(f"{path} is not in this checkout yet")

    assert client.get(path).status_code == 401
    assert client.get(path, headers=basic("guess")).status_code == 401
    assert client.get(path, headers=basic(PASSWORD)).status_code in (200, 302, 308)
