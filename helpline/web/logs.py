"""Logging that never writes a phone number, whichever logger or library wrote the line."""

from __future__ import annotations

import logging

from flask import Flask
from flask.logging import default_handler

from ..core.privacy import mask_numbers

_installed = False


def _masking_factory(original):
    def factory(*args, **kwargs) -> logging.LogRecord:
        record = original(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg, record.args = mask_numbers(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_numbers(logging.Formatter().formatException(record.exc_info))
        return record

    factory.masks_numbers = True  # type: ignore[attr-defined]
    return factory


def install_masking() -> None:
    """Mask numbers at the moment a log record is made, so every handler sees the masked text."""
    global _installed
    current = logging.getLogRecordFactory()
    if _installed or getattr(current, "masks_numbers", False):
        return
    logging.setLogRecordFactory(_masking_factory(current))
    _installed = True


def init_app(app: Flask) -> None:
    install_masking()
    # Flask gives the "helpline" logger a handler of its own; with the root handler below that
    # would print every line of this package twice.
    app.logger.removeHandler(default_handler)
    if not logging.getLogger().handlers and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
