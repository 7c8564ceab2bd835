"""The ``helpline`` command: one entry point for operators, each sub-command with --help."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .audio.commands import audio_cli
from .content_check import content_group
from .golive.commands import doctor_command, twilio_cli
from .golive.prices import prices_command
from .outbound.commands import worker_command
from .reports.commands import report_command
from .simulator.commands import simulate_group
from .store import db_cli, privacy_cli


def _create_app():
    from . import create_app

    return create_app()


class HelplineGroup(FlaskGroup):
    """A FlaskGroup that lists only the helpline's own commands.

    Flask would load the app just to print --help; here --help works even when the content is
    broken, which is exactly when an operator needs it.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return click.Group.list_commands(self, ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return click.Group.get_command(self, ctx, name)


@click.group(
    cls=HelplineGroup,
    create_app=_create_app,
    add_default_commands=False,
    load_dotenv=False,
    set_debug_flag=False,
)
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
    from .outbound.transport import transport_for
    from .outbound.worker import start_in_process
    from .store import get_store

    try:
        app = create_app()
    except (ConfigError, ContentError) as exc:
        raise click.ClickException(f"The helpline cannot start.\n{exc}") from None
    if production:
        from .golive.commands import serve_production

        serve_production(host, port, workers)  # replaces this process with gunicorn
        return
    with app.app_context():
        start_in_process(get_store(), transport_for(app.config),
                         spool=optout_spool.spool_path(app.instance_path))
    mode = "local mode (no Twilio account)" if app.config["LOCAL_MODE"] else "signed webhooks"
    click.echo(f"Helpline running at http://{host}:{port}/ in {mode}. Press Ctrl+C to stop."
               + (f"\nOpen http://{host}:{port}/simulator to try it." if app.config["LOCAL_MODE"]
                  or app.config.get("HELPLINE_ADMIN_PASSWORD") else ""))
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)


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
