"""Settings from the environment, checked once so a bad value stops start-up with a clear line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Languages offered when HELPLINE_LANGUAGES is not set, in menu order. Only those with a
#: content file are enabled, so a checkout with English alone still starts.
DEFAULT_LANGUAGES = ("en", "zh", "es", "ar", "ru", "fr")

#: Every setting the helpline reads, with its default. The names are the environment names.
DEFAULTS: dict[str, Any] = {
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_API_KEY_SID": "",
    "TWILIO_API_KEY_SECRET": "",
    "TWILIO_FROM_NUMBER": "",
    "TWILIO_MESSAGING_SERVICE_SID": "",
    # Where the Twilio REST API is reached; only changed to point at a mock of it in tests.
    "TWILIO_API_BASE_URL": "",
    # Empty: each language says its own name (language: helpline_name: in its content file).
    "HELPLINE_NAME": "",
    "HELPLINE_PUBLIC_URL": "",
    "HELPLINE_LANGUAGES": "",
    "HELPLINE_CONTENT_DIR": str(PROJECT_ROOT / "scripts_content"),
    "HELPLINE_AUDIO_DIR": str(PROJECT_ROOT / "audio"),
    "HELPLINE_AUDIO_BASE_URL": "",
    "HELPLINE_TRANSFER_NUMBER": "",
    "HELPLINE_OPENING_HOURS": "",
    "HELPLINE_TIMEZONE": "UTC",
    "HELPLINE_EMERGENCY_NUMBER": "",
    "HELPLINE_CRISIS_LINE": "",
    "HELPLINE_ADMIN_PASSWORD": "",
    "HELPLINE_SECRET_KEY": "",
    # Earlier keys, comma-separated, while numbers hashed with them are still recognised.
    "HELPLINE_OLD_SECRET_KEYS": "",
    "HELPLINE_TRUSTED_PROXIES": 0,
    # Set to 1 to try the helpline on one machine while Twilio credentials are in the
    # environment: webhooks unsigned, nothing sent. Without any credential it is implied.
    "HELPLINE_LOCAL_MODE": "",
    # Where the helpline may send a text it starts (text-me, shares, reminders): ISO country
    # codes, comma-separated. Empty: the helpline number's country and a short default list.
    "HELPLINE_SMS_COUNTRIES": "",
    # Alphanumeric sender ids per destination country, e.g. GB=Helpline,FR=Helpline: texts to
    # that country show the name instead of the number (see README "Going live").
    "HELPLINE_SMS_SENDER_IDS": "",
    # Sending limits per UTC day. A small helpline sends a few dozen texts a day: the
    # helpline-wide total stops a runaway and is not meant to be reached.
    "HELPLINE_TEXT_ME_PER_DAY": 3,
    "HELPLINE_SHARES_PER_DAY": 3,
    "HELPLINE_SHARES_RECEIVED_PER_DAY": 1,
    # ALL by text (a whole section in one reply) per number.
    "HELPLINE_ALL_PER_DAY": 3,
    "HELPLINE_TEXTS_TO_NUMBER_PER_DAY": 6,
    "HELPLINE_TEXTS_FROM_NUMBER_PER_DAY": 6,
    "HELPLINE_TEXTS_PER_DAY": 1000,
    # Texts a second the workers send in all (Twilio's throughput for the sender: 1 for a
    # long code, 3 toll-free, more for a short code or a messaging service). 0: no limit.
    "HELPLINE_SMS_PER_SECOND": 0,
    # 1: ask Twilio's line type intelligence before the first text to a new number, and
    # refuse landlines and VoIP numbers (each look-up is charged by Twilio).
    "HELPLINE_LOOKUP_LINE_TYPE": "",
    # WhatsApp (README "WhatsApp"): the sender (a Twilio number registered with WhatsApp, or
    # the sandbox's), approved templates by purpose and language (text_me.en=HX...), and 1 to
    # keep one opt-out for a number's SMS and WhatsApp.
    "HELPLINE_WHATSAPP_FROM": "",
    "HELPLINE_WHATSAPP_TEMPLATES": "",
    "HELPLINE_WHATSAPP_SHARED_OPT_OUT": "",
    "DATABASE_URL": "",
}

#: The shortest operator password accepted: the pages it guards show every caller's path.
MIN_ADMIN_PASSWORD_LENGTH = 12

INT_SETTINGS = {name for name, default in DEFAULTS.items() if isinstance(default, int)}


class ConfigError(Exception):
    """A setting has a value the helpline cannot use; the message says which and how to fix it."""


def load_settings(environ: Mapping[str, str], overrides: Mapping[str, Any] | None) -> dict:
    """Merge defaults, the environment and explicit overrides, then check the result."""
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        if name in environ:
            settings[name] = environ[name]
    if overrides:
        settings.update(overrides)
    for name in DEFAULTS:
        _refuse_copied_text(name, settings[name])
    for name in INT_SETTINGS:
        value = settings[name]
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number < 0:
            raise ConfigError(f"{name} must be a whole number, 0 or more, not {value!r}.")
        settings[name] = number
    _refuse_unsigned_credentials(settings)
    password = str(settings["HELPLINE_ADMIN_PASSWORD"] or "")
    if password and len(password) < MIN_ADMIN_PASSWORD_LENGTH:
        raise ConfigError(
            f"HELPLINE_ADMIN_PASSWORD has {len(password)} characters; use at least "
            f"{MIN_ADMIN_PASSWORD_LENGTH} (four random words are easy to type and hard to guess)."
        )
    public_url = str(settings["HELPLINE_PUBLIC_URL"]).strip().rstrip("/")
    plain_http_allowed = local_mode(settings) or _is_loopback(public_url)
    if public_url and not public_url.startswith(
            ("https://", "http://") if plain_http_allowed else "https://"):
        raise ConfigError(
            f"HELPLINE_PUBLIC_URL must start with https:// (it is {public_url!r}). "
            "Set it to the address Twilio uses to reach this server, e.g. https://help.example.org."
            " Twilio's requests, and the numbers in them, must not cross the internet in clear."
        )
    settings["HELPLINE_PUBLIC_URL"] = public_url
    settings["HELPLINE_AUDIO_BASE_URL"] = str(settings["HELPLINE_AUDIO_BASE_URL"]).rstrip("/")
    return settings


#: `NAME=value   # a note`: systemd's EnvironmentFile and docker's --env-file keep the note as
#: part of the value. A # that starts a word after a space is taken for such a note.
_INLINE_COMMENT = re.compile(r"\s#(\s|$)")

#: Values copied from the README's example instead of replaced, with what to put instead.
_PLACEHOLDERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^your[-_ ][a-z_ -]*(token|sid|secret|key|password|number)$", re.IGNORECASE),
     "your own value"),
    (re.compile(r"^output[- ]of\b", re.IGNORECASE),
     "the output of the command shown, not the command"),
    (re.compile(r"^<.*>$"), "your own value, without the < >"),
    (re.compile(r"^AC[xX]{32}$"), "your Account SID (Twilio Console > Account info)"),
    (re.compile(r"^a-long-passphrase$"), "a passphrase of your own (four random words)"),
    (re.compile(r"^(changeme|change-me|replace-me|todo|xxx+)$", re.IGNORECASE),
     "your own value"),
)


def _refuse_copied_text(name: str, value: Any) -> None:
    """A note after the value, or a placeholder from the README, would silently become the
    setting: a token that never matches, a key everyone who read the README knows."""
    if not isinstance(value, str):
        return
    comment = _INLINE_COMMENT.search(value)
    if comment:
        note = value[comment.start():].strip()
        raise ConfigError(
            f"{name} has a comment after its value ({note!r}). Environment files keep "
            "everything after = as the value, so put the comment on a line of its own, "
            "starting with #."
        )
    for pattern, instead in _PLACEHOLDERS:
        if pattern.search(value.strip()):
            raise ConfigError(
                f"{name} is still the example from the README ({value.strip()!r}). "
                f"Set it to {instead}."
            )


def requested_languages(value: str) -> tuple[list[str], bool]:
    """The language codes asked for, and whether the operator named them explicitly."""
    codes = [code.strip().lower() for code in str(value or "").split(",") if code.strip()]
    if codes:
        return codes, True
    return list(DEFAULT_LANGUAGES), False


def local_mode(settings: Mapping[str, Any]) -> bool:
    """Without an auth token nothing can be signed or verified: the helpline runs locally,
    accepts unsigned webhooks and sends nothing (texts show in the simulator)."""
    return not settings.get("TWILIO_AUTH_TOKEN")


#: Settings that reach a Twilio account. Any of them without the auth token would send real
#: texts from a server that accepts unsigned webhooks from anyone.
TWILIO_CREDENTIALS = ("TWILIO_ACCOUNT_SID", "TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET")


def _refuse_unsigned_credentials(settings: Mapping[str, Any]) -> None:
    if settings.get("TWILIO_AUTH_TOKEN") or _is_true(settings.get("HELPLINE_LOCAL_MODE")):
        return
    present = [name for name in TWILIO_CREDENTIALS if settings.get(name)]
    if present:
        raise ConfigError(
            f"{' and '.join(present)} {'is' if len(present) == 1 else 'are'} set but "
            "TWILIO_AUTH_TOKEN is not, so webhook signatures could not be checked. Set "
            "TWILIO_AUTH_TOKEN (Twilio Console > Account > API keys & tokens) to run in "
            "production; to try the helpline on this machine instead, unset the Twilio "
            "settings or set HELPLINE_LOCAL_MODE=1 (then nothing is sent)."
        )


def _is_true(value: Any) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def _is_loopback(url: str) -> bool:
    """A URL only this machine can reach: Twilio cannot, so http:// hides nothing there."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1")

