"""One take from the studio: decoded strictly, checked for what a caller would notice, tidied.

The browser sends uncompressed 16-bit PCM in a WAV container, so nothing here needs a codec:
the parser below reads exactly that and refuses anything else (a renamed MP3, a truncated
upload, a header that lies about its size). A take is refused, with a reason the reader can act
on, when it is too quiet, clipped, or too short or too long for its words; otherwise its
leading and trailing silence is cut, any hesitation longer than a sentence pause is shortened,
and it is brought to the line's loudness. Encoding to the phone format is the build's job
(``saving``), so a recording sounds exactly as if it had been dropped into audio/recorded/.
"""

from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass

import numpy as np

from ..audio import dsp
from ..audio.hashing import TELEPHONY, OutputProfile
from ..core.pace import MAX_SECONDS, Pace, allowed_seconds, pace_of

MIN_RATE, MAX_RATE = 8000, 96000
#: Quieter than this, bringing the voice up to the line's loudness brings the room up with it.
QUIETEST_LUFS = -45.0
#: Samples at full scale in runs of this many or more are clipping, not a loud consonant.
CLIP_RUN = 3
#: More than this share of the speech clipped is audible distortion on a phone.
MOST_CLIPPED = 0.001
#: A hesitation longer than this is shortened to SHORTENED_PAUSE; sentence pauses are kept.
LONGEST_PAUSE = 1.0
SHORTENED_PAUSE = 0.6


class TakeRefused(ValueError):
    """The take cannot be kept; the message tells the reader what to do."""


@dataclass(frozen=True)
class Take:
    """A take that passed every check: the tidied speech and what was measured on it."""

    speech: dsp.Speech
    #: Loudness and peak of the take as recorded, before it was evened out.
    loudness: float
    peak: float
    pace: Pace

    @property
    def seconds(self) -> float:
        return self.speech.duration


# --- decoding ----------------------------------------------------------------------------------


def decode_wav(data: bytes) -> dsp.Speech:
    """16-bit PCM WAV (mono or stereo) as mono float samples; TakeRefused for anything else."""
    if not data:
        raise TakeRefused("The recording is empty. Record the prompt again.")
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise TakeRefused("This is not a WAV recording. Record in this page, or send 16-bit "
                          "PCM WAV.")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    if riff_size + 8 != len(data) and riff_size + 9 != len(data):
        raise TakeRefused("The recording arrived cut short or padded (its header says "
                          f"{riff_size + 8} bytes, {len(data)} arrived). Record it again.")
    fmt: tuple[int, ...] | None = None
    pcm: bytes | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if body + size > len(data):
            raise TakeRefused("The recording arrived cut short. Record it again.")
        if chunk == b"fmt ":
            if size < 16:
                raise TakeRefused("The WAV header is damaged. Record it again.")
            fmt = struct.unpack_from("<HHIIHH", data, body)
        elif chunk == b"data":
            if fmt is None:
                raise TakeRefused("The WAV header is damaged (sound before format). "
                                  "Record it again.")
            pcm = data[body:body + size]
        offset = body + size + (size & 1)
    if fmt is None or pcm is None:
        raise TakeRefused("The WAV file has no sound in it. Record it again.")
    tag, channels, rate, byte_rate, block, bits = fmt
    if tag not in (1, 0xFFFE) or bits != 16:
        raise TakeRefused("Send 16-bit PCM WAV (this one is compressed or uses another "
                          "sample size).")
    if channels not in (1, 2) or not MIN_RATE <= rate <= MAX_RATE:
        raise TakeRefused(f"Send mono or stereo sound at {MIN_RATE}-{MAX_RATE} Hz "
                          f"(this one: {channels} channels at {rate} Hz).")
    if block != 2 * channels or byte_rate != rate * block or len(pcm) % block:
        raise TakeRefused("The WAV header does not match its sound. Record it again.")
    if len(pcm) // block > MAX_SECONDS * rate:
        raise TakeRefused(f"The recording is longer than {MAX_SECONDS / 60:.0f} minutes. "
                          "Record one prompt at a time.")
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    if channels == 2:
        samples = samples.reshape(-1, 2).mean(axis=1)
    return dsp.Speech(samples, rate)


def wav_bytes(speech: dsp.Speech) -> bytes:
    """16-bit mono PCM WAV: how the studio saves a recording (lossless, any player opens it)."""
    pcm = np.round(np.clip(speech.samples, -1.0, 1.0) * 32767.0).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(speech.sample_rate)
        writer.writeframes(pcm.tobytes())
    return out.getvalue()


# --- checking and tidying ----------------------------------------------------------------------


def clipped_share(samples: np.ndarray) -> float:
    """The share of samples that sit at full scale in runs (the microphone ran out of room)."""
    full = np.abs(samples) >= 32766.0 / 32768.0
    if not full.any():
        return 0.0
    edges = np.diff(np.concatenate(([0], full.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    lengths = ends - starts
    return float(lengths[lengths >= CLIP_RUN].sum()) / len(samples)


def shorten_pauses(samples: np.ndarray, sample_rate: int, *, longest: float = LONGEST_PAUSE,
                   shortened: float = SHORTENED_PAUSE) -> np.ndarray:
    """Cut a hesitation longer than ``longest`` seconds down to ``shortened`` seconds.

    Pauses between sentences (well under a second) are the reader's rhythm and are kept; a
    long gap (a cough, a page turned) would leave a caller wondering whether the line dropped.
    The cut is made in the middle of the gap with short fades, so it makes no click.
    """
    frame = max(1, int(0.01 * sample_rate))
    count = len(samples) // frame
    if count == 0:
        return samples
    rms = np.sqrt(np.mean(samples[:count * frame].reshape(count, frame) ** 2, axis=1))
    loudest = float(np.max(rms))
    if loudest <= 0:
        return samples
    quiet = rms < max(loudest * dsp.db_to_gain(-35.0), dsp.db_to_gain(-55.0))
    edges = np.diff(np.concatenate(([0], quiet.astype(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    keep_frames = int(shortened / 0.01)
    pieces, cursor = [], 0
    fade = min(frame * 2, int(0.02 * sample_rate))
    for start, end in zip(starts, ends, strict=True):
        if (end - start) * 0.01 <= longest:
            continue
        cut_from = (start + keep_frames // 2) * frame
        cut_to = (end - (keep_frames - keep_frames // 2)) * frame
        head = samples[cursor:cut_from].copy()
        if fade and len(head) > fade:
            head[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        pieces.append(head)
        cursor = cut_to
    if not pieces:
        return samples
    tail = samples[cursor:].copy()
    if fade and len(tail) > fade:
        tail[:fade] *= np.linspace(0.0, 1.0, fade, dtype=np.float32)
    pieces.append(tail)
    return np.concatenate(pieces).astype(np.float32)


def check_take(data: bytes, text: str, language: str,
               profile: OutputProfile = TELEPHONY) -> Take:
    """Decode, check and tidy a take of ``text``; TakeRefused says why it cannot be kept."""
    raw = decode_wav(data)
    samples = raw.samples - np.float32(np.mean(raw.samples)) if len(raw.samples) else raw.samples
    if dsp.speech_bounds(samples, raw.sample_rate) is None:
        raise TakeRefused("We heard nothing. Check that the microphone is on and that this "
                          "page may use it, then record again.")
    if clipped_share(raw.samples) > MOST_CLIPPED:
        raise TakeRefused("The recording is clipped (too loud for the microphone): it would "
                          "sound harsh on a phone. Move a little further away, or turn the "
                          "microphone down, and record again.")
    trimmed = shorten_pauses(dsp.trim_silence(samples, raw.sample_rate), raw.sample_rate)
    # Measured at the phone's rate: the same loudness (speech lies far below 11 kHz), at half
    # the work of 48 kHz.
    resampled = dsp.resample(trimmed, raw.sample_rate, profile.sample_rate)
    loudness = dsp.integrated_loudness(resampled, profile.sample_rate)
    if loudness < QUIETEST_LUFS:
        raise TakeRefused(f"The recording is too quiet ({loudness:.0f} LUFS): bringing it up "
                          "would bring up the room noise too. Move closer to the microphone "
                          "or speak a little louder, and record again.")
    seconds = len(trimmed) / raw.sample_rate
    pace = pace_of(text, language, seconds)
    shortest, longest = allowed_seconds(text, language)
    if seconds < shortest or seconds > longest:
        low, high = pace.target
        measured = (f"{seconds:.1f} s for {pace.units} {pace.unit} is {pace.per_minute:.0f} "
                    f"{pace.unit} a minute; the call is written for {low}-{high}")
        if seconds < shortest:
            raise TakeRefused(f"The recording is too short for the words ({measured}). Read "
                              "the whole text, then stop.")
        raise TakeRefused(f"The recording is too long for the words ({measured}). Read only "
                          "the text shown, and stop recording when you finish.")
    # One gain to the target and the peaks limited: the build's own pass then finds it there.
    even = dsp.limit_peaks(resampled * dsp.db_to_gain(profile.loudness_lufs - loudness),
                           profile.sample_rate, profile.ceiling_dbfs)
    return Take(dsp.Speech(even, profile.sample_rate), round(loudness, 1),
                round(dsp.peak_dbfs(raw.samples), 1), pace)
