"""Injected faults, each with what a caller, texter or operator would notice.

Twilio's REST API answering 500/503/429, timing out or dropping the connection is covered in
tests/sms/test_worker.py (retries with backoff, then exactly one send); here are the faults it
does not cover: the database going away, the worker killed mid-send, content broken on disk.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, update

from helpline import create_app
from helpline.cli import cli
from helpline.content import ContentError
from helpline.content.model import SMS
from helpline.core.prompts import deployment_values
from helpline.outbound.optout_spool import SPOOL_FILE
from helpline.store import EXTENSION as STORE
from helpline.store import SENT, SUPPRESSED
from helpline.store.models import OutboxMessage
from helpline.web.content import current_content
from helpline.web.usage import EXTENSION as USAGE

from ..conftest import Outbox, Texter, Twilio
from ..voice.conftest import Caller
from .faults import HoldingProxy, TcpProxy, environment, sqlite_unavailable, venv_bin


@pytest.fixture
def settings(settings):
    """Two languages keep the language menu while making each app start quicker."""
    return {**settings, "HELPLINE_LANGUAGES": "en,es"}


#: Keys of a call that visits every kind of screen: language, menu, pieces, previous, repeat.
WALK = ["1", "2", "2", "1", "3", "*", "3", "2", "*", "1", "2", "*"]


def heard(screen) -> list[tuple[str, str]]:
    return [(el.tag, el.text or "") for el in screen.prompts] + [("action", screen.action or "")]


def walk(caller: Caller) -> list[list[tuple[str, str]]]:
    screens = [heard(caller.dial())]
    for key in WALK:
        screens.append(heard(caller.press(key)))
    return screens


def sms_words(app, text_id: str, language: str = "en") -> str:
    with app.app_context():
        return current_content().pack(language).render(text_id, SMS,
                                                       deployment_values(app.config))


# -- PostgreSQL behind a proxy that can go down ---------------------------------------------------


@pytest.fixture
def database(postgres_schema):
    url = make_url(postgres_schema)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy, url.set(host="127.0.0.1", port=proxy.port)
    proxy.close()


@pytest.fixture
def pg_app(settings, database):
    _, url = database
    app = create_app({**settings, "DATABASE_URL": url.render_as_string(hide_password=False)})
    yield app
    app.extensions[STORE].dispose()


def test_a_call_sounds_the_same_while_the_database_is_down(pg_app, database):
    proxy, _ = database
    twilio = Twilio(pg_app.test_client())
    recorder = pg_app.extensions[USAGE]
    ready = pg_app.test_client().get("/readyz")
    assert ready.status_code == 200
    before = walk(Caller(twilio, pg_app))
    assert recorder.flush() > 0

    proxy.down()
    during = walk(Caller(twilio, pg_app))
    counted = len(recorder.pending)
    assert recorder.flush() == 0 and len(recorder.pending) == counted  # kept, not lost
    readiness = pg_app.test_client().get("/readyz")

    assert during == before
    assert readiness.status_code == 503
    assert readiness.get_json()["checks"]["database"].startswith("unreachable")

    proxy.up()
    assert recorder.flush() == counted
    assert pg_app.test_client().get("/readyz").status_code == 200
    with pg_app.app_context(), pg_app.extensions[STORE].reading() as tx:
        counts = tx.usage.counts()
        screens = sum(c.count for c in counts if c.kind == "screen")
    assert screens == 2 * (len(WALK) + 1)


def test_asking_for_a_text_while_the_database_is_down_gets_an_apology_and_the_menu(
        pg_app, database):
    proxy, _ = database
    caller = Caller(Twilio(pg_app.test_client()), pg_app)
    caller.dial()
    caller.press("1")
    caller.press("6")
    proxy.down()

    screen = caller.press("1")

    assert screen.hears("voice.error")
    assert screen.hears("menu.main") and screen.action.startswith("/voice/step?s=main")
    proxy.up()
    assert Outbox(pg_app).rows() == []


def test_a_call_sounds_the_same_while_sqlite_is_locked(app, twilio, settings):
    recorder = app.extensions[USAGE]
    before = walk(Caller(twilio, app))
    recorder.flush()
    database = settings["DATABASE_URL"].removeprefix("sqlite:///")
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # e.g. a backup or a long maintenance job
    try:
        during = walk(Caller(twilio, app))
        waiting = len(recorder.pending)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert during == before
    assert waiting == len(WALK) + 2  # call_started and every screen, waiting in memory
    assert recorder.flush() == waiting


# -- SMS while the database is down ---------------------------------------------------------------


def opted_out(store, number: str) -> bool:
    with store.reading() as tx:
        return tx.contacts.is_opted_out(number)


@pytest.fixture
def database_file(settings) -> Path:
    return Path(settings["DATABASE_URL"].removeprefix("sqlite:///"))


def test_stop_is_confirmed_and_kept_while_the_database_is_down(app, twilio, store, outbox,
                                                               database_file, settings):
    texter = Texter(twilio)
    with store.transaction() as tx:
        tx.outbox.enqueue(texter.number, ["queued before the outage"], kind="text_me")

    with sqlite_unavailable(database_file, store):
        stop = texter.send("Stop")
        other = texter.send("CHECKLIST")
        spool = Path(settings["INSTANCE_PATH"], SPOOL_FILE).read_text()

    assert stop == [sms_words(app, "sms.opted_out")]
    assert other == [sms_words(app, "sms.error")]  # polite, and it says to try again
    assert store.hash_number(texter.number) in spool
    assert "7400123001" not in spool and "+44" not in spool  # a hash, never the number
    assert not opted_out(store, texter.number)  # not yet: the database was down

    Texter(twilio, "+447400123999").send("HELP")  # the next text to arrive replays the spool

    assert opted_out(store, texter.number)
    assert [row.state for row in outbox.rows()] == [SUPPRESSED]
    assert texter.send("CHECKLIST") == []  # nothing more to this number
    assert Path(settings["INSTANCE_PATH"], SPOOL_FILE).read_text() == ""


def test_a_spooled_stop_is_applied_at_start_up(app, twilio, store, database_file, settings):
    texter = Texter(twilio)
    with sqlite_unavailable(database_file, store):
        texter.send("UNSUBSCRIBE")

    restarted = create_app(settings)

    with restarted.app_context():
        assert opted_out(restarted.extensions[STORE], texter.number)


def test_start_after_the_outage_wins_over_the_spooled_stop(app, twilio, store, database_file):
    texter = Texter(twilio)
    with sqlite_unavailable(database_file, store):
        texter.send("STOP")

    assert texter.send("START") == [sms_words(app, "sms.opted_in")]
    assert not opted_out(store, texter.number)
    assert texter.send("QUESTIONS") != []


# -- the worker killed mid-send -------------------------------------------------------------------


@pytest.fixture
def holding(twilio_mock):
    proxy = HoldingProxy(twilio_mock.url)
    yield proxy
    proxy.close()


def worker_env(settings: dict, api_url: str) -> dict[str, str]:
    return environment(
        DATABASE_URL=settings["DATABASE_URL"], HELPLINE_INSTANCE_DIR=settings["INSTANCE_PATH"],
        HELPLINE_SECRET_KEY=settings["HELPLINE_SECRET_KEY"], HELPLINE_LANGUAGES="en",
        HELPLINE_PUBLIC_URL=settings["HELPLINE_PUBLIC_URL"],
        TWILIO_ACCOUNT_SID=settings["TWILIO_ACCOUNT_SID"],
        TWILIO_AUTH_TOKEN=settings["TWILIO_AUTH_TOKEN"],
        TWILIO_FROM_NUMBER=settings["TWILIO_FROM_NUMBER"], TWILIO_API_BASE_URL=api_url)


@pytest.mark.parametrize("moment", ["before", "after"],
                         ids=["killed_after_claiming", "killed_after_twilio_accepted"])
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
        app, store, outbox, settings, twilio_mock, holding, moment):
    to = "+447400123456"
    with store.transaction() as tx:
        tx.outbox.enqueue(to, ["Your checklist, part one"], kind="text_me")
    holding.hold(moment)
    env = worker_env(settings, holding.url)
    worker = subprocess.Popen([venv_bin("helpline"), "worker", "--interval", "0.2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert holding.reached.wait(90), "the worker never tried to send"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
    holding.release()

    assert [row.state for row in outbox.rows()] == ["sending"]
    assert len(twilio_mock.created) == (1 if moment == "after" else 0)
    # Time passes: the claim is now older than a live worker's would be.
    claimed = outbox.rows()[0].claimed_at
    with store.engine.begin() as conn:
        conn.execute(update(OutboxMessage).values(claimed_at=claimed - timedelta(minutes=10)))

    fresh = subprocess.run([venv_bin("helpline"), "worker", "--once"], env=env,
                           capture_output=True, text=True, timeout=120)

    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert "reconciled 1" in fresh.stdout
    assert len(twilio_mock.created) == 1  # sent, and only once
    row = outbox.rows()[0]
    assert row.state == SENT and row.provider_sid == twilio_mock.created[0]["sid"]


# -- content broken on disk while the server runs -------------------------------------------------


@pytest.fixture
def content_app(settings, content_dir):
    settings.update(HELPLINE_CONTENT_DIR=str(content_dir))
    return create_app(settings)


def test_broken_content_on_disk_does_not_touch_the_running_server(content_app, content_dir,
                                                                 settings, monkeypatch):
    twilio = Twilio(content_app.test_client())
    before = walk(Caller(twilio, content_app))
    english = content_dir / "en.yaml"
    english.write_text(english.read_text() + "\ntexts: [this is not closed\n")

    during = walk(Caller(twilio, content_app))
    monkeypatch.setenv("HELPLINE_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("HELPLINE_LANGUAGES", "en,es")
    check = content_app.test_cli_runner().invoke(cli, ["content", "check"])

    assert during == before  # callers hear the last good content
    assert check.exit_code == 1 and "en.yaml" in check.output
    with pytest.raises(ContentError) as refused:  # a reloaded worker refuses to start
        create_app(settings)
    assert "en.yaml" in str(refused.value)


def test_fixed_content_is_picked_up_by_a_reload_not_by_the_running_server(content_app,
                                                                        content_dir, settings):
    english = content_dir / "en.yaml"
    english.write_text(english.read_text().replace(
        "voice: Welcome.", "voice: Hello, this line was changed today.", 1))
    new_words = "this line was changed today"

    running_call = Caller(Twilio(content_app.test_client()), content_app)
    running_call.dial()
    running = running_call.press("1")  # English: the welcome
    reloaded = create_app(settings)
    fresh_call = Caller(Twilio(reloaded.test_client()), reloaded)
    fresh_call.dial()
    fresh = fresh_call.press("1")

    assert new_words not in running.text()
    assert new_words in fresh.text()  # spoken (<Say>): no recording has these words yet
