"""The catalogue's ``vocabulary:`` (the kind of each word list) and ``keys:`` (the key card).

Both are declared once in scripts_content/catalogue.yaml. The vocabulary tells keyword matching
how each list of words in the language files is matched (see core/keywords.py); the key card
is the design every phone screen follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem

#: The kinds a word list may have, as written in catalogue.yaml.
WORD_KINDS = ("keyword", "command", "command with a number", "command with a date",
              "command with a language", "language name", "spoken navigation", "spoken digit")

#: The list of spoken digits has its own block in each language file.
SPOKEN_DIGITS = "spoken_digits"

#: Every key of a phone keypad.
KEYPAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#")

#: What the key card must give a key to (the phone call's navigation).
NAVIGATION_MEANINGS = ("back", "repeat", "main_menu", "slower", "next_or_more", "text_me",
                       "person")


#: A screen's key for "every digit": a number being typed.
ALL_DIGITS = "0-9"


@dataclass(frozen=True)
class Screen:
    """A screen's own keys; ``keeps`` (when set) are the only navigation meanings it keeps."""

    keys: Mapping[str, str]
    keeps: tuple[str, ...] | None = None


@dataclass(frozen=True)
class KeyCard:
    """The keys of a call: navigation keys (the same on every screen, never a choice), the
    keys left for choices, and the screens that keep only some of them."""

    navigation: Mapping[str, str]  # key -> meaning
    choices: tuple[str, ...]
    screens: Mapping[str, Screen] = field(default_factory=dict)

    def key_for(self, meaning: str) -> str | None:
        return next((k for k, m in self.navigation.items() if m == meaning), None)


def parse_vocabulary(data: Any, lines: Mapping[str, int], path: Path,
                     problems: list[Problem]) -> dict[str, str]:
    """Each word list's kind, from ``vocabulary: {name: kind}``."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.append(Problem(path, "vocabulary", "is not a list of names and kinds.",
                                "Write one line per word list, e.g. more: command.",
                                lines.get("vocabulary", 0)))
        return {}
    kinds: dict[str, str] = {}
    for name, kind in data.items():
        where = f"vocabulary.{name}"
        if str(kind) not in WORD_KINDS:
            problems.append(Problem(path, where, f"has the kind {kind!r}.",
                                    f"Use one of: {', '.join(WORD_KINDS)}.",
                                    lines.get(where, 0)))
            continue
        kinds[str(name)] = str(kind)
    return kinds


def parse_keys(data: Any, lines: Mapping[str, int], path: Path,
               problems: list[Problem]) -> KeyCard | None:
    """The key card from ``keys:``: each meaning one key, navigation keys never choices."""
    if data is None:
        return None

    def problem(where: str, what: str, fix: str) -> None:
        problems.append(Problem(path, where, what, fix, lines.get(where, lines.get("keys", 0))))

    if not isinstance(data, Mapping) or not isinstance(data.get("navigation"), Mapping):
        problem("keys", "has no navigation: keys.", "See the key card in the shipped "
                "catalogue.yaml.")
        return None
    navigation = {str(k): str(v) for k, v in data["navigation"].items()}
    choices = tuple(str(k) for k in data.get("choices") or ())
    for key in [*navigation, *choices]:
        if key not in KEYPAD:
            problem("keys", f"names {key!r}, which is not a key on a phone.",
                    "Use 0 to 9, * or #.")
    missing = [m for m in NAVIGATION_MEANINGS if m not in navigation.values()]
    if missing:
        problem("keys.navigation", f"gives no key to {', '.join(missing)}.",
                "Give every navigation meaning one key.")
    meanings = list(navigation.values())
    for meaning in set(meanings):
        if meanings.count(meaning) > 1:
            problem("keys.navigation", f"gives {meaning} more than one key.",
                    "One key per meaning, the same on every screen.")
    shared = sorted(set(navigation) & set(choices))
    if shared:
        problem("keys.choices", f"uses navigation keys ({', '.join(shared)}) as choices.",
                "Navigation keys are never choices: use the keys left over.")
    screens: dict[str, Screen] = {}
    raw = data.get("screens") or {}
    for name, fields in (raw.items() if isinstance(raw, Mapping) else ()):
        fields = fields if isinstance(fields, Mapping) else {}
        keeps = tuple(str(m) for m in fields.get("keeps") or ())
        own = {str(k): str(v) for k, v in (fields.get("keys") or {}).items()}
        screens[str(name)] = Screen(own, keeps if "keeps" in fields else None)
        for key, meaning in own.items():
            where = f"keys.screens.{name}"
            if key not in KEYPAD and key != ALL_DIGITS:
                problem(where, f"names {key!r}, which is not a key on a phone.",
                        f"Use 0 to 9, * or # (or {ALL_DIGITS} for a number being typed).")
            elif key in navigation and "keeps" not in fields:
                problem(where, f"gives key {key} the meaning {meaning}, but it means "
                        f"{navigation[key]} on every screen.", "Use a choice key.")
            elif key in navigation and navigation[key] in keeps:
                problem(where, f"keeps {navigation[key]} but gives its key {key} to {meaning}.",
                        "Give the screen's own meaning another key.")
    return KeyCard(navigation, choices, screens)
