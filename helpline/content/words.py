"""The words of a language file beyond its texts and intents: opt-out phrasings and spoken
digits, read and checked here (the loader calls this for every language file)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .problems import Problem
from .vocabulary import KEYPAD


def word_list(value: Any, where: str, path: Path, line: int,
              problems: list[Problem]) -> tuple[str, ...]:
    """A list of words as written ([WORD, OTHER WORD]); a lone word is a list of one."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(
            Problem(path, where, "must be a list of words.", "Write it as [WORD, OTHER WORD].",
                    line))
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def spoken_digits(value: Any, path: Path, lines: Mapping[str, int],
                  problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """``spoken_digits: {"1": [one], ..., "*": [star], "#": [hash, pound]}``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(Problem(path, "spoken_digits", "is not a list of keys and words.",
                                'Write one line per key, e.g. "1": [one].',
                                lines.get("spoken_digits", 0)))
        return {}
    digits: dict[str, tuple[str, ...]] = {}
    for key, words in value.items():
        where = f"spoken_digits.{key}"
        if str(key) not in KEYPAD:
            problems.append(Problem(path, where, "is not a key on a phone.",
                                    "Use 0 to 9, * or #, in quotes.", lines.get(where, 0)))
            continue
        digits[str(key)] = word_list(words, where, path, lines.get(where, 0), problems)
    return digits


def check_words_against_reference(pack: Any, reference: Any, problems: list[Problem]) -> None:
    """Every language can be asked to stop, and names the same keys as the reference."""
    if reference.opt_out_phrases and not pack.opt_out_phrases:
        problems.append(Problem(pack.path, "opt_out_phrases", "has no words.",
                                f"List the ways a {pack.meta.name} speaker asks to get no more "
                                "texts (the helpline honours each as STOP)."))
    for key in reference.spoken_digits:
        if not pack.spoken_digits.get(key):
            problems.append(Problem(pack.path, f"spoken_digits.{key}", "has no words.",
                                    f"List how a {pack.meta.name} speaker says the key {key}."))
