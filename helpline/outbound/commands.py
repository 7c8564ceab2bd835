"""``helpline worker``: the process that sends queued texts."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store import worker_store
from . import optout_spool
from .transport import LocalTransport, transport_for
from .worker import OutboxWorker


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron or tests).")
@click.option("--interval", default=1.0, show_default=True, type=float,
              help="Seconds between passes over the outbox.")
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Send queued texts (text-me from calls, caregiver shares) through Twilio.

    Run one or more next to the web server; they never send the same text twice. Without
    Twilio credentials texts are only logged (local mode).
    """
    transport = transport_for(current_app.config)
    if isinstance(transport, LocalTransport):
        click.echo("Local mode (no Twilio account, or no TWILIO_AUTH_TOKEN): texts will be "
                   "logged, not sent.")
    # The worker's own store: the same database, with waits longer than a webhook's.
    store = worker_store(current_app)
    try:
        worker = OutboxWorker(store, transport,
                              spool=optout_spool.spool_path(current_app.instance_path))
        if once:
            report = worker.run_once()
            click.echo(f"sent {report.sent}, retrying {report.retried}, "
                       f"failed {report.failed}, reconciled {report.reconciled}")
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(f"Outbox worker {worker.worker_id} running (Ctrl+C to stop).")
        worker.run_forever(stop, interval)
        click.echo("Outbox worker stopped.")
    finally:
        store.dispose()
