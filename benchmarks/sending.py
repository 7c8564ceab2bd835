"""The sending path: outbox sends per second with one and three workers, against Twilio's API
mocked by Prism (behind the tests' proxy, which gives each message its own sid), on PostgreSQL.

    .venv/bin/python benchmarks/sending.py [--messages 300]

Each run starts ``helpline worker`` processes on a fresh PostgreSQL schema, waits until they
poll, queues ``--messages`` one-part texts in one transaction, and times until every one is
sent. Reported: sends per second, and the workers' own CPU milliseconds per message (user +
system, which a busy neighbour hardly changes). Where the shared sending rate exists
(``HELPLINE_SMS_PER_SECOND``), each count of workers also runs with it set.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, make_url, select, text

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
KEY = "benchmark-secret-key-for-hashing-numbers"
ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: The shared rate the "with rate limit" runs set, texts per second across all workers: below
#: what the workers reach without it, so the table shows that three workers share it.
RATE_LIMIT = 5
#: Texts queued for a rate-limited run (20 s at the rate above).
RATE_LIMITED_MESSAGES = 100
RATE_SETTING = "HELPLINE_SMS_PER_SECOND"


def _twilio_mock():
    spec = importlib.util.spec_from_file_location("helpline_twilio_mock",
                                                  REPO / "tests" / "twilio_mock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def rate_limit_supported() -> bool:
    from helpline.config import DEFAULTS

    return RATE_SETTING in DEFAULTS


def _schema(base_url: str):
    """A fresh, migrated schema; returns (url with its search_path, drop function)."""
    from helpline.store import Store

    base = make_url(base_url)
    name = f"helpline_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = base.update_query_dict({"options": f"-csearch_path={name}"})
    store = Store(url, KEY)
    store.upgrade()

    def drop() -> None:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()

    return url, store, drop


def _one_run(base_url: str, mock_url: str, workdir: Path, workers: int, messages: int,
             rate: int | None) -> dict:
    import psutil

    from helpline.store import SENT
    from helpline.store.models import OutboxMessage

    url, store, drop = _schema(base_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_", "TWILIO_"))}
    env.update({
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "HELPLINE_SECRET_KEY": KEY,
        "HELPLINE_INSTANCE_DIR": str(workdir),
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": "bench0token0000000000000000000000",
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_API_BASE_URL": mock_url,
        "HELPLINE_LANGUAGES": "en",
    })
    if rate is not None:
        env[RATE_SETTING] = str(rate)
    procs = []
    try:
        for i in range(workers):
            log = open(workdir / f"worker-{workers}-{rate}-{i}.log", "wb")  # noqa: SIM115
            procs.append((subprocess.Popen(
                [str(VENV_BIN / "helpline"), "worker", "--interval", "0.1"], env=env,
                stdout=log, stderr=subprocess.STDOUT, cwd=REPO), log))
        deadline = time.monotonic() + 60
        for _proc, log in procs:  # ready when it says it runs
            path = Path(log.name)
            while b"running" not in path.read_bytes():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"a worker did not start; see {path}")
                time.sleep(0.1)
        handles = [psutil.Process(p.pid) for p, _ in procs]
        cpu0 = sum(h.cpu_times().user + h.cpu_times().system for h in handles)
        with store.transaction() as tx:
            for n in range(messages):
                tx.outbox.enqueue(f"+4477009{n % 1000:05d}", [f"benchmark text {n}"],
                                  kind="text_me", language="en")
        started = time.monotonic()
        sent = 0
        while sent < messages and time.monotonic() - started < 600:
            time.sleep(0.05)
            with store.engine.connect() as conn:
                sent = conn.execute(select(func.count()).where(
                    OutboxMessage.state == SENT)).scalar_one()
        elapsed = time.monotonic() - started
        cpu1 = sum(h.cpu_times().user + h.cpu_times().system for h in handles)
    finally:
        for proc, log in procs:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        drop()
    return {"workers": workers, "rate": rate, "messages": messages, "sent": sent,
            "seconds": elapsed, "per_second": sent / elapsed if elapsed else 0.0,
            "cpu_ms_per_message": (cpu1 - cpu0) * 1000 / max(sent, 1)}


def bench_sending(workdir: Path, *, messages: int = 300, seconds: float = 0,
                  say=print) -> dict:
    """Sends per second and worker CPU per message, one and three workers, with and without
    the shared rate limit where it exists. ``seconds`` is unused (kept for run.py)."""
    mock_module = _twilio_mock()
    reason = mock_module.prism_missing_reason()
    if reason:
        return {"skipped": reason}
    base_url = os.environ.get("HELPLINE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    workdir.mkdir(parents=True, exist_ok=True)
    prism = mock_module.Prism()
    mock = mock_module.TwilioMock(prism.url)
    rates: list[int | None] = [None, RATE_LIMIT] if rate_limit_supported() else [None]
    runs = []
    try:
        ceiling = _mock_ceiling(mock.url)
        say(f"  the mock alone: {ceiling:.0f} creates/s from 3 threads")
        for rate in rates:
            for workers in (1, 3):
                mock.reset()
                count = messages if rate is None else min(messages, RATE_LIMITED_MESSAGES)
                row = _one_run(base_url, mock.url, workdir, workers, count, rate)
                row["accepted_by_mock"] = len(mock.created)
                say(f"  {workers} worker(s), rate {rate or 'none'}: "
                    f"{row['per_second']:.0f} texts/s, {row['cpu_ms_per_message']:.1f} ms CPU each")
                runs.append(row)
    finally:
        mock.close()
        prism.stop()
    return {"runs": runs, "rate_limit": rate_limit_supported(), "mock_per_second": ceiling}


def _mock_ceiling(mock_url: str, count: int = 150, threads: int = 3) -> float:
    """Create-message requests per second the mock itself answers (the runs' ceiling)."""
    import base64
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    token = "bench0token0000000000000000000000"
    auth = base64.b64encode(f"{ACCOUNT_SID}:{token}".encode()).decode()
    body = urllib.parse.urlencode({"To": "+447700900001", "From": "+15005550006",
                                   "Body": "ceiling"}).encode()

    def post(_: int) -> None:
        request = urllib.request.Request(
            f"{mock_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", data=body,
            headers={"Authorization": f"Basic {auth}",
                     "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(post, range(count)))
    return count / (time.monotonic() - started)


def table(result: dict) -> str:
    out = ["**Sending path** (outbox workers against Twilio's API mocked by Prism, "
           "PostgreSQL)", ""]
    if "skipped" in result:
        return "\n".join(out + [f"Not measured: {result['skipped']}."])
    out += ["| workers | shared rate limit | texts | sends/s | worker CPU ms per text |",
            "|---:|---|---:|---:|---:|"]
    for row in result["runs"]:
        limit = f"{row['rate']}/s" if row["rate"] else "none"
        out.append(f"| {row['workers']} | {limit} | {row['sent']}/{row['messages']} "
                   f"| {row['per_second']:.0f} | {row['cpu_ms_per_message']:.2f} |")
    out += ["", f"The mock alone answers about {result['mock_per_second']:.0f} create-message "
            "requests a second (3 threads): above that, the mock, not the helpline, is the limit."]
    if not result["rate_limit"]:
        out += ["", "No shared sending rate in this version yet, so only the unlimited runs "
                "are shown."]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="helpline-sending-") as tmp:
        result = bench_sending(Path(tmp), messages=args.messages,
                               say=lambda s: print(s, file=sys.stderr))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
