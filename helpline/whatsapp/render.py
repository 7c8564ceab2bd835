"""How a reply reads on WhatsApp: no SMS segments, one message per section, *bold* titles.

WhatsApp carries long text in one bubble, so a section goes as one message up to Twilio's
1,600-character body limit, split only beyond it and only between items. A piece with a
title starts with it in bold (WhatsApp's ``*bold*``). Pure: content in, message bodies out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..content.model import SMS, LanguagePack
from ..core.split import split_message

#: Twilio's limit for one message body; WhatsApp has no segments below it.
MAX_BODY = 1600
#: A blank line between items: easier to read on a phone than SMS's single line break.
SEPARATOR = "\n\n"
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+")
#: WhatsApp's formatting characters: a title holding one would open or close bold by mistake.
_MARKS = re.compile(r"[*_~`]")


def item(pack: LanguagePack, text_id: str, values: Mapping[str, object]) -> str:
    """One text as WhatsApp shows it: its title in bold on its own line, where it has one."""
    body = pack.render(text_id, SMS, values)
    title = pack.texts[text_id].title if text_id in pack.texts else None
    if not body or not title:
        return body
    title = _MARKS.sub("", title).strip()
    numbered = _NUMBERED.match(body)
    if numbered:
        return f"*{numbered.group(1)}. {title}*\n{body[numbered.end():]}"
    return f"*{title}*\n{body}"


def parts(pack: LanguagePack, text_ids: Sequence[str],
          values: Mapping[str, object]) -> list[str]:
    """The texts as WhatsApp messages: one message unless it would pass 1,600 characters."""
    items = [item(pack, text_id, values) for text_id in text_ids]
    label = pack.texts["sms.part_label"].sms or "({n}/{total})"
    return split_message([text for text in items if text], label, soft_limit=MAX_BODY,
                         hard_limit=MAX_BODY, separator=SEPARATOR)
