"""The simulator page in real Chromium (Debian's, driven by Playwright; no browser download).

The helpline runs behind a real HTTP server in production mode: the page signs in with the
operator password, and every webhook checks the signature the simulator made.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.core import compose
from helpline.core.prompts import deployment_values
from helpline.core.segments import analyse
from helpline.store import get_store
from helpline.web.content import current_content
from helpline.web.usage import recorder

from ..machine import chromium
from .conftest import ADMIN_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_helpline):
    context = browser.new_context(
        http_credentials={"username": "operator", "password": ADMIN_PASSWORD},
        viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # The operator pages' Content-Security-Policy is enforced here: anything it blocks shows.
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))
    page.set_default_timeout(15_000)
    page.goto(live_helpline.url + "/simulator")
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def press(page, key: str, then_listening_at: str) -> None:
    label = {"*": "star", "#": "hash"}.get(key, key)
    page.get_by_role("button", name=f"Key {label}", exact=True).click()
    page.locator(f'body[data-listening="{then_listening_at}"]').wait_for()


def say(page, words: str, then_listening_at: str) -> None:
    page.get_by_label("Say something").fill(words)
    page.get_by_role("button", name="Say", exact=True).click()
    page.locator(f'body[data-listening="{then_listening_at}"]').wait_for()


def test_it_places_a_call_by_keys_and_by_speech_then_hangs_up(page, live_helpline):
    from playwright.sync_api import expect

    words = live_helpline.words
    captions = page.get_by_role("log", name="What the caller hears")
    page.get_by_label("Caller's language").select_option(label="English (en)")

    page.get_by_role("button", name="Call", exact=True).click()
    page.locator('body[data-listening="language"]').wait_for()
    expect(captions).to_contain_text("For English, press 1.")
    # The recording of the first prompt really plays in the audio player.
    # (Polled with evaluate: wait_for_function evaluates a string, which the CSP forbids.)
    for _ in range(150):
        if page.evaluate("document.getElementById('player').played.length > 0"):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the first prompt's recording never played")
    assert "/audio/en/language.choose.key-1." in page.eval_on_selector("#player", "a => a.src")

    # Captions appear as each prompt is heard; a key press cuts the prompts short, as on a
    # real call, so the test never waits for a whole menu to play.
    press(page, "1", "main")
    expect(captions).to_contain_text(words.voice("welcome"))
    press(page, "3", "questions 1")
    press(page, "9", "questions 2")
    press(page, "9", "questions 3")
    expect(captions).to_contain_text(words.voice("nav.question", n=3, total=10))
    expect(captions).to_contain_text(words.voice("questions.q03"), timeout=20_000)

    say(page, "menu", "main")
    say(page, "checklist", "checklist 1")
    expect(captions).to_contain_text(words.voice("checklist.intro"))

    # "Text me this": the text shows in the messages pane instead of going to Twilio.
    press(page, "6", "text_me:checklist 1")
    expect(captions).to_contain_text(words.voice("text_me.offer_piece"))
    press(page, "1", "checklist 1")
    expect(captions).to_contain_text(words.voice("voice.text_sent"))
    queued = page.locator(".bubble.outbox", has_text=words.sms("checklist.pathology")[:40])
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("queued text (text_me, part 2/2")

    page.get_by_role("button", name="Hang up").click()
    page.locator('body[data-call-state="ended"]').wait_for()
    expect(page.get_by_role("status")).to_contain_text("You hung up.")
    expect(page.locator("#terminal-command")).to_contain_text(
        '--keys "1 3 9 9" --say "menu" --say "checklist" --keys "6 1"')
    assert page.csp_violations == []
    screenshot(page, "simulator-call.png")

    recorder(live_helpline.app).flush()
    with live_helpline.app.app_context(), get_store().reading() as tx:
        simulated = {(c.kind, c.content_id) for c in tx.usage.counts(include_simulated=True)}
        counted = tx.usage.counts()
    assert {("call_started", None), ("screen", "questions.q03"), ("screen", "checklist.pathology"),
            ("text_me", "checklist.pathology"), ("call_ended", None)} <= simulated
    assert counted == []


def test_it_texts_checklist_and_shows_each_numbered_part(page, live_helpline):
    from playwright.sync_api import expect

    app = live_helpline.app
    with app.app_context():
        pack = current_content().pack("en")
        parts = compose.parts(pack, compose.section_ids(pack, "checklist"),
                              deployment_values(app.config))

    replies = page.locator(".bubble-in:not(.outbox)")
    page.get_by_label("Text the helpline").fill("CHECKLIST")
    page.get_by_role("button", name="Send").click()
    expect(replies).to_have_count(1)  # a small piece that ends with MORE and ALL
    page.get_by_label("Text the helpline").fill("ALL")
    page.get_by_role("button", name="Send").click()

    expect(replies).to_have_count(1 + len(parts))
    assert len(parts) > 1
    for n, part in enumerate(parts, start=1):
        bubble = replies.nth(n)
        info = analyse(part)
        assert bubble.locator(".bubble-text").inner_text() == part
        assert part.startswith(f"({n} of {len(parts)})")
        segments = f"{info.segments} segment{'s' if info.segments > 1 else ''}"
        expect(bubble.locator(".bubble-meta")).to_contain_text(f"{info.encoding} · {segments}")
    screenshot(page, "simulator-sms.png")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("button", name="Key 5")).to_be_visible()
    screenshot(page, "simulator-phone-width.png")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844), (360, 640)],
                         ids=["laptop-1280x800", "phone-390x844", "small-phone-360x640"])
def test_the_call_button_is_in_view_without_scrolling(browser, live_helpline, width, height):
    from playwright.sync_api import expect

    context = browser.new_context(
        http_credentials={"username": "operator", "password": ADMIN_PASSWORD},
        viewport={"width": width, "height": height}, is_mobile=width < 800)
    try:
        page = context.new_page()
        page.goto(live_helpline.url + "/simulator")
        call = page.get_by_role("button", name="Call", exact=True)
        expect(call).to_be_enabled()

        box = call.bounding_box()
        assert page.evaluate("window.scrollY") == 0
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box
        heading = page.get_by_role("heading", level=2).first
        number = live_helpline.app.config["TWILIO_FROM_NUMBER"]
        expect(heading).to_have_text(f"Calling the helpline on {number}")
        heading_box = heading.bounding_box()
        assert heading_box is not None and heading_box["y"] + heading_box["height"] <= height
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"simulator-{width}x{height}.png"))
    finally:
        context.close()


def test_it_sends_checklist_over_whatsapp_and_plays_a_voice_note(page, live_helpline):
    from playwright.sync_api import expect

    words = live_helpline.words
    page.get_by_label("Send by").select_option(label="WhatsApp")
    page.get_by_label("Text the helpline").fill("CHECKLIST")
    page.get_by_role("button", name="Send").click()

    replies = page.locator(".bubble-in:not(.outbox)")
    expect(replies).to_have_count(1)  # the whole section in one message, no "(1 of 3)"
    reply = replies.first.locator(".bubble-text").inner_text()
    assert reply.startswith(words.sms("checklist.intro"))
    assert "*1. Pathology reports and slides*" in reply
    expect(replies.first.locator(".bubble-meta")).to_contain_text("WhatsApp ·")

    page.get_by_label("Text the helpline").fill("LISTEN")
    page.get_by_role("button", name="Send").click()
    expect(replies.nth(1)).to_contain_text(words.sms("whatsapp.listen_sent"))
    note = page.locator(".bubble.outbox", has=page.get_by_label("Voice note"))
    expect(note).to_contain_text("queued WhatsApp message (voice_note", timeout=10_000)
    note.get_by_role("button", name="Play voice note").click()
    page.locator('.bubble.outbox[data-played="true"]').wait_for()
    duration = note.get_by_label("Voice note").evaluate("audio => audio.duration")
    assert duration > 20  # the whole checklist, intro and six items, in one file
    assert page.csp_violations == []
    screenshot(page, "simulator-whatsapp.png")
