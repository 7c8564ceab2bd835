"""The studio in real Chromium with a fake microphone that plays a voice the test made.

Chromium reads the microphone from a WAV file (``--use-file-for-fake-audio-capture``), so
the whole path runs for real: getUserMedia, the AudioWorklet, the WAV the page builds, the
upload with its token, the server's checks and build, and the page's own policy (anything the
Content-Security-Policy blocks is collected and must be nothing).
"""

from __future__ import annotations

import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpline import create_app
from helpline.audio import dsp
from helpline.audio.commands import audio_cli
from helpline.audio.manifest import read_manifest

from ..audio.conftest import mp3_first_frame
from ..conftest import Twilio
from ..simulator.conftest import ADMIN_PASSWORD
from .conftest import edit_text, speech_like, wav

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required"]
CALL = {"CallSid": "CA" + "3" * 32, "AccountSid": "AC" + "0" * 32, "From": "+34600111333",
        "To": "+15005550006"}


@pytest.fixture(scope="module")
def microphone(tmp_path_factory) -> Path:
    """A voice with no pauses, looped by Chromium: any stretch of the take is speech."""
    path = tmp_path_factory.mktemp("microphone") / "voice.wav"
    path.write_bytes(wav(speech_like(8.0, level_db=-16.0)))
    return path


@pytest.fixture(scope="module")
def browser(microphone):
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=[*ARGS, f"--use-file-for-fake-audio-capture={microphone}"])
        yield browser
        browser.close()


def open_page(browser, url: str, *, phone: bool = False):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(
        http_credentials={"username": "operator", "password": ADMIN_PASSWORD},
        viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))
    page.set_default_timeout(20_000)
    page.goto(url)
    page.locator('body[data-ready="yes"]').wait_for()
    return page


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def choose(page, key: str) -> None:
    page.locator(f'.prompt[data-key="{key}"] .choose').click()
    page.locator(f'body[data-prompt="{key}"]').wait_for()


def record(page, seconds: float) -> None:
    page.locator("#booth-title").click()  # keys act on the page, not in the name field
    page.keyboard.press("r")
    page.locator('body[data-recording="yes"]').wait_for()
    time.sleep(seconds)
    page.keyboard.press("r")
    page.locator('body[data-result="recorded"]').wait_for()


def wait_until_playing(page, selector: str) -> None:
    """Poll the element (wait_for_function evaluates a string, which the policy forbids)."""
    audio = page.locator(selector)
    for _ in range(100):
        if audio.evaluate("audio => !audio.paused && audio.currentTime > 0.2 && !audio.error"):
            return
        time.sleep(0.05)
    state = audio.evaluate("audio => [audio.paused, audio.currentTime, String(audio.error)]")
    raise AssertionError(f"{selector} never played: {state}")


def spanish_main_menu(app) -> ET.Element:
    twilio = Twilio(app.test_client(), public_url=app.config["HELPLINE_PUBLIC_URL"])
    first = twilio.post("/voice", CALL)
    action = ET.fromstring(first.data).find("Gather").get("action")
    answer = twilio.post(action, {**CALL, "Digits": "3"})
    assert answer.status_code == 200
    return ET.fromstring(answer.data)


def test_a_spanish_prompt_recorded_in_the_browser_plays_on_the_next_call(
        browser, live_studio, studio_settings):
    page = open_page(browser, live_studio.url + "/admin/studio/es")
    words = live_studio.words.voice("welcome", "es")
    before = spanish_main_menu(live_studio.app)
    assert words in [say.text for say in before.iter("Say")]

    choose(page, "welcome")
    assert page.locator("#booth-text").inner_text() == words
    row = page.locator('.prompt[data-key="welcome"]')
    assert "spoken by Twilio" in row.locator(".source").inner_text()
    page.locator("#reader").fill("Lucía")
    # Read at about the call's pace, well inside the limits.
    seconds = len(words.split()) * 60 / 140
    record(page, seconds)
    assert page.locator("#take").get_attribute("src").startswith("blob:")
    # Hearing it back plays the take from a blob: URL, which the page's policy must allow.
    page.keyboard.press("p")
    wait_until_playing(page, "#take")
    page.keyboard.press("k")
    page.locator('body[data-result="kept"]').wait_for(timeout=30_000)
    message = page.locator("#message").inner_text()
    assert "words a minute (the call is written for 140-150)" in message, message
    assert re.search(r"evened out to -1[89]", message), message  # the call's level, -19
    assert "recorded" == row.locator(".state").inner_text()
    assert "Callers hear: recorded" == row.locator(".source").inner_text()
    assert page.locator("#progress").inner_text().startswith("1 of ")
    assert "Callers hear: recorded · recorded" in page.locator("#booth-facts").inner_text()
    screenshot(page, "studio-kept.png")

    # What was kept: the recording and its phone file, decoded and measured.
    audio_dir = Path(studio_settings["HELPLINE_AUDIO_DIR"])
    entry = read_manifest(audio_dir)[("es", "welcome")]
    assert entry.tier == "recorded"
    mp3 = (audio_dir / entry.file).read_bytes()
    frame = mp3_first_frame(mp3)
    assert frame == {"mpeg2": True, "layer3": True, "kbps": 32, "rate": 22050, "mono": True}
    sound = dsp.decode(mp3)
    assert abs(dsp.integrated_loudness(sound.samples, sound.sample_rate) + 19.0) <= 1.0
    assert dsp.peak_dbfs(sound.samples) <= -1.0
    assert seconds - 1.0 <= sound.duration <= seconds + 1.5
    recording = dsp.decode((audio_dir / "recorded/es/welcome.wav").read_bytes())
    assert abs(recording.duration - sound.duration) < 0.2
    # The page plays what callers hear now, from this server.
    player = row.locator("audio.current")
    assert player.get_attribute("src") == f"/audio/{entry.file}"
    player.evaluate("audio => audio.play()")
    wait_until_playing(page, '.prompt[data-key="welcome"] audio.current')

    # The very next signed call plays it instead of reading the words.
    after = spanish_main_menu(live_studio.app)
    assert f"{live_studio.url}/audio/{entry.file}" in [play.text for play in after.iter("Play")]
    assert words not in [say.text for say in after.iter("Say")]
    assert page.csp_violations == []

    # The words change: the studio and audio status both say the recording is stale.
    edit_text(Path(studio_settings["HELPLINE_CONTENT_DIR"]), "es", "welcome",
              "Hola. Le ayudamos a pedir una segunda opinión.")
    restarted = create_app({**studio_settings, "HELPLINE_PUBLIC_URL": live_studio.url})
    live_studio.app = restarted
    page.reload()
    page.locator('body[data-ready="yes"]').wait_for()
    row = page.locator('.prompt[data-key="welcome"]')
    assert row.get_attribute("data-state") == "stale"
    assert row.locator(".state").inner_text() == "recorded for old words"
    assert "spoken by Twilio" in row.locator(".source").inner_text()
    status = restarted.test_cli_runner().invoke(audio_cli, ["status", "--lang", "es"]).output
    assert "Recordings for old words (record again) (1): welcome" in status

    # A recording for old words can be removed from the page (after a confirmation).
    choose(page, "welcome")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#remove").click()
    page.locator('body[data-result="removed"]').wait_for()
    assert row.get_attribute("data-state") == "todo"
    assert row.locator(".state").inner_text() == "to record"
    assert not (audio_dir / "recorded/es/welcome.wav").exists()
    assert page.locator("#remove").is_disabled()
    assert page.csp_violations == []


def test_on_a_phone_a_take_too_short_for_its_words_is_refused(browser, live_studio,
                                                              studio_settings):
    page = open_page(browser, live_studio.url + "/admin/studio/es", phone=True)
    page.locator('.prompt[data-key="menu.main"] .choose').tap()
    page.locator('body[data-prompt="menu.main"]').wait_for()
    assert re.search(r"about \d+ s at the call's pace", page.locator("#booth-facts").inner_text())
    # The whole Spanish main menu: a second and a half cannot be all of its words.
    page.locator("#record").tap()
    page.locator('body[data-recording="yes"]').wait_for()
    time.sleep(1.5)
    page.locator("#record").tap()
    page.locator('body[data-result="recorded"]').wait_for()
    page.locator("#keep").tap()
    page.locator('body[data-result="refused"]').wait_for()
    assert "too short for the words" in page.locator("#message").inner_text()
    assert not (Path(studio_settings["HELPLINE_AUDIO_DIR"]) / "recorded/es/menu.main.wav").exists()
    screenshot(page, "studio-phone-refused.png")
    assert page.csp_violations == []


def test_the_printed_script_is_the_command_line_script(browser, live_studio):
    page = open_page(browser, live_studio.url + "/admin/studio/es")
    page.locator("text=Print the script").click()
    page.locator(".script-line").first.wait_for()
    lines = page.locator(".script-line")
    printed = live_studio.app.test_cli_runner().invoke(
        audio_cli, ["script", "--lang", "es", "--format", "csv"]).output.splitlines()[1:]
    assert lines.count() == len(printed) > 80
    first = lines.first
    assert first.get_attribute("data-key") == printed[0].split(",")[1]
    assert page.csp_violations == []
