"""``helpline worker``: the process that sends queued texts."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store import worker_store
from . import optout_spool
from .reminders import reminder_pass
from .transport import LocalTransport, transport_for
from .worker import OutboxWorker


def _fixed_clock(text: str):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a time like 2027-03-13T09:00.",
                                 param_hint="--now") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return lambda: moment


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron or tests).")
@click.option("--interval", default=1.0, show_default=True, type=float,
              help="Seconds between passes over the outbox.")
@click.option("--now", "now_text", metavar="YYYY-MM-DDTHH:MM",
              help="With --once: run the pass as if at this time (UTC unless an offset is "
                   "given), to see which reminders it would send.")
@with_appcontext
def worker_command(once: bool, interval: float, now_text: str | None) -> None:
    """Send queued texts (text-me from calls, caregiver shares, reminders) through Twilio.

    Run one or more next to the web server; they never send the same text twice. Without
    Twilio credentials texts are only logged (local mode).
    """
    if now_text and not once:
        raise click.UsageError("--now needs --once: a running worker keeps the real time.")
    clock = _fixed_clock(now_text) if now_text else None
    transport = transport_for(current_app.config)
    if isinstance(transport, LocalTransport):
        click.echo("Local mode (no Twilio account, or no TWILIO_AUTH_TOKEN): texts will be "
                   "logged, not sent.")
    # The worker's own store: the same database, with waits longer than a webhook's.
    store = worker_store(current_app)
    try:
        worker = OutboxWorker(store, transport,
                              spool=optout_spool.spool_path(current_app.instance_path),
                              reminders=reminder_pass(current_app._get_current_object()),
                              per_second=float(current_app.config["HELPLINE_SMS_PER_SECOND"]),
                              clock=clock)
        if once:
            report = worker.run_once()
            click.echo(f"reminders queued {report.reminders}, sent {report.sent}, retrying "
                       f"{report.retried}, failed {report.failed}, reconciled "
                       f"{report.reconciled}")
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(f"Outbox worker {worker.worker_id} running (Ctrl+C to stop).")
        worker.run_forever(stop, interval)
        click.echo("Outbox worker stopped.")
    finally:
        store.dispose()
