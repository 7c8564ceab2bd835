"""A caller who dials the helpline through signed Twilio requests and listens to the TwiML."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from helpline.content.model import VOICE
from helpline.core.prompts import deployment_values
from helpline.web.content import current_content

_sids = itertools.count(1)


class Screen:
    """One TwiML answer, parsed as XML."""

    def __init__(self, response, app, before: list[Screen] | None = None):
        assert response.status_code == 200, response.data
        #: Screens that redirected here, heard first.
        self.before = before or []
        assert response.mimetype == "text/xml"
        self.xml = ET.fromstring(response.data)
        assert self.xml.tag == "Response"
        self.app = app
        self.gather = self.xml.find("Gather")
        self.hangup = self.xml.find("Hangup") is not None
        self.dial = self.xml.find("Dial")
        redirect = self.xml.find("Redirect")
        self.redirect = redirect.text if redirect is not None else None

    @property
    def action(self) -> str | None:
        return self.gather.get("action") if self.gather is not None else None

    @property
    def prompts(self) -> list[ET.Element]:
        """Every <Say> and <Play>, in the order the caller hears them (redirects included)."""
        return [el for screen in [*self.before, self] for el in screen.xml.iter()
                if el.tag in ("Say", "Play")]

    @property
    def spoken(self) -> list[str]:
        return [el.text or "" for el in self.prompts if el.tag == "Say"]

    @property
    def played(self) -> list[str]:
        return [el.text or "" for el in self.prompts if el.tag == "Play"]

    def words(self, text_id: str, language: str = "en", **values) -> str:
        with self.app.app_context():
            pack = current_content().pack(language)
            fixed = deployment_values(self.app.config)
            return pack.render(text_id, VOICE, {**fixed, **values})

    def hears(self, text_id: str, language: str = "en", **values) -> bool:
        """True when the caller hears the text, as <Say> or as its recording."""
        if self.words(text_id, language, **values) in self.spoken:
            return True
        return any(f"/{language}/{text_id}." in url for url in self.played)

    def text(self) -> str:
        return " ".join(self.spoken)


class Caller:
    """Places a call and presses keys, as Twilio would post them."""

    def __init__(self, twilio, app, number: str = "+447400123123"):
        self.twilio = twilio
        self.app = app
        self.number = number
        self.call_sid = f"CA{next(_sids):032x}"
        self.screen: Screen | None = None

    def params(self, **extra) -> dict:
        return {"CallSid": self.call_sid, "AccountSid": "AC" + "0" * 32, "From": self.number,
                "To": "+15005550006", "CallStatus": "in-progress", "Direction": "inbound",
                **extra}

    def _post(self, url: str, before: list[Screen] | None = None, **extra) -> Screen:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        screen = Screen(self.twilio.post(path, self.params(**extra)), self.app, before)
        self.screen = screen
        if screen.gather is None and screen.redirect and not screen.hangup:
            return self._post(screen.redirect, [*(before or []), screen])
        return screen

    def dial(self) -> Screen:
        return self._post("/voice", CallStatus="ringing")

    def press(self, keys: str) -> Screen:
        assert self.screen is not None and self.screen.action, "nothing is listening for keys"
        return self._post(self.screen.action, Digits=keys)

    def say(self, speech: str) -> Screen:
        assert self.screen is not None and self.screen.action
        return self._post(self.screen.action, SpeechResult=speech, Confidence="0.9")

    def text_me(self) -> Screen:
        """Key 6, then 1 to say yes when a text is offered (it is not, to a landline)."""
        offer = self.press("6")
        if offer.action and "s=text_me" in offer.action:
            return self.press("1")
        return offer

    def stay_silent(self) -> Screen:
        assert self.screen is not None and self.screen.action
        return self._post(self.screen.action)


@pytest.fixture
def caller(twilio, app) -> Caller:
    return Caller(twilio, app)
