"""Operator reports: who the helpline reaches, counted from anonymous usage events.

``build_report`` is the one place the figures come from, for the page at /admin/reports and
for ``helpline report``; both show exactly the same numbers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from ..content import Content
from ..store import Store
from .figures import PeriodError, Report, compute, period

__all__ = ["PeriodError", "Report", "build_report", "init_app", "local_today", "period",
           "report_zone"]


def build_report(store: Store, content: Content, since: date, until: date,
                 zone: str = "UTC") -> Report:
    """Read the grouped rows for the period and compute every figure; days are ``zone``'s
    (HELPLINE_TIMEZONE)."""
    with store.reading() as tx:
        usage = tx.reports.usage_rows(since, until, zone)
        outbox = tx.reports.outbox_rows(since, until, zone)
        failures = tx.reports.failure_rows(since, until, zone)
        channels = tx.reports.channel_rows(since, until, zone)
    return compute(usage, outbox, since, until, catalogue=content.catalogue, failures=failures,
                   channels=channels,
                   sections=content.section_items(),
                   languages={pack.code: pack.meta.name for pack in content}, zone=zone)


def report_zone(app: Flask) -> str:
    """The operator's time zone, which report days follow."""
    return str(app.config.get("HELPLINE_TIMEZONE") or "UTC")


def local_today(zone: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
