"""The signal chain: loudness measured as BS.1770 says, silence trimmed, peaks limited."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpline.audio import dsp
from helpline.audio.hashing import TELEPHONY

RATE = 22050


def tone(amplitude: float, seconds: float = 3.0, rate: int = RATE, freq: float = 997.0):
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def speechlike(seconds: float = 3.0, level: float = 0.3, seed: int = 7) -> np.ndarray:
    """Noise shaped into syllables: bursts with gaps and a high crest factor, like speech."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    envelope = np.clip(np.sin(np.linspace(0, 9 * np.pi, n)), 0, None) ** 2
    return (level * rng.standard_normal(n) * envelope).astype(np.float32)


@pytest.mark.parametrize(
    ("rate", "amplitude", "lufs"),
    [
        (48000, 1.0, -3.01),  # BS.1770's own calibration: a full-scale 997 Hz tone
        (48000, 0.1, -23.01),
        (22050, 1.0, -3.01),
        (22050, 0.01, -43.01),
    ],
)
def test_it_measures_loudness_as_bs1770_defines_it(rate, amplitude, lufs):
    assert dsp.integrated_loudness(tone(amplitude, rate=rate), rate) == pytest.approx(lufs, abs=0.1)


def test_it_gates_out_pauses_when_measuring():
    burst = tone(0.1, 2.0)
    with_pause = np.concatenate([burst, np.zeros(RATE * 4, dtype=np.float32), burst])
    # Ungated, 4 s of silence in 8 s would read 3 dB quieter; the gates leave only the
    # blocks that straddle the edges of the bursts.
    assert dsp.integrated_loudness(with_pause, RATE) == pytest.approx(
        dsp.integrated_loudness(burst, RATE), abs=0.5
    )


@pytest.mark.parametrize("samples", [np.zeros(RATE, dtype=np.float32), np.zeros(0)])
def test_it_calls_silence_silent(samples):
    assert dsp.integrated_loudness(samples, RATE) == dsp.SILENCE_LUFS


def test_it_trims_leading_and_trailing_silence_but_keeps_a_breath():
    sound = tone(0.3, 1.0)
    padded = np.concatenate([np.zeros(RATE), 0.0001 * np.ones(RATE // 2), sound,
                             np.zeros(2 * RATE)]).astype(np.float32)
    trimmed = dsp.trim_silence(padded, RATE)
    assert 1.15 <= len(trimmed) / RATE <= 1.25  # 1 s of tone + 0.05 s lead + 0.15 s tail
    assert abs(trimmed[0]) < 1e-3 and abs(trimmed[-1]) < 1e-3  # faded edges, no click


def test_it_refuses_to_trim_silence_to_nothing():
    with pytest.raises(dsp.AudioError, match="silent"):
        dsp.trim_silence(np.zeros(RATE, dtype=np.float32), RATE)


@pytest.mark.parametrize("ceiling", [-1.0, -2.0, -6.0])
def test_it_limits_peaks_to_the_ceiling(ceiling):
    x = speechlike(level=0.5)
    x[RATE // 2] = 1.0  # a click
    x[RATE] = -1.0
    limited = dsp.limit_peaks(x, RATE, ceiling)
    assert dsp.peak_dbfs(limited) <= ceiling + 1e-6
    assert len(limited) == len(x)


def test_it_leaves_audio_below_the_ceiling_alone():
    x = tone(0.2)
    assert np.array_equal(dsp.limit_peaks(x, RATE, -2.0), x)


def test_it_changes_gain_smoothly_when_limiting():
    x = tone(0.9)
    limited = dsp.limit_peaks(x, RATE, -6.0)
    gain = np.abs(limited[np.abs(x) > 0.5]) / np.abs(x[np.abs(x) > 0.5])
    assert float(np.max(np.abs(np.diff(gain)))) < 0.01


@pytest.mark.parametrize(("level", "seed"), [(0.01, 1), (0.1, 2), (0.5, 3), (0.9, 4)])
def test_it_brings_quiet_and_loud_prompts_to_one_loudness(level, seed):
    out = dsp.normalize_loudness(speechlike(level=level, seed=seed), RATE,
                                 TELEPHONY.loudness_lufs, TELEPHONY.ceiling_dbfs)
    assert dsp.integrated_loudness(out, RATE) == pytest.approx(TELEPHONY.loudness_lufs, abs=0.3)
    assert dsp.peak_dbfs(out) <= TELEPHONY.ceiling_dbfs + 1e-6


def test_it_resamples_to_the_telephony_rate():
    out = dsp.resample(tone(0.3, 1.0, rate=48000), 48000, RATE)
    assert abs(len(out) - RATE) <= 2
    assert dsp.integrated_loudness(out, RATE) == pytest.approx(
        dsp.integrated_loudness(tone(0.3, 1.0), RATE), abs=0.2
    )


def test_it_renders_a_mono_mp3_in_the_loudness_band(kit):
    rendered = dsp.render(dsp.Speech(speechlike(level=0.05), RATE))
    frame = kit.mp3_first_frame(rendered.mp3)
    assert frame == {"mpeg2": True, "layer3": True, "kbps": 32, "rate": 22050, "mono": True}
    decoded = dsp.decode(rendered.mp3)
    assert decoded.sample_rate == RATE
    assert decoded.duration == pytest.approx(rendered.duration, abs=0.01)
    assert abs(rendered.loudness - kit.TARGET_LUFS) <= kit.LOUDNESS_BAND
    assert rendered.peak < -0.5
    # 32 kbps: about 4 kB a second
    assert len(rendered.mp3) == pytest.approx(rendered.duration * 4000, rel=0.1)


def test_it_reports_audio_it_cannot_decode():
    with pytest.raises(dsp.AudioError, match="cannot be decoded"):
        dsp.decode(b"this is not audio" * 100)


def test_it_converts_decibels_both_ways():
    assert dsp.gain_to_db(dsp.db_to_gain(-19.0)) == pytest.approx(-19.0)
    assert dsp.gain_to_db(0.0) == -math.inf
