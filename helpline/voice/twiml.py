"""Turn a menu step into TwiML: <Play> a prepared recording where one exists, else <Say>.

Every fixed prompt's <Play> or <Say> is written once at start-up; a request joins those pieces
(with the <Gather> around them) instead of building and serialising an XML tree each time.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from twilio.twiml import TwiML
from twilio.twiml.voice_response import Gather, Play, Say, VoiceResponse

from ..content import VOICE, Content
from ..core import menu
from ..core.prompts import SLOW_SUFFIX, deployment_values, prompt_key, spoken_prompts

#: Seconds of silence after a prompt before the menu is offered again; long enough for a
#: slow or anxious caller to find the key (longer after a piece: they may be writing it down).
MENU_TIMEOUT = 10
PIECE_TIMEOUT = 15
#: Someone may be looking the number up in their contacts.
NUMBER_TIMEOUT = 20
#: Screens kept written (steps x languages is a few thousand at most; values such as an
#: emergency number add a few more). Beyond this a screen is simply written each time.
MAX_PREPARED_SCREENS = 20_000

#: <Say> for a caller who asked for "slower" where no slow recording exists (SSML prosody).
SLOW_SAY_RATE = "80%"

AudioLookup = Callable[[str, str, str], "str | None"]

#: Stands for the audio base URL in a prepared <Play>, which is only known per request when
#: neither HELPLINE_AUDIO_BASE_URL nor HELPLINE_PUBLIC_URL is set.
_BASE = "\x00base\x00"

#: The value sets prompt_key() names (no values, a position, a menu key): only these are
#: spoken exactly as a prepared prompt.
_FIXED = {frozenset(), frozenset({"n", "total"}), frozenset({"key"}),
          frozenset({"emergency_number"})}


class Piece(TwiML):
    """A verb serialised ahead of time (one prompt's <Play> or <Say>)."""

    def __init__(self, xml: str):
        super().__init__()
        self.text = xml

    def xml(self) -> ET.Element:
        # Only reached when a piece sits in a plain twilio document (an error path).
        return ET.fromstring(self.text)


class PreparedResponse(VoiceResponse):
    """A <Response> that writes its XML by joining strings; same output as twilio's."""

    def to_xml(self, xml_declaration: bool = True) -> str:
        body = to_xml(self)
        return '<?xml version="1.0" encoding="UTF-8"?>' + body if xml_declaration else body


#: Characters ElementTree escapes, and how (the same escapes, so the output is the same).
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTR_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
                 ("\t", "&#09;"))
_NEEDS_ESCAPE = re.compile(r'[&<>"\r\n\t]')


def _escape(value: str, escapes: tuple[tuple[str, str], ...]) -> str:
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    for char, entity in escapes:
        value = value.replace(char, entity)
    return value


def _text(value: str) -> str:
    return _escape(value, _TEXT_ESCAPES)


def _attr(value: object) -> str:
    return _escape(str(value).lower() if isinstance(value, bool) else str(value), _ATTR_ESCAPES)


def to_xml(node: TwiML) -> str:
    """``node`` as XML, exactly as twilio's ElementTree output writes it, pieces as they are."""
    if isinstance(node, Piece):
        return node.text
    attrs = "".join(f' {name}="{_attr(node.attrs[name])}"' for name in sorted(node.attrs))
    value = json.dumps(node.value) if isinstance(node.value, dict) else node.value
    inner = _text(value) if value else ""
    for child in node.verbs:
        inner += _text(child) if isinstance(child, str) else to_xml(child)
    if not inner:
        return f"<{node.name}{attrs} />"
    return f"<{node.name}{attrs}>{inner}</{node.name}>"


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
        #: The catalogue's menu, for the words each screen listens for.
        self.menu = menu.MenuConfig.for_content(content)
        self.hints = {
            code: {intent: ", ".join(words) for intent, words in pack.intents.items()}
            for code, pack in content.languages.items()
        }
        #: (language, prompt key) -> the <Play> or <Say> of every sentence the menu speaks
        #: with fixed values, the same set audio is made for.
        #: ... and its slow rendering, for a caller who pressed "slower".
        self.pieces: dict[tuple[str, str], str] = {}
        for prompt in spoken_prompts(content, settings):
            for slow in (False, True):
                self.pieces[prompt.language, prompt.key + (SLOW_SUFFIX if slow else "")] = (
                    self._piece(prompt.language, prompt.key, prompt.text, slow))
        #: Whole screens as written the first time: key from _screen_key -> top-level verbs.
        self.screens: dict[tuple, tuple[str, ...]] = {}

    def _piece(self, language: str, key: str, text: str, slow: bool = False) -> str:
        lookup = key + SLOW_SUFFIX if slow else key
        path = self.audio_path(language, lookup, text) if self.audio_path is not None else None
        if path:
            return to_xml(Play(f"{_BASE}/{path}"))
        meta = self.content.pack(language).meta
        if not slow:
            return to_xml(Say(text, voice=meta.say_voice, language=meta.say_language))
        say = Say(voice=meta.say_voice, language=meta.say_language)
        say.prosody(text, rate=SLOW_SAY_RATE)
        return to_xml(say)

    def add_prompt(self, parent: VoiceResponse | Gather, say: menu.Say, language: str,
                   audio_base: str, slow: bool = False) -> None:
        if say == menu.PAUSE:
            parent.nest(Piece('<Pause length="1" />'))
            return
        pack = self.content.pack(say.language or language)
        key = prompt_key(say.text_id, say.values)
        piece = self.pieces.get((pack.code, key + (SLOW_SUFFIX if slow else ""))) if (
            frozenset(say.values) in _FIXED) else None
        if piece is None:  # words known only during the call, such as typed digits
            text = pack.render(say.text_id, VOICE, {**self.fixed, **say.values})
            piece = self._piece(pack.code, key, text, slow)
        parent.nest(Piece(piece.replace(_BASE, _text(audio_base))))

    def render(self, step: menu.Step, language: str, base_url: str,
               seal: Callable[[str], str] | None = None, slow: bool = False) -> VoiceResponse:
        """TwiML for ``step``; ``base_url`` is where this app is reached (for local audio);
        ``seal`` encrypts typed digits for the next step's URL (without it they are dropped);
        ``slow``: the slow rendering for a step that ends the call (a listening step knows).

        A screen is written once: the same step in the same language is the same document
        (typed digits, sealed per call, aside), so later callers get the prepared verbs.
        """
        audio_base = self.audio_base or base_url.rstrip("/") + "/audio"
        key = _screen_key(step, language, audio_base, slow)
        prepared = self.screens.get(key) if key is not None else None
        if prepared is not None:
            response = PreparedResponse()
            for verb in prepared:
                response.nest(Piece(verb))
            return response
        response = self._render(step, language, audio_base, seal, slow)
        if key is not None and len(self.screens) < MAX_PREPARED_SCREENS:
            self.screens[key] = tuple(to_xml(verb) for verb in response.verbs)
        return response

    def _render(self, step: menu.Step, language: str, audio_base: str,
                seal: Callable[[str], str] | None, slow: bool) -> VoiceResponse:
        response = PreparedResponse()
        listen = step.listen
        if listen is None:
            for say in step.prompts:
                self.add_prompt(response, say, language, audio_base, slow)
            if step.hangup:
                response.hangup()
            return response
        action = step_url(listen, seal=seal)
        pack = self.content.pack(listen.language)
        if menu.expects_number(listen):
            # Speech is heard (a caller in danger must be answered here too) but never
            # invited: the prompt asks for keys only.
            gather = response.gather(
                input="dtmf speech", action=action, method="POST", timeout=NUMBER_TIMEOUT,
                finish_on_key="#", speech_timeout="auto", language=pack.meta.speech_language,
                action_on_empty_result=True,
            )
        else:
            intents = menu.speech_keys(listen, self.menu)
            hints = ", ".join(self.hints[pack.code].get(intent, "") for intent in intents)
            # finishOnKey="" makes # a key like any other (it hears the screen again),
            # where Twilio's default would end the input and post it as silence.
            timeout = PIECE_TIMEOUT if self.menu.section_at(listen) else MENU_TIMEOUT
            gather = response.gather(
                input="dtmf speech", action=action, method="POST", timeout=timeout,
                num_digits=1, finish_on_key="", speech_timeout="auto",
                language=pack.meta.speech_language, hints=hints.strip(", ")[:1000] or None,
                action_on_empty_result=True,
            )
        for say in step.prompts:
            self.add_prompt(gather, say, language, audio_base, listen.slow)
        # If Twilio ever returns from the Gather without calling the action, treat it as
        # silence rather than let the call fall off the end of the document.
        response.redirect(action, method="POST")
        return response


def _screen_key(step: menu.Step, language: str, audio_base: str, slow: bool) -> tuple | None:
    """What a screen's document depends on, or None when it must be written every time
    (typed digits are sealed for each call; unhashable values are not expected but safe)."""
    if step.listen is not None and step.listen.digits:
        return None
    key = (language, audio_base, slow, step.listen, step.hangup,
           tuple((say.text_id, say.language, tuple(sorted(say.values.items())))
                 for say in step.prompts))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def step_url(position: menu.Position, path: str = "/voice/step",
             seal: Callable[[str], str] | None = None, **extra: object) -> str:
    """The URL that brings the caller back to ``position`` (``extra``: flags such as show=1).

    Typed digits go only sealed (``t``): Twilio keeps request URLs in its logs.
    """
    if position.digits and seal is not None:
        extra["t"] = seal(position.digits)
    return f"{path}?" + urlencode({**menu.to_query(position), **extra})
