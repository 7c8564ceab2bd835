"""A section by text in small pieces: MORE for the next, ALL for the whole, a number for one.

A texter who only wanted the first items should not pay (nor make the operator pay) for all of
them, so a keyword answers with as much of its section as fits in a small budget of segments,
ending with what to text next. Where the texter is in the section is a short string kept with
their contact (``Place.encode``), so MORE and a bare number mean what the last text offered.

Pure: content in, message text out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..content.model import SMS, Content, LanguagePack
from ..content.problems import Problem
from .segments import GSM7, analyse

#: Most segments a keyword reply may cost, footer included, by encoding.
BUDGET = {GSM7: 3, "UCS-2": 4}

#: Texts that end a piece: more to come, or the last.
MORE_FOOTER = "sms.piece_more"
LAST_FOOTER = "sms.piece_last"

#: The place after a text that offered the menu: a bare number then picks a section.
MENU = "menu"

SEPARATOR = "\n"


@lru_cache(maxsize=4096)
def fits(text: str) -> bool:
    """Whether a message stays within its encoding's segment budget. Remembered: the same
    candidate pieces are measured for every texter who asks for a section (a few thousand
    distinct texts at most)."""
    info = analyse(text)
    return info.segments <= BUDGET.get(info.encoding, 4)


@dataclass(frozen=True)
class Place:
    """The next entry of a section's reading list to send (0 is its intro, if any), and the
    language it was being read in ("" for the texter's own)."""

    section: str
    next: int
    language: str = ""

    def encode(self) -> str:
        return f"{self.section}:{self.next}:{self.language}"

    @classmethod
    def decode(cls, text: str | None) -> Place | None:
        """A stored place, or None for none, the menu, or anything malformed."""
        if not text or text == MENU:
            return None
        section, _, rest = text.partition(":")
        index, _, language = rest.partition(":")
        if not section or not index.isdigit():
            return None
        return cls(section, int(index), language)


def reading_list(pack: LanguagePack, section: str) -> list[str]:
    """A section's text ids in reading order: its intro, then every item."""
    found = pack.sections[section]
    return ([found.intro.id] if found.intro else []) + [t.id for t in found.items]


def item_count(pack: LanguagePack, section: str) -> int:
    return len(pack.sections[section].items)


def item_index(pack: LanguagePack, section: str, number: int) -> int | None:
    """The reading-list index of item ``number`` (1-based), or None when there is none."""
    if not 1 <= number <= item_count(pack, section):
        return None
    return number if pack.sections[section].intro else number - 1


@dataclass(frozen=True)
class Piece:
    """One message of a section, and where the next one starts (None: that was the last)."""

    text: str
    next: int | None


def piece(pack: LanguagePack, section: str, start: int, values: Mapping[str, object], *,
          head: str = "", tail: Sequence[str] = (), single: bool = False) -> Piece:
    """As many entries from ``start`` as fit the budget with ``head`` before them, the
    rendered ``tail`` after them and the footer; always at least one entry. ``single``: only
    the entry at ``start`` (a number picked one item)."""
    ids = reading_list(pack, section)
    start = max(0, min(start, len(ids) - 1))
    values = {**values, "total": item_count(pack, section)}
    rendered = [pack.render(text_id, SMS, values) for text_id in ids]
    after = [pack.render(text_id, SMS, values) for text_id in tail]
    best: Piece | None = None
    last_end = start + 1 if single else len(ids)
    for end in range(start + 1, last_end + 1):
        footer = pack.render(LAST_FOOTER if end >= len(ids) else MORE_FOOTER, SMS, values)
        body = SEPARATOR.join([*rendered[start:end], *after, footer])
        text = f"{head}{SEPARATOR}{body}" if head else body
        candidate = Piece(text, end if end < len(ids) else None)
        if best is None or fits(text):
            best = candidate
        if not fits(text):
            break
    assert best is not None
    return best


def pieces(pack: LanguagePack, section: str, values: Mapping[str, object]) -> list[Piece]:
    """Every piece of a section as MORE walks it, from the keyword's first reply."""
    found = [piece(pack, section, 0, values)]
    while found[-1].next is not None:
        found.append(piece(pack, section, found[-1].next, values))
    return found


#: Texts sent alone as the whole reply to a keyword or command: each must fit the budget too.
ALONE = ("menu.main", "sms.help", "sms.unknown", "sms.thanks", "sms.already_on",
         "sms.more_none", "sms.more_end", "sms.all_limit", "sms.discreet_on",
         "sms.discreet_off", "sms.share_sent", "sms.share_invalid", "sms.share_example")

#: Values long enough to stand for any real one when a text is measured.
_MEASURE = {"masked_number": "+999 *** 999", "example_number": "+44 7700 900123",
            "keywords": "SCRIPTS, CHECKLIST, QUESTIONS"}


def budget_problems(content: Content, values: Mapping[str, object]) -> list[Problem]:
    """Every keyword reply that would cost more than its budget, in every language: each entry
    of a section sent alone with its footer, also under a discreet texter's neutral first line
    (the most MORE or a number ever sends: a piece holds more only when it fits), and the
    texts sent alone."""
    problems: list[Problem] = []
    values = {**_MEASURE, **values}
    for pack in content:
        seen: set[str] = set()
        neutral = pack.render("sms.discreet_line", SMS, values) \
            if "sms.discreet_line" in pack.texts else ""
        for section in pack.sections:
            ids = reading_list(pack, section)
            for index, text_id in enumerate(ids):
                for head, what in (("", "sent alone (a number, or MORE)"),
                                   (neutral, "sent alone to a DISCREET texter")):
                    alone = piece(pack, section, index, values, single=True, head=head)
                    _report(problems, seen, pack, text_id, alone.text, what)
        for text_id in ALONE:
            if text_id in pack.texts:
                text = pack.render(text_id, SMS, {**values, "n": 10, "total": 10})
                _report(problems, seen, pack, text_id, text, "sent as a reply")
    return problems


def _report(problems: list[Problem], seen: set[str], pack: LanguagePack, text_id: str,
            text: str, what: str) -> None:
    if text_id in seen or fits(text):
        return
    seen.add(text_id)
    info = analyse(text)
    problems.append(Problem(
        pack.path, f"{text_id} (sms)",
        f"{what} costs {info.segments} {info.encoding} segments with its footer; a keyword "
        f"reply may cost at most {BUDGET.get(info.encoding, 4)}.",
        "Rewrite it shorter for SMS (the voice words may stay as they are).",
        pack.texts[text_id].line if text_id in pack.texts else 0))
