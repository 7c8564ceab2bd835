"""The texting channel: Twilio Programmable Messaging webhooks that answer keywords."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .views import bp, prepare

    prepare(app)
    app.register_blueprint(bp)
