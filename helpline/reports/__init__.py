"""Operator reports: who the helpline reaches, counted from anonymous usage events.

``build_report`` is the one place the figures come from, for the page at /admin/reports and
for ``helpline report``; both show exactly the same numbers.
"""

from __future__ import annotations

from datetime import date

from flask import Flask

from ..content import Content
from ..store import Store
from .figures import PeriodError, Report, compute, period

__all__ = ["PeriodError", "Report", "build_report", "init_app", "period"]


def build_report(store: Store, content: Content, since: date, until: date) -> Report:
    """Read the grouped rows for the period and compute every figure."""
    with store.reading() as tx:
        usage, outbox = tx.reports.usage_rows(since, until), tx.reports.outbox_rows(since, until)
        failures = tx.reports.failure_rows(since, until)
        channels = tx.reports.channel_rows(since, until)
    return compute(usage, outbox, since, until, catalogue=content.catalogue, failures=failures,
                   channels=channels,
                   sections=content.section_items(),
                   languages={pack.code: pack.meta.name for pack in content})


def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
