"""A language's own words by kind, from the ``words:`` block of its file.

The kinds and how each is matched are declared once in the catalogue's ``vocabulary:`` block
(vocabulary.py). A language file keeps its section keywords under ``intents:``, its reserved
words under ``reserved:`` and its safety phrases under ``safety_words:``; everything else it
says or types is here, each word in one place:

    words:
      opt_out: [phrases anywhere in a message that ask to stop]
      opt_out_first: [words that ask to stop when they start a message: "STOP ALL"]
      commands: {more: [MORE], all: [ALL], ...}        # the whole message only
      with_argument: {remind: [REMIND], ...}           # first words, then an argument
      navigation: {slower: [...], goodbye: [...]}      # spoken on calls
      digits: {"0": [zero], ..., "*": [star], "#": [hash]}  # spoken on calls
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem

WORD_LISTS = ("opt_out", "opt_out_first")
WORD_GROUPS = ("commands", "with_argument", "navigation", "digits")


@dataclass(frozen=True)
class Words:
    """One language's words by kind (see the module text)."""

    opt_out: tuple[str, ...] = ()
    opt_out_first: tuple[str, ...] = ()
    commands: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    with_argument: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    navigation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    digits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def group(self, name: str) -> Mapping[str, tuple[str, ...]]:
        return getattr(self, name)


def word_list(value: Any, where: str, path: Path, line: int,
              problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(
            Problem(
                path, where, "must be a list of words.", "Write it as [WORD, OTHER WORD].", line
            )
        )
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def parse_words(raw: Any, path: Path, lines: Mapping[str, int],
                problems: list[Problem]) -> Words:
    """The ``words:`` block of a language file (empty when it has none)."""
    if raw is None:
        return Words()
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, "words", "is not a block of word lists.",
                                "See en.yaml for the layout.", lines.get("words", 0)))
        return Words()
    values: dict[str, Any] = {}
    for name, value in raw.items():
        where = f"words.{name}"
        line = lines.get(where, lines.get("words", 0))
        if name in WORD_LISTS:
            values[name] = word_list(value, where, path, line, problems)
        elif name in WORD_GROUPS and isinstance(value, Mapping):
            values[name] = {
                str(key): word_list(words, f"{where}.{key}", path,
                                    lines.get(f"{where}.{key}", line), problems)
                for key, words in value.items()
            }
        elif name in WORD_GROUPS:
            problems.append(Problem(path, where, "is not a block of named word lists.",
                                    f"Write it as {name}: {{name: [WORD, OTHER WORD]}}.", line))
        else:
            problems.append(Problem(path, where, "is not a kind of word.",
                                    f"Use only: {', '.join(WORD_LISTS + WORD_GROUPS)}.", line))
    return Words(**values)
