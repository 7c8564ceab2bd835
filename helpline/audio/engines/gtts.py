"""gTTS: Google Translate's voices, good in all six languages, but online only.

Every request has a timeout. When Google cannot be reached the engine raises
EngineUnavailable with one clear line, and the build stops asking (rather than waiting out a
timeout per prompt); nothing is written, so no empty file is left behind.
"""

from __future__ import annotations

import io
import time

from gtts import gTTS
from gtts.tts import gTTSError

from ..dsp import AudioError, Speech, decode
from ..tiers import NEURAL
from . import Engine, EngineError, EngineUnavailable

#: Helpline language -> gTTS language, where they differ.
LANGUAGES = {"en": "en", "zh": "zh-CN", "es": "es", "ar": "ar", "ru": "ru", "fr": "fr"}
DEFAULT_TIMEOUT = 10.0
#: Google answers 429 or 5xx when asked too fast; wait this long and try once more.
RETRY_AFTER = 3.0
#: Seconds between two requests, so a build of a few hundred prompts is not throttled.
MIN_INTERVAL = 0.3

OFFLINE_MESSAGE = (
    "gtts cannot reach Google's text-to-speech service (translate.google.{tld}; {reason}). "
    "Use an offline engine (--engine piper for English, --engine espeak for drafts) or run "
    "this build on a connected machine."
)


def _gtts_languages() -> dict[str, str]:
    from gtts.lang import tts_langs

    return tts_langs()


class GttsEngine(Engine):
    name = "gtts"
    tier = NEURAL
    offline = False

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        retry_after: float = RETRY_AFTER,
        min_interval: float = MIN_INTERVAL,
        slow: bool = False,
    ) -> None:
        #: Google's own slow reading, for the slow rendering.
        self.slow = slow
        self.timeout = timeout
        self.retry_after = retry_after
        self.min_interval = min_interval
        self._last_request = 0.0

    def _pace(self) -> None:
        wait = self._last_request + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()

    def languages(self) -> tuple[str, ...]:
        known = _gtts_languages()
        codes = {code for code, lang in LANGUAGES.items() if lang in known}
        codes |= {lang for lang in known if "-" not in lang}
        return tuple(sorted(codes))

    def speaks(self, language: str) -> bool:
        return LANGUAGES.get(language, language) in _gtts_languages()

    def default_voice(self, language: str) -> str:
        """A voice is ``<gTTS language>[@<Google domain>]``, e.g. ``en@co.uk`` or ``fr@ca``."""
        return LANGUAGES.get(language, language)

    def slower(self) -> GttsEngine:
        return GttsEngine(self.timeout, self.retry_after, self.min_interval, slow=True)

    def signature(self, language: str, voice: str) -> str:
        return f"{voice}@slow" if self.slow else voice

    @staticmethod
    def parse_voice(voice: str) -> tuple[str, str]:
        lang, _, tld = voice.partition("@")
        return lang, tld or "com"

    def synthesize(self, text: str, language: str, voice: str) -> Speech:
        lang, tld = self.parse_voice(voice or self.default_voice(language))
        for attempt in (1, 2):
            buffer = io.BytesIO()
            self._pace()
            try:
                gTTS(text, lang=lang, tld=tld, timeout=self.timeout, lang_check=False,
                     slow=self.slow) \
                    .write_to_fp(buffer)
            except gTTSError as exc:
                response = exc.rsp
                if response is None:
                    reason = _reason(exc, self.timeout)
                    raise EngineUnavailable(OFFLINE_MESSAGE.format(tld=tld, reason=reason)) \
                        from None
                if attempt == 1 and (response.status_code == 429 or response.status_code >= 500):
                    time.sleep(self.retry_after)
                    continue
                raise EngineError(f"Google's text-to-speech refused: {exc}") from None
            except (AssertionError, ValueError) as exc:  # gTTS's checks on the text itself
                raise EngineError(f"gTTS cannot speak this text: {exc}") from None
            break
        data = buffer.getvalue()
        if not data:
            raise EngineError("Google's text-to-speech sent no audio.")
        try:
            return decode(data)
        except AudioError as exc:
            raise EngineError(f"Google's text-to-speech sent audio that {exc}.") from None


def _reason(exc: gTTSError, timeout: float) -> str:
    """A few words on why the request failed, from the requests error behind gTTSError."""
    cause = exc.__context__
    name = type(cause).__name__ if cause is not None else ""
    if "Timeout" in name:
        return f"no answer within {timeout:g} s"
    text = str(cause or exc)
    if "NameResolution" in text or "Name or service not known" in text:
        return "no DNS, the machine is offline"
    if "Proxy" in name or "ProxyError" in text:
        return "the proxy refused the connection"
    if "Connection" in name:
        return "connection refused or network unreachable"
    return name or "network error"
