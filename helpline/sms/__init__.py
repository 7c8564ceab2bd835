"""The texting channel: Twilio Programmable Messaging webhooks, keywords and the outbox."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .views import bp, prepare

    prepare(app)
    app.register_blueprint(bp)
