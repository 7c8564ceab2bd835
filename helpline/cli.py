"""The ``helpline`` command: one entry point for operators, each sub-command with --help."""

from __future__ import annotations

import platform
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import click
from flask.cli import AppGroup, ScriptInfo

from .audio.commands import audio_cli
from .content_check import content_group
from .golive.commands import doctor_command, twilio_cli
from .golive.prices import prices_command
from .outbound.commands import worker_command
from .reports.commands import report_command
from .simulator.commands import simulate_group
from .store import db_cli, privacy_cli

DISTRIBUTION = "second-opinion-helpline"


def _create_app():
    from . import create_app

    return create_app()


def version_text() -> str:
    """The helpline's version, then the versions a bug report needs."""
    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return (f"helpline {installed(DISTRIBUTION)}\n"
            f"Python {platform.python_version()}, Flask {installed('flask')}, "
            f"twilio {installed('twilio')}")


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


class HelplineGroup(AppGroup):
    """The helpline's own commands and options, nothing of Flask's.

    FlaskGroup would add --app, --debug and --env-file (which needs python-dotenv), none of
    which mean anything here. Commands still get Flask's ScriptInfo, so ``with_appcontext``
    builds the app from the environment only when a command needs it: --help works even when
    the content is broken, which is exactly when an operator needs it.
    """

    def make_context(self, info_name, args, parent=None, **extra):
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(create_app=_create_app, set_debug_flag=False,
                                      load_dotenv_defaults=False)
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(cls=HelplineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version,
              help="Show the helpline's version (and Python's, Flask's and twilio's) and exit.")
def cli() -> None:
    """Second-opinion helpline: a Twilio voice and SMS line for cancer patients and caregivers.

    Settings come from the environment (see the README). Run any command with --help.
    """


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--production", is_flag=True,
              help="Serve with gunicorn (packaged config) behind your HTTPS proxy; run "
                   "`helpline worker` next to it.")
@click.option("--workers", type=int, default=None,
              help="gunicorn worker processes with --production (default: 2 per CPU + 1, "
                   "at most 8).")
def serve(host: str, port: int, production: bool, workers: int | None) -> None:
    """Run the helpline on this machine to try it out (development server).

    The embedded SQLite database is created or upgraded first, and queued texts are sent from
    the same process, so nothing else needs to run. With --production it runs under gunicorn
    instead, and texts are left to `helpline worker`.
    """
    from . import create_app
    from .config import ConfigError
    from .content import ContentError
    from .outbound import optout_spool
    from .outbound.reminders import reminder_pass
    from .outbound.transport import transport_for
    from .outbound.worker import start_in_process
    from .store import get_store

    try:
        app = create_app()
    except (ConfigError, ContentError) as exc:
        raise click.ClickException(f"The helpline cannot start.\n{exc}") from None
    if production:
        if app.config["LOCAL_MODE"]:
            click.echo(f"The helpline runs {LOCAL_MODE}")
        from .golive.commands import serve_production

        serve_production(host, port, workers)  # replaces this process with gunicorn
        return
    with app.app_context():
        start_in_process(get_store(), transport_for(app.config),
                         spool=optout_spool.spool_path(app.instance_path),
                         reminders=reminder_pass(app))
    click.echo(banner(app.config, host, port))
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)


#: Said once per `serve`, never by the other commands: they do not answer webhooks.
LOCAL_MODE = ("in local mode because TWILIO_AUTH_TOKEN is not set: webhooks accept unsigned "
              "requests and no text is sent. Set the token before pointing a real number here.")


def banner(config: Mapping[str, Any], host: str, port: int) -> str:
    """What `serve` says as it starts, as sentences, in local mode and in production."""
    address = f"http://{host}:{port}/"
    lines = [f"The helpline is running at {address}."]
    if config["LOCAL_MODE"]:
        lines.append(f"It runs {LOCAL_MODE}")
    else:
        public = config.get("HELPLINE_PUBLIC_URL") or address
        lines.append(f"Every webhook must carry a Twilio signature for {public}.")
    if config["LOCAL_MODE"] or config.get("HELPLINE_ADMIN_PASSWORD"):
        lines.append(f"Open {address}simulator to try it.")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


cli.add_command(content_group)
cli.add_command(audio_cli)
cli.add_command(worker_command)
cli.add_command(db_cli)
cli.add_command(privacy_cli)
cli.add_command(simulate_group)
cli.add_command(twilio_cli)
cli.add_command(doctor_command)
cli.add_command(report_command)
cli.add_command(prices_command)


def main() -> None:
    from .config import ConfigError
    from .content import ContentError

    try:
        cli(prog_name="helpline")
    except (ConfigError, ContentError) as exc:
        click.secho(f"The helpline cannot start.\n{exc}", fg="red", err=True)
        raise SystemExit(1) from None
