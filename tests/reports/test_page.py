"""The report page as an operator meets it: open locally, behind the password in production."""

from __future__ import annotations

import base64
import re

import pytest

from helpline.store import get_store
from helpline.web import admin
from helpline.web.usage import EXTENSION

from ..voice.conftest import Caller
from .readers import by_key, page_rows
from .seeding import WEEK

PERIOD = {"since": WEEK[0].isoformat(), "until": WEEK[-1].isoformat()}
PASSWORD = "correct horse battery staple"


def basic(password: str) -> dict:
    token = base64.b64encode(f"operator:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_the_page_shows_charts_and_numbers_for_the_period(seeded_app):
    response = seeded_app.test_client().get("/admin/reports", query_string=PERIOD)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "<script" not in html  # the numbers need no JavaScript
    charts = re.findall(r'<svg class="chart"[^>]*data-chart="(\w+)"', html)
    assert {"calls_per_day", "texts_per_day", "calls_by_language", "questions_funnel",
            "call_endings", "outbox", "sharing", "opt_outs"} <= set(charts)
    bar = re.search(r'<rect class="bar" data-label="2026-03-08" data-value="(\w+)"', html)
    assert bar and bar.group(1) == "14"
    assert 'href="/admin/reports.csv?since=2026-03-02&amp;until=2026-03-08"' in html


def test_a_small_count_is_a_stub_that_does_not_show_its_size(seeded_app):
    html = seeded_app.test_client().get("/admin/reports", query_string=PERIOD).get_data(
        as_text=True)
    outbox = html.split('data-chart="outbox"', 1)[1].split("</svg>", 1)[0]

    pending = re.search(r'data-label="pending" data-value="([^"]+)"[^>]*width="([\d.]+)"', outbox)
    suppressed = re.search(r'data-label="suppressed" data-value="([^"]+)"[^>]*width="([\d.]+)"',
                           outbox)
    assert pending.group(1) == suppressed.group(1) == "&lt;5"
    assert pending.group(2) == suppressed.group(2)  # 2 and 1 drawn alike


@pytest.mark.parametrize("query, message", [
    ({"since": "last week"}, "since must be a date written YYYY-MM-DD"),
    ({"until": "2026-13-01"}, "until must be a date written YYYY-MM-DD"),
    ({"since": "2026-03-08", "until": "2026-03-01"}, "is after the end date"),
])
def test_a_bad_date_gets_a_clear_message(seeded_app, query, message):
    client = seeded_app.test_client()

    page = client.get("/admin/reports", query_string=query)
    download = client.get("/admin/reports.csv", query_string=query)

    assert page.status_code == 400 and message in page.get_data(as_text=True)
    assert 'role="alert"' in page.get_data(as_text=True)
    assert download.status_code == 400 and message in download.get_data(as_text=True)


@pytest.fixture
def settings(settings, tmp_path):
    """Production-like (signed webhooks); two languages keep the apps quick to build."""
    return {**settings, "HELPLINE_LANGUAGES": "en,es",
            "HELPLINE_AUDIO_DIR": str(tmp_path / "no-audio")}


PATHS = ["/admin/reports", "/admin/reports.csv", "/admin/reports.json"]


def test_production_without_a_password_has_no_reports(settings):
    from helpline import create_app

    client = create_app(settings).test_client()

    assert [client.get(path).status_code for path in PATHS] == [404, 404, 404]


def test_production_asks_for_the_operator_password(settings, monkeypatch):
    from helpline import create_app

    monkeypatch.setattr(admin, "FAILURES", admin._Failures())  # no count left for other tests
    client = create_app({**settings, "HELPLINE_ADMIN_PASSWORD": PASSWORD}).test_client()

    for path in PATHS:
        anonymous = client.get(path)
        wrong = client.get(path, headers=basic("guess"))
        right = client.get(path, headers=basic(PASSWORD))

        assert anonymous.status_code == 401, path
        assert "Basic" in anonymous.headers["WWW-Authenticate"]
        assert wrong.status_code == 401, path
        assert right.status_code == 200, path
        assert b"calls" in right.data


def test_a_real_call_is_counted_where_it_ended(app, twilio):
    """Drive the real voice webhooks, then read the report: the interpretation of the
    events (arrivals minus departures, the funnel) matches what the voice views record."""
    from datetime import UTC, datetime

    from helpline.reports import build_report
    from helpline.web.content import current_content

    for _ in range(2):
        caller = Caller(twilio, app)
        caller.dial()
        caller.press("1")  # English
        caller.press("3")  # the questions
        caller.press("9")
        caller.press("9")  # question 3
        caller.press("#")  # hear it again
        twilio.post("/voice/status", caller.params(CallStatus="completed", CallDuration="200"))
    caller = Caller(twilio, app)
    caller.dial()
    for _ in range(3):
        caller.stay_silent()  # twice re-prompted, then a kind goodbye
    app.extensions[EXTENSION].flush()

    today = datetime.now(UTC).date()
    with app.app_context():
        report = build_report(get_store(), current_content(), today, today)

    def values(key):
        return {f.label: f.value for f in report.section(key).figures}

    assert values("summary")["calls"] == 3
    assert values("call_endings")["Ten questions"] == 2
    assert values("call_endings")["goodbye"] == 1
    assert sum(values("call_endings").values()) == 3
    funnel = values("questions_funnel")
    assert (funnel["questions.q03"], funnel["questions.q04"]) == (2, 0)
    assert values("calls_by_language")["English (en)"] == 2
    assert values("calls_by_language")["language not chosen"] == 1
    assert values("call_lengths")["3-10 min"] == 2


def test_the_page_lists_what_the_rows_list(seeded_app):
    rows = page_rows(seeded_app.test_client().get("/admin/reports", query_string=PERIOD)
                     .get_data(as_text=True))

    figures = by_key(rows)
    assert figures["summary"]["calls"] == "79"
    assert figures["call_endings"]["goodbye"] == "7"


def test_calls_handed_to_a_person_end_once(settings, twilio):
    from datetime import UTC, datetime

    from helpline import create_app
    from helpline.reports import build_report
    from helpline.web.content import current_content

    app = create_app({**settings, "HELPLINE_TRANSFER_NUMBER": "+442071234567",
                      "HELPLINE_OPENING_HOURS": "mon-sun 00:00-24:00"})
    twilio = type(twilio)(app.test_client())
    for status in ("completed", "no-answer"):
        caller = Caller(twilio, app)
        caller.dial()
        caller.press("1")
        action = caller.press("0").dial.get("action")
        caller._post(action, DialCallStatus=status)
        if status != "completed":
            caller.press("2")  # back in the menu: the checklist
    app.extensions[EXTENSION].flush()

    today = datetime.now(UTC).date()
    with app.app_context():
        report = build_report(get_store(), current_content(), today, today)

    endings = {f.label: f.value for f in report.section("call_endings").figures if f.value}
    languages = {f.label: f.value for f in report.section("calls_by_language").figures}
    assert endings == {"transfer": 1, "Records checklist": 1}
    assert languages["English (en)"] == 2
