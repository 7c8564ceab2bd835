"""The catalogue: the helpline's sections, declared once in scripts_content/catalogue.yaml.

A section's order, main-menu key, position text, report label and chooser live here, and its
keyword is the intent of the same name in each language file. The phone menu, keyword
matching, SMS replies, the content checks and the reports are all built from this, so a new
section is a YAML edit, never a Python one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem
from .vocabulary import KeyCard, parse_keys, parse_vocabulary

CATALOGUE_FILE = "catalogue.yaml"

#: A section's key when it is offered under "more" rather than on the main menu.
UNDER_MORE = "more"

#: Text groups the flows own; a section may not take one of these names.
FIXED_GROUPS = frozenset({"welcome", "safety", "language", "menu", "nav", "voice", "caregiver",
                          "transfer", "sms", "text_me", "remember"})

CATALOGUE_PARTS = ("sections", "vocabulary", "keys")
SECTION_FIELDS = frozenset({"key", "position", "report", "chooser", "share"})
_SECTION_ID = re.compile(r"[a-z][a-z0-9_]{0,30}")


@dataclass(frozen=True)
class SectionEntry:
    """One section as the catalogue declares it (its pieces come from the texts)."""

    id: str
    key: str
    position: str
    report: str
    chooser: str | None = None
    #: Whether a caller or texter may send this section to a caregiver's phone.
    share: bool = False
    line: int = 0

    @property
    def intro(self) -> str:
        """The id of the text heard (or texted) first."""
        return f"{self.id}.intro"

    @property
    def chooser_screen(self) -> str:
        """The phone screen that offers this section's pieces by number."""
        return f"{self.id}_menu"


@dataclass(frozen=True)
class Catalogue:
    """Every section in menu order."""

    sections: tuple[SectionEntry, ...]
    path: Path
    #: The kind of each word list in the language files (vocabulary:), e.g. more: command.
    vocabulary: Mapping[str, str] = field(default_factory=dict)
    #: The key card for calls (keys:), when the catalogue has one.
    keys: KeyCard | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(section.id for section in self.sections)

    def section(self, section_id: str) -> SectionEntry:
        return next(s for s in self.sections if s.id == section_id)

    def get(self, section_id: str | None) -> SectionEntry | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def by_key(self, key: str) -> SectionEntry | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def shared(self) -> SectionEntry | None:
        """The section a caregiver share sends (the one marked share: yes), if any."""
        return next((s for s in self.sections if s.share), None)

    def section_of(self, text_id: str | None) -> SectionEntry | None:
        """The section a text belongs to ("questions" for "questions.q03"), or None."""
        if not text_id or "." not in text_id:
            return None
        return self.get(text_id.split(".", 1)[0])

    def required_texts(self) -> set[str]:
        """Texts the catalogue makes the flows speak: intros, position and chooser texts."""
        ids = set()
        for section in self.sections:
            ids.update((section.intro, section.position))
            if section.chooser:
                ids.add(section.chooser)
            if section.key == UNDER_MORE:
                ids.add(f"menu.more_{section.id}")
        return ids

    def __iter__(self) -> Iterator[SectionEntry]:
        return iter(self.sections)


def parse_catalogue(data: Any, lines: Mapping[str, int], path: Path,
                    problems: list[Problem]) -> Catalogue | None:
    """The catalogue from catalogue.yaml's data, or None when it cannot be used."""
    if not isinstance(data, Mapping) or not isinstance(data.get("sections"), Mapping) or not (
            data.get("sections")):
        problems.append(Problem(path, "sections", "is missing or empty.",
                                "List the helpline's sections under sections: (see the "
                                "comments at the top of the shipped catalogue.yaml).",
                                lines.get("sections", 0)))
        return None
    for name in data:
        if name not in CATALOGUE_PARTS:
            problems.append(Problem(path, str(name), "is not a part of the catalogue.",
                                    f"Use only {', '.join(CATALOGUE_PARTS)}.",
                                    lines.get(str(name), 0)))
    sections: list[SectionEntry] = []
    keys: dict[str, str] = {}
    for section_id, fields in data["sections"].items():
        where, line = f"sections.{section_id}", lines.get(f"sections.{section_id}", 0)
        entry = _section(str(section_id), fields, where, line, path, lines, problems)
        if entry is None:
            continue
        if entry.key in keys and entry.key != UNDER_MORE:
            problems.append(Problem(path, f"{where}.key",
                                    f"is {entry.key}, which {keys[entry.key]} already uses.",
                                    "Give every section its own key.", line))
            continue
        keys[entry.key] = section_id
        sections.append(entry)
    shared = [s.id for s in sections if s.share]
    if len(shared) > 1:
        problems.append(Problem(path, "sections", f"marks {', '.join(shared)} with share.",
                                "Only one section can be sent to a caregiver: keep share: yes "
                                "on one.", lines.get("sections", 0)))
    if not sections:
        return None
    vocabulary = parse_vocabulary(data.get("vocabulary"), lines, path, problems)
    card = parse_keys(data.get("keys"), lines, path, problems)
    if card is None:
        problems.append(Problem(path, "keys", "is missing: calls need the key card.",
                                "Copy the keys: block from the shipped catalogue.yaml.",
                                lines.get("keys", 0)))
        return None
    _check_keys_of_sections(sections, card, path, lines, problems)
    return Catalogue(tuple(sections), path, vocabulary, card)


def _check_keys_of_sections(sections: list[SectionEntry], card: KeyCard, path: Path,
                            lines: Mapping[str, int], problems: list[Problem]) -> None:
    """A section's key is a choice of the key card; a section under more is named there."""
    more = card.screens.get(UNDER_MORE)
    named = set(more.keys.values()) if more else set()
    for section in sections:
        where = f"sections.{section.id}.key"
        if section.key == UNDER_MORE and section.id not in named:
            problems.append(Problem(path, where, "is more, but keys: screens: more does not "
                                    "name it.", f"Give {section.id} a key there, e.g. "
                                    f'"3": {section.id}.', lines.get(where, section.line)))
        elif section.key != UNDER_MORE and section.key not in card.choices:
            problems.append(Problem(path, where, f"is {section.key}, which is not one of the "
                                    f"key card's choices ({', '.join(card.choices)}).",
                                    "Use a choice key, or more.", lines.get(where, section.line)))


def _section(section_id: str, fields: Any, where: str, line: int, path: Path,
             lines: Mapping[str, int], problems: list[Problem]) -> SectionEntry | None:
    if not _SECTION_ID.fullmatch(section_id) or section_id in FIXED_GROUPS:
        problems.append(Problem(path, where, "is not a name a section can have.",
                                "Use lower-case letters, digits and _ (not one of "
                                f"{', '.join(sorted(FIXED_GROUPS))}).", line))
        return None
    if not isinstance(fields, Mapping):
        problems.append(Problem(path, where, "has no settings.",
                                "Give it key:, position: and report:.", line))
        return None
    for name in fields:
        if name not in SECTION_FIELDS:
            problems.append(Problem(path, f"{where}.{name}", "is not a section setting.",
                                    f"Use only: {', '.join(sorted(SECTION_FIELDS))}.",
                                    lines.get(f"{where}.{name}", line)))
    key = str(fields.get("key", "")).strip()
    if not (len(key) == 1 and key.isdecimal()) and key != UNDER_MORE:
        problems.append(Problem(path, f"{where}.key", f"is {key or 'missing'!s}.",
                                "Use one of the key card's choices (keys: choices:), or more "
                                "to offer it under \"more\".", lines.get(f"{where}.key", line)))
        return None
    position = str(fields.get("position") or "").strip()
    if not position:
        problems.append(Problem(path, f"{where}.position", "is missing.",
                                "Name the text spoken before each piece, e.g. nav.item.", line))
        return None
    chooser = str(fields.get("chooser") or "").strip() or None
    report = str(fields.get("report") or "").strip() or section_id
    share = str(fields.get("share", "no")).strip().lower()
    if share not in ("yes", "no", "true", "false"):
        problems.append(Problem(path, f"{where}.share", f"is {share!r}.", "Write yes or no.",
                                lines.get(f"{where}.share", line)))
    return SectionEntry(section_id, key, position, report, chooser, share in ("yes", "true"),
                        line)
