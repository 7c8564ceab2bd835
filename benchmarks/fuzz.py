"""Signed fuzzing of every Twilio webhook, the full run: ten thousand requests or more.

    .venv/bin/python benchmarks/fuzz.py --requests 10000 [--seed N] [--postgres]
    .venv/bin/python benchmarks/fuzz.py --url http://127.0.0.1:8000   # a running server

Every request carries hostile values (digits, speech, bodies, query strings, numbers, broken
encodings, huge forms) and a valid X-Twilio-Signature, so it reaches the handlers. Action URLs
are harvested from the answers, so every URL a real call produces is posted to. The run fails
(exit 1) on any non-200, any answer that is not valid TwiML, or any handler that failed and
apologised. The same engine runs a few hundred requests in the normal test suite
(tests/reliability/test_fuzz.py). A server given with --url must use the token and public URL
in tests/reliability/fuzzing.py (FUZZ_SETTINGS); it is only ever on this machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _fuzzing():
    spec = importlib.util.spec_from_file_location(
        "helpline_fuzzing", REPO / "tests" / "reliability" / "fuzzing.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _postgres_schema(key: str):
    """A fresh, migrated schema in the test PostgreSQL, and how to drop it."""
    from sqlalchemy import create_engine, make_url, text

    from helpline.store import Store

    base = make_url(os.environ.get("HELPLINE_TEST_POSTGRES_URL",
                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    name = f"helpline_fuzz_{os.getpid()}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = base.update_query_dict({"options": f"-csearch_path={name}"})
    store = Store(url, key)
    store.upgrade()
    store.dispose()

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--postgres", action="store_true",
                        help="use a fresh schema in the PostgreSQL of HELPLINE_TEST_POSTGRES_URL "
                             "(default: a fresh SQLite file in a temporary folder)")
    parser.add_argument("--url", default="", help="fuzz a running server on this machine")
    parser.add_argument("--show", type=int, default=5, help="failures to print")
    args = parser.parse_args(argv)
    fuzzing = _fuzzing()
    # The helpline's own log lines are not the report (the fuzzer collects its errors itself).
    logging.getLogger().addHandler(logging.NullHandler())

    cleanups: list = []
    with tempfile.TemporaryDirectory(prefix="helpline-fuzz-") as folder:
        recorder = None
        if args.url:
            poster = fuzzing.http_poster(args.url)
            where = args.url
        else:
            from helpline import create_app
            from helpline.store import get_store
            from helpline.web.usage import recorder as usage_recorder

            database = f"sqlite:///{Path(folder) / 'helpline.sqlite3'}"
            if args.postgres:
                database, drop = _postgres_schema(fuzzing.FUZZ_SETTINGS["HELPLINE_SECRET_KEY"])
                cleanups.append(drop)
            settings = {**fuzzing.FUZZ_SETTINGS, "TESTING": True,
                        "INSTANCE_PATH": str(Path(folder) / "instance"),
                        "DATABASE_URL": database}
            app = create_app(settings)
            recorder = usage_recorder(app)
            poster = fuzzing.flask_poster(app.test_client())
            with app.app_context():
                where = f"in process, {get_store()!r}"

        def between(n: int) -> None:
            if recorder is not None and n % 500 == 499:
                recorder.flush()
            if n % 1000 == 999:
                print(f"  {n + 1} requests", file=sys.stderr)

        print(f"fuzzing {where} with seed {args.seed}", file=sys.stderr)
        started = time.monotonic()
        fuzzer = fuzzing.Fuzzer(poster, args.seed)
        report = fuzzer.run(args.requests, between=between)
        elapsed = time.monotonic() - started
        if recorder is not None:
            recorder.flush()
            with app.app_context():
                get_store().dispose()
        for cleanup in cleanups:
            cleanup()

    print(report.summary() + f", {elapsed:.0f} s")
    print("by webhook: " + ", ".join(f"{k} {v}" for k, v in sorted(report.by_endpoint.items())))
    print("statuses: " + ", ".join(f"{k} x{v}" for k, v in sorted(report.statuses.items())))
    for line in (report.failures + report.handler_errors)[: args.show]:
        print("\n" + line)
    failed = bool(report.failures or report.handler_errors)
    if failed:
        print(f"\nFAILED: replay with --seed {args.seed}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
