"""The report page in real Chromium: the charts draw the seeded numbers, on a phone screen.

The app is served by werkzeug on a loopback port; a screenshot is kept in test-artifacts/.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..machine import chromium
from .seeding import EXPECTED, WEEK

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PERIOD = f"since={WEEK[0]}&until={WEEK[-1]}"


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(seeded_app):
    httpd = make_server("127.0.0.1", 0, seeded_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


BARS = """(chart) => Array.from(document.querySelectorAll(`svg[data-chart="${chart}"] rect.bar`))
  .map((rect) => { const box = rect.getBoundingClientRect();
    return {label: rect.dataset.label, value: rect.dataset.value,
            width: box.width, height: box.height, top: box.top}; })"""


def test_it_draws_the_seeded_week_on_a_phone(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(f"{server}/admin/reports?{PERIOD}")

    days = page.evaluate(BARS, "calls_per_day")
    assert [bar["value"] for bar in days] == [str(n) for n in EXPECTED["calls_per_day"].values()]
    per_call = [bar["height"] / int(bar["value"]) for bar in days]
    assert max(per_call) - min(per_call) < 0.02 * max(per_call)  # heights follow the counts
    assert days[-1]["top"] < days[1]["top"]  # 14 calls stand taller than 9

    funnel = {bar["label"]: bar for bar in page.evaluate(BARS, "questions_funnel")}
    assert funnel["questions.q01"]["value"] == "16" and funnel["questions.q10"]["value"] == "14"
    assert funnel["questions.q10"]["width"] == pytest.approx(
        funnel["questions.q01"]["width"] * 14 / 16, rel=0.02)

    endings = {bar["label"]: bar["value"] for bar in page.evaluate(BARS, "call_endings")}
    assert (endings["Scripts for asking"], endings["main"]) == ("28", "<5")
    chart = page.get_by_role("img", name="Where calls ended")
    assert chart.is_visible() and chart.bounding_box()["width"] <= 390

    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-phone.png"), full_page=True)
    page.close()


def test_the_numbers_are_there_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})
    page = context.new_page()
    page.goto(f"{server}/admin/reports?{PERIOD}")

    summary = page.locator("#summary")
    assert "79" in summary.inner_text() and "Summary" in summary.inner_text()
    failed = page.locator('#outbox tr[data-label="failed"] td')
    assert not failed.is_visible()
    page.locator("#outbox summary").click()  # <details> opens without JavaScript
    assert failed.is_visible() and failed.inner_text() == "9"
    page.get_by_label("From").fill("2026-03-08")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**since=2026-03-08**")
    assert page.locator('#summary tr[data-label="calls"] td').inner_text() == "14"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-desktop.png"), full_page=True)
    context.close()


def test_a_bad_date_shows_the_message_in_the_browser(browser, server):
    page = browser.new_page()
    response = page.goto(f"{server}/admin/reports?since=tomorrow")

    assert response.status == 400
    assert "YYYY-MM-DD" in page.get_by_role("alert").inner_text()
    page.close()
