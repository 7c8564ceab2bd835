"""Which texts make up each SMS answer, split into numbered parts at item boundaries.

Pure: content in, message parts out. Used for replies, text-me from a call and caregiver shares,
so a texter and a caller who asks for a text read exactly the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..content.model import SECTIONS, SMS, LanguagePack
from .split import split_message

#: Keyword intents that answer with a whole section, and with one text.
SECTION_INTENTS = {"checklist": "checklist", "questions": "questions",
                   "international": "international", "support": "support"}
SINGLE_TEXT_INTENTS = {
    "menu": "menu.main",
    "scripts": "scripts.intro",
    "script_direct": "scripts.direct",
    "script_emotional": "scripts.emotional",
    "script_calm": "scripts.calm",
    "help": "sms.help",
    "unknown": "sms.unknown",
    "language": "language.set",
}


def _render(pack: LanguagePack, text_id: str, values: Mapping[str, object]) -> str:
    return pack.render(text_id, SMS, values)


def parts(pack: LanguagePack, text_ids: Sequence[str], values: Mapping[str, object]) -> list[str]:
    """The texts joined and split into numbered parts, never cutting inside one text."""
    items = [_render(pack, text_id, values) for text_id in text_ids]
    label = pack.texts["sms.part_label"].sms or "({n}/{total})"
    return split_message([item for item in items if item], label)


def section_ids(pack: LanguagePack, section: str) -> list[str]:
    """A section read by text: its intro, then every piece in order."""
    found = pack.sections[section]
    return ([found.intro.id] if found.intro else []) + [t.id for t in found.items]


def reply_ids(pack: LanguagePack, intent: str) -> list[str]:
    """The texts that answer a keyword."""
    if intent in SECTION_INTENTS:
        return section_ids(pack, SECTION_INTENTS[intent])
    return [SINGLE_TEXT_INTENTS.get(intent, "sms.unknown")]


def text_me_ids(pack: LanguagePack, text_id: str) -> list[str]:
    """What a caller who pressed 9 receives: the piece (or menu), then how to stop texts."""
    section = text_id.split(".")[0]
    ids = [text_id]
    if section in SECTIONS and text_id != f"{section}.intro" and section != "scripts":
        found = pack.sections[section]
        if found.intro is not None:
            ids.insert(0, found.intro.id)
    return [*ids, "sms.stop_footer"]


def share_ids(pack: LanguagePack) -> list[list[str]]:
    """A caregiver share: who we are and why they hear from us, then the questions.

    Two sends, so the introduction always arrives first and alone.
    """
    return [["sms.share_intro"], [*section_ids(pack, "questions"), "sms.stop_footer"]]
