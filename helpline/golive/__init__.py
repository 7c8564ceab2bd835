"""Going live: production serving, health endpoints, Twilio number set-up and `helpline doctor`.

``init_app`` adds /healthz and /readyz; the commands live in ``commands.py``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import health

    health.init_app(app)


__all__ = ["init_app"]
