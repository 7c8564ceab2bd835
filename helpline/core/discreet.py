"""Discreet texts: a locked phone shows a text's first line, so it must not name the subject.

Each language lists its sensitive words (``sensitive_words:``: the illness, the helpline's
subject, a hospital). A text whose first line holds one starts instead with the language's
neutral line (``sms.discreet_line``), and the subject follows below it.

Pure: no Flask, no Twilio, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .normalise import normalise, script_of


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def names_subject(line: str, sensitive: Iterable[str]) -> bool:
    """Whether ``line`` holds a sensitive word: Latin as whole words, Cyrillic from a word
    start (case endings vary), other scripts anywhere (Arabic clitics, Chinese has no spaces)."""
    said = normalise(line)
    if not said:
        return False
    spaced = f" {said} "
    for word in sensitive:
        wanted = normalise(word)
        if not wanted:
            continue
        scripts = {script_of(ch) for ch in wanted if ch != " " and not ch.isdigit()}
        if scripts <= {"latin"}:
            found = f" {wanted} " in spaced
        elif scripts <= {"latin", "cyrillic"}:
            found = f" {wanted}" in spaced
        else:
            found = wanted in said
        if found:
            return True
    return False


def discreet(messages: Sequence[str], sensitive: Sequence[str], neutral: str) -> list[str]:
    """Each message whose first line names the subject, led by the neutral line instead."""
    return [f"{neutral}\n{message}" if names_subject(first_line(message), sensitive)
            else message for message in messages]
