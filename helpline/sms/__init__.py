"""The texting channel: Twilio Programmable Messaging webhooks, keywords and the outbox."""

from __future__ import annotations

from flask import Flask

from .keywords import KeywordTable

KEYWORDS_EXTENSION = "helpline.keywords"


def keyword_table(app: Flask) -> KeywordTable:
    """The keyword table of every enabled language, built once and shared by voice and SMS."""
    table = app.extensions.get(KEYWORDS_EXTENSION)
    if table is None:
        from ..content import CONTENT_EXTENSION

        table = app.extensions[KEYWORDS_EXTENSION] = KeywordTable.from_packs(
            app.extensions[CONTENT_EXTENSION])
    return table


def init_app(app: Flask) -> None:
    from .views import bp, prepare

    prepare(app)
    app.register_blueprint(bp)
