"""Table tests for the plain helpers behind going live: no HTTP, no database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from helpline.core.privacy import tag
from helpline.golive.accesslog import mask_atoms, mask_request_text
from helpline.golive.doctor import cache_problem, play_urls, twiml_problem, worker_verdict
from helpline.golive.gunicorn_conf import default_workers
from helpline.golive.twilio_setup import (
    SetupError,
    changes,
    check_public_url,
    desired_webhooks,
    table,
)
from helpline.store import OutboxActivity

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def tagged(expected: str) -> str:
    """``<digits>`` in a table row becomes the tag those digits get now (with this run's key)."""
    return re.sub(r"<(\d+)>", lambda m: f"[{tag(m.group(1))}]", expected)


@pytest.mark.parametrize("line, expected", [
    ("POST /voice/step?s=caregiver_confirm&l=en&d=447400123456 HTTP/1.1",
     "POST /voice/step?s=caregiver_confirm&l=en&d=+44<447400123456> HTTP/1.1"),
    ("POST /voice/step?s=caregiver_number&l=en&d=0770090 HTTP/1.1",
     "POST /voice/step?s=caregiver_number&l=en&d=<0770090> HTTP/1.1"),
    ("GET /anything?To=%2B447400123456 HTTP/1.1",
     "GET /anything?To=+44<447400123456> HTTP/1.1"),
    ("POST /voice/step?s=questions&l=en&i=3 HTTP/1.1",
     "POST /voice/step?s=questions&l=en&i=3 HTTP/1.1"),
    ("GET /audio/en/menu.main.3f2a9c1d.mp3 HTTP/1.1",
     "GET /audio/en/menu.main.3f2a9c1d.mp3 HTTP/1.1"),
])
def test_it_masks_numbers_in_request_lines_and_leaves_the_rest(line, expected):
    assert mask_request_text(line) == tagged(expected)


def test_it_masks_every_text_atom_and_keeps_sizes():
    atoms = {"r": "GET /x?d=447400123456 HTTP/1.1", "q": "d=447400123456", "B": 12345678,
             "{referer}i": "https://x.example/?n=447400123456"}

    masked = mask_atoms(atoms)

    assert "447400123456" not in str(masked)
    assert masked["B"] == 12345678


@pytest.mark.parametrize("cpus, workers", [(1, 3), (2, 5), (3, 7), (16, 8)])
def test_it_sizes_the_worker_pool_to_the_machine(cpus, workers):
    assert default_workers(cpus) == workers


@pytest.mark.parametrize("url, allow_http, error", [
    ("", False, "not set"),
    ("http://help.example.org", False, "not https://"),
    ("ftp://help.example.org", True, "not a web address"),
    ("https://help.example.org/?x=1", False, "query"),
])
def test_it_refuses_public_urls_twilio_should_not_use(url, allow_http, error):
    with pytest.raises(SetupError, match=error):
        check_public_url(url, allow_http)


def test_it_accepts_https_and_drops_a_trailing_slash():
    assert check_public_url("https://help.example.org/", False) == "https://help.example.org"
    assert check_public_url("http://127.0.0.1:8000", True) == "http://127.0.0.1:8000"


def test_it_changes_only_the_fields_that_differ():
    wanted = desired_webhooks("https://h.example")
    current = {**wanted, "voice_url": "https://old.example/voice", "sms_fallback_url": ""}

    assert changes(current, wanted) == {"voice_url": "https://h.example/voice",
                                        "sms_fallback_url": "https://h.example/sms/fallback"}
    assert changes(wanted, wanted) == {}


def test_it_marks_changed_rows_in_the_before_after_table():
    lines = table({"voice_url": "", "sms_method": "POST"},
                  {"voice_url": "https://h.example/voice", "sms_method": "POST"})

    assert lines[1].split() == ["*", "voice_url", "(none)", "https://h.example/voice"]
    assert lines[2].split() == ["sms_method", "POST", "POST"]


@pytest.mark.parametrize("header, problem", [
    ("public, max-age=31536000, immutable", None),
    ("s-maxage=86400", None),
    ("", "no Cache-Control"),
    ("no-store", "forbids caching"),
    ("public, max-age=60", "too short"),
    ("private", "too short or missing"),
])
def test_it_judges_audio_caching_headers(header, problem):
    found = cache_problem(header)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("body, problem", [
    (b"<Response><Gather><Say>Hi</Say></Gather></Response>", None),
    (b"<html><body>Bad gateway</body></html>", "root element is <html>"),
    (b"not xml", "not XML"),
    (b"<Response/>", "no <Gather> or <Play> or <Say>"),
    (b"<Response><Enqueue>x</Enqueue></Response>", "unexpected TwiML <Enqueue>"),
])
def test_it_tells_valid_voice_twiml_from_anything_else(body, problem):
    verbs = {"Gather", "Play", "Say", "Hangup", "Redirect"}
    found = twiml_problem(body, verbs, {"Gather", "Play", "Say"})
    assert (found is None) if problem is None else (problem in found)


def test_it_reads_play_urls_against_the_webhook_url():
    body = (b"<Response><Gather><Play>/audio/en/a.mp3</Play>"
            b"<Play>https://cdn.example/en/b.mp3</Play></Gather></Response>")

    assert play_urls(body, "https://h.example/voice") == [
        "https://h.example/audio/en/a.mp3", "https://cdn.example/en/b.mp3"]


@pytest.mark.parametrize("last, oldest, ok, says", [
    (None, None, True, "outbox empty; no text finished yet"),
    (NOW - timedelta(hours=3), None, True, "outbox empty; last text finished 3 h ago"),
    (None, NOW - timedelta(seconds=30), True, "oldest for 30 s"),
    (NOW - timedelta(seconds=10), NOW - timedelta(minutes=30), True, "last text finished 10 s"),
    (None, NOW - timedelta(minutes=30), False, "is `helpline worker` running"),
    (NOW - timedelta(hours=2), NOW - timedelta(minutes=30), False, "finished 2 h ago"),
])
def test_it_judges_the_worker_by_what_waits_and_what_it_finished(last, oldest, ok, says):
    activity = OutboxActivity(last_finished_at=last, oldest_due_at=oldest,
                              due=0 if oldest is None else 2)

    verdict, detail = worker_verdict(activity, NOW, timedelta(minutes=5))

    assert verdict is ok
    assert says in detail
