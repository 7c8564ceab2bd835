"""The simulator: try the whole helpline without a phone, in a browser or a terminal.

``GET /simulator`` is a page with a phone and an SMS pane that drive the real webhooks
(``views``); ``helpline simulate`` does the same in a terminal (``commands``). Both send
requests signed as Twilio signs them and tagged as simulated (``dispatch``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Serve the simulator page; who may open it is decided per request (``admin.py``)."""
    from .views import bp

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
