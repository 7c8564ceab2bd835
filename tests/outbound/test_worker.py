"""The outbox worker against Twilio's own API spec: sends, retries, gives up, and never sends
twice, even when it dies between Twilio accepting a text and recording it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from helpline.cli import cli
from helpline.outbound.transport import SendError, TwilioTransport
from helpline.outbound.worker import MAX_ATTEMPTS, STALE_AFTER, OutboxWorker, backoff
from helpline.store.models import FAILED, PENDING, SENDING, SENT
from helpline.store.outbox import Outbox

TO = "+447400123456"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def settings(settings, twilio_mock):
    settings["TWILIO_API_BASE_URL"] = twilio_mock.url
    return settings


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def worker(app, store, clock):
    return OutboxWorker(store, TwilioTransport(app.config, timeout=1.5), worker_id="test",
                        clock=clock, rng=lambda: 0.5)


def queue(store, clock, parts=("Hello from the helpline",), to=TO):
    with store.transaction() as tx:
        return tx.outbox.enqueue(to, list(parts), kind="text_me", language="en", now=clock.now)


def opted_out(store, number):
    with store.reading() as tx:
        return tx.contacts.is_opted_out(number)


def test_it_sends_a_queued_text_through_twilios_api(worker, store, clock, twilio_mock, outbox):
    queue(store, clock, ["(1 of 2) first part", "(2 of 2) second part"])

    report = worker.run_once()

    assert report.sent == 2 and twilio_mock.rejected == []
    creates = [form for method, path, form in twilio_mock.requests if method == "POST"]
    assert [form["Body"] for form in creates] == ["(1 of 2) first part", "(2 of 2) second part"]
    assert all(form["To"] == TO and form["From"] == "+15005550006" for form in creates)
    assert all(form["StatusCallback"] == "https://helpline.example.org/sms/status"
               for form in creates)
    rows = outbox.rows()
    assert {row.state for row in rows} == {SENT}
    assert all(re.fullmatch(r"SM[0-9a-f]{32}", row.provider_sid) for row in rows)
    assert all(row.to_number is None for row in rows)  # the number is not kept once sent


@pytest.mark.parametrize("fault", ["500", "503", "429", "drop", "timeout"])
def test_it_retries_with_backoff_then_sends_exactly_once(worker, store, clock, twilio_mock,
                                                        outbox, fault, monkeypatch):
    monkeypatch.setenv("TWILIO_MOCK_TIMEOUT", "3")
    queue(store, clock)
    twilio_mock.faults.append(fault)

    first = worker.run_once()
    row = outbox.rows()[0]
    assert first.retried == 1 and row.state == PENDING and row.attempts == 1
    assert row.next_attempt_at > clock.now
    assert worker.run_once().sent == 0  # not due yet

    clock.advance(backoff(1, lambda: 1.0))
    assert worker.run_once().sent == 1
    assert len(twilio_mock.created) == 1
    assert outbox.rows()[0].state == SENT


def test_backoff_grows_and_is_jittered():
    waits = [backoff(n, lambda: 1.0) for n in range(1, 8)]

    assert waits == sorted(waits) and waits[0] == timedelta(seconds=15)
    assert backoff(3, lambda: 0.0) == backoff(3, lambda: 1.0) / 2
    assert backoff(40, lambda: 1.0) == timedelta(hours=4)


@pytest.mark.parametrize("fault, code", [("400:21211", "21211"), ("400:21614", "21614"),
                                         ("401:20003", "20003")])
def test_a_permanent_error_fails_the_text_for_good(worker, store, clock, twilio_mock, outbox,
                                                   fault, code):
    queue(store, clock)
    twilio_mock.faults.append(fault)

    report = worker.run_once()

    row = outbox.rows()[0]
    assert report.failed == 1 and row.state == FAILED and row.error_code == code
    assert row.to_number is None
    clock.advance(timedelta(days=2))
    assert worker.run_once().sent == 0


def test_twilio_saying_unsubscribed_records_the_opt_out(worker, store, clock, twilio_mock):
    queue(store, clock)
    queue(store, clock, ["another text"])
    twilio_mock.faults.append("400:21610")

    worker.run_once()

    assert opted_out(store, TO)
    assert twilio_mock.created == []  # the second text was suppressed, not sent


def test_it_gives_up_after_the_last_attempt(worker, store, clock, twilio_mock, outbox):
    queue(store, clock)
    for _ in range(MAX_ATTEMPTS):
        twilio_mock.faults.append("500")
        worker.run_once()
        clock.advance(timedelta(days=1))

    assert outbox.rows()[0].state == FAILED


def test_a_crash_between_sending_and_recording_does_not_send_twice(worker, store, clock,
                                                                   twilio_mock, outbox,
                                                                   monkeypatch):
    queue(store, clock)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("worker killed after Twilio accepted the text")

    with monkeypatch.context() as patched:
        patched.setattr(Outbox, "mark_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            worker.run_once()
    assert outbox.rows()[0].state == SENDING and len(twilio_mock.created) == 1

    clock.advance(STALE_AFTER + timedelta(seconds=1))
    report = worker.run_once()

    assert report.reconciled == 1 and report.sent == 0
    row = outbox.rows()[0]
    assert row.state == SENT and row.provider_sid == twilio_mock.created[0]["sid"]
    assert len(twilio_mock.created) == 1


def test_a_crash_before_sending_sends_after_reconciling(worker, store, clock, twilio_mock,
                                                        outbox):
    queue(store, clock)
    with store.transaction() as tx:
        tx.outbox.claim_due("a worker that died", clock.now)

    clock.advance(STALE_AFTER + timedelta(seconds=1))
    worker.run_once()
    clock.advance(timedelta(seconds=1))
    worker.run_once()

    assert len(twilio_mock.created) == 1 and outbox.rows()[0].state == SENT


def test_a_crash_before_sending_the_same_words_again_is_not_taken_for_the_first(
        worker, store, clock, twilio_mock, outbox):
    """CHECKLIST asked twice: the first went out; the second's worker died before sending.
    Twilio's list holds one message with those words, already the first row's."""
    queue(store, clock, ["the checklist"])
    worker.run_once()
    queue(store, clock, ["the checklist"])
    with store.transaction() as tx:
        tx.outbox.claim_due("a worker that died", clock.now)

    clock.advance(STALE_AFTER + timedelta(seconds=1))
    worker.run_once()
    clock.advance(timedelta(seconds=1))
    worker.run_once()

    rows = outbox.rows()
    assert [row.state for row in rows] == [SENT, SENT]
    assert len({row.provider_sid for row in rows}) == 2 and len(twilio_mock.created) == 2


def test_an_unreachable_twilio_is_a_retryable_error(app):
    app.config["TWILIO_API_BASE_URL"] = "http://127.0.0.1:9"
    transport = TwilioTransport(app.config, timeout=1)

    with pytest.raises(SendError) as failed:
        transport.send(TO, "hello")

    assert failed.value.retryable


def test_the_worker_command_sends_what_is_due(runner, store, twilio_mock):
    with store.transaction() as tx:
        tx.outbox.enqueue(TO, ["hello"], kind="text_me")

    result = runner.invoke(cli, ["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output


def test_an_opt_out_spooled_during_an_outage_is_applied_before_sending(app, store, clock,
                                                                      twilio_mock, tmp_path):
    from helpline.outbound import optout_spool

    spool = optout_spool.spool_path(tmp_path)
    queue(store, clock)
    optout_spool.append(spool, store.hash_number(TO), "STOP")
    worker = OutboxWorker(store, TwilioTransport(app.config, timeout=1.5), worker_id="test",
                          clock=clock, spool=spool)

    worker.run_once()

    assert opted_out(store, TO)
    assert twilio_mock.created == []
    assert not optout_spool.pending(spool)


def test_a_crash_after_a_whatsapp_voice_note_does_not_send_it_twice(worker, store, clock,
                                                                    twilio_mock, outbox,
                                                                    monkeypatch):
    with store.transaction() as tx:
        tx.outbox.enqueue("whatsapp:+447400123777", ["A voice note from the helpline."],
                          kind="voice_note", channel="whatsapp", now=clock.now,
                          media_url="https://helpline.example.org/audio/en/menu.main.1a2b3c4d.mp3")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("worker killed after Twilio accepted the voice note")

    with monkeypatch.context() as patched:
        patched.setattr(Outbox, "mark_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            worker.run_once()
    [form] = [form for method, _, form in twilio_mock.requests if method == "POST"]
    assert form["MediaUrl"].endswith("/menu.main.1a2b3c4d.mp3") and "Body" not in form
    assert form["To"] == "whatsapp:+447400123777" and twilio_mock.rejected == []

    clock.advance(STALE_AFTER + timedelta(seconds=1))
    report = worker.run_once()

    assert report.reconciled == 1 and report.sent == 0
    assert outbox.rows()[0].state == SENT and len(twilio_mock.created) == 1
