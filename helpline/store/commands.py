"""`helpline db ...` and `helpline privacy ...`: schema, key and erasure, from the command line."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from ..core.privacy import mask_number
from .hashing import canonical_number

if TYPE_CHECKING:
    from .store import Store

#: Set in click's shared ``ctx.meta`` by the db group: load the app without the start-up checks.
SKIP_START_CHECKS = "helpline.store.skip_start_checks"


def _store() -> Store:
    from . import get_store  # the package imports this module; import late

    return get_store()


@click.group("db")
@click.pass_context
def db_cli(ctx: click.Context) -> None:
    """Database schema: apply migrations, show the revision, adopt a new key."""
    # These commands repair what the start-up checks refuse (a schema behind, a changed key),
    # so the app they load must not refuse to start.
    ctx.meta[SKIP_START_CHECKS] = True


@db_cli.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Apply the migrations this version ships (safe to run from several hosts at once)."""
    store = _store()
    where = store.engine.url.render_as_string(hide_password=True)
    before, after = store.upgrade()
    if before == after:
        click.echo(f"{where}: already at revision {after} (latest).")
    else:
        click.echo(f"{where}: upgraded from {before or 'an empty database'} to {after}.")


@db_cli.command("current")
@click.option("--check", is_flag=True, help="Exit with status 1 unless the schema is current.")
@with_appcontext
def current_command(check: bool) -> None:
    """Show the database's schema revision and whether it is the one this version needs."""
    store = _store()
    current, head = store.current_revision(), store.head_revision()
    click.echo(f"Database: {store.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Revision: {current or 'none (empty database)'}")
    if current == head:
        click.echo("Up to date.")
        return
    click.echo(f"This version needs {head}: run `helpline db upgrade`.")
    if check:
        raise SystemExit(1)


@db_cli.command("adopt-key")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def adopt_key_command(yes: bool) -> None:
    """Accept the current secret key after the old one was lost (opt-outs under it are lost)."""
    if not yes:
        click.confirm(
            "Numbers hashed with the old key (opt-outs, languages, share limits) will no longer "
            "be recognised. Use this only if the old key is lost for good. Continue?",
            abort=True,
        )
    previous = _store().adopt_key()
    click.echo(f"The database now expects the current key (previous fingerprint: {previous}).")


@click.group("privacy")
def privacy_cli() -> None:
    """Personal data: erase what is stored about a phone number."""


@privacy_cli.command("forget")
@click.argument("number")
@with_appcontext
def forget_command(number: str) -> None:
    """Delete everything stored about NUMBER except its opt-out.

    NUMBER in international format, e.g. +14155550100. An opt-out is kept (as a keyed hash)
    so that the number is never texted again.
    """
    canonical = canonical_number(number)
    if not re.fullmatch(r"\+\d{7,15}", canonical):
        raise click.BadParameter(
            "give the number in international format, with + and the country code, "
            "e.g. +14155550100",
            param_hint="NUMBER",
        )
    store = _store()
    with store.transaction() as tx:
        counts = tx.housekeeping.forget(canonical)
    # The operator is waiting anyway: compact now rather than at the worker's next pass.
    store.compact()
    click.echo(f"Forgot {mask_number(canonical)}:")
    lines = [
        ("contacts", "contact record (language, opt-in/opt-out history)"),
        ("contact_details", "language and opt-in history (cleared from the kept opt-out)"),
        ("outbox_unsent", "unsent messages (cancelled)"),
        ("outbox_sent", "records of messages already sent"),
        ("reminders", "reminders waiting to be sent (and their encrypted number)"),
    ]
    for key, label in lines:
        if counts[key]:
            click.echo(f"  deleted {counts[key]:>4}  {label}")
    if not any(counts[key] for key, _ in lines):
        click.echo("  nothing else was stored for this number")
    if counts["opt_out_kept"]:
        click.echo("Kept: the opt-out, so this number is never texted again.")
    click.echo(
        "Usage counts are anonymous and hold nothing about the number; today's sending-limit "
        "counts cannot be linked to it and end with the day. Database backups made "
        "before now, and Twilio's own message logs, still do: delete those separately if the "
        "request covers them."
    )
