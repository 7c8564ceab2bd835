"""Voice webhooks: thin handlers that read a key, ask the menu, and answer TwiML.

Nothing here decides where a key goes (that is ``menu``); nothing here builds words (that is
``scripts_content/``). Every handler answers TwiML, even when something inside it fails.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Flask, current_app, g, has_request_context, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from ..audio.serving import library_of
from ..config import ConfigError
from ..content.vocabulary import KEYPAD
from ..core import emergency, menu, phone
from ..core.keywords import DIGIT_PREFIX
from ..outbound import sending
from ..store import get_store, store_of
from ..store.callers import Stopped
from ..web import usage
from ..web.content import loaded_content
from ..web.webhook import guard_webhook, twiml_response
from ..whatsapp import sending as whatsapp_sending
from .hours import is_open, parse_hours
from .twiml import VoiceRenderer, step_url

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")
bp.before_request(guard_webhook)

EXTENSION = "helpline.voice"
#: Longest speech read: a menu answer is a few words; a forged megabyte is not matched.
MAX_SPEECH = 300
#: On a piece, only a short request is a command: a caller repeating a script aloud ("... my
#: cancer and my choices") must not be taken to the main menu by one word in it.
MAX_COMMAND_WORDS = 4
#: A key's name said aloud ("two", "star": intent "key_2", "key_*") does what the key does.
SPOKEN_KEYS = {DIGIT_PREFIX + key: key for key in KEYPAD}

#: What a caller hears after asking for a text, by the outbound outcome.
TEXT_ME_SPOKEN = {sending.SENT: "voice.text_sent", sending.OPTED_OUT: "voice.text_opted_out",
                  sending.SENT_MAY_NOT_ARRIVE: "voice.text_sent_filtered",
                  sending.NOT_POSSIBLE: "voice.text_not_possible",
                  sending.LIMIT: "voice.text_limit"}
#: What a caller hears after asking for a WhatsApp voice note, by the outcome.
WHATSAPP_SPOKEN = {whatsapp_sending.SENT: "text_me.whatsapp_sent",
                   whatsapp_sending.OFFERED: "text_me.whatsapp_offered",
                   whatsapp_sending.SENT_BY_SMS: "voice.text_sent",
                   whatsapp_sending.NO_AUDIO: "text_me.whatsapp_no_audio",
                   whatsapp_sending.OPTED_OUT: "voice.text_opted_out",
                   whatsapp_sending.LIMIT: "voice.text_limit",
                   whatsapp_sending.NOT_POSSIBLE: "voice.text_not_possible"}
#: Where the menu hands a call over to screens of their own.
HAND_OFFS = {menu.REMINDERS: "/voice/remind"}
SHARE_SPOKEN = {sending.SENT: "caregiver.sent", sending.INVALID: "caregiver.invalid",
                sending.LIMIT: "caregiver.limit", sending.NOT_SENT: "caregiver.not_sent"}


class VoiceSetup:
    """What the voice handlers need, built once at start-up."""

    def __init__(self, app: Flask):
        loaded = loaded_content(app)
        self.content = content = loaded.content
        self.keywords = loaded.keywords
        self.renderer = VoiceRenderer(content, app.config, library_of(app).path_for)
        self.transfer_number = app.config.get("HELPLINE_TRANSFER_NUMBER") or ""
        hours = app.config.get("HELPLINE_OPENING_HOURS") or ""
        self.hours = parse_hours(hours) if hours else ()
        zone = app.config.get("HELPLINE_TIMEZONE") or "UTC"
        try:
            self.timezone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"HELPLINE_TIMEZONE: {zone!r} is not a time zone. Use a name "
                              "like Europe/London or Asia/Shanghai.") from None
        self._menu = menu.MenuConfig.for_content(content)
        #: Typed digits (a caregiver's number) ride to the next step sealed, never plain.
        self.digits_sealer = store_of(app).sealer(b"helpline voice typed digits")
        self.emergency_override = str(app.config.get("HELPLINE_EMERGENCY_NUMBER") or "")
        self.home_region = phone.region_of(app.config.get("TWILIO_FROM_NUMBER") or "") or ""

    def urgent_care(self, caller: str | None) -> menu.Say:
        """Urgent-care guidance naming the caller's own country's emergency number."""
        number = emergency.emergency_number(caller, self.emergency_override, self.home_region)
        if not number:
            return menu.Say("voice.urgent_care_local")
        return menu.Say("voice.urgent_care", {"emergency_number": emergency.spoken(number)})

    def seal_digits(self, digits: str) -> str:
        return self.digits_sealer.seal(digits, request.form.get("CallSid", ""))

    def position_from_request(self) -> menu.Position:
        """Where the caller is, with any typed digits opened from the sealed token (a token
        from another call, or altered, opens to nothing and the caller types again)."""
        position = menu.from_query(request.args)
        token = request.args.get("t", "")[:200]
        digits = self.digits_sealer.open(token, request.form.get("CallSid", "")) if token else ""
        if digits and digits.isdecimal() and len(digits) <= 15:
            position = replace(position, digits=digits)
        return menu.normalise(position, self.menu_config())

    def menu_config(self) -> menu.MenuConfig:
        """The menu as it is right now: the hand-off to a person depends on the hour, texts on
        the caller's phone. Worked out once per request (a step asks for it several times)."""
        if has_request_context() and "voice_menu" in g:
            return g.voice_menu
        config = self._menu
        if has_request_context():
            caller = request.form.get("From")
            config = replace(config, can_text=sending.can_text(caller), reminders=True,
                             caller_region=phone.region_of(caller) or "",
                             can_remember=phone.to_e164(caller, strict=False) is not None)
        if self.transfer_number and self.hours:
            config = replace(config, transfer_available=True,
                             transfer_open=is_open(self.hours, datetime.now(self.timezone)))
        if has_request_context():
            g.voice_menu = config
        return config


def prepare(app: Flask) -> None:
    app.extensions[EXTENSION] = VoiceSetup(app)


def _setup() -> VoiceSetup:
    return current_app.extensions[EXTENSION]


def _respond(step: menu.Step, language: str, came_from: menu.Position | None = None):
    """Answer with ``step``; count the screen reached and the one it was reached from, so
    reports can tell where callers hang up without knowing any caller."""
    setup = _setup()
    if step.reached:
        usage.record("voice", "screen", content_id=step.reached, language=language,
                     detail=setup.menu_config().screen_id(came_from) if came_from else "start")
    twiml = setup.renderer.render(step, language, request.url_root, seal=setup.seal_digits)
    if step.transfer:
        twiml.dial(setup.transfer_number,
                   action=step_url(menu.Position(menu.MAIN, language), "/voice/transfer-done"),
                   method="POST", timeout=30)
    return twiml_response(twiml)


def _speech() -> str:
    return (request.form.get("SpeechResult") or "")[:MAX_SPEECH].strip()


def _key_from_request(position: menu.Position) -> str | None:
    """The caller's key: digits pressed, or what they said, matched to this screen's options
    (a key's name, "two" or "star", does what the key does)."""
    digits = (request.form.get("Digits") or "").strip()
    if digits:
        return digits if menu.expects_number(position) else digits[:1]
    speech = _speech()
    if not speech or menu.expects_number(position):
        return None
    setup = _setup()
    if position.screen == menu.LANGUAGE:
        intent = setup.keywords.match(speech, allowed={"language"})
        if intent.name == "language" and intent.language in setup.content.codes:
            return str(setup.content.codes.index(intent.language) + 1)
        return menu.NOT_UNDERSTOOD
    config = setup.menu_config()
    if config.section_at(position) and len(speech.split()) > MAX_COMMAND_WORDS:
        return menu.NOT_UNDERSTOOD
    named = setup.keywords.match(speech, allowed={"language", menu.GOODBYE_KEY})
    if named.name == menu.GOODBYE_KEY:
        return menu.GOODBYE_KEY
    if named.name == "language" and named.language != position.language:
        return menu.LANGUAGE_KEY  # a language named on any screen: choose again
    options = dict(menu.speech_keys(position, config))
    options.update(SPOKEN_KEYS)
    intent = setup.keywords.match(speech, allowed=set(options))
    return options.get(intent.name, menu.NOT_UNDERSTOOD)


@bp.post("")
def incoming_call():
    """A new call: the language menu (or the main menu when one language is enabled); a
    caller who asked to be remembered is welcomed back and offered to go on."""
    config = _setup().menu_config()
    usage.record("voice", "call_started")
    step_ = menu.start(config, _where_stopped(config))
    if step_.listen is not None and step_.listen.screen == menu.WELCOME_BACK:
        usage.record("voice", "returning_caller")
    return _respond(step_, step_.listen.language if step_.listen else config.languages[0])


def _where_stopped(config: menu.MenuConfig) -> menu.Position | None:
    """The one read a call starts with, and only for a caller whose number is known."""
    if not config.can_remember:
        return None
    try:
        with get_store().reading() as tx:
            stopped = tx.callers.where_stopped(request.form.get("From", ""))
    except Exception:  # the database is down: the first-call flow needs none
        log.exception("returning callers could not be read; this call starts afresh")
        return None
    if stopped is None:
        return None
    return menu.Position(stopped.screen, stopped.language, index=stopped.piece,
                         slow=stopped.slow, remembered=True)


@bp.post("/step")
def step():
    """Any step after the first: the position rides in the URL, the key in the form."""
    setup = _setup()
    config = setup.menu_config()
    position = setup.position_from_request()
    if request.args.get("show"):
        return _respond(menu.replay(position, config), position.language)
    key = _key_from_request(position)
    if key == config.key(menu.TEXT_ME) or position.screen.startswith(menu.TEXT_ME_PREFIX):
        # Only the text-me offer asks whether the caller uses WhatsApp: one read, then.
        config = replace(config, whatsapp=_uses_whatsapp())
    danger = setup.keywords.danger(_speech())
    if danger is not None and key in (menu.NOT_UNDERSTOOD, None):
        next_step = menu.replay(position, config)  # the guidance, then the same screen again
    else:
        next_step = menu.answer(position, key, config)
    if danger is not None:  # urgent-care guidance first, whatever else was asked
        caller = request.form.get("From")
        next_step = replace(next_step, prompts=(setup.urgent_care(caller), *next_step.prompts))
        log.info("urgent-care guidance given on a call (%s)", position.screen)
    language = next_step.listen.language if next_step.listen else position.language
    if next_step.effect is not None:
        outcome = _perform(next_step.effect, language, next_step.listen or position)
        if outcome:
            next_step = replace(next_step, prompts=(menu.Say(outcome), *next_step.prompts))
    listen = next_step.listen
    if listen is not None and listen.remembered and listen != position and (
            config.section_at(listen) or config.chooser_at(listen)):
        _remember(listen)
    if next_step.hand_off:
        return _hand_off(next_step, position)
    return _respond(next_step, language, came_from=position)


def _uses_whatsapp() -> bool:
    """Whether to offer a WhatsApp voice note; with the database down, simply not offered."""
    try:
        return whatsapp_sending.uses_whatsapp(request.form.get("From"))
    except Exception:
        log.exception("could not tell whether the caller uses WhatsApp")
        return False


def _remember(position: menu.Position) -> None:
    """Where a caller who asked to be remembered is now (a piece or a chooser). A database
    that cannot be written loses only this: the call goes on."""
    try:
        with get_store().transaction() as tx:
            tx.callers.remember(request.form.get("From", ""), Stopped(
                position.language, position.screen, position.index, position.slow))
    except Exception:
        log.exception("where a remembered caller stopped could not be kept")


def _hand_off(step_: menu.Step, position: menu.Position):
    """Screens another part of the helpline owns (setting a reminder) take the call over."""
    twiml = VoiceResponse()
    twiml.redirect(f"{HAND_OFFS[step_.hand_off]}?" + urlencode({"l": position.language}),
                   method="POST")
    usage.record("voice", "screen", content_id=step_.reached, language=position.language)
    return twiml_response(twiml)


def _perform(effect: menu.Effect, language: str, where: menu.Position) -> str:
    """Do what the caller asked for; the text id of what to tell them ("" for nothing)."""
    caller = request.form.get("From")
    if isinstance(effect, menu.Remember):
        with get_store().transaction() as tx:
            tx.callers.remember(caller or "", Stopped(language, where.screen, where.index,
                                                     where.slow))
        usage.record("voice", "remembered", language=language)
        return ""
    if isinstance(effect, menu.Forget):
        with get_store().transaction() as tx:
            tx.callers.forget(caller or "")
        return ""
    if isinstance(effect, menu.VoiceNote):
        usage.record("voice", "voice_note", content_id=effect.text_id, language=language)
        return WHATSAPP_SPOKEN[whatsapp_sending.send_to_caller(caller, effect.text_id, language,
                                                               voice=True)]
    if isinstance(effect, menu.TextMe):
        usage.record("voice", "text_me", content_id=effect.text_id, language=language)
        return TEXT_ME_SPOKEN[sending.text_caller(caller, effect.text_id, language)]
    shared = _setup().content.catalogue.shared.id
    own = phone.to_e164(caller, strict=False)
    if own is not None and phone.to_e164(effect.digits, phone.region_of(own)) == own:
        # The caller typed their own number: that is simply a text to them.
        usage.record("voice", "text_me", content_id=shared, language=language)
        return TEXT_ME_SPOKEN[sending.text_caller(caller, shared, language)]
    usage.record("voice", "share", content_id=shared, language=language)
    return SHARE_SPOKEN[sending.share_with_caregiver(caller, effect.digits, language)]


@bp.post("/transfer-done")
def transfer_done():
    """After the hand-off to a person: goodbye if they talked, else back to the menu."""
    config = _setup().menu_config()
    position = menu.normalise(menu.from_query(request.args), config)
    if request.form.get("DialCallStatus") == "completed":
        step_ = menu.Step((menu.Say("voice.goodbye"),), None, hangup=True, reached="goodbye")
    else:
        step_ = menu.replay(menu.Position(menu.MAIN, position.language), config,
                            (menu.Say("transfer.failed"),))
    return _respond(step_, position.language)


@bp.post("/status")
def call_status():
    """Twilio's call status callback: count the call's length, never who called."""
    if request.form.get("CallStatus") == "completed":
        usage.record("voice", "call_ended",
                     detail=usage.duration_bucket(request.form.get("CallDuration")))
    return twiml_response(VoiceResponse())


@bp.post("/fallback")
def fallback():
    """Twilio calls this when the main webhook failed: answer from memory, then hang up."""
    log.error("Twilio used the voice fallback URL: ErrorCode=%s ErrorUrl=%s",
              request.form.get("ErrorCode"), request.form.get("ErrorUrl"))
    language = _setup().content.default.code
    step_ = menu.Step((menu.Say("voice.error"), menu.Say("voice.goodbye_no_input")), None,
                      hangup=True)
    twiml = _setup().renderer.render(step_, language, request.url_root)
    return twiml_response(twiml)


@bp.errorhandler(Exception)
def spoken_apology(error: Exception):
    """Never a 5xx to Twilio: apologise, and take the caller back to the main menu."""
    if isinstance(error, HTTPException) and error.code in (403, 404, 405, 413):
        return error
    log.exception("voice handler failed (CallSid=%s)", request.form.get("CallSid", "?"))
    language = menu.from_query(request.args).language
    try:
        setup = _setup()
        if language not in setup.content.codes:
            language = setup.content.default.code
        if request.args.get("err"):
            step_ = menu.Step((menu.Say("voice.error"), menu.Say("voice.goodbye")), None,
                              hangup=True)
            return twiml_response(setup.renderer.render(step_, language, request.url_root))
        twiml = VoiceResponse()
        setup.renderer.add_prompt(twiml, menu.Say("voice.error"), language,
                                  request.url_root.rstrip("/") + "/audio")
        twiml.redirect(step_url(menu.Position(menu.MAIN, language), show=1, err=1),
                       method="POST")
        return twiml_response(twiml)
    except Exception:
        log.exception("voice apology failed too")
        twiml = VoiceResponse()
        twiml.hangup()
        return twiml_response(twiml)
