"""Checks on loaded language packs: each on its own, the reference language, and every other
language against the reference."""

from __future__ import annotations

from collections.abc import Iterable

from .catalogue import Catalogue
from .model import CHANNELS, PLACEHOLDERS, LanguagePack, placeholders_in
from .problems import Problem

MAX_READABILITY_EXEMPTIONS = 5

#: Characters that turn an SMS into UCS-2 (three times the cost) but have a plain equivalent.
SMART_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": "a plain space",
}


def check_pack(pack: LanguagePack, problems: list[Problem]) -> None:
    """Checks one language can pass on its own: placeholders, SMS punctuation, exemptions."""
    for text in pack.texts.values():
        for channel in CHANNELS:
            words = text.for_channel(channel)
            if not words:
                continue
            where = f"{text.id} ({channel})"
            try:
                names = placeholders_in(words)
            except ValueError:
                problems.append(
                    Problem(
                        pack.path,
                        where,
                        "has a lone { or } brace.",
                        "Write placeholders as {name}; a brace on its own is not allowed.",
                        text.line,
                    )
                )
                continue
            unknown = sorted(names - PLACEHOLDERS)
            if unknown:
                problems.append(
                    Problem(
                        pack.path,
                        where,
                        f"uses unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}.",
                        f"Use only: {', '.join('{' + n + '}' for n in sorted(PLACEHOLDERS))}.",
                        text.line,
                    )
                )
            if channel == "sms" and pack.meta.sms_alphabet == "gsm7":
                smart = sorted({ch for ch in words if ch in SMART_PUNCTUATION})
                if smart:
                    shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in smart)
                    plain = ", ".join(f"{SMART_PUNCTUATION[ch]}" for ch in smart)
                    problems.append(
                        Problem(
                            pack.path,
                            where,
                            f"has {shown}, which makes the text UCS-2 and about three times "
                            "the cost to send.",
                            f"Replace with plain characters: {plain}.",
                            text.line,
                        )
                    )
    if len(pack.readability_exempt) > MAX_READABILITY_EXEMPTIONS:
        problems.append(
            Problem(
                pack.path,
                "readability_exempt",
                f"lists {len(pack.readability_exempt)} ids; at most "
                f"{MAX_READABILITY_EXEMPTIONS} may be exempt.",
                "Rewrite the texts in shorter sentences and plainer words instead.",
            )
        )
    for text_id, reason in pack.readability_exempt.items():
        if text_id not in pack.texts:
            problems.append(
                Problem(
                    pack.path,
                    f"readability_exempt.{text_id}",
                    "names no text.",
                    "Remove it or correct the id.",
                )
            )
        elif not reason.strip():
            problems.append(
                Problem(
                    pack.path,
                    f"readability_exempt.{text_id}",
                    "gives no reason.",
                    "Say why this text cannot be plainer.",
                )
            )


def check_reference(
    pack: LanguagePack,
    catalogue: Catalogue,
    problems: list[Problem],
    required_texts: Iterable[str],
    required_intents: Iterable[str],
) -> None:
    """The reference language defines the ids: those the flows and the catalogue need, and
    only section pieces besides."""
    required = set(required_texts)
    if required:
        required |= catalogue.required_texts()
    for text_id in sorted(required):
        if text_id not in pack.texts:
            problems.append(
                Problem(
                    pack.path,
                    text_id,
                    "is missing; the helpline speaks or texts it.",
                    f"Add {text_id} with voice: and/or sms: words (see the README's content "
                    "section).",
                )
            )
    for text_id, text in pack.texts.items():
        if not required or text_id in required or (
                catalogue.section_of(text_id) is not None and text_id.count(".") == 1):
            continue
        problems.append(
            Problem(
                pack.path,
                text_id,
                "is not used by the helpline.",
                "Check the spelling of the id; a text's fields are only voice:, sms: and title:. "
                "A new section must be listed in catalogue.yaml first.",
                text.line,
            )
        )
    intents = list(required_intents)
    if required:
        for section in catalogue:
            found = pack.sections.get(section.id)
            if not found or not found.items:
                problems.append(
                    Problem(
                        pack.path,
                        section.id,
                        "has no pieces to read.",
                        f"Add at least one entry besides intro under {section.id}: in "
                        f"{pack.path.name}.",
                        section.line,
                    )
                )
                continue
            intents.append(section.id)
            if section.chooser:
                intents.extend(found.item_ids)
    for intent in intents:
        if not pack.intents.get(intent):
            problems.append(
                Problem(
                    pack.path,
                    f"intents.{intent}",
                    "has no words.",
                    "List the words a caller would say or a texter would type for it.",
                )
            )


def check_reference_placeholders(
    reference: LanguagePack, others: Iterable[LanguagePack], problems: list[Problem]
) -> set[tuple[str, str]]:
    """Texts whose placeholders are wrong in the reference itself: reported once, against the
    reference, instead of once per translation. Returns their (id, channel) to skip later.

    Misspelt ({helpline_nam}): check_pack already reported it in the reference. Removed or
    added: when at least two translations agree with each other and not with the reference,
    the reference is the one to fix.
    """
    others = list(others)
    faulty: set[tuple[str, str]] = set()
    for text_id, ref_text in reference.texts.items():
        for channel in CHANNELS:
            ref_words = ref_text.for_channel(channel)
            if not ref_words:
                continue
            try:
                theirs = placeholders_in(ref_words)
            except ValueError:
                faulty.add((text_id, channel))  # a lone brace, reported by check_pack
                continue
            if theirs - PLACEHOLDERS:
                faulty.add((text_id, channel))  # misspelt, reported by check_pack
                continue
            translated = []
            for pack in others:
                text = pack.texts.get(text_id)
                words = text.for_channel(channel) if text else None
                try:
                    translated.append((pack, placeholders_in(words)) if words else None)
                except ValueError:
                    translated.append(None)
            agreed = {frozenset(names) for item in translated if item for _, names in [item]}
            if len([item for item in translated if item]) >= 2 and len(agreed) == 1:
                (names,) = agreed
                if names != theirs:
                    faulty.add((text_id, channel))
                    files = ", ".join(pack.path.name for pack, _ in filter(None, translated))
                    problems.append(Problem(
                        reference.path,
                        f"{text_id} ({channel})",
                        f"uses placeholders {_braces(theirs)} but every translation ({files}) "
                        f"uses {_braces(names)}.",
                        _reference_fix(reference.path.name, theirs, set(names)),
                        ref_text.line,
                    ))
    return faulty


def _reference_fix(name: str, theirs: set[str], translated: set[str]) -> str:
    missing, extra = translated - theirs, theirs - translated
    if missing and not extra:
        return f"Put {_braces(missing)} back in {name}; every language uses the same ones."
    if extra and not missing:
        return f"Remove {_braces(extra)} from {name}, or add it to every translation."
    return f"Use {_braces(translated)} in {name}, as the translations do."


def check_against_reference(
    pack: LanguagePack, reference: LanguagePack, problems: list[Problem],
    skip: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Every language has every id of the reference, with the same placeholders (except where
    the reference itself is at fault: ``skip``)."""
    for text_id, ref_text in reference.texts.items():
        text = pack.texts.get(text_id)
        if text is None:
            problems.append(
                Problem(
                    pack.path,
                    text_id,
                    f"is missing (it is in {reference.path.name}, line {ref_text.line}).",
                    f"Add {text_id} to {pack.path.name}, worded for {pack.meta.name} speakers.",
                )
            )
            continue
        for channel in CHANNELS:
            ref_words, words = ref_text.for_channel(channel), text.for_channel(channel)
            if bool(ref_words) != bool(words):
                have = "has" if words else "has no"
                problems.append(
                    Problem(
                        pack.path,
                        f"{text_id} ({channel})",
                        f"{have} {channel}: words but {reference.path.name} "
                        f"{'has none' if words else 'does'}.",
                        f"Give {text_id} the same fields (voice:, sms:) in every language.",
                        text.line,
                    )
                )
                continue
            if not words or (text_id, channel) in skip:
                continue
            try:
                mine, theirs = placeholders_in(words), placeholders_in(ref_words)
            except ValueError:
                continue  # reported by check_pack
            if mine != theirs:
                problems.append(
                    Problem(
                        pack.path,
                        f"{text_id} ({channel})",
                        f"uses placeholders {_braces(mine)} but {reference.path.name} uses "
                        f"{_braces(theirs)}.",
                        "Use the same {placeholders} in every language; only the words around "
                        "them change.",
                        text.line,
                    )
                )
    for text_id, text in pack.texts.items():
        if text_id not in reference.texts:
            problems.append(
                Problem(
                    pack.path,
                    text_id,
                    f"is not in {reference.path.name}, so no caller would ever hear it.",
                    f"Remove it, or add it to {reference.path.name} first.",
                    text.line,
                )
            )
    for intent in reference.intents:
        if not pack.intents.get(intent):
            problems.append(
                Problem(
                    pack.path,
                    f"intents.{intent}",
                    "has no words.",
                    f"List the words a {pack.meta.name} speaker would say or text for it.",
                )
            )


def _braces(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join("{" + n + "}" for n in names) if names else "none"
