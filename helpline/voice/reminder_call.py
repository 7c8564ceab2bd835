"""The call screens that set a reminder: /voice/remind, entered by a redirect from the menu.

"How many days until your visit?": typed, then #; read back as a date; 1 to confirm. The
caller's own number receives the texts, so it must be a mobile the helpline may text (as for
text-me). Speech is heard on every screen and checked against the safety phrases first; silence
or * returns to the main menu. The screen rides in the URL (``l`` language, ``d`` days), never
the number.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from ..core import menu, phone
from ..core import reminder_call as call
from ..core import reminders as plan
from ..outbound import reminders, sending
from ..outbound.policy import current_policy
from ..store import get_store
from ..web.webhook import guard_webhook, is_simulated, twiml_response
from .twiml import NUMBER_TIMEOUT, step_url

bp = Blueprint("voice_remind", __name__, url_prefix="/voice/remind")
bp.before_request(guard_webhook)

#: Outcomes of setting the reminders, as the caller hears them.
SET_SPOKEN = {reminders.SET: "reminder.call_done",
              reminders.OPTED_OUT: "voice.text_opted_out",
              reminders.NOT_POSSIBLE: "reminder.call_not_mobile"}
#: Every text these screens speak (reached from /voice/remind, not from the menu's own walk).
SPOKEN = ("reminder.call_ask", "reminder.call_read_back", "reminder.call_invalid",
          *SET_SPOKEN.values())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _voice():
    from .views import EXTENSION

    return current_app.extensions[EXTENSION]


def _language() -> str:
    return _voice().content.pack(request.args.get("l")).code


def _zone() -> str:
    return plan.local_zone(request.form.get("From"),
                           str(current_app.config.get("HELPLINE_TIMEZONE") or "UTC"))


def _url(screen: str, language: str, days: int | None = None) -> str:
    query = {"l": language, **({"d": days} if days is not None else {})}
    return f"/voice/remind/{screen}?" + urlencode(query)


def _speak(parent, text_ids, language: str, values: dict | None = None) -> None:
    setup = _voice()
    base = setup.renderer.audio_base or request.url_root.rstrip("/") + "/audio"
    for text_id in text_ids:
        if isinstance(text_id, menu.Say):
            setup.renderer.add_prompt(parent, text_id, language, base)
        else:
            setup.renderer.add_prompt(parent, menu.Say(text_id, values or {}), language, base)


def _main_menu(response: VoiceResponse, language: str):
    response.redirect(step_url(menu.Position(menu.MAIN, language), show=1), method="POST")
    return twiml_response(response)


def _screen(step: call.CallStep, language: str, urgent: list | None = None):
    """TwiML for a step: its words inside a Gather for the next key, or back to the menu."""
    response = VoiceResponse()
    if step.screen == call.MAIN_MENU:
        _speak(response, [*(urgent or []), *step.prompts], language, step.values)
        return _main_menu(response, language)
    action = _url(step.screen, language, step.days)
    speech_language = _voice().content.pack(language).meta.speech_language
    if step.screen == call.ASK:
        gather = response.gather(input="dtmf speech", action=action, method="POST",
                                 timeout=NUMBER_TIMEOUT, finish_on_key="#",
                                 speech_timeout="auto", language=speech_language,
                                 action_on_empty_result=True)
    else:
        gather = response.gather(input="dtmf speech", action=action, method="POST",
                                 timeout=NUMBER_TIMEOUT, num_digits=1, finish_on_key="",
                                 speech_timeout="auto", language=speech_language,
                                 action_on_empty_result=True)
    _speak(gather, [*(urgent or []), *step.prompts], language, step.values)
    response.redirect(action, method="POST")  # never fall off the end of the document
    return twiml_response(response)


def _urgent() -> list:
    """Urgent-care guidance first when the caller's speech holds a safety phrase."""
    speech = (request.form.get("SpeechResult") or "")[:300]
    if speech and _voice().keywords.danger(speech) is not None:
        return [_voice().urgent_care(request.form.get("From"))]
    return []


@bp.post("")
def entry():
    """From the menu's "more" (key 2): a mobile caller is asked for the days."""
    language = _language()
    if not sending.can_text(request.form.get("From")):
        response = VoiceResponse()
        _speak(response, ["reminder.call_not_mobile"], language)
        return _main_menu(response, language)
    return _screen(call.start(), language)


@bp.post("/<screen>")
def typed(screen: str):
    language = _language()
    urgent = _urgent()
    digits = request.form.get("Digits")
    if urgent and not digits:
        return _screen(_repeat(screen), language, urgent)
    days_text = request.args.get("d", "")
    days = int(days_text) if days_text.isdecimal() and len(days_text) <= 3 else None
    step = call.answer(screen if screen in (call.ASK, call.CONFIRM) else "", digits, days)
    if step.days is not None:
        today = plan.local_today(datetime.now(UTC), _zone())
        day = call.appointment_for(step.days, today)
        step = _with_date(step, language, day)
    if step.set_days is not None:
        return _set(step.set_days, language)
    return _screen(step, language, urgent)


def _repeat(screen: str) -> call.CallStep:
    days = request.args.get("d", "")
    if screen == call.CONFIRM and days.isdecimal():
        return call.CallStep(("reminder.call_read_back",), call.CONFIRM, days=int(days))
    return call.start()


def _with_date(step: call.CallStep, language: str, day) -> call.CallStep:
    pack = _voice().content.pack(language)
    words = reminders.date_words(pack, day, _voice().renderer.fixed)
    return call.CallStep(step.prompts, step.screen, step.days, step.set_days,
                         {"days": step.days, "date": words})


def _set(days: int, language: str):
    now = datetime.now(UTC)
    caller = request.form.get("From")
    day = call.appointment_for(days, plan.local_today(now, _zone()))
    result = reminders.set_reminders(
        get_store(), current_policy(), phone.to_e164(caller, strict=False), day, language,
        channel="voice", operator_zone=str(current_app.config.get("HELPLINE_TIMEZONE") or "UTC"),
        now=now, simulated=is_simulated())
    response = VoiceResponse()
    _speak(response, [SET_SPOKEN[result.outcome]], language)
    return _main_menu(response, language)
