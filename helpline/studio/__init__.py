"""The recording studio: the operator's own people record every prompt in a browser.

``/admin/studio`` lists each language's prompts in the order a caller hears them, with what
callers hear now; a take is checked and tidied (``takes``), then kept as the prompt's recording
and built into its phone file exactly as ``helpline audio build`` would (``saving``), so the
next call plays it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .views import bp

    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
