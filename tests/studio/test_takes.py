"""Checking and tidying a take: what a caller would notice decides, and the reason is said."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from helpline.audio import dsp
from helpline.core.pace import allowed_seconds, pace_of, units_of
from helpline.studio.takes import (
    TakeRefused,
    check_take,
    clipped_share,
    decode_wav,
    shorten_pauses,
    wav_bytes,
)

from .conftest import RATE, speech_like, wav, with_silence

TEXT = ("Para conocer tres formas de pedirle a su médico una segunda opinión, marque uno. "
        "Para saber qué documentos reunir, marque dos.")  # 21 words
WORDS = 21


def seconds_for(wpm: float, words: int = WORDS) -> float:
    return words * 60.0 / wpm


def refusal(data: bytes, text: str = TEXT, language: str = "es") -> str:
    with pytest.raises(TakeRefused) as caught:
        check_take(data, text, language)
    return str(caught.value)


# --- strict decoding ---------------------------------------------------------------------------


def test_it_reads_mono_and_stereo_16_bit_wav():
    samples = speech_like(1.0)
    mono = decode_wav(wav(samples))
    stereo = decode_wav(wav(samples, channels=2))
    assert mono.sample_rate == stereo.sample_rate == RATE
    assert len(mono.samples) == len(stereo.samples) == RATE
    assert np.max(np.abs(mono.samples - stereo.samples)) < 1e-4
    assert np.max(np.abs(mono.samples - samples)) < 1e-4


def _header(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    patched = bytearray(data)
    struct.pack_into(fmt, patched, offset, value)
    return bytes(patched)


@pytest.mark.parametrize(("damage", "words"), [
    (lambda d: d[:-1000], "cut short"),
    (lambda d: d + b"\0" * 100, "cut short or padded"),
    (lambda d: _header(d, 20, "<H", 3), "16-bit PCM"),           # float samples
    (lambda d: _header(d, 34, "<H", 8), "16-bit PCM"),           # 8-bit samples
    (lambda d: _header(d, 22, "<H", 3), "mono or stereo"),       # three channels
    (lambda d: _header(d, 24, "<I", 4000), "8000-96000 Hz"),     # a rate no microphone has
    (lambda d: _header(d, 28, "<I", 1234), "does not match"),    # byte rate that lies
    (lambda d: d[:12] + b"LIST" + d[16:], "damaged"),            # no format chunk
    (lambda d: d[:8] + b"AVI " + d[12:], "not a WAV"),
], ids=["truncated", "padded", "float", "8-bit", "3-channels", "4-kHz", "byte-rate",
        "no-format", "avi"])
def test_it_refuses_a_wav_that_is_damaged_or_not_plain_pcm(damage, words):
    with pytest.raises(TakeRefused, match=words):
        decode_wav(damage(wav(speech_like(1.0))))


def test_it_refuses_more_than_two_minutes():
    long = wav(np.zeros(121 * 8000, dtype=np.float32), rate=8000)
    with pytest.raises(TakeRefused, match="longer than 2 minutes"):
        decode_wav(long)


# --- checks --------------------------------------------------------------------------------------


def test_a_good_take_is_kept_with_its_pace():
    take = check_take(wav(with_silence(speech_like(seconds_for(145)))), TEXT, "es")
    assert take.pace.unit == "words" and take.pace.units == WORDS
    assert 135 <= take.pace.per_minute <= 155
    assert take.pace.target == (140, 150)
    assert "words a minute (the call is written for 140-150)" in take.pace.label


def test_silence_is_refused():
    hiss = np.random.default_rng(0).normal(0, 1e-5, RATE * 3).astype(np.float32)
    assert "We heard nothing" in refusal(wav(hiss))


def test_a_quiet_take_is_refused_with_its_level():
    quiet = with_silence(speech_like(seconds_for(145), level_db=-44.0))
    message = refusal(wav(quiet))
    assert "too quiet" in message and "LUFS" in message and "closer" in message


def test_a_clipped_take_is_refused():
    loud = np.clip(speech_like(seconds_for(145), level_db=0.0) * 3.0, -1.0, 1.0)
    assert clipped_share(loud) > 0.01
    assert "clipped" in refusal(wav(with_silence(loud)))


def test_a_single_full_scale_peak_is_not_clipping():
    samples = speech_like(seconds_for(145))
    samples[1000] = 1.0
    assert clipped_share(samples) == 0.0
    check_take(wav(with_silence(samples)), TEXT, "es")


def test_a_take_too_short_for_its_words_is_refused():
    message = refusal(wav(with_silence(speech_like(2.0))))
    assert "too short for the words" in message and "Read the whole text" in message
    assert f"s for {WORDS} words" in message


def test_a_take_too_long_for_its_words_is_refused():
    message = refusal(wav(with_silence(speech_like(seconds_for(45)))))
    assert "too long for the words" in message and "Read only the text shown" in message


def test_the_allowed_length_follows_the_words():
    short_low, short_high = allowed_seconds("Para español, marque 3.", "es")
    long_low, long_high = allowed_seconds(TEXT, "es")
    assert short_low < short_high < long_high
    assert short_high < long_low + 5
    assert long_low <= seconds_for(270) + 0.1 and long_high >= seconds_for(63)


def test_chinese_is_paced_in_characters():
    units, unit, target = units_of("需要中文服务，请按2。", "zh")
    assert (units, unit, target) == (9, "characters", (200, 230))
    assert pace_of("需要中文服务，请按2。", "zh", 2.7).per_minute == pytest.approx(200)
    assert units_of("Pour le français, appuyez sur 6.", "fr")[:2] == (6, "words")


# --- tidying ------------------------------------------------------------------------------------


def test_sentence_pauses_are_kept_and_hesitations_shortened():
    sentence_pause = speech_like(6.0, gaps=((3.0, 0.5),))
    kept = shorten_pauses(sentence_pause, RATE)
    assert len(kept) == len(sentence_pause)

    hesitation = speech_like(8.0, gaps=((3.0, 3.0),))
    shortened = shorten_pauses(hesitation, RATE)
    assert 5.4 <= len(shortened) / RATE <= 5.8  # 3 s of gap became about 0.6 s


def test_leading_and_trailing_silence_is_cut():
    speech = speech_like(seconds_for(145))
    take = check_take(wav(with_silence(speech, before=2.0, after=3.0)), TEXT, "es")
    assert abs(take.seconds - len(speech) / RATE) < 0.3


@pytest.mark.parametrize("level_db", [-30.0, -20.0, -6.0])
def test_every_take_ends_at_the_lines_loudness(level_db):
    take = check_take(wav(with_silence(speech_like(seconds_for(145), level_db=level_db))),
                      TEXT, "es")
    assert take.speech.sample_rate == 22050
    assert abs(dsp.integrated_loudness(take.speech.samples, 22050) + 19.0) <= 0.5
    assert dsp.peak_dbfs(take.speech.samples) <= -1.9
    rendered = dsp.render(take.speech)
    assert abs(rendered.loudness + 19.0) <= 0.5


def test_a_kept_take_is_saved_as_16_bit_mono_wav():
    take = check_take(wav(with_silence(speech_like(seconds_for(145)))), TEXT, "es")
    again = decode_wav(wav_bytes(take.speech))
    assert again.sample_rate == 22050
    assert np.max(np.abs(again.samples - take.speech.samples)) < 1e-4
