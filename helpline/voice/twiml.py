"""Turn a menu step into TwiML: <Play> a prepared recording where one exists, else <Say>."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from twilio.twiml.voice_response import Gather, VoiceResponse

from ..content.model import VOICE, Content
from ..content.prompts import deployment_values, prompt_key
from . import menu

#: Seconds of silence after a prompt before the menu is offered again; long enough for a
#: slow or anxious caller to find the key.
MENU_TIMEOUT = 8
NUMBER_TIMEOUT = 12

AudioLookup = Callable[[str, str, str], "str | None"]


class VoiceRenderer:
    """Everything needed to speak a step, prepared once per app."""

    def __init__(self, content: Content, settings: Mapping[str, object],
                 audio_path: AudioLookup | None = None):
        self.content = content
        self.fixed = deployment_values(settings)
        self.audio_path = audio_path
        self.audio_base = str(settings.get("HELPLINE_AUDIO_BASE_URL") or "")
        public = str(settings.get("HELPLINE_PUBLIC_URL") or "")
        if not self.audio_base and public:
            self.audio_base = public + "/audio"
        self.hints = {
            code: {intent: ", ".join(words) for intent, words in pack.intents.items()}
            for code, pack in content.languages.items()
        }

    def add_prompt(self, parent: VoiceResponse | Gather, say: menu.Say, language: str,
                   audio_base: str) -> None:
        pack = self.content.pack(say.language or language)
        text = pack.render(say.text_id, VOICE, {**self.fixed, **say.values})
        path = None
        if self.audio_path is not None:
            path = self.audio_path(pack.code, prompt_key(say.text_id, say.values), text)
        if path:
            parent.play(f"{audio_base}/{path}")
        else:
            parent.say(text, voice=pack.meta.say_voice, language=pack.meta.say_language)

    def render(self, step: menu.Step, language: str, base_url: str) -> VoiceResponse:
        """TwiML for ``step``; ``base_url`` is where this app is reached (for local audio)."""
        audio_base = self.audio_base or base_url.rstrip("/") + "/audio"
        response = VoiceResponse()
        listen = step.listen
        if listen is None:
            for say in step.prompts:
                self.add_prompt(response, say, language, audio_base)
            if step.hangup:
                response.hangup()
            return response
        action = step_url(listen)
        pack = self.content.pack(listen.language)
        if menu.expects_number(listen):
            gather = response.gather(
                input="dtmf", action=action, method="POST", timeout=NUMBER_TIMEOUT,
                finish_on_key="#", action_on_empty_result=True,
            )
        else:
            intents = menu.speech_keys(listen)
            hints = ", ".join(self.hints[pack.code].get(intent, "") for intent in intents)
            gather = response.gather(
                input="dtmf speech", action=action, method="POST", timeout=MENU_TIMEOUT,
                num_digits=1, speech_timeout="auto", language=pack.meta.speech_language,
                hints=hints.strip(", ")[:1000] or None, action_on_empty_result=True,
            )
        for say in step.prompts:
            self.add_prompt(gather, say, language, audio_base)
        # If Twilio ever returns from the Gather without calling the action, treat it as
        # silence rather than let the call fall off the end of the document.
        response.redirect(action, method="POST")
        return response


def step_url(position: menu.Position) -> str:
    return "/voice/step?" + urlencode(menu.to_query(position))
