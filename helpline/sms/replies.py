"""Texted answers made ahead of time: every fixed reply's TwiML, and the keyword a body means.

A keyword reply's words depend only on the language and the content, both fixed once the app
has started, so each is composed, split into parts and written as TwiML once per language at
start-up; a text then costs a dictionary lookup. A reply with values known only now (the
texter's emergency number) is composed on the spot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from twilio.twiml.messaging_response import MessagingResponse

from ..content import Content
from ..core import compose
from ..core.keywords import Intent, KeywordTable

#: Fixed texts the texting handlers answer with besides keyword replies.
FIXED_REPLIES = ("sms.opted_out", "sms.opted_in", "sms.forget_done", "sms.error",
                 "sms.share_sent", "sms.share_invalid", "sms.share_limit", "sms.share_not_sent")

#: Bodies at most this long have their meaning remembered (keywords, typos, numbers); longer
#: ones are matched every time, so no one's sentences are kept in memory.
MAX_REMEMBERED_BODY = 40
REMEMBERED_BODIES = 4096


def twiml_of(parts: Sequence[str]) -> str:
    """The <Response> with one <Message> per part."""
    response = MessagingResponse()
    for part in parts:
        response.message(part)
    return str(response)


class PreparedReplies:
    """TwiML for every fixed reply in every enabled language, made at start-up."""

    def __init__(self, content: Content, values: Mapping[str, object]):
        self.content = content
        self.values = values
        self._twiml: dict[tuple[str, tuple[str, ...]], str] = {}
        for code, pack in content.languages.items():
            for text_id in FIXED_REPLIES:
                if text_id in pack.texts:
                    self.twiml(code, [text_id])
            for intent in pack.intents:
                self.twiml(code, compose.reply_ids(pack, content.catalogue, intent))

    def twiml(self, language: str, text_ids: Sequence[str],
              values: Mapping[str, object] | None = None) -> str:
        """The reply of ``text_ids`` in ``language`` as TwiML; prepared unless ``values``."""
        if values:
            return twiml_of(self._parts(language, text_ids, {**self.values, **values}))
        key = (self.content.pack(language).code, tuple(text_ids))
        found = self._twiml.get(key)
        if found is None:  # ids come from code and catalogue: a finite set, kept as met
            found = self._twiml[key] = twiml_of(self._parts(language, text_ids, self.values))
        return found

    def _parts(self, language: str, text_ids: Sequence[str],
               values: Mapping[str, object]) -> list[str]:
        return compose.parts(self.content.pack(language), list(text_ids), values)


class Prepared:
    """What the texting handlers prepare at start-up."""

    def __init__(self, content: Content, values: Mapping[str, object], table: KeywordTable,
                 spool: Path):
        self.replies = PreparedReplies(content, values)
        self.matches = RememberedMatches(table)
        #: Where opt-outs wait while the database is down (looked at before every text).
        self.spool = spool


class RememberedMatches:
    """``KeywordTable.match`` for texts, remembered for short bodies (most texts are a keyword,
    sent again and again). Pure: the table does not change while the app runs."""

    def __init__(self, table: KeywordTable):
        self.table = table
        self._match = lru_cache(maxsize=REMEMBERED_BODIES)(self._match_now)

    def match(self, body: str, prefer: str | None = None) -> Intent:
        if len(body) > MAX_REMEMBERED_BODY:
            return self.table.match(body, prefer=prefer)
        return self._match(body, prefer)

    def _match_now(self, body: str, prefer: str | None) -> Intent:
        return self.table.match(body, prefer=prefer)
