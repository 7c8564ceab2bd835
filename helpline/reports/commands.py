"""``helpline report``: the report's figures in the terminal, or as CSV/JSON for a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store import get_store
from ..web.content import current_content
from . import build_report, local_today, report_zone
from .export import FORMATS, render
from .figures import DEFAULT_DAYS, PeriodError, period


@click.command("report")
@click.option("--since", metavar="YYYY-MM-DD",
              help=f"First day to count (days follow HELPLINE_TIMEZONE). Default: the "
                   f"{DEFAULT_DAYS} days ending --until.")
@click.option("--until", metavar="YYYY-MM-DD",
              help="Last day to count (days follow HELPLINE_TIMEZONE). Default: today.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table for reading, csv or json for a spreadsheet or another program.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of the terminal.")
@with_appcontext
def report_command(since: str | None, until: str | None, fmt: str, output: Path | None) -> None:
    """Calls, texts, languages, content reached, where calls ended, deliveries.

    The same figures as the /admin/reports page, counted from anonymous events (never a phone
    number); counts from 1 to 4 are shown as <5 and simulated traffic is left out.
    """
    try:
        zone = report_zone(current_app)
        first, last = period(since, until, local_today(zone))
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from None
    text = render(build_report(get_store(), current_content(), first, last, zone), fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Report {first} to {last} written to {output}.", err=True)
