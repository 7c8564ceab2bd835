"""The phone channel: Twilio Programmable Voice webhooks and the menu they drive."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .views import bp, prepare

    prepare(app)
    app.register_blueprint(bp)
