"""Texts sent through Twilio's API (Prism on Twilio's spec), then failed by Twilio's status
callbacks with each error code, reach the report as plain reasons with what to do."""

from __future__ import annotations

import base64

import pytest

from helpline.cli import cli
from helpline.outbound.transport import TwilioTransport
from helpline.outbound.worker import OutboxWorker
from helpline.store.models import FAILED

from .readers import by_key, json_rows, page_rows, table_rows

PASSWORD = "a-long-operator-passphrase"

#: Error code -> how many parts fail with it (5 or more shows the count, fewer shows <5).
FAILURES = {"30003": 1, "30005": 1, "30006": 1, "30007": 6, "30008": 1, "30034": 5,
            "21610": 1, "30410": 2}


@pytest.fixture
def settings(settings, twilio_mock):
    return {**settings, "TWILIO_API_BASE_URL": twilio_mock.url,
            "HELPLINE_ADMIN_PASSWORD": PASSWORD}


def send_and_fail(app, store, twilio, twilio_mock, failures: dict[str, int]) -> None:
    """Queue one text per failure, send it through the API, then post its failing receipt."""
    for code, count in failures.items():
        for i in range(count):
            with store.transaction() as tx:
                tx.outbox.enqueue(f"+4474001{int(code) % 1000:03d}{i:02d}", ["Hello"],
                                  kind="text_me", language="en")
    worker = OutboxWorker(store, TwilioTransport(app.config, timeout=5), worker_id="test")
    assert worker.run_once().sent == sum(failures.values())
    assert twilio_mock.rejected == []
    sids = [message["sid"] for message in twilio_mock.created]
    codes = [code for code, count in failures.items() for _ in range(count)]
    for sid, code in zip(sids, codes, strict=True):
        response = twilio.post("/sms/status", {
            "MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": code,
            "AccountSid": "AC" + "0" * 32, "To": "+447400100000", "From": "+15005550006"})
        assert response.status_code == 200


def report(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(cli, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_error_code_reaches_the_report_as_a_plain_reason(app, store, twilio, twilio_mock,
                                                              outbox):
    send_and_fail(app, store, twilio, twilio_mock, FAILURES)
    assert sorted(row.error_code for row in outbox.rows(state=FAILED)) == sorted(
        code for code, count in FAILURES.items() for _ in range(count))

    table = report(app)
    reasons = by_key(table_rows(table))["failure_reasons"]

    assert reasons == {
        "30003 unreachable": "<5",
        "30005 unknown number": "<5",
        "30006 landline": "<5",
        "30007 filtered by the carrier": "6",
        "30008 unknown carrier error": "<5",
        "30034 unregistered sender": "5",
        "21610 opted out": "<5",
        "30410 other error": "<5",
    }
    assert "what to do: US carriers block texts from a number that is not in an approved " \
           "A2P 10DLC campaign" in table
    assert "https://www.twilio.com/docs/api/errors/30410" in table


def test_the_page_and_json_show_the_reason_and_the_fix(app, store, twilio, twilio_mock):
    send_and_fail(app, store, twilio, twilio_mock, {"30007": 5})
    auth = {"Authorization": "Basic " + base64.b64encode(f"x:{PASSWORD}".encode()).decode()}
    client = app.test_client()

    page = client.get("/admin/reports", headers=auth, base_url="https://helpline.example.org")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    reasons = by_key(page_rows(html))["failure_reasons"]
    assert reasons["30007 filtered by the carrier"] == "5"
    assert reasons["30034 unregistered sender"] == "0"
    assert "What to do: The carrier blocked it as unwanted." in html

    data = report(app, "--format", "json")
    assert by_key(json_rows(data))["failure_reasons"]["30007 filtered by the carrier"] == "5"
    assert '"fix": "The carrier blocked it as unwanted.' in data


def test_a_failure_without_a_code_is_listed_apart(app, store, twilio_mock):
    with store.transaction() as tx:
        [item] = tx.outbox.enqueue("+447400123456", ["Hello"], kind="text_me")
        tx.outbox.mark_failed(item.id, None, "Twilio could not be reached")

    reasons = by_key(table_rows(report(app)))["failure_reasons"]

    assert reasons["no error code"] == "<5"
