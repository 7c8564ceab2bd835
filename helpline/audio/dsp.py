"""Turn any speech into a telephony-ready MP3: trimmed, evened out in loudness, never clipped.

A caller on a poor line should not strain on one prompt and flinch at the next, whichever
engine (or volunteer) made it. So every file is measured the way broadcasters measure
programme loudness (ITU-R BS.1770 K-weighting with gating, in LUFS), brought to one target,
and its peaks are limited below full scale. Everything here is plain numpy on float samples in
[-1, 1]; decoding, resampling and MP3 encoding use the miniaudio and lameenc wheels.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .hashing import TELEPHONY, OutputProfile

#: Loudness of digital silence, as BS.1770's absolute gate sees it.
SILENCE_LUFS = -70.0


class AudioError(Exception):
    """The audio cannot be used (silent, undecodable); the message says which."""


@dataclass(frozen=True)
class Speech:
    """Mono float samples in [-1, 1] and their rate: what every engine hands back."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class Rendered:
    """A finished MP3 and what was measured on its decoded sound."""

    mp3: bytes
    duration: float
    loudness: float
    peak: float


def db_to_gain(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def gain_to_db(gain: float) -> float:
    return 20.0 * math.log10(gain) if gain > 0 else -math.inf


def peak_dbfs(samples: np.ndarray) -> float:
    return gain_to_db(float(np.max(np.abs(samples)))) if len(samples) else -math.inf


# --- loudness (ITU-R BS.1770-4) ----------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _k_weighting(size: int, sample_rate: int) -> np.ndarray:
    """The complex response of BS.1770's two pre-filters on an rfft grid, for any rate.

    Coefficients as derived for arbitrary sample rates in libebur128 (high shelf near 1.7 kHz,
    then a high-pass near 38 Hz); at 48 kHz they equal the table in the recommendation.
    Cached: a build measures many prompts on the same few FFT sizes.
    """
    freqs = np.fft.rfftfreq(size, 1.0 / sample_rate)
    z1 = np.exp(-2j * np.pi * freqs / sample_rate)
    z2 = z1 * z1

    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    numerator = (vh + vb * k / q + k * k) + 2.0 * (k * k - vh) * z1 + (vh - vb * k / q + k * k) * z2
    shelf = numerator / (a0 + 2.0 * (k * k - 1.0) * z1 + (1.0 - k / q + k * k) * z2)

    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1.0 + k / q + k * k
    highpass = (1.0 - 2.0 * z1 + z2) / (
        1.0 + (2.0 * (k * k - 1.0) / a0) * z1 + ((1.0 - k / q + k * k) / a0) * z2
    )
    return shelf * highpass


def k_weighted(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The samples through the K-weighting filter (applied in the frequency domain)."""
    n = len(samples)
    size = 1 << max(1, int(n + sample_rate // 2 - 1).bit_length())  # room for the filter tail
    spectrum = np.fft.rfft(samples.astype(np.float64), size)
    return np.fft.irfft(spectrum * _k_weighting(size, sample_rate), size)[:n]


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS of mono audio (BS.1770-4: 400 ms blocks, two gates).

    Audio shorter than one block is measured as a single block. Silence gives SILENCE_LUFS.
    """
    if len(samples) == 0:
        return SILENCE_LUFS
    weighted = k_weighted(samples, sample_rate) ** 2
    block = int(round(0.4 * sample_rate))
    step = int(round(0.1 * sample_rate))
    if len(weighted) <= block:
        powers = np.array([float(np.mean(weighted))])
    else:
        sums = np.concatenate(([0.0], np.cumsum(weighted)))
        starts = np.arange(0, len(weighted) - block + 1, step)
        powers = (sums[starts + block] - sums[starts]) / block
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10.0 * np.log10(powers)
    gated = powers[levels > SILENCE_LUFS]
    if len(gated) == 0:
        return SILENCE_LUFS
    relative_gate = -0.691 + 10.0 * math.log10(float(np.mean(gated))) - 10.0
    gated = powers[(levels > SILENCE_LUFS) & (levels > relative_gate)]
    return -0.691 + 10.0 * math.log10(float(np.mean(gated)))


# --- trimming ----------------------------------------------------------------------------------


def speech_bounds(
    samples: np.ndarray,
    sample_rate: int,
    *,
    below_peak_db: float = 40.0,
    floor_dbfs: float = -55.0,
    frame_s: float = 0.01,
) -> tuple[int, int] | None:
    """First and last sample of the sound, ignoring hiss well below the loudest part.

    A 10 ms frame counts as sound when its level is within ``below_peak_db`` of the loudest
    frame and above ``floor_dbfs``. None when there is no sound at all.
    """
    frame = max(1, int(sample_rate * frame_s))
    count = len(samples) // frame
    if count == 0:
        return None
    frames = samples[: count * frame].reshape(count, frame).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    loudest = float(np.max(rms))
    if loudest <= 0:
        return None
    threshold = max(loudest * db_to_gain(-below_peak_db), db_to_gain(floor_dbfs))
    loud = np.nonzero(rms >= threshold)[0]
    if len(loud) == 0:
        return None
    return int(loud[0]) * frame, min(len(samples), (int(loud[-1]) + 1) * frame)


def trim_silence(
    samples: np.ndarray, sample_rate: int, *, lead_s: float = 0.05, tail_s: float = 0.15
) -> np.ndarray:
    """Cut leading and trailing silence, keeping a breath of room and fading the cut edges.

    The tail is longer than the lead because the last sounds of a sentence fade out slowly.
    Raises AudioError when there is no sound at all.
    """
    bounds = speech_bounds(samples, sample_rate)
    if bounds is None:
        raise AudioError("the audio is silent")
    start = max(0, bounds[0] - int(lead_s * sample_rate))
    end = min(len(samples), bounds[1] + int(tail_s * sample_rate))
    out = samples[start:end].astype(np.float32)
    fade = min(len(out) // 2, int(0.005 * sample_rate))
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out


# --- peaks and loudness ------------------------------------------------------------------------


def limit_peaks(
    samples: np.ndarray, sample_rate: int, ceiling_dbfs: float, *, window_s: float = 0.008
) -> np.ndarray:
    """Turn down short stretches around peaks so no sample exceeds the ceiling.

    The gain each sample needs is spread by a running minimum and then smoothed by a running
    mean of the same width: the mean around a peak only averages gains at or below the one that
    peak needs, so the ceiling holds exactly, while the gain changes over ~16 ms rather than
    per sample (which would distort).
    """
    ceiling = db_to_gain(ceiling_dbfs)
    magnitude = np.abs(samples).astype(np.float64)
    if len(samples) == 0 or float(np.max(magnitude)) <= ceiling:
        return samples.astype(np.float32)
    need = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    radius = max(1, int(window_s * sample_rate))
    width = 2 * radius + 1
    spread = sliding_window_view(np.pad(need, radius, constant_values=1.0), width).min(axis=1)
    padded = np.pad(spread, radius, mode="edge")
    sums = np.concatenate(([0.0], np.cumsum(padded)))
    smooth = (sums[width:] - sums[:-width]) / width
    out = samples * np.minimum(smooth, need + 1e-9)
    return np.clip(out, -ceiling, ceiling).astype(np.float32)


def normalize_loudness(
    samples: np.ndarray,
    sample_rate: int,
    target_lufs: float,
    ceiling_dbfs: float,
    *,
    tolerance: float = 0.2,
    rounds: int = 4,
) -> np.ndarray:
    """Bring the audio to ``target_lufs`` with peaks limited to ``ceiling_dbfs``.

    Limiting takes a little loudness away, so measure, adjust and limit again a few times.
    """
    out = samples.astype(np.float32)
    for _ in range(rounds):
        loudness = integrated_loudness(out, sample_rate)
        if loudness <= SILENCE_LUFS:
            raise AudioError("the audio is silent")
        if abs(loudness - target_lufs) <= tolerance:
            break
        out = limit_peaks(out * db_to_gain(target_lufs - loudness), sample_rate, ceiling_dbfs)
    return limit_peaks(out, sample_rate, ceiling_dbfs)


# --- formats -----------------------------------------------------------------------------------


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Mono float samples at another rate (miniaudio's resampler)."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32)
    import miniaudio

    converted = miniaudio.convert_frames(
        miniaudio.SampleFormat.FLOAT32,
        1,
        from_rate,
        samples.astype(np.float32).tobytes(),
        miniaudio.SampleFormat.FLOAT32,
        1,
        to_rate,
    )
    return np.frombuffer(bytes(converted), dtype=np.float32).copy()


def decode(data: bytes, sample_rate: int = TELEPHONY.sample_rate) -> Speech:
    """Any MP3, WAV, FLAC or Ogg Vorbis as mono float samples at ``sample_rate``."""
    import miniaudio

    try:
        sound = miniaudio.decode(
            data,
            output_format=miniaudio.SampleFormat.FLOAT32,
            nchannels=1,
            sample_rate=sample_rate,
        )
    except miniaudio.DecodeError as exc:
        raise AudioError(f"the audio cannot be decoded ({exc})") from None
    samples = np.frombuffer(bytes(sound.samples.tobytes()), dtype=np.float32).copy()
    return Speech(samples, sound.sample_rate)


def encode_mp3(samples: np.ndarray, profile: OutputProfile = TELEPHONY) -> bytes:
    """Constant-bitrate mono MP3 at the profile's rate (MPEG-2 layer III at 22.05 kHz)."""
    import lameenc

    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(profile.bitrate_kbps)
    encoder.set_in_sample_rate(profile.sample_rate)
    encoder.set_out_sample_rate(profile.sample_rate)
    encoder.set_channels(profile.channels)
    encoder.set_quality(2)  # 2 = high quality, still fast for speech
    return bytes(encoder.encode(pcm.tobytes())) + bytes(encoder.flush())


def master(speech: Speech, profile: OutputProfile = TELEPHONY) -> np.ndarray:
    """The whole chain before encoding: rate, DC offset, trim, loudness, peaks."""
    samples = resample(np.asarray(speech.samples, dtype=np.float32), speech.sample_rate,
                       profile.sample_rate)
    if len(samples) == 0:
        raise AudioError("the audio is empty")
    samples = samples - np.float32(np.mean(samples))
    samples = trim_silence(samples, profile.sample_rate)
    return normalize_loudness(
        samples, profile.sample_rate, profile.loudness_lufs, profile.ceiling_dbfs
    )


def measure(mp3: bytes, profile: OutputProfile = TELEPHONY) -> Rendered:
    """Decode a finished file and measure what a caller will hear (proves it decodes, too)."""
    speech = decode(mp3, profile.sample_rate)
    if len(speech.samples) == 0:
        raise AudioError("the MP3 decodes to nothing")
    return Rendered(
        mp3=mp3,
        duration=round(speech.duration, 3),
        loudness=round(integrated_loudness(speech.samples, speech.sample_rate), 2),
        peak=round(peak_dbfs(speech.samples), 2),
    )


def render(
    speech: Speech, profile: OutputProfile = TELEPHONY, *, tolerance: float = 0.5
) -> Rendered:
    """Speech in, finished and measured MP3 out.

    MP3 at 32 kbps drops the top of the spectrum, which takes some loudness with it (more for
    bright, hissy voices); when the decoded file misses the target by more than ``tolerance``,
    the gain is corrected once and the file encoded again.
    """
    samples = master(speech, profile)
    result = measure(encode_mp3(samples, profile), profile)
    miss = profile.loudness_lufs - result.loudness
    if abs(miss) > tolerance:
        samples = limit_peaks(samples * db_to_gain(miss), profile.sample_rate,
                              profile.ceiling_dbfs)
        result = measure(encode_mp3(samples, profile), profile)
    return result
