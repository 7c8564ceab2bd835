"""The report as a terminal table, CSV or JSON: all made from ``Report.rows()``."""

from __future__ import annotations

import csv
import io
import json

from .figures import SMALL_COUNT, Report

FORMATS = ("table", "csv", "json")


def to_csv(report: Report) -> str:
    """One figure per row with a header, ready for a funder's spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "label", "value"])
    writer.writerows(report.rows())
    return out.getvalue()


def to_json(report: Report) -> str:
    """Sections in page order; values are numbers, or the string "<5" for 1 to 4."""
    data = {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "days": report.zone,
        "small_counts": f"values from 1 to {SMALL_COUNT - 1} are shown as \"<{SMALL_COUNT}\"",
        "sections": [
            {
                "section": section.key,
                "title": section.title,
                "figures": [
                    {"label": f.label, "value": f.shown if f.suppressed else f.value,
                     **({"fix": f.detail} if f.detail else {})}
                    for f in section.figures
                ],
            }
            for section in report.sections
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_table(report: Report) -> str:
    """Plain aligned text for a terminal: a heading per section, label and value per line,
    and under a failure reason that occurred, what to do about it."""
    lines = [f"Helpline report {report.since} to {report.until} ({report.zone} days; "
             f"counts of 1-{SMALL_COUNT - 1} shown as <{SMALL_COUNT})"]
    for section in report.sections:
        lines += ["", f"{section.title} [{section.key}]"]
        width = max((len(f.label) for f in section.figures), default=0)
        for f in section.figures:
            lines.append(f"  {f.label.ljust(width)}  {f.shown.rjust(6)}")
            if f.detail and f.value:  # what to do, only where something happened
                lines.append(f"      what to do: {f.detail}")
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str) -> str:
    return {"table": to_table, "csv": to_csv, "json": to_json}[fmt](report)
