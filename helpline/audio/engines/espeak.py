"""eSpeak NG through ctypes, from the espeakng-loader wheel: offline, every language, robotic.

Good for tests and drafts, not for callers (its tier is robotic). The wheel ships the library
and its data, so no Debian package is needed (Debian's build reads Mandarin wrongly). Arabic is
written without short vowels, which eSpeak then guesses badly; when piper-tts is installed its
offline diacritizer (piper.tashkeel) adds them first.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import espeakng_loader
import numpy as np

from ..dsp import Speech
from ..tiers import ROBOTIC
from . import Engine, EngineError, EngineUnavailable

#: Helpline language code -> eSpeak NG voice, where they differ.
VOICES = {"en": "en-us", "zh": "cmn"}
#: Slower than eSpeak's 175 words a minute: callers listen on a phone, many in a second language.
RATE_WPM = 150

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_RATE = 1

_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Espeak:
    """The one eSpeak NG instance a process may have (the C library keeps global state)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        self.data_path = Path(espeakng_loader.get_data_path())
        self.sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data_path).encode(), _INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise EngineUnavailable(f"eSpeak NG could not start (data in {self.data_path}).")
        self._chunks: list[bytes] = []
        # Keep a reference: ctypes frees a callback that Python no longer holds.
        self._callback = _CALLBACK(self._collect)
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib
        self.voices = frozenset(
            p.name.lower() for p in (self.data_path / "lang").rglob("*") if p.is_file()
        )

    def _collect(self, wav, count, _events) -> int:
        if count > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def speak(self, text: str, voice: str, rate: int) -> np.ndarray:
        data = text.encode("utf-8") + b"\0"
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(f"eSpeak NG has no voice {voice!r}.")
            self.lib.espeak_SetParameter(_RATE, rate, 0)
            self._chunks = []
            status = self.lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            self.lib.espeak_Synchronize()
            pcm = b"".join(self._chunks)
            self._chunks = []
        if status != 0:
            raise EngineError(f"eSpeak NG failed to speak (error {status}).")
        return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


_instance: _Espeak | None = None
_instance_lock = threading.Lock()


def _espeak() -> _Espeak:
    global _instance
    with _instance_lock:
        if _instance is None:
            try:
                _instance = _Espeak()
            except OSError as exc:
                raise EngineUnavailable(f"eSpeak NG cannot be loaded: {exc}.") from None
        return _instance


def _diacritizer():
    """piper's offline Arabic diacritizer, or None when piper-tts is not installed."""
    try:
        from piper.tashkeel import TashkeelDiacritizer
    except ImportError:
        return None
    return TashkeelDiacritizer


class EspeakEngine(Engine):
    name = "espeak"
    tier = ROBOTIC
    offline = True

    def __init__(self, rate_wpm: int = RATE_WPM) -> None:
        self.rate_wpm = rate_wpm
        self._espeak = _espeak()
        self._tashkeel = None

    def voice_for(self, language: str) -> str:
        return VOICES.get(language, language)

    def languages(self) -> tuple[str, ...]:
        codes = {code for code, voice in VOICES.items() if voice in self._espeak.voices}
        codes |= {voice for voice in self._espeak.voices if "-" not in voice}
        return tuple(sorted(codes))

    def speaks(self, language: str) -> bool:
        return self.voice_for(language).lower() in self._espeak.voices

    def default_voice(self, language: str) -> str:
        return self.voice_for(language)

    def uses_diacritizer(self, language: str) -> bool:
        return language == "ar" and _diacritizer() is not None

    def at_pace(self, share: float) -> EspeakEngine:
        return EspeakEngine(round(self.rate_wpm * share))

    def signature(self, language: str, voice: str) -> str:
        extra = "+tashkeel" if self.uses_diacritizer(language) else ""
        return f"{voice}@{self.rate_wpm}wpm{extra}"

    def prepare(self, text: str, language: str) -> str:
        """The text as eSpeak should read it (Arabic gets its short vowels written in)."""
        if not self.uses_diacritizer(language):
            return text
        if self._tashkeel is None:
            self._tashkeel = _diacritizer()()
        return self._tashkeel(text)

    def synthesize(self, text: str, language: str, voice: str) -> Speech:
        samples = self._espeak.speak(self.prepare(text, language), voice, self.rate_wpm)
        if len(samples) == 0:
            raise EngineError("eSpeak NG produced no sound.")
        return Speech(samples, self._espeak.sample_rate)
