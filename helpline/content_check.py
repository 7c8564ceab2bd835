"""``helpline content check``: the content editor's one command after every edit.

It reads the content folder, runs the loader's checks and the core's editorial ones, and adds
audio freshness (as warnings: a caller still hears the words, spoken by Twilio, where a file is
missing).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import click

from .config import ConfigError, load_settings
from .content import Content, enabled_codes
from .content.loader import available_languages, load_packs
from .core.checks import CheckResult, LanguageReport, check_language
from .core.collisions import collision_problems
from .core.pieces import budget_problems
from .core.prompts import deployment_values


def check_content(content_dir: Path, enabled: Iterable[str],
                  settings: Mapping[str, object] | None = None) -> CheckResult:
    """Check the enabled languages and every other language file in the folder.

    With ``settings``, audio freshness is reported too.
    """
    codes = list(dict.fromkeys([*enabled, *available_languages(content_dir)]))
    catalogue, packs, problems = load_packs(Path(content_dir), codes)
    if packs and catalogue is not None and not any(p.severity == "error" for p in problems):
        # Every word of every language against every other (see core/collisions.py).
        problems += collision_problems(Content(languages=packs, catalogue=catalogue))
        # Every keyword reply within its segment budget (see core/pieces.py).
        problems += budget_problems(Content(languages=packs, catalogue=catalogue),
                                    deployment_values(settings or {}))
    if settings is not None and packs and catalogue is not None:
        from .audio import tier_problems
        from .audio.status import audio_problems

        content = Content(languages=packs, catalogue=catalogue)
        problems += tier_problems(content)
        if not any(p.severity == "error" for p in problems):
            problems += audio_problems(content, settings)
    reports = [check_language(pack, problems) for pack in packs.values()]
    covered = {pack.path for pack in packs.values()}
    return CheckResult(reports, [p for p in problems if p.path not in covered])


@click.group("content")
def content_group() -> None:
    """Check the texts in scripts_content/."""


def _print_language(report: LanguageReport, verbose: bool) -> None:
    status = "OK" if report.ok else "PROBLEMS"
    click.secho(f"\n{report.name} ({report.code}) - {report.file}: {status}", bold=True)
    rows = [t for t in report.texts if verbose or t.status != "ok"]
    if rows:
        header = f"  {'id':<34} {'channel':<7} {'reading':<18} {'sms':<6} {'chars':>5} {'segs':>4}"
        click.echo(header + "  status")
        for t in rows:
            enc = {"GSM-7": "GSM-7", "UCS-2": "UCS-2"}.get(t.sms_encoding, "")
            chars = str(t.sms_length) if t.sms_encoding else ""
            segs = str(t.sms_segments) if t.sms_encoding else ""
            extra = f" (UCS-2 because of {t.ucs2_characters!r})" if (
                t.ucs2_characters and t.status == "costly") else ""
            click.echo(
                f"  {t.id:<34} {t.channel:<7} {t.reading:<18} {enc:<6} {chars:>5} {segs:>4}"
                f"  {t.status}{extra}"
            )
    sms = [t for t in report.texts if t.sms_encoding]
    if sms:
        click.echo(
            f"  {len(report.texts)} texts checked; SMS: {len(sms)} texts, "
            f"{sum(t.sms_segments for t in sms)} segments, "
            f"{sum(1 for t in sms if t.sms_encoding == 'UCS-2')} in UCS-2"
        )
    for problem in report.problems:
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(f"  {problem.severity.upper()}: {problem}", fg=colour)


def _print(result: CheckResult, verbose: bool) -> None:
    for report in result.languages:
        _print_language(report, verbose)
    for problem in result.other_problems:
        click.secho(f"{problem.severity.upper()}: {problem}", fg="red")
    errors = sum(p.severity == "error" for r in result.languages for p in r.problems) + len(
        result.other_problems)
    click.echo()
    if result.ok:
        click.secho(f"Content OK: {len(result.languages)} language(s).", fg="green")
    else:
        click.secho(f"Content check failed: {errors} problem(s). Fix them and run it again.",
                    fg="red")


@content_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON for machines.")
@click.option("--all", "verbose", is_flag=True, help="List every text, not only those to fix.")
@click.option(
    "--dir",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Content folder to check (default: HELPLINE_CONTENT_DIR or scripts_content/).",
)
def check_command(as_json: bool, verbose: bool, content_dir: Path | None) -> None:
    """Check every language: missing ids, placeholders, reading level and SMS cost.

    Exits with status 1 when anything must be fixed, so it can guard a deployment.
    """
    try:
        settings = load_settings(os.environ, {"HELPLINE_CONTENT_DIR": str(content_dir)}
                                 if content_dir else None)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    result = check_content(Path(settings["HELPLINE_CONTENT_DIR"]), enabled_codes(settings),
                           settings)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print(result, verbose)
    click.get_current_context().exit(0 if result.ok else 1)
