"""What one webhook costs inside the process: `python benchmarks/inprocess.py`.

The same production-like app as the webhook benchmark (signed requests, its own SQLite file, six
languages), driven through Flask's test client: a voice step (question 7), an SMS keyword, a
misspelt keyword, and the texter-state read alone. Prints milliseconds of CPU per request (the
process's own CPU time, which a busy neighbour hardly changes) and wall time, best of rounds.
``--profile`` runs the SMS and the voice step under pyinstrument and prints where the time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webhooks import ENDPOINTS, PUBLIC_URL, helpline_env, signed  # noqa: E402


def _client_calls(app, endpoint, count: int) -> list[Callable[[], object]]:
    client = app.test_client()
    calls = []
    for params in endpoint.variants(count):
        signature, body = signed(endpoint.path, params)
        path = endpoint.path

        def call(path=path, signature=signature, body=body):
            response = client.post(
                path, data=body, base_url=PUBLIC_URL,
                headers={"X-Twilio-Signature": signature,
                         "Content-Type": "application/x-www-form-urlencoded"})
            assert response.status_code == 200, response.status_code
            return response

        calls.append(call)
    return calls


def _cost(calls: list[Callable[[], object]], rounds: int) -> dict:
    """Best-of-rounds milliseconds per call, CPU and wall."""
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for call in calls:
            call()
        cpu.append((time.process_time() - c0) * 1000 / len(calls))
        wall.append((time.perf_counter() - w0) * 1000 / len(calls))
    return {"cpu_ms": min(cpu), "cpu_ms_median": statistics.median(cpu), "wall_ms": min(wall)}


def bench_inprocess(workdir: Path, rounds: int = 7, count: int = 200,
                    profile: bool = False) -> dict:
    os.environ.update(helpline_env(workdir))
    from helpline import create_app
    from helpline.store import get_store

    app = create_app()
    results: dict[str, dict] = {}
    chosen = {"voice step (question 7)": ENDPOINTS[1], "voice: incoming call": ENDPOINTS[0],
              "sms: QUESTIONS": ENDPOINTS[2], "sms: misspelt keyword": ENDPOINTS[3]}
    for name, endpoint in chosen.items():
        calls = _client_calls(app, endpoint, count)
        for call in calls:  # warm up: first texts write the contact row
            call()
        results[name] = _cost(calls, rounds)
    with app.app_context():
        store = get_store()
        numbers = [f"+4474001{i % 50:05d}" for i in range(count)]

        def read_state(numbers=numbers):
            for number in numbers:
                if hasattr(store, "texter_state"):
                    store.texter_state(number)
                else:  # before the Core read: through an ORM session
                    with store.reading() as tx:
                        tx.contacts.texter_state(number)

        per_batch = _cost([read_state], rounds)
        results["texter-state read"] = {k: v / count for k, v in per_batch.items()}
    if profile:
        from pyinstrument import Profiler

        for name in ("sms: QUESTIONS", "voice step (question 7)"):
            calls = _client_calls(app, chosen[name], count)
            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(5):
                for call in calls:
                    call()
            profiler.stop()
            print(f"\n===== {name} =====")
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return results


def in_subprocess(workdir: Path, rounds: int = 7) -> dict:
    """``bench_inprocess`` in a fresh process (it sets the environment and builds an app)."""
    import json
    import subprocess

    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "inprocess.json"
    subprocess.run([sys.executable, __file__, "--rounds", str(rounds), "--json", str(out)],
                   check=True, capture_output=True, timeout=900)
    return json.loads(out.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="helpline-inprocess-") as tmp:
        results = bench_inprocess(Path(tmp), args.rounds, profile=args.profile)
    if args.json:
        import json

        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("| what | CPU ms (best) | CPU ms (median) | wall ms (best) |")
    print("|---|---:|---:|---:|")
    for name, row in results.items():
        print(f"| {name} | {row['cpu_ms']:.3f} | {row['cpu_ms_median']:.3f} "
              f"| {row['wall_ms']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
