"""Reading a content file: YAML as editors expect it, with the line of every key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem


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


def read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, dict[str, int]]:
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
                    display_id(full),
                    "appears twice; only the last one would be used.",
                    "Delete or rename one of them.",
                    line,
                )
            )
        seen.add(key)
        lines[full] = line
        _collect_lines(value_node, full, lines, path, problems)


def display_id(key_path: str) -> str:
    return key_path.removeprefix("texts.")
