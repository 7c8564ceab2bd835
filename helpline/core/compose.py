"""Which texts make up each SMS answer, split into numbered parts at item boundaries.

Pure: content in, message parts out. Used for replies, text-me from a call and caregiver shares,
so a texter and a caller who asks for a text read exactly the same words. Which section a
keyword answers with, and how, comes from the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..content import Catalogue
from ..content.model import SMS, LanguagePack
from .split import split_message

#: Keywords that answer with one fixed text.
COMMAND_REPLIES = {
    "menu": "menu.main",
    "help": "sms.help",
    "unknown": "sms.unknown",
    "language": "language.set",
}


def parts(pack: LanguagePack, text_ids: Sequence[str], values: Mapping[str, object]) -> list[str]:
    """The texts joined and split into numbered parts, never cutting inside one text."""
    items = [pack.render(text_id, SMS, values) for text_id in text_ids]
    label = pack.texts["sms.part_label"].sms or "({n}/{total})"
    return split_message([item for item in items if item], label)


def section_ids(pack: LanguagePack, section: str) -> list[str]:
    """A section read by text: its intro, then every piece in order."""
    found = pack.sections[section]
    return ([found.intro.id] if found.intro else []) + [t.id for t in found.items]


def reply_ids(pack: LanguagePack, catalogue: Catalogue, intent: str) -> list[str]:
    """The texts that answer a keyword.

    A section's keyword sends the whole section, except a section whose pieces are chosen one
    by one (the scripts): its intro lists the choices. A piece's own words send that piece.
    """
    section = catalogue.get(intent)
    if section is not None:
        return [section.intro] if section.chooser else section_ids(pack, intent)
    if catalogue.section_of(intent) is not None and intent in pack.texts:
        return [intent]
    return [COMMAND_REPLIES.get(intent, "sms.unknown")]


def text_me_ids(pack: LanguagePack, catalogue: Catalogue, text_id: str) -> list[str]:
    """What a caller who asked for a text receives: the piece (or menu, or a whole section),
    then how to stop.

    A piece is sent under its section's intro (the heading that says what it is), except in a
    section whose pieces stand alone as choices.
    """
    if catalogue.get(text_id) is not None:  # a whole section ("all ten questions")
        return [*section_ids(pack, text_id), "sms.stop_footer"]
    section = catalogue.section_of(text_id)
    ids = [text_id]
    if section is not None and text_id != section.intro and not section.chooser:
        found = pack.sections[section.id]
        if found.intro is not None:
            ids.insert(0, found.intro.id)
    return [*ids, "sms.stop_footer"]


def share_ids(pack: LanguagePack, section: str) -> list[list[str]]:
    """A caregiver share: who we are and why they hear from us, then the shared section.

    Two sends, so the introduction always arrives first and alone.
    """
    return [["sms.share_intro"], [*section_ids(pack, section), "sms.stop_footer"]]
