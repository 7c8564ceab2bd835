"""Webhook throughput and latency: the helpline and a bare Flask app under the same gunicorn.

Both servers run side by side on loopback ports; wrk replays Twilio-signed POSTs against one,
then the other, round after round, so a noisy neighbour on the shared machine hurts both alike
and the ratio helpline / bare stays meaningful. Also measures resident memory per worker.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_BIN = Path(sys.executable).parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = HERE / "signed_post.lua"

AUTH_TOKEN = "bench0token0000000000000000000000"
ACCOUNT_SID = "AC" + "0" * 32
PUBLIC_URL = "https://helpline.example.org"
TO_NUMBER = "+15005550006"


@dataclass(frozen=True)
class Endpoint:
    """One kind of webhook request, as Twilio would post it."""

    name: str
    path: str
    params: dict[str, str]

    def variants(self, count: int) -> list[dict[str, str]]:
        """The same request from ``count`` calls or texters, so no single row is hot."""
        out = []
        for i in range(count):
            params = dict(self.params)
            if "CallSid" in params:
                params["CallSid"] = f"CA{i:032x}"
                params["From"] = f"+4477009{i % 100:05d}"
            if "MessageSid" in params:
                params["MessageSid"] = f"SM{i:032x}"
                params["From"] = f"+4474001{i % 50:05d}"
            out.append(params)
        return out


def _call(**extra: str) -> dict[str, str]:
    return {"CallSid": "", "AccountSid": ACCOUNT_SID, "From": "", "To": TO_NUMBER,
            "CallStatus": "in-progress", "Direction": "inbound", **extra}


def _text(body: str) -> dict[str, str]:
    return {"MessageSid": "", "AccountSid": ACCOUNT_SID, "From": "", "To": TO_NUMBER,
            "Body": body, "NumMedia": "0"}


ENDPOINTS = (
    Endpoint("voice: incoming call", "/voice", _call(CallStatus="ringing")),
    # Question 6 of 10, key 9 (next): the caller reaches question 7.
    Endpoint("voice: question 7", "/voice/step?s=questions&l=en&i=5", _call(Digits="9")),
    Endpoint("sms: QUESTIONS", "/sms", _text("QUESTIONS")),
    Endpoint("sms: misspelt keyword", "/sms", _text("Qestions?")),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def helpline_env(workdir: Path, languages: str = "en,zh,es,ar,ru,fr") -> dict[str, str]:
    """A production-like helpline: signed webhooks, its own SQLite file, the shipped audio."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_", "TWILIO_"))}
    env.update({
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_FROM_NUMBER": TO_NUMBER,
        "HELPLINE_PUBLIC_URL": PUBLIC_URL,
        "HELPLINE_SECRET_KEY": "benchmark-secret-key-for-hashing-numbers",
        "HELPLINE_INSTANCE_DIR": str(workdir / "instance"),
        "HELPLINE_LANGUAGES": languages,
        "DATABASE_URL": f"sqlite:///{workdir / 'helpline.sqlite3'}",
    })
    env.pop("DATABASE_URL_TEST", None)
    return env


def signed(path: str, params: dict[str, str]) -> tuple[str, bytes]:
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)
    return signature, urlencode(params).encode()


def post(port: int, path: str, params: dict[str, str], timeout: float = 5.0) -> tuple[int, bytes]:
    signature, body = signed(path, params)
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method="POST",
        headers={"X-Twilio-Signature": signature,
                 "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Gunicorn:
    """One gunicorn server we started; stopped by its own pid."""

    def __init__(self, app: str, env: dict[str, str], workers: int, chdir: Path, log: Path):
        self.port = free_port()
        self.started = time.perf_counter()
        self._log = open(log, "wb")  # closed in stop()
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--chdir", str(chdir), "--graceful-timeout", "5", app],
            env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, probe: Endpoint, timeout: float = 30.0) -> float:
        """Seconds from process start to the first 200 answer to ``probe``."""
        deadline = time.perf_counter() + timeout
        params = probe.variants(1)[0]
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see its log")
            try:
                status, _ = post(self.port, probe.path, params, timeout=2.0)
                if status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.01)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_rss_mb(self) -> list[float]:
        import psutil

        master = psutil.Process(self.proc.pid)
        return sorted(child.memory_info().rss / 2**20 for child in master.children())

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers: a cost that, unlike
        throughput, hardly depends on what else the shared machine is doing."""
        import psutil

        master = psutil.Process(self.proc.pid)
        total = 0.0
        for proc in (master, *master.children()):
            times = proc.cpu_times()
            total += times.user + times.system
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def write_requests(endpoint: Endpoint, target: Path, count: int = 200) -> Path:
    lines = []
    for params in endpoint.variants(count):
        signature, body = signed(endpoint.path, params)
        lines.append(f"{endpoint.path}\t{signature}\t{body.decode()}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def run_wrk(server: Gunicorn, requests_file: Path, connections: int, seconds: float) -> dict:
    cpu_before = server.cpu_seconds()
    out = subprocess.run(
        [WRK, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s", "-s", str(LUA),
         f"http://127.0.0.1:{server.port}", "--", str(requests_file)],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip()[:500]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["cpu_ms"] = (server.cpu_seconds() - cpu_before) * 1000 / max(result["requests"], 1)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


@dataclass
class Pair:
    """Rounds of one endpoint on both servers."""

    endpoint: Endpoint
    helpline: list[dict] = field(default_factory=list)
    bare: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        def med(runs: list[dict], key: str) -> float:
            return statistics.median(run[key] for run in runs)

        ratios = [h["rps"] / b["rps"] for h, b in zip(self.helpline, self.bare, strict=True)]
        return {
            "endpoint": self.endpoint.name,
            "helpline_rps": med(self.helpline, "rps"),
            "bare_rps": med(self.bare, "rps"),
            "ratio": statistics.median(ratios),
            "ratio_min": min(ratios),
            "helpline_cpu_ms": med(self.helpline, "cpu_ms"),
            "bare_cpu_ms": med(self.bare, "cpu_ms"),
            "cpu_ratio": statistics.median(
                b["cpu_ms"] / h["cpu_ms"] for h, b in zip(self.helpline, self.bare, strict=True)),
            "helpline_p50_ms": med(self.helpline, "p50_us") / 1000,
            "helpline_p99_ms": med(self.helpline, "p99_us") / 1000,
            "bare_p50_ms": med(self.bare, "p50_us") / 1000,
            "bare_p99_ms": med(self.bare, "p99_us") / 1000,
            "helpline_errors": sum(run["errors"] for run in self.helpline),
            "bare_errors": sum(run["errors"] for run in self.bare),
        }


def bench_webhooks(workdir: Path, *, workers: int, rounds: int, seconds: float,
                   connections: int, memory_requests: int, say=print) -> dict:
    """Throughput and latency side by side, then memory per worker. Returns plain data."""
    workdir.mkdir(parents=True, exist_ok=True)
    helpline = Gunicorn("helpline:create_app()", helpline_env(workdir), workers, REPO,
                        workdir / "helpline-gunicorn.log")
    bare = None
    try:
        helpline.wait_ready(ENDPOINTS[0])
        memory = {"after_start_mb": helpline.worker_rss_mb()}
        files = {e.name: write_requests(e, workdir / f"requests-{i}.txt")
                 for i, e in enumerate(ENDPOINTS)}
        # The bare app answers exactly what the helpline answers, byte for byte in size.
        bodies = {}
        for e in ENDPOINTS:
            status, body = post(helpline.port, e.path, e.variants(1)[0])
            if status != 200:
                raise RuntimeError(f"{e.name}: the helpline answered {status}: {body[:200]!r}")
            bodies[e.path + "#" + e.params.get("Body", "")] = body.decode()
        (workdir / "bare.json").write_text(json.dumps(bodies), encoding="utf-8")
        bare_env = dict(os.environ, BARE_RESPONSES=str(workdir / "bare.json"))
        bare = Gunicorn("bare_app:create_app()", bare_env, workers, HERE,
                        workdir / "bare-gunicorn.log")
        bare.wait_ready(Endpoint("bare", "/voice", ENDPOINTS[0].params))

        say(f"  warming up both servers ({len(ENDPOINTS)} webhooks)")
        for e in ENDPOINTS:  # every texter and call once: first texts write a contact row
            run_wrk(helpline, files[e.name], 4, 2)
            run_wrk(bare, files[e.name], 4, 1)
        pairs = [Pair(e) for e in ENDPOINTS]
        for round_no in range(1, rounds + 1):
            for pair in pairs:
                file = files[pair.endpoint.name]
                pair.helpline.append(run_wrk(helpline, file, connections, seconds))
                pair.bare.append(run_wrk(bare, file, connections, seconds))
                s = pair.helpline[-1]
                say(f"  round {round_no}/{rounds} {pair.endpoint.name:24} "
                    f"{s['rps']:7.0f} req/s vs bare {pair.bare[-1]['rps']:7.0f}")

        # Memory: after start-up (above), after a warm-up, after memory_requests more.
        memory["after_warmup_mb"] = helpline.worker_rss_mb()
        done = 0
        while done < memory_requests:
            for e in ENDPOINTS:
                done += run_wrk(helpline, files[e.name], 8, 2)["requests"]
        memory["requests"] = done
        memory["after_requests_mb"] = helpline.worker_rss_mb()
        return {"pairs": [p.summary() for p in pairs], "memory": memory,
                "raw": [{"endpoint": p.endpoint.name, "helpline": p.helpline, "bare": p.bare}
                        for p in pairs]}
    finally:
        helpline.stop()
        if bare is not None:
            bare.stop()
