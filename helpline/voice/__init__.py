"""The phone channel: Twilio Programmable Voice webhooks and the menu they drive."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ..audio.serving import on_reload
    from . import reminder_call
    from .views import bp, prepare

    prepare(app)
    # New audio (a recording kept in the studio): the prepared <Play> pieces are made again.
    on_reload(app, prepare)
    app.register_blueprint(bp)
    reminder_call.init_app(app)  # /voice/remind: setting a reminder on a call
