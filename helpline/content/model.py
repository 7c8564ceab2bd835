"""The content the helpline speaks and texts, as loaded from scripts_content/.

Plain data with no I/O: the loader builds it, the voice and SMS flows read it.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .alphabet import to_gsm7
from .catalogue import Catalogue

#: sms_alphabet: texts written in GSM-7 as texters write them (accents GSM-7 lacks left off).
ECONOMY = "economy"

#: The two ways a text reaches a person.
VOICE = "voice"
SMS = "sms"
CHANNELS = (VOICE, SMS)

#: Placeholders a text may use; anything else in braces is a typo the loader reports.
PLACEHOLDERS = frozenset(
    {
        "helpline_name",  # HELPLINE_NAME
        "helpline_number",  # TWILIO_FROM_NUMBER, where texts come from a sender id
        "n",  # position of a piece ("Question {n} of {total}")
        "total",
        "key",  # a key to press (language menu)
        "digits",  # a typed phone number, read back
        "emergency_number",  # HELPLINE_EMERGENCY_NUMBER
        "crisis_line",  # HELPLINE_CRISIS_LINE
        "language_name",  # a language's own name
        "keywords",  # the SMS keywords of a language, listed
        "limit",  # share limits
        "example_number",  # a fictional number in the texter's country's format (SHARE)
        "masked_number",  # the number a share went to, mostly hidden: +44 *** 123
        "date",  # an appointment's day in words (reminders)
        "weekday",  # the parts of such a day, in a language's own order
        "day",
        "month",
        "when",  # a reminder's day and local time
        "time_zone",  # the time zone reminders use
        "days",  # days until an appointment, typed on a call
    }
)

#: Reminders before an appointment: what is sent, the replies to REMIND, REMINDERS and REMIND
#: OFF, and the call screens that set one.
REMINDER_TEXTS = (
    "reminder.date", "reminder.months", "reminder.weekdays", "reminder.checklist",
    "reminder.questions", "reminder.follow_up", "reminder.caregiver", "reminder.set",
    "reminder.ask_date", "reminder.ask_past", "reminder.ask_too_far", "reminder.ask_order",
    "reminder.not_possible", "reminder.opted_out", "reminder.list", "reminder.item_checklist",
    "reminder.item_questions", "reminder.item_follow_up", "reminder.item_caregiver",
    "reminder.change", "reminder.none", "reminder.off_done", "reminder.call_ask",
    "reminder.call_read_back", "reminder.call_invalid", "reminder.call_done",
    "reminder.call_not_mobile",
)

#: Texts the voice and SMS flows speak by id, besides what the catalogue's sections need (their
#: intros, pieces, position and chooser texts). The reference language must have every one; an
#: id outside this list and the sections is never used.
REQUIRED_TEXTS = (
    "welcome", "safety",
    "language.choose", "language.set",
    "menu.main", "menu.transfer", "menu.scripts", "menu.piece_keys", "menu.all_keys",
    "menu.more_language", "menu.more_reminders", "menu.more_remember", "menu.more_text",
    "menu.back", "nav.last",
    "voice.wrong_key", "voice.no_input", "voice.goodbye_no_input", "voice.goodbye", "voice.error",
    "voice.text_sent", "voice.text_sent_filtered", "voice.text_opted_out",
    "voice.text_not_possible", "voice.text_limit", "voice.not_understood", "voice.urgent_care",
    "voice.urgent_care_local", "text_me.offer_piece", "text_me.offer_shared", "text_me.offer_menu",
    "text_me.offer_section", "text_me.offer_whatsapp", "text_me.whatsapp_sent",
    "text_me.whatsapp_offered", "text_me.whatsapp_no_audio",
    "remember.offer", "remember.done", "remember.welcome_back", "remember.choices",
    "remember.forgotten",
    "caregiver.ask_number", "caregiver.you_typed",
    *(f"caregiver.digit_{n}" for n in range(10)), "caregiver.confirm_number",
    "caregiver.invalid", "caregiver.sent",
    "caregiver.not_sent", "caregiver.limit",
    "transfer.connecting", "transfer.closed", "transfer.hours", "transfer.failed",
    "sms.help", "sms.unknown", "sms.opted_out", "sms.opted_in", "sms.part_label",
    "sms.stop_footer", "sms.stop_footer_number", "sms.share_intro", "sms.share_sent",
    "sms.share_not_sent",
    "sms.share_invalid", "sms.share_limit", "sms.forget_done", "sms.safety", "sms.safety_call",
    "sms.crisis_line", "sms.error",
    "sms.piece_more", "sms.piece_last", "sms.more_none", "sms.more_end", "sms.no_item",
    "sms.all_limit", "sms.thanks", "sms.already_on", "sms.also", "sms.discreet_on",
    "sms.discreet_off", "sms.discreet_line", "sms.share_example",
    *REMINDER_TEXTS,
    # WhatsApp (helpline/whatsapp/): voice notes, and the wording its templates are made with.
    "whatsapp.voice_note", "whatsapp.template_invite", "whatsapp.listen_sent",
    "whatsapp.listen_no_audio", "whatsapp.listen_limit",
)

#: Commands a caller may say or a texter may type, besides each section's own words (the
#: words live in every language file under intents:).
COMMAND_INTENTS = (
    "menu", "share", "forget", "repeat", "next", "previous", "text_me", "caregiver", "operator",
    "yes", "no", "language",
)

_FORMATTER = string.Formatter()


def placeholders_in(text: str) -> set[str]:
    """The placeholder names a text uses. Raises ValueError on a lone brace."""
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}


@dataclass(frozen=True)
class Text:
    """One piece of content with a stable id, worded for the ear and for the screen."""

    id: str
    voice: str | None
    sms: str | None
    title: str | None = None
    line: int = 0

    def for_channel(self, channel: str) -> str | None:
        return self.voice if channel == VOICE else self.sms


@dataclass(frozen=True)
class Section:
    """A section's texts in one language: the intro, then the pieces in reading order."""

    name: str
    intro: Text | None
    items: tuple[Text, ...]

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


@dataclass(frozen=True)
class LanguageMeta:
    """How a language is spoken and texted: voices, codes and limits for its checks."""

    code: str
    name: str
    say_voice: str
    say_language: str
    speech_language: str
    sms_alphabet: str = "gsm7"
    #: The helpline's name as said in this language, unless HELPLINE_NAME gives one.
    helpline_name: str = ""
    max_reading_grade: float | None = None
    #: English: the hardest single sentence, and the Dale-Chall score of a whole text.
    max_sentence_grade: float | None = None
    max_dale_chall: float | None = None
    max_sentence_words: int | None = None
    max_sentence_chars: int | None = None
    audio_engine: str = "gtts"
    audio_voice: str = ""
    audio_min_tier: str = "neural"


@dataclass(frozen=True)
class LanguagePack:
    """Everything one language file holds."""

    meta: LanguageMeta
    texts: Mapping[str, Text]
    intents: Mapping[str, tuple[str, ...]]
    reserved: Mapping[str, tuple[str, ...]]
    safety_words: tuple[str, ...]
    readability_exempt: Mapping[str, str]
    path: Path
    sections: Mapping[str, Section] = field(default_factory=dict)
    #: Any way of asking for no more texts, honoured as STOP (see vocabulary: in the catalogue).
    opt_out_phrases: tuple[str, ...] = ()
    #: How a caller says each key: {"7": ("seven",), "*": ("star",)}.
    spoken_digits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Words a discreet text's first line must not show (the illness, the subject, a hospital).
    sensitive_words: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.meta.code

    def text(self, text_id: str) -> Text:
        return self.texts[text_id]

    def render(self, text_id: str, channel: str, values: Mapping[str, object]) -> str:
        """The words of a text for one channel with its placeholders filled in."""
        text = self.texts[text_id]
        words = text.for_channel(channel)
        if words is None:
            words = text.voice if channel == SMS else text.sms
        words = (words or "").format_map(_Values({**values, "helpline_name": self.name(values)}))
        if channel == SMS and self.meta.sms_alphabet == ECONOMY:
            return to_gsm7(words)
        return words

    def name(self, values: Mapping[str, object]) -> str:
        """The helpline's name in this language: the operator's (one for all languages, or one
        per language), else the one this language's file gives."""
        given = values.get("helpline_name")
        if isinstance(given, Mapping):
            given = given.get(self.code)
        return str(given or self.meta.helpline_name)


class _Values(dict):
    """Placeholder values; a missing one is left visible rather than crashing a call."""

    def __init__(self, values: Mapping[str, object]):
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Content:
    """The enabled languages in menu order (the first is the default), and the catalogue."""

    languages: Mapping[str, LanguagePack]
    catalogue: Catalogue

    @property
    def default(self) -> LanguagePack:
        return next(iter(self.languages.values()))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.languages)

    def section_items(self) -> dict[str, tuple[str, ...]]:
        """Each section's piece ids in reading order (the same in every language)."""
        return {name: section.item_ids for name, section in self.default.sections.items()}

    def pack(self, code: str | None) -> LanguagePack:
        """The pack for a language, falling back to the default for an unknown or disabled one."""
        if code:
            pack = self.languages.get(code.lower())
            if pack is not None:
                return pack
        return self.default

    def __iter__(self) -> Iterator[LanguagePack]:
        return iter(self.languages.values())
