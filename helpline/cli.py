"""The ``helpline`` command: one entry point for operators, each sub-command with --help."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .content.commands import content_group


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


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Run the helpline on this machine for trying it out (development server)."""
    from . import create_app

    app = create_app()
    click.echo(f"Helpline running at http://{host}:{port}/ (press Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


cli.add_command(content_group)


def main() -> None:
    cli(prog_name="helpline")
