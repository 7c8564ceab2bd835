"""GET /admin/reports: the figures as a page with charts, and as CSV or JSON downloads.

Thin handlers: the period comes from ?since=&until=, the figures from ``build_report``.
Protected like the simulator (open in local mode, the operator password in production).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ..store import get_store
from ..web.admin import add_security_headers, check_admin
from ..web.content import current_content
from . import build_report, local_today, report_zone
from .charts import chart
from .export import to_csv, to_json
from .figures import SMALL_COUNT, PeriodError, period

bp = Blueprint("reports", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
def _operators_only() -> Response | None:
    return check_admin()


@bp.after_request
def _private(response: Response) -> Response:
    # Operator figures must not sit in a shared cache or a proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return add_security_headers(response)


def _requested_report():
    zone = report_zone(current_app)
    since, until = period(request.args.get("since") or None, request.args.get("until") or None,
                          local_today(zone))
    return build_report(get_store(), current_content(), since, until, zone)


@bp.get("/reports")
def report_page():
    try:
        report = _requested_report()
    except PeriodError as exc:
        return render_template("reports/report.html", report=None, error=str(exc),
                               since=request.args.get("since", ""),
                               until=request.args.get("until", "")), 400
    charts = {s.key: chart(s.key, s.chart, s.figures, s.title) for s in report.sections}
    return render_template("reports/report.html", report=report, charts=charts, error=None,
                           since=report.since.isoformat(), until=report.until.isoformat(),
                           small=SMALL_COUNT)


def _download(render, suffix: str, mimetype: str) -> Response:
    try:
        report = _requested_report()
    except PeriodError as exc:
        return Response(f"{exc}\n", 400, mimetype="text/plain")
    name = f"helpline-report-{report.since}-to-{report.until}.{suffix}"
    return Response(render(report), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports.csv")
def report_csv() -> Response:
    return _download(to_csv, "csv", "text/csv")


@bp.get("/reports.json")
def report_json() -> Response:
    return _download(to_json, "json", "application/json")
