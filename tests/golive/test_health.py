"""GET /healthz and GET /readyz, as a load balancer or systemd watchdog polls them."""

from __future__ import annotations

from helpline.store import get_store
from helpline.store.db import downgrade

from .conftest import database_down


def test_it_says_the_process_is_up_without_a_signature(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_it_is_ready_with_content_loaded_and_the_database_current(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"content": "ok", "database": "ok", "migrations": "ok"},
        "sending_today": {},
    }


def test_it_is_not_ready_while_the_database_is_down_but_still_alive(client, settings):
    with database_down(settings):
        ready = client.get("/readyz")
        alive = client.get("/healthz")

    assert ready.status_code == 503
    body = ready.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["content"] == "ok"
    assert body["checks"]["database"] == ("unreachable (the database does not answer: check "
                                          "DATABASE_URL and that the server is up)")
    assert alive.status_code == 200
    assert client.get("/readyz").status_code == 200  # back once the database is


def test_it_is_not_ready_on_a_schema_behind_the_code(app, client):
    with app.app_context():
        downgrade(get_store().engine, "base")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "run `helpline db upgrade`" in response.get_json()["checks"]["migrations"]


def test_it_does_not_leak_where_the_database_is(client, settings):
    with database_down(settings):
        response = client.get("/readyz")

    assert settings["DATABASE_URL"] not in response.get_data(as_text=True)
    assert "sqlite" not in response.get_data(as_text=True)
