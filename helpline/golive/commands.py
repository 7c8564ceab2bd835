"""`helpline twilio setup`, `helpline doctor`, and the production server behind `serve`."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from ..store.commands import SKIP_START_CHECKS
from .twilio_setup import (
    NumberApi,
    SetupError,
    blockers,
    changes,
    check_public_url,
    desired_webhooks,
    table,
)

#: The packaged gunicorn settings, loaded by module name so no file path is needed.
GUNICORN_CONFIG = "python:helpline.golive.gunicorn_conf"
WSGI_APP = "helpline:create_app()"


def gunicorn_argv(host: str, port: int, workers: int | None) -> list[str]:
    """The gunicorn command ``serve --production`` runs (also the documented manual line)."""
    argv = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG,
            "--bind", f"{host}:{port}"]
    if workers:
        argv += ["--workers", str(workers)]
    return argv + [WSGI_APP]


def serve_production(host: str, port: int, workers: int | None) -> None:
    """Replace this process with gunicorn, so systemd's SIGHUP and SIGTERM reach it directly."""
    import importlib.util

    if importlib.util.find_spec("gunicorn") is None:
        raise click.ClickException("gunicorn is not installed in this environment: "
                                   "pip install 'gunicorn>=22' (it is a helpline dependency).")
    from .gunicorn_conf import default_workers

    count = workers or int(os.environ.get("HELPLINE_WORKERS") or default_workers())
    threads = int(os.environ.get("HELPLINE_THREADS") or 4)
    argv = gunicorn_argv(host, port, workers)
    click.echo(f"Starting gunicorn on http://{host}:{port}/ with {count} workers x {threads} "
               "threads, for your HTTPS proxy to forward to.")
    click.echo("Access log on stdout (phone numbers masked). Reload code and content without "
               f"dropping calls: kill -HUP {os.getpid()} (systemctl reload); stop: SIGTERM.")
    click.echo("Texts are sent by `helpline worker`: run it too.")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)


# -- helpline twilio ... ----------------------------------------------------------------------


@click.group("twilio")
@click.pass_context
def twilio_cli(ctx: click.Context) -> None:
    """Set up your Twilio number for this deployment."""
    # Pointing the number here needs no database; a schema behind must not stop it.
    ctx.meta[SKIP_START_CHECKS] = True


@contextmanager
def twilio_request_log(verbose: bool) -> Iterator[None]:
    """twilio's client logs every request and response at INFO: noise for an operator, useful
    when something goes wrong. Shown with -v only."""
    logger = logging.getLogger("twilio.http_client")
    before = logger.level
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)


@twilio_cli.command("setup")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Also show each request made to Twilio.")
@click.option("--allow-http", is_flag=True,
              help="Accept an http:// HELPLINE_PUBLIC_URL (test set-ups only).")
@click.option("--number", default=None, metavar="E164",
              help="The number to set up (default: TWILIO_FROM_NUMBER).")
@with_appcontext
def setup_command(dry_run: bool, allow_http: bool, number: str | None, verbose: bool) -> None:
    """Point your Twilio number's voice and SMS webhooks (and fallbacks) at HELPLINE_PUBLIC_URL.

    Needs TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or an API key) and TWILIO_FROM_NUMBER.
    Prints the number's webhooks before and after.
    """
    with twilio_request_log(verbose):
        _setup(dry_run, allow_http, number)
    _whatsapp_steps(allow_http)


def _whatsapp_steps(allow_http: bool) -> None:
    """WhatsApp's hand steps, when HELPLINE_WHATSAPP_FROM names a sender."""
    from ..content.model import SMS
    from ..web.content import loaded_content
    from .whatsapp_setup import steps, whatsapp_from

    config = current_app.config
    sender = whatsapp_from(config)
    if not sender:
        return
    try:
        public = check_public_url(config.get("HELPLINE_PUBLIC_URL", ""), allow_http)
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    loaded = loaded_content()
    invites = {pack.code: pack.render("whatsapp.template_invite", SMS,
                                      {**loaded.values, "helpline_name": "{{1}}"})
               for pack in loaded.content}
    click.echo("")
    for line in steps(public, sender, invites):
        click.echo(line)


def _setup(dry_run: bool, allow_http: bool, number: str | None) -> None:
    config = current_app.config
    try:
        public = check_public_url(config.get("HELPLINE_PUBLIC_URL", ""), allow_http)
        api = NumberApi(config)
        found = api.find(number or str(config.get("TWILIO_FROM_NUMBER") or ""))
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    problems = blockers(found)
    if problems:
        raise click.ClickException(
            "; ".join(problems) + ". Webhook URLs on the number would be ignored: in the "
            "Twilio console, under Phone Numbers > Configure, choose 'Webhook' instead, then "
            "run this again.")
    wanted = desired_webhooks(public)
    todo = changes(found.webhooks, wanted)
    click.echo(f"Twilio number {found.phone_number} ({found.sid}), account {api.account}:")
    after = {**found.webhooks, **todo}
    for line in table(found.webhooks, after):
        click.echo(line)
    if not todo:
        click.echo("Already pointing here; nothing to change.")
        return
    if dry_run:
        click.echo(f"Dry run: {len(todo)} field(s) marked * would change. Run without --dry-run "
                   "to apply.")
        return
    try:
        updated = api.update(found, todo)
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    left = changes(updated.webhooks, wanted)
    if left:
        raise click.ClickException(f"Twilio did not keep {', '.join(sorted(left))}.")
    click.echo(f"Updated {len(todo)} field(s). Next: `helpline doctor`, then call "
               f"{found.phone_number}.")


# -- helpline doctor --------------------------------------------------------------------------


@click.command("doctor")
@click.option("--allow-http", is_flag=True,
              help="Accept an http:// HELPLINE_PUBLIC_URL (test set-ups only).")
@click.option("--max-seconds", default=1.0, show_default=True, type=float,
              help="Slowest acceptable answer from /voice and /sms.")
@click.option("--stale-minutes", default=5.0, show_default=True, type=float,
              help="How long a due text may wait before the worker counts as stopped.")
@click.option("--no-twilio", is_flag=True,
              help="Skip the checks that ask Twilio (number webhooks, US/Canada registration).")
@click.option("-v", "--verbose", is_flag=True, help="Also show each request made to Twilio.")
@click.pass_context
def doctor_command(ctx: click.Context, allow_http: bool, max_seconds: float,
                   stale_minutes: float, no_twilio: bool, verbose: bool) -> None:
    """Check this deployment from the outside, as Twilio will meet it; one line per check.

    The settings production needs, the public URL, readiness, signatures, the /voice and /sms
    webhooks, a sample of audio, the database schema, the outbox worker, the Twilio number's
    webhooks, and the carrier rules for texts (US/Canada registration, sender ids, China).
    Exits 1 if any fails.
    """
    # Report a schema that is behind instead of fixing (SQLite) or refusing (PostgreSQL) it.
    ctx.meta[SKIP_START_CHECKS] = True
    from ..config import ConfigError
    from .doctor import CheckResult

    try:
        app = ctx.ensure_object(ScriptInfo).load_app()
    except ConfigError as exc:  # the settings check, when the settings stop start-up
        click.echo(CheckResult("settings", False, str(exc)).line())
        click.echo("1 check(s) failed: settings. The other checks need the helpline to start.")
        ctx.exit(1)
    with app.app_context(), twilio_request_log(verbose):
        results = _diagnose(app, allow_http, max_seconds, stale_minutes, no_twilio)
    for result in results:
        click.echo(result.line())
    failed = [r.name for r in results if r.ok is False]
    if failed:
        click.echo(f"{len(failed)} check(s) failed: {', '.join(failed)}.")
        ctx.exit(1)
    click.echo("All checks passed.")


def _diagnose(app: Flask, allow_http: bool, max_seconds: float, stale_minutes: float,
              no_twilio: bool) -> list:
    from ..audio.serving import audio_url, current_library
    from ..store import get_store
    from .carriers import CarrierApi, carrier_checks, sender_of
    from .doctor import Doctor, Target

    config = app.config
    target = Target(
        public_url=str(config.get("HELPLINE_PUBLIC_URL") or "").rstrip("/"),
        auth_token=str(config.get("TWILIO_AUTH_TOKEN") or ""),
        account_sid=str(config.get("TWILIO_ACCOUNT_SID") or ""),
        phone_number=str(config.get("TWILIO_FROM_NUMBER") or ""),
        allow_http=allow_http,
        max_seconds=max_seconds,
        stale_after=timedelta(minutes=stale_minutes),
        daily_texts=int(config["HELPLINE_TEXTS_PER_DAY"]),
    )
    settings = dict(config)
    credentials = settings.get("TWILIO_AUTH_TOKEN") or settings.get("TWILIO_API_KEY_SECRET")
    doctor = Doctor(
        target,
        store=get_store(),
        audio_files=list(current_library().files),
        audio_url=lambda path: audio_url(path, settings),
        number_api=None if no_twilio or not credentials else (lambda: NumberApi(settings)),
        settings=settings,
        carriers=lambda: carrier_checks(
            sender_of(settings),
            None if no_twilio or not credentials else (lambda: CarrierApi(settings))),
    )
    from ..web.content import loaded_content
    from .whatsapp_setup import checks as whatsapp_checks

    languages = list(loaded_content(app).content.codes)
    return doctor.run() + whatsapp_checks(doctor, settings, languages)
