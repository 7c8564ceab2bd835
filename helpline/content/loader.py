"""Read scripts_content/ (the catalogue and one file per language) into a Content.

Problems are collected, not raised one at a time, so an editor sees everything to mend at once;
each names the file, the id, the line and the fix (see problems.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .catalogue import CATALOGUE_FILE, Catalogue, parse_catalogue
from .model import (
    COMMAND_INTENTS,
    REQUIRED_TEXTS,
    Content,
    LanguageMeta,
    LanguagePack,
    Section,
    Text,
)
from .problems import ContentError, Problem
from .validation import (
    check_against_reference,
    check_pack,
    check_reference,
    check_reference_placeholders,
)
from .vocabulary import SPOKEN_DIGITS
from .words import check_words_against_reference, spoken_digits
from .words import word_list as _word_list
from .yaml_file import read_yaml

#: The language every other language is compared with: it defines the set of ids.
REFERENCE_LANGUAGE = "en"

TEXT_FIELDS = frozenset({"voice", "sms", "title"})
TOP_LEVEL_KEYS = frozenset(
    {"language", "texts", "intents", "reserved", "opt_out_phrases", "spoken_digits",
     "safety_words", "readability_exempt", "sensitive_words"}
)
REQUIRED_META = ("code", "name", "helpline_name", "say_voice", "say_language", "speech_language")
RESERVED_KINDS = ("opt_out", "opt_in", "help")
SMS_ALPHABETS = ("gsm7", "ucs2", "economy")


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


def _sections(texts: Mapping[str, Text], catalogue: Catalogue) -> dict[str, Section]:
    """Each catalogue section's texts: ``<id>.intro``, then every ``<id>.<piece>`` in order."""
    sections = {}
    for name in catalogue.ids:
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
                "Use gsm7 (English), economy (Spanish, French: accents GSM-7 lacks left off, as "
                "texters write) or ucs2 (any letter, three times the cost).",
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


def load_language(path: Path, catalogue: Catalogue,
                  problems: list[Problem]) -> LanguagePack | None:
    """One language file, or None when it is too broken to use (problems says why)."""
    data, lines = read_yaml(path, problems)
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
        sections=_sections(texts, catalogue),
        opt_out_phrases=_word_list(data.get("opt_out_phrases"), "opt_out_phrases", path,
                                   lines.get("opt_out_phrases", 0), problems),
        spoken_digits=spoken_digits(data.get("spoken_digits"), path, lines, problems),
        sensitive_words=_word_list(data.get("sensitive_words"), "sensitive_words", path,
                                   lines.get("sensitive_words", 0), problems),
    )


# --- the whole content folder ------------------------------------------------------------------


def available_languages(content_dir: Path) -> list[str]:
    """Language codes with a file in the folder (every YAML file but the catalogue)."""
    return sorted(p.stem for p in Path(content_dir).glob("*.yaml") if p.name != CATALOGUE_FILE)


def load_catalogue(content_dir: Path, problems: list[Problem]) -> Catalogue | None:
    path = Path(content_dir) / CATALOGUE_FILE
    if not path.exists():
        problems.append(Problem(path, "(file)", "does not exist.",
                                "Copy catalogue.yaml from the shipped scripts_content/ folder: "
                                "it lists the helpline's sections."))
        return None
    data, lines = read_yaml(path, problems)
    return parse_catalogue(data, lines, path, problems)


def load_packs(
    content_dir: Path,
    codes: Iterable[str],
    required_texts: Iterable[str] = REQUIRED_TEXTS,
    required_intents: Iterable[str] = COMMAND_INTENTS,
) -> tuple[Catalogue | None, dict[str, LanguagePack], list[Problem]]:
    """Load and check the catalogue and the named languages plus the reference.

    ``required_*`` name what the flows need; a small test fixture passes empty ones (and then
    nothing the catalogue implies is required either).
    """
    content_dir = Path(content_dir)
    problems: list[Problem] = []
    catalogue = load_catalogue(content_dir, problems)
    if catalogue is None:
        return None, {}, problems
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
        pack = load_language(path, catalogue, problems)
        if pack is not None:
            check_pack(pack, problems)
            packs[code] = pack
    reference = packs.get(REFERENCE_LANGUAGE)
    if reference is not None:
        # The catalogue's vocabulary names the word lists every language must have.
        vocabulary = [name for name in catalogue.vocabulary if name != SPOKEN_DIGITS]
        check_reference(reference, catalogue, problems, required_texts,
                        [*required_intents, *vocabulary])
        others = [pack for code, pack in packs.items() if code != REFERENCE_LANGUAGE]
        faulty = check_reference_placeholders(reference, others, problems)
        for pack in others:
            check_against_reference(pack, reference, problems, faulty)
            check_words_against_reference(pack, reference, problems)
    return catalogue, {code: packs[code] for code in codes if code in packs}, problems


def load_content(content_dir: Path, codes: Iterable[str], **required: Iterable[str]) -> Content:
    """The catalogue and the enabled languages, checked; raises ContentError listing every
    problem."""
    catalogue, packs, problems = load_packs(content_dir, codes, **required)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    if not packs or catalogue is None:
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
    return Content(languages=packs, catalogue=catalogue)
