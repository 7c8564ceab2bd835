"""Due reminders processed per second by one and by three workers, on PostgreSQL, against
Twilio's API (Prism), with the shared sending-rate limit off and on.

Each round puts N due reminders (the follow-up, one SMS part each, to N different numbers) in
a fresh PostgreSQL schema, then starts the workers as separate processes, each with its own
store, as `helpline worker --once` would run them: every reminder passes the sending policy,
is queued in the outbox and handed to Twilio's API (Prism behind the tests' proxy) exactly
once. The figure is N divided by the seconds from the workers' start to the last send; the
sends are counted at the proxy and must be exactly N, to N different numbers.

    .venv/bin/python benchmarks/reminders.py [--count 600] [--per-second 20] [--json out.json]

Needs the PostgreSQL test server (HELPLINE_TEST_POSTGRES_URL, or the tests' default) and Prism
(`make test` installs it).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402

from helpline.config import PROJECT_ROOT, load_settings  # noqa: E402
from helpline.content import load_content  # noqa: E402
from helpline.core.prompts import deployment_values  # noqa: E402
from helpline.core.reminders import FOLLOW_UP  # noqa: E402
from helpline.outbound.policy import SendingPolicy  # noqa: E402
from helpline.outbound.reminders import ReminderPass  # noqa: E402
from helpline.outbound.transport import TwilioTransport  # noqa: E402
from helpline.outbound.worker import OutboxWorker  # noqa: E402
from helpline.store import Store  # noqa: E402
from tests.machine import postgres_url  # noqa: E402
from tests.twilio_mock import Prism, TwilioMock, prism_missing_reason  # noqa: E402

KEY = "benchmark-key-0123456789abcdef0123456789"
#: Noon in London on a weekday: no reminder waits for the morning.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def settings_for(api_url: str, count: int, per_second: int) -> dict:
    return load_settings({}, {
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "1" * 32,
        "TWILIO_FROM_NUMBER": "+15005550006", "TWILIO_API_BASE_URL": api_url,
        "HELPLINE_PUBLIC_URL": "https://helpline.example.org",
        "HELPLINE_TEXTS_PER_DAY": 10 * count, "HELPLINE_SMS_PER_SECOND": per_second,
    })


def seed(url: str, count: int) -> None:
    store = Store(url, KEY)
    with store.transaction() as tx:
        for i in range(count):
            number = f"+4474{i:08d}"
            tx.reminders.add(number, number, [(FOLLOW_UP, NOW - timedelta(minutes=5))],
                             appointment=date(2027, 3, 9), language="en",
                             time_zone="Europe/London", channel="sms", now=NOW)
    store.dispose()


def work(url: str, settings: dict, index: int, start: float, done) -> None:
    """One worker process: its own store, the reminder pass, then the sends."""
    import logging

    logging.disable(logging.INFO)
    store = Store(url, KEY)
    content = load_content(PROJECT_ROOT / "scripts_content", ["en"])
    values = deployment_values(settings)
    policy = SendingPolicy.from_settings(settings)
    reminders = ReminderPass(store, policy, lambda: content, lambda: values)
    worker = OutboxWorker(
        store, TwilioTransport(settings, timeout=30), worker_id=f"bench-{index}",
        clock=lambda: NOW, batch=50, per_second=settings["HELPLINE_SMS_PER_SECOND"])
    while time.time() < start:
        time.sleep(0.001)
    # What `helpline worker --once` does, in its two halves, timed apart.
    queued = reminders.run_once(NOW).queued
    passed = time.time()
    report = worker.run_once()
    done.put((index, queued, report.sent, time.time(), passed))
    store.dispose()


def round_(base_url, api: TwilioMock, workers: int, count: int, per_second: int) -> dict:
    schema = f"bench_reminders_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base_url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        Store(url, KEY).upgrade()
        seed(url, count)
        api.reset()
        settings = settings_for(api.url, count, per_second)
        ctx = multiprocessing.get_context("spawn")
        done = ctx.Queue()
        start = time.time() + 3  # every process imported and connected before the clock runs
        procs = [ctx.Process(target=work, args=(url, settings, i, start, done))
                 for i in range(workers)]
        for proc in procs:
            proc.start()
        results = [done.get(timeout=3600) for _ in procs]
        for proc in procs:
            proc.join()
        seconds = max(r[3] for r in results) - start
        queueing = max(r[4] for r in results) - start
        sends = Counter(m["to"] for m in api.created)
        per_second_seen = Counter(m["date_created"] for m in api.created)
        assert len(sends) == count and max(sends.values()) == 1, "a reminder lost or sent twice"
        return {"workers": workers, "per_second_limit": per_second or None, "count": count,
                "seconds": round(seconds, 2), "reminders_per_second": round(count / seconds, 1),
                "queued_per_second": round(count / queueing, 1),
                "queued_by_worker": sorted(r[1] for r in results),
                "busiest_second": max(per_second_seen.values())}
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--per-second", type=int, default=20,
                        help="HELPLINE_SMS_PER_SECOND for the rounds with the limit on")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    missing = prism_missing_reason()
    if missing:
        sys.exit(missing)
    os.environ.setdefault("PYTHONPATH", str(REPO))
    prism = Prism()
    api = TwilioMock(prism.url)
    rows = []
    try:
        base = postgres_url()
        for per_second in (0, args.per_second):
            for workers in (1, 3):
                row = round_(base, api, workers, args.count, per_second)
                rows.append(row)
                print(f"{workers} worker(s), limit {per_second or 'off':>4}: "
                      f"{row['reminders_per_second']:>6.1f} reminders/s end to end, "
                      f"{row['queued_per_second']:>6.1f}/s queued "
                      f"({row['count']} in {row['seconds']} s; queued per worker "
                      f"{row['queued_by_worker']}; busiest second at Twilio "
                      f"{row['busiest_second']} texts)", flush=True)
    finally:
        api.close()
        prism.stop()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
