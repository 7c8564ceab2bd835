"""Every exact sentence the phone menu can speak, so audio can be made for each one ahead of time.

A text with placeholders is spoken in a few fixed forms ("Question 3 of 10", "For English,
press 1"); each form is its own prompt with its own key and audio file. Texts whose values are
only known during a call (typed digits) have no prompt: the call uses <Say>.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..content import Catalogue
from ..content.model import VOICE, Content, LanguagePack, placeholders_in
from .emergency import SPOKEN_NUMBERS, spoken

#: The slow rendering of a prompt ("slower" on a call) is stored under its key and this.
SLOW_SUFFIX = ".slow"

#: Placeholders known only during a call; texts that use them are spoken with <Say>.
CALL_TIME_PLACEHOLDERS = frozenset({"digits"})


@dataclass(frozen=True)
class Prompt:
    """One sentence as a caller hears it, in one language."""

    language: str
    key: str
    text_id: str
    text: str

    def slower(self) -> Prompt:
        """The same words, for the slow rendering."""
        return Prompt(self.language, self.key + SLOW_SUFFIX, self.text_id, self.text)


def prompt_key(text_id: str, values: Mapping[str, object] | None = None) -> str:
    """The stable name of one spoken form of a text: ``nav.question.3-of-10``, ``welcome``."""
    if values:
        if "n" in values and "total" in values:
            return f"{text_id}.{values['n']}-of-{values['total']}"
        if "key" in values:
            return f"{text_id}.key-{values['key']}"
        if "emergency_number" in values:
            return f"{text_id}.{str(values['emergency_number']).replace(' ', '')}"
    return text_id


def helpline_names(setting: str) -> str | dict[str, str]:
    """HELPLINE_NAME as one name for every language, or per language: ``en=Hope Line,es=...``.

    Empty means each language's own name from its content file; a language the per-language
    form leaves out also keeps its own."""
    parts = [part.strip() for part in setting.split(",")]
    pairs = [part.partition("=") for part in parts if part]
    if pairs and all(eq and code.strip().isalpha() and len(code.strip()) <= 3
                     for code, eq, _ in pairs):
        return {code.strip().lower(): name.strip() for code, _, name in pairs if name.strip()}
    return setting.strip()


def deployment_values(settings: Mapping[str, object]) -> dict[str, object]:
    """Placeholder values fixed for a deployment (the same in every call)."""
    return {
        "helpline_name": helpline_names(str(settings.get("HELPLINE_NAME") or "")),
        "helpline_number": settings.get("TWILIO_FROM_NUMBER", ""),
        "emergency_number": settings.get("HELPLINE_EMERGENCY_NUMBER", ""),
        "crisis_line": settings.get("HELPLINE_CRISIS_LINE", ""),
    }


def _forms(pack: LanguagePack, catalogue: Catalogue, text_id: str,
           menu_key: int) -> Iterator[dict[str, object]]:
    """The values a text is spoken with during a call."""
    if text_id == "language.choose":
        yield {"key": menu_key}
        return
    voice = pack.texts[text_id].voice or ""
    if "emergency_number" in placeholders_in(voice):
        for number in SPOKEN_NUMBERS:  # said to each caller in their own country's form
            yield {"emergency_number": spoken(number)}
        return
    totals = {
        len(pack.sections[section.id].items)
        for section in catalogue
        if section.position == text_id and pack.sections.get(section.id)
    }
    if totals:
        for total in sorted(totals):
            for n in range(1, total + 1):
                yield {"n": n, "total": total}
        return
    yield {}


def spoken_prompts(
    content: Content, settings: Mapping[str, object], language: str | None = None
) -> list[Prompt]:
    """Every prompt of every enabled language (or of one), in content order."""
    fixed = deployment_values(settings)
    prompts: list[Prompt] = []
    for index, pack in enumerate(content, start=1):
        if language and pack.code != language:
            continue
        for text_id, text in pack.texts.items():
            if not text.voice:
                continue
            if placeholders_in(text.voice) & CALL_TIME_PLACEHOLDERS:
                continue
            for values in _forms(pack, content.catalogue, text_id, index):
                words = pack.render(text_id, VOICE, {**fixed, **values})
                prompts.append(Prompt(pack.code, prompt_key(text_id, values), text_id, words))
    return prompts
