"""Read scripts_content/<lang>.yaml into a Content, and say exactly what is wrong when it can't.

Every problem names the file, the id (or field), the line where known, and how to fix it, so a
content editor who never reads Python can mend a broken file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import (
    CHANNELS,
    PLACEHOLDERS,
    REQUIRED_INTENTS,
    REQUIRED_TEXTS,
    SECTIONS,
    Content,
    LanguageMeta,
    LanguagePack,
    Section,
    Text,
    placeholders_in,
)

#: The language every other language is compared with: it defines the set of ids.
REFERENCE_LANGUAGE = "en"

TEXT_FIELDS = frozenset({"voice", "sms", "title"})
TOP_LEVEL_KEYS = frozenset(
    {"language", "texts", "intents", "reserved", "safety_words", "readability_exempt"}
)
REQUIRED_META = ("code", "name", "say_voice", "say_language", "speech_language")
RESERVED_KINDS = ("opt_out", "opt_in", "help")
SMS_ALPHABETS = ("gsm7", "ucs2")
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


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, worded for the person who will fix it."""

    path: Path
    text_id: str
    message: str
    fix: str
    line: int = 0
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path.name}:{self.line}" if self.line else self.path.name
        return f"{where}: {self.text_id}: {self.message} Fix: {self.fix}"


class ContentError(Exception):
    """The content cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"The content in scripts_content/ has {len(problems)} problem(s):\n{lines}"
        )


# --- reading YAML with line numbers ------------------------------------------------------------


class _ContentYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as editors expect it: YES, NO, ON and OFF are words, not true and false.

    (YAML 1.1 would turn the intent ``yes:`` or the opt-in word YES into a boolean.) Uses
    libyaml's parser where installed: every server process reads all six files at start-up.
    """


_ContentYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, dict[str, int]]:
    """The file's data and the line of every mapping key path ('texts.menu.main' -> 12)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(path, "(file)", f"is not valid UTF-8 ({exc.reason}).", "Save it as UTF-8.")
        )
        return None, {}
    try:
        loader = _ContentYamlLoader(raw)
        try:  # parse once: the node tree gives the lines, the same tree gives the data
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(
            Problem(
                path,
                "(file)",
                f"is not valid YAML: {reason}.",
                "Check the indentation and quotes on that line; a text with a colon "
                "followed by a space must be in quotes.",
                line,
            )
        )
        return None, {}
    lines: dict[str, int] = {}
    if node is not None:
        _collect_lines(node, "", lines, path, problems)
    return data, lines


def _collect_lines(
    node: yaml.Node, prefix: str, lines: dict[str, int], path: Path, problems: list[Problem]
) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        full = f"{prefix}.{key}" if prefix else key
        line = key_node.start_mark.line + 1
        if key in seen:
            problems.append(
                Problem(
                    path,
                    _display_id(full),
                    "appears twice; only the last one would be used.",
                    "Delete or rename one of them.",
                    line,
                )
            )
        seen.add(key)
        lines[full] = line
        _collect_lines(value_node, full, lines, path, problems)


def _display_id(key_path: str) -> str:
    return key_path.removeprefix("texts.")


# --- building a language pack ------------------------------------------------------------------


def _flatten_texts(
    tree: Mapping[str, Any], prefix: str, lines: dict[str, int], path: Path, problems: list[Problem]
) -> dict[str, Text]:
    texts: dict[str, Text] = {}
    for key, value in tree.items():
        text_id = f"{prefix}.{key}" if prefix else str(key)
        line = lines.get(f"texts.{text_id}", 0)
        if isinstance(value, str):
            texts[text_id] = Text(text_id, value.strip(), value.strip(), None, line)
        elif isinstance(value, Mapping) and value and set(value) <= TEXT_FIELDS:
            texts[text_id] = _text_from_fields(text_id, value, line, path, problems)
        elif isinstance(value, Mapping) and value:
            mixed = set(value) & TEXT_FIELDS
            if mixed:
                problems.append(
                    Problem(
                        path,
                        text_id,
                        f"mixes text fields ({', '.join(sorted(mixed))}) with sub-ids "
                        f"({', '.join(sorted(set(value) - TEXT_FIELDS))}).",
                        "Give a text only voice:, sms: and title:, or move the sub-ids out.",
                        line,
                    )
                )
                continue
            texts.update(_flatten_texts(value, text_id, lines, path, problems))
        else:
            problems.append(
                Problem(
                    path,
                    text_id,
                    "is empty or not text.",
                    "Write the words after the colon, or give voice: and sms: under it.",
                    line,
                )
            )
    return texts


def _text_from_fields(
    text_id: str, fields: Mapping[str, Any], line: int, path: Path, problems: list[Problem]
) -> Text:
    values: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(
                Problem(path, f"{text_id}.{name}", "is not text.", "Put the words in quotes.", line)
            )
            value = str(value)
        values[name] = value.strip() if isinstance(value, str) else None
    if not values["voice"] and not values["sms"]:
        problems.append(
            Problem(path, text_id, "has no voice: or sms: words.", "Add the words to speak.", line)
        )
    return Text(text_id, values["voice"], values["sms"], values["title"], line)


def _sections(texts: Mapping[str, Text]) -> dict[str, Section]:
    sections = {}
    for name in SECTIONS:
        intro = texts.get(f"{name}.intro")
        items = tuple(
            text
            for text_id, text in texts.items()
            if text_id.startswith(f"{name}.")
            and text_id.count(".") == 1
            and text_id != f"{name}.intro"
        )
        sections[name] = Section(name, intro, items)
    return sections


def _word_list(
    value: Any, where: str, path: Path, line: int, problems: list[Problem]
) -> tuple[str, ...]:
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


def _meta(data: Mapping[str, Any], path: Path, lines: dict[str, int], problems: list[Problem]):
    raw = data.get("language")
    line = lines.get("language", 0)
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(
                path,
                "language",
                "is missing.",
                "Start the file with a language: block (code, name, say_voice, say_language, "
                "speech_language).",
                line,
            )
        )
        return None
    missing = [key for key in REQUIRED_META if not raw.get(key)]
    for key in missing:
        problems.append(
            Problem(
                path,
                f"language.{key}",
                "is missing.",
                f"Add {key}: under language: (see en.yaml for an example).",
                line,
            )
        )
    if missing:
        return None
    code = str(raw["code"]).lower()
    if code != path.stem.lower():
        problems.append(
            Problem(
                path,
                "language.code",
                f"is {code!r} but the file is named {path.name}.",
                f"Rename the file to {code}.yaml or set code: {path.stem}.",
                lines.get("language.code", line),
            )
        )
    alphabet = str(raw.get("sms_alphabet", "gsm7")).lower()
    if alphabet not in SMS_ALPHABETS:
        problems.append(
            Problem(
                path,
                "language.sms_alphabet",
                f"is {alphabet!r}.",
                "Use gsm7 (Latin languages) or ucs2 (Chinese, Arabic, Russian, ...).",
                lines.get("language.sms_alphabet", line),
            )
        )
    known = {f for f in LanguageMeta.__dataclass_fields__}
    for key in raw:
        if key not in known:
            problems.append(
                Problem(
                    path,
                    f"language.{key}",
                    "is not a setting the helpline knows.",
                    f"Use one of: {', '.join(sorted(known))}.",
                    lines.get(f"language.{key}", line),
                )
            )
    values = {key: raw[key] for key in raw if key in known}
    values["code"] = code
    values["sms_alphabet"] = alphabet
    return LanguageMeta(**values)


def load_language(path: Path, problems: list[Problem]) -> LanguagePack | None:
    """One language file, or None when it is too broken to use (problems says why)."""
    data, lines = _read_yaml(path, problems)
    if data is None:
        if not problems or problems[-1].path != path:
            problems.append(Problem(path, "(file)", "is empty.", "Write the language's content."))
        return None
    if not isinstance(data, Mapping):
        problems.append(
            Problem(path, "(file)", "is not a mapping of ids.", "See en.yaml for the layout.")
        )
        return None
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.append(
                Problem(
                    path,
                    str(key),
                    "is not a part of a content file.",
                    f"Use only: {', '.join(sorted(TOP_LEVEL_KEYS))}.",
                    lines.get(str(key), 0),
                )
            )
    meta = _meta(data, path, lines, problems)
    tree = data.get("texts")
    if not isinstance(tree, Mapping):
        problems.append(
            Problem(path, "texts", "is missing.", "Add a texts: block.", lines.get("texts", 0))
        )
        return None
    texts = _flatten_texts(tree, "", lines, path, problems)
    intents_raw = data.get("intents") or {}
    intents = {
        str(name): _word_list(
            words, f"intents.{name}", path, lines.get(f"intents.{name}", 0), problems
        )
        for name, words in (intents_raw.items() if isinstance(intents_raw, Mapping) else ())
    }
    reserved_raw = data.get("reserved") or {}
    reserved = {
        kind: _word_list(
            reserved_raw.get(kind) if isinstance(reserved_raw, Mapping) else None,
            f"reserved.{kind}",
            path,
            lines.get(f"reserved.{kind}", 0),
            problems,
        )
        for kind in RESERVED_KINDS
    }
    safety = _word_list(
        data.get("safety_words"), "safety_words", path, lines.get("safety_words", 0), problems
    )
    exempt_raw = data.get("readability_exempt") or {}
    exempt = (
        {str(k): str(v) for k, v in exempt_raw.items()} if isinstance(exempt_raw, Mapping) else {}
    )
    if meta is None:
        return None
    return LanguagePack(
        meta=meta,
        texts=texts,
        intents=intents,
        reserved=reserved,
        safety_words=safety,
        readability_exempt=exempt,
        path=path,
        sections=_sections(texts),
    )


# --- checks across a pack and across languages -------------------------------------------------


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
    problems: list[Problem],
    required_texts: Iterable[str],
    required_intents: Iterable[str],
) -> None:
    """The reference language defines the ids: the ones the flows need, and only pieces besides."""
    required = set(required_texts)
    for text_id in required:
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
        section = text_id.split(".")[0]
        if not required or text_id in required or (section in SECTIONS and text_id.count(".") == 1):
            continue
        problems.append(
            Problem(
                pack.path,
                text_id,
                "is not used by the helpline.",
                "Check the spelling of the id; a text's fields are only voice:, sms: and title:.",
                text.line,
            )
        )
    if required:
        for name in SECTIONS:
            if not pack.sections.get(name) or not pack.sections[name].items:
                problems.append(
                    Problem(
                        pack.path,
                        name,
                        "has no pieces to read.",
                        f"Add at least one entry besides intro under {name}:.",
                    )
                )
    for intent in required_intents:
        if not pack.intents.get(intent):
            problems.append(
                Problem(
                    pack.path,
                    f"intents.{intent}",
                    "has no words.",
                    "List the words a caller would say or a texter would type for it.",
                )
            )


def check_against_reference(
    pack: LanguagePack, reference: LanguagePack, problems: list[Problem]
) -> None:
    """Every language has every id of the reference, with the same placeholders."""
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
            if not words:
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


# --- the whole content folder ------------------------------------------------------------------


def available_languages(content_dir: Path) -> list[str]:
    return sorted(p.stem for p in Path(content_dir).glob("*.yaml"))


def load_packs(
    content_dir: Path,
    codes: Iterable[str],
    required_texts: Iterable[str] = REQUIRED_TEXTS,
    required_intents: Iterable[str] = REQUIRED_INTENTS,
) -> tuple[dict[str, LanguagePack], list[Problem]]:
    """Load and check the named languages plus the reference; return packs and problems.

    ``required_*`` name what the flows need; a small test fixture passes empty ones.
    """
    content_dir = Path(content_dir)
    problems: list[Problem] = []
    codes = list(dict.fromkeys(codes))
    wanted = list(dict.fromkeys([REFERENCE_LANGUAGE, *codes]))
    packs: dict[str, LanguagePack] = {}
    for code in wanted:
        path = content_dir / f"{code}.yaml"
        if not path.exists():
            problems.append(
                Problem(
                    path,
                    "(file)",
                    f"does not exist, but language {code!r} is enabled.",
                    f"Write {path.name} (copy en.yaml and translate it), or remove {code!r} "
                    "from HELPLINE_LANGUAGES.",
                )
            )
            continue
        pack = load_language(path, problems)
        if pack is not None:
            check_pack(pack, problems)
            packs[code] = pack
    reference = packs.get(REFERENCE_LANGUAGE)
    if reference is not None:
        check_reference(reference, problems, required_texts, required_intents)
        for code, pack in packs.items():
            if code != REFERENCE_LANGUAGE:
                check_against_reference(pack, reference, problems)
    return {code: packs[code] for code in codes if code in packs}, problems


def load_content(content_dir: Path, codes: Iterable[str], **required: Iterable[str]) -> Content:
    """The enabled languages, checked; raises ContentError listing every problem."""
    packs, problems = load_packs(content_dir, codes, **required)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    if not packs:
        raise ContentError(
            [
                Problem(
                    Path(content_dir),
                    "(languages)",
                    "no language is enabled.",
                    "Set HELPLINE_LANGUAGES, e.g. en.",
                )
            ]
        )
    return Content(languages=packs, source_dir=Path(content_dir))
