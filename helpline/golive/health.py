"""GET /healthz (the process answers) and GET /readyz (it can serve a caller right now).

A load balancer or systemd watchdog polls /healthz to restart a hung process, and /readyz to
decide whether to send traffic: content loaded, database reachable, schema current. Neither
needs a signature (they reveal no data) and neither touches Twilio.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Flask, Response, current_app

# The form field `helpline doctor` adds to its signed test call and text. It is covered by the
# signature, so only a holder of the auth token can set it; the webhooks' one guard then counts
# the request as simulated, so it never skews the usage reports.
from ..web.webhook import DOCTOR_FIELD as DOCTOR_FIELD

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


_HEAD = "helpline.golive.schema_head"


def _json(body: dict, status: int) -> Response:
    response = Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering; nothing else is checked, so it stays cheap."""
    return _json({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> Response:
    """503 until content, database and schema are all fine; says which one is not."""
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    body: dict = {"status": "ready" if ready else "not ready", "checks": checks}
    if ready:
        body["sending_today"] = sending_today()
    return _json(body, 200 if ready else 503)


def sending_today() -> dict[str, int]:
    """Texts started today and refusals by rule: figures, not a check (a load balancer must
    not take the helpline out of service because someone is attacking its texts)."""
    from ..store import get_store

    try:
        with get_store().reading() as tx:
            return tx.send_counts.day_figures()
    except Exception as exc:  # the figures are a courtesy; readiness was already answered
        log.warning("readiness: sending figures unreadable: %s", exc)
        return {}


def readiness() -> dict[str, str]:
    from ..store import get_store
    from ..web.content import current_content

    checks = {"content": "ok" if current_content().codes else "not loaded"}
    try:
        revision = get_store().current_revision()
    except Exception as exc:  # any driver error means the same to a load balancer
        log.warning("readiness: database unreachable: %s", exc)
        from .reasons import database_trouble

        checks["database"] = f"unreachable ({database_trouble(exc)})"
        checks["migrations"] = "unknown"
        return checks
    checks["database"] = "ok"
    head = current_app.extensions[_HEAD]
    checks["migrations"] = ("ok" if revision == head else
                            f"at {revision or 'none'}, needs {head}: run `helpline db upgrade`")
    return checks


def init_app(app: Flask) -> None:
    from ..store import Store

    # The code's schema head does not change while it runs: read the migrations once.
    app.extensions[_HEAD] = Store.head_revision()
    app.register_blueprint(bp)
