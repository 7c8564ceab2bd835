"""`helpline doctor` against a helpline served on loopback: all green, then each cause of a
failure injected in turn, as an operator would meet it."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from helpline.store import get_store
from helpline.store.db import downgrade
from helpline.web.usage import recorder

from ..conftest import AUTH_TOKEN
from ..twilio_mock import free_port
from .conftest import Deployment, lines_by_check

ALL_CHECKS = ["settings", "public URL", "ready", "signatures", "voice webhook", "sms webhook",
              "audio", "database", "worker", "sending", "twilio number", "us/ca texting",
              "sender ids", "china"]


def failed(result) -> dict[str, str]:
    return {name: line for name, line in lines_by_check(result.output).items()
            if line.startswith("FAIL")}


def test_it_passes_every_check_on_a_healthy_deployment(deployment):
    result = deployment.doctor()

    checks = lines_by_check(result.output)
    assert list(checks) == ALL_CHECKS
    # Texts to China are filtered without registered templates: a warning, not a failure.
    assert checks.pop("china").startswith("warn ")
    assert all(line.startswith("ok ") for line in checks.values()), result.output
    assert result.exit_code == 0
    assert "All checks passed." in result.output


def test_its_test_call_and_text_are_not_counted_as_real_use(deployment):
    deployment.doctor()

    recorder(deployment.app).flush()
    with deployment.app.app_context(), get_store().reading() as tx:
        real = tx.usage.counts()
        everything = tx.usage.counts(include_simulated=True)
    assert real == []
    assert {(c.channel, c.kind) for c in everything} >= {("voice", "call_started"),
                                                         ("sms", "help")}


def test_it_fails_when_the_public_url_does_not_answer(deployment):
    nobody = f"http://127.0.0.1:{free_port()}"

    result = deployment.doctor(HELPLINE_PUBLIC_URL=nobody)

    assert result.exit_code == 1
    assert "not reachable" in failed(result)["public URL"]
    assert "check(s) failed" in result.output


def test_it_fails_on_a_public_url_without_https(deployment):
    result = deployment.command("doctor")

    assert result.exit_code == 1
    assert "not https://" in failed(result)["public URL"]


def test_it_fails_when_the_server_checks_signatures_against_another_url(deployment):
    # The classic proxy mistake: Twilio signs https://localhost:..., the server expects
    # https://127.0.0.1:... (here: the doctor uses one name, the server the other).
    other_name = deployment.url.replace("127.0.0.1", "localhost")

    result = deployment.doctor(HELPLINE_PUBLIC_URL=other_name)

    bad = failed(result)
    assert "refused a signed request (403)" in bad["voice webhook"]
    assert "refused a signed request (403)" in bad["sms webhook"]
    assert "public URL" not in bad
    assert result.exit_code == 1


def test_it_fails_a_webhook_slower_than_the_limit(deployment):
    result = deployment.doctor("--max-seconds", "0.000001")

    bad = failed(result)
    assert "took" in bad["voice webhook"] and "took" in bad["sms webhook"]


def test_it_fails_when_the_server_runs_without_an_auth_token(settings, numbers):
    open_server = Deployment({**settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": ""})
    try:
        result = open_server.doctor("--no-twilio", TWILIO_AUTH_TOKEN=AUTH_TOKEN)
    finally:
        open_server.stop()

    assert "local mode" in failed(result)["signatures"]
    assert result.exit_code == 1


@pytest.fixture
def static_server(tmp_path):
    """A plain web server, as a CDN that was set up without caching rules."""
    root = tmp_path / "cdn"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_it_fails_when_the_audio_cdn_has_not_been_filled(deployment, static_server):
    _, cdn = static_server

    result = deployment.doctor(HELPLINE_AUDIO_BASE_URL=cdn)

    assert "answered 404" in failed(result)["audio"]


def test_it_fails_when_the_audio_cdn_does_not_let_twilio_cache(deployment, static_server,
                                                              repo_audio):
    root, cdn = static_server
    shutil.copytree(repo_audio / "en", root / "en")

    result = deployment.doctor(HELPLINE_AUDIO_BASE_URL=cdn)

    assert "no Cache-Control header" in failed(result)["audio"]


def test_it_fails_when_the_database_is_behind_the_code(deployment):
    with deployment.app.app_context():
        downgrade(get_store().engine, "base")

    result = deployment.doctor()

    bad = failed(result)
    assert "run `helpline db upgrade`" in bad["database"]
    assert "migrations" in bad["ready"]
    assert result.exit_code == 1


def test_it_fails_while_texts_wait_and_no_worker_sends_them(deployment):
    long_ago = datetime.now(UTC) - timedelta(minutes=20)
    with deployment.app.app_context(), get_store().transaction() as tx:
        tx.outbox.enqueue("+447400123001", ["Your checklist"], kind="text_me", now=long_ago)

    stuck = deployment.doctor()
    sent = deployment.command("worker", "--once")
    after = deployment.doctor()

    assert "is `helpline worker` running" in failed(stuck)["worker"]
    assert sent.exit_code == 0 and "sent 1" in sent.output
    assert lines_by_check(after.output)["worker"].startswith("ok outbox empty; last text")
    assert after.exit_code == 0, after.output


def test_it_fails_when_the_number_points_elsewhere(deployment, numbers):
    (number,) = numbers.numbers.values()
    number["voice_url"] = "https://old-ivr.example.com/answer"

    result = deployment.doctor()

    assert "voice_url not pointing here: run `helpline twilio setup`" in \
        failed(result)["twilio number"]


def test_it_fails_when_twilio_refuses_the_credentials(deployment, numbers):
    numbers.credentials = ("AC" + "0" * 32, "the-real-token-is-something-else")

    result = deployment.doctor()

    assert "refused the credentials" in failed(result)["twilio number"]
