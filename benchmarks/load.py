"""Load: simulated callers and texters against the production server on PostgreSQL.

    .venv/bin/python benchmarks/load.py                       # 200 calls, 50 texters, 5 minutes
    .venv/bin/python benchmarks/load.py --calls 20 --texters 5 --duration 30   # a quick look

What runs, all on this machine (loopback only): a fresh PostgreSQL schema (migrated with
`helpline db upgrade`), `helpline serve --production` (gunicorn), one `helpline worker`, and
Twilio's REST API as Prism serving Twilio's OpenAPI spec behind the test proxy
(tests/twilio_mock.py). Then ``--calls`` callers each ring, listen, press a random key of the
screen they are on (sometimes 9, "text me"; sometimes nothing), think for a moment, and ring
again when the call ends; ``--texters`` texters send keywords, SHARE, STOP and START. Every
request is signed as Twilio signs it. After ``--duration`` seconds the run waits for the
outbox to drain and prints requests, errors, latency percentiles and the outbox's final state.
Bounded in time and count; it stops by itself. Exit status 1 on any error or undrained outbox.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "https://helpline.example.org"
SECRET = "load-test-secret-key-for-hashing-numbers"
POSTGRES = os.environ.get("HELPLINE_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEXTS = ("CHECKLIST", "QUESTIONS", "SCRIPTS", "SCRIPT 2", "MENU", "HELP", "CHINA", "SUPPORT",
         "checklist please", "Qestions?", "1", "3", "hello", "Español", "lista")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, status: int, problem: str | None) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[status] += 1
            if problem:
                self.errors.append(f"{kind}: {problem}")

    @staticmethod
    def percentile(values: list[float], fraction: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


class Client:
    """One keep-alive connection, signing every request as Twilio does."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port = port
        self.stats = stats
        self.validator = RequestValidator(TOKEN)
        self.conn: http.client.HTTPConnection | None = None

    def post(self, kind: str, path: str, fields: dict[str, str]) -> ET.Element | None:
        body = urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": self.validator.compute_signature(PUBLIC_URL + path,
                                                                          fields)}
        started = time.perf_counter()
        status, data, problem = 0, b"", None
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request("POST", path, body=body, headers=headers)
                response = self.conn.getresponse()
                status, data = response.status, response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                # A keep-alive connection the server closed between requests: try once more.
                if attempt == 2:
                    problem = f"connection failed: {type(exc).__name__}"
        root = None
        if problem is None:
            if status != 200:
                problem = f"HTTP {status}: {data[:200]!r}"
            else:
                try:
                    root = ET.fromstring(data)
                    if root.tag != "Response":
                        problem = f"root <{root.tag}>"
                except ET.ParseError as exc:
                    problem = f"not XML: {exc}"
        self.stats.add(kind, time.perf_counter() - started, status, problem)
        return root if problem is None else None


def caller(n: int, port: int, stats: Stats, stop: threading.Event, think: float,
           counters: Counter) -> None:
    rng = random.Random(n)
    client = Client(port, stats)
    number = f"+4474001{n:05d}"
    while not stop.is_set():
        sid = "CA" + uuid.uuid4().hex
        fields = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": number,
                  "To": "+15005550006", "CallStatus": "ringing", "Direction": "inbound"}
        root = client.post("voice", "/voice", fields)
        counters["calls"] += 1
        for _ in range(rng.randrange(3, 25)):
            if root is None or stop.is_set():
                break
            gather = root.find("Gather")
            redirect = root.find("Redirect")
            if gather is None:
                if redirect is None or root.find("Hangup") is not None:
                    break
                root = client.post("voice_step", (redirect.text or "").strip(),
                                   {**fields, "CallStatus": "in-progress"})
                continue
            stop.wait(rng.expovariate(1 / think))
            roll = rng.random()
            step = {**fields, "CallStatus": "in-progress"}
            if gather.get("finishOnKey") == "#":
                step["Digits"] = rng.choice(["447400123456", "07400123456", "*"])
            elif roll < 0.08:
                step["Digits"] = "6"  # text me this
            elif roll < 0.12:
                pass  # silence
            elif roll < 0.2:
                step["SpeechResult"] = rng.choice(["checklist", "next", "repeat", "menu"])
            else:
                step["Digits"] = rng.choice("123999*#7836")
            root = client.post("voice_step", gather.get("action") or "", step)
        client.post("voice_status", "/voice/status",
                    {**fields, "CallStatus": "completed",
                     "CallDuration": str(rng.randrange(10, 900))})


def texter(n: int, port: int, stats: Stats, stop: threading.Event, think: float,
           counters: Counter) -> None:
    rng = random.Random(10_000 + n)
    client = Client(port, stats)
    number = f"+4474002{n:05d}"
    sids = iter(range(10**9))
    while not stop.is_set():
        stop.wait(rng.expovariate(1 / think))
        roll = rng.random()
        if roll < 0.05:
            body = "STOP"
        elif roll < 0.1:
            body = "START"
        elif roll < 0.15:
            body = f"SHARE +4474003{rng.randrange(100000):05d}"
        else:
            body = rng.choice(TEXTS)
        client.post("sms", "/sms", {"MessageSid": f"SM{n:08x}{next(sids):024x}",
                                    "AccountSid": "AC" + "0" * 32, "From": number,
                                    "To": "+15005550006", "Body": body})
        counters["texts"] += 1


def warm_up(port: int, deadline: float) -> None:
    """Wait until every gunicorn worker has booted: /readyz answers quickly many times over.

    The port accepts connections as soon as gunicorn binds it, long before its workers have
    loaded the content; timing those first requests would measure start-up, not load.
    """
    fast = 0
    while fast < 50 and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/readyz")
            ok = conn.getresponse().status == 200
            conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
        fast = fast + 1 if ok and time.perf_counter() - started < 0.1 else 0
        time.sleep(0.05)


def fresh_schema() -> tuple[str, callable]:
    from sqlalchemy import create_engine, make_url, text

    base = make_url(POSTGRES)
    name = f"helpline_load_{os.getpid()}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = base.update_query_dict({"options": f"-csearch_path={name}"})

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def outbox_state(url: str) -> Counter:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT state, count(*) FROM outbox GROUP BY state")).all()
    engine.dispose()
    return Counter({state: count for state, count in rows})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="concurrent simulated calls")
    parser.add_argument("--texters", type=int, default=50, help="concurrent texters")
    parser.add_argument("--duration", type=float, default=300, help="seconds of load")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a caller waits before pressing a key")
    parser.add_argument("--text-every", type=float, default=5.0,
                        help="mean seconds between one texter's texts")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    spec = importlib.util.spec_from_file_location("helpline_twilio_mock",
                                                  REPO / "tests" / "twilio_mock.py")
    twilio_mock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(twilio_mock)
    Prism, TwilioMock = twilio_mock.Prism, twilio_mock.TwilioMock
    prism_missing_reason = twilio_mock.prism_missing_reason

    reason = prism_missing_reason()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    url, drop_schema = fresh_schema()
    prism = Prism()
    mock = TwilioMock(prism.url)
    port = free_port()
    instance = Path(f"/tmp/helpline-load-{os.getpid()}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_", "TWILIO_"))}
    env.update(DATABASE_URL=url, HELPLINE_SECRET_KEY=SECRET, HELPLINE_PUBLIC_URL=PUBLIC_URL,
               HELPLINE_INSTANCE_DIR=str(instance), TWILIO_AUTH_TOKEN=TOKEN,
               TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_FROM_NUMBER="+15005550006",
               TWILIO_API_BASE_URL=mock.url)
    processes: list[subprocess.Popen] = []
    log = open(instance.with_suffix(".log"), "w")  # noqa: SIM115 - closed at the end
    try:
        subprocess.run([str(BIN / "helpline"), "db", "upgrade"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        serve = [str(BIN / "helpline"), "serve", "--production", "--host", "127.0.0.1",
                 "--port", str(port)]
        if args.workers:
            serve += ["--workers", str(args.workers)]
        processes.append(subprocess.Popen(serve, env=env, stdout=log, stderr=log))
        processes.append(subprocess.Popen([str(BIN / "helpline"), "worker", "--interval", "0.5"],
                                          env=env, stdout=log, stderr=log))
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or processes[0].poll() is not None:
                    print(f"the server did not start; see {log.name}", file=sys.stderr)
                    return 2
                time.sleep(0.5)
        warm_up(port, deadline=time.monotonic() + 180)

        stats, counters, stop = Stats(), Counter(), threading.Event()
        threads = [threading.Thread(target=caller, args=(n, port, stats, stop, args.think,
                                                         counters), daemon=True)
                   for n in range(args.calls)]
        threads += [threading.Thread(target=texter, args=(n, port, stats, stop,
                                                          args.text_every, counters),
                                     daemon=True) for n in range(args.texters)]
        print(f"{args.calls} calls and {args.texters} texters for {args.duration:.0f} s "
              f"against {' '.join(serve[1:])}", file=sys.stderr)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        stop.wait(args.duration)
        stop.set()
        for thread in threads:
            thread.join(60)
        elapsed = time.monotonic() - started

        drained_after = None
        drain_deadline = time.monotonic() + 180
        while time.monotonic() < drain_deadline:
            state = outbox_state(url)
            if not state.get("pending") and not state.get("sending"):
                drained_after = time.monotonic() - started - elapsed
                break
            time.sleep(1)
        state = outbox_state(url)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        mock.close()
        prism.stop()
        drop_schema()
        log.close()

    everything = [s for values in stats.latency.values() for s in values]
    total = len(everything)
    result = {
        "calls": args.calls, "texters": args.texters, "seconds": round(elapsed),
        "requests": total, "requests_per_second": round(total / elapsed, 1),
        "calls_placed": counters["calls"], "texts_sent_in": counters["texts"],
        "errors": len(stats.errors),
        "statuses": dict(stats.statuses),
        "p50_ms": round(Stats.percentile(everything, 0.5) * 1000, 1),
        "p95_ms": round(Stats.percentile(everything, 0.95) * 1000, 1),
        "p99_ms": round(Stats.percentile(everything, 0.99) * 1000, 1),
        "p99_ms_by_webhook": {kind: round(Stats.percentile(v, 0.99) * 1000, 1)
                              for kind, v in sorted(stats.latency.items())},
        "outbox": dict(state), "outbox_drained_after_s":
            None if drained_after is None else round(drained_after, 1),
        "texts_accepted_by_twilio_mock": len(mock.created),
    }
    print(json.dumps(result, indent=2))
    for line in stats.errors[:10]:
        print(line, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    ok = not stats.errors and drained_after is not None
    print("OK" if ok else f"FAILED (server and worker log: {log.name})", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
