"""Reading TwiML as Twilio would, for the terminal simulator and the simulator's JSON answers.

Pure: XML in, plain data out. The browser page has its own reader in JavaScript (it must act
on the verbs as they play); this one serves the terminal and the tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from ..core import menu
from ..core.segments import analyse

#: Twilio's defaults where a verb leaves an attribute out.
DEFAULT_GATHER_TIMEOUT = 5
DEFAULT_FINISH_ON_KEY = "#"


class TwimlError(ValueError):
    """The document is not TwiML Twilio could act on (Twilio would say "application error")."""


@dataclass(frozen=True)
class Verb:
    """One instruction: ``kind`` is the TwiML verb name (Say, Play, Gather, ...)."""

    kind: str
    text: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    children: tuple[Verb, ...] = ()

    def get(self, name: str, default: str = "") -> str:
        return self.attributes.get(name, default)


@dataclass(frozen=True)
class Gather:
    """How a <Gather> listens, with Twilio's defaults filled in."""

    action: str
    num_digits: int | None
    finish_on_key: str
    timeout: int
    inputs: frozenset[str]
    action_on_empty_result: bool

    @classmethod
    def of(cls, verb: Verb, current_url: str) -> Gather:
        digits = verb.get("numDigits")
        timeout = verb.get("timeout")
        return cls(
            action=verb.get("action") or current_url,
            num_digits=int(digits) if digits.isdigit() else None,
            finish_on_key=verb.get("finishOnKey", DEFAULT_FINISH_ON_KEY),
            timeout=int(timeout) if timeout.isdigit() else DEFAULT_GATHER_TIMEOUT,
            inputs=frozenset(verb.get("input", "dtmf").split()),
            action_on_empty_result=verb.get("actionOnEmptyResult") == "true",
        )


def parse_voice(document: str | bytes) -> tuple[Verb, ...]:
    """The verbs of a voice <Response>, in order."""
    root = _root(document)
    return tuple(_verb(element) for element in root)


def _root(document: str | bytes) -> ET.Element:
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        raise TwimlError(f"not XML: {exc}") from None
    if root.tag != "Response":
        raise TwimlError(f"the root element is <{root.tag}>, not <Response>")
    return root


def _verb(element: ET.Element) -> Verb:
    return Verb(
        kind=element.tag,
        text=(element.text or "").strip(),
        attributes=dict(element.attrib),
        children=tuple(_verb(child) for child in element),
    )


@dataclass(frozen=True)
class SmsPart:
    """One <Message> of a reply as the texter's phone shows it, and what it costs."""

    text: str
    encoding: str
    segments: int
    characters: int

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "encoding": self.encoding, "segments": self.segments,
                "characters": self.characters}


def sms_part(text: str) -> SmsPart:
    info = analyse(text)
    return SmsPart(text, info.encoding, info.segments, info.characters)


def parse_messages(document: str | bytes) -> list[SmsPart]:
    """The <Message> parts of a messaging <Response>, each with its encoding and segments."""
    root = _root(document)
    parts = []
    for message in root.iter("Message"):
        body = message.find("Body")
        text = (body.text if body is not None else message.text) or ""
        parts.append(sms_part(text))
    return parts


#: Screens that are menus rather than one piece of a section.
_MENU_SCREENS = {menu.LANGUAGE, menu.MAIN, menu.MORE, menu.CAREGIVER_NUMBER,
                 menu.REMEMBER_CONFIRM, menu.WELCOME_BACK}


def screen_of(url: str) -> str:
    """Where in the menu a step URL listens, in words an operator reads ("questions 3")."""
    parts = urlsplit(url)
    if not parts.path.endswith("/voice/step"):
        return parts.path or url
    position = menu.from_query(dict(parse_qsl(parts.query)))
    if position.screen == menu.CAREGIVER_CONFIRM:
        return f"{position.screen} (piece {position.index + 1})"
    if position.screen in _MENU_SCREENS or position.screen.endswith("_menu"):
        return position.screen
    return f"{position.screen} {position.index + 1}"


def audio_label(url: str) -> str:
    """A played file as the operator finds it on disk: ``audio/en/menu.main.1a2b.mp3``."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    return path if path.startswith("audio/") else url
