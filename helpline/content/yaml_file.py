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
        problems.append(_yaml_problem(path, raw, exc))
        return None, {}
    lines: dict[str, int] = {}
    if node is not None:
        _collect_lines(node, "", lines, path, problems)
    return data, lines


def _yaml_problem(path: Path, raw: str, exc: yaml.YAMLError) -> Problem:
    """The parser's own words, at the line where the mistake starts.

    The parser notices a mistake where it can no longer go on, which for an unclosed quote can
    be dozens of lines further down (wherever the next quote happens to be). So the line given
    is the one where the trouble starts: a tab used for indentation, or a quote never closed.
    """
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    problem_mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context_line = context_mark.line + 1 if context_mark else 0
    problem_line = problem_mark.line + 1 if problem_mark else 0
    said = problem + (f" at line {problem_line}" if problem_line else "")
    if context:
        said = f"{context}" + (f" at line {context_line}" if context_line else "") + f", {said}"
    rows = raw.splitlines()
    tab = _first_indenting_tab(rows, problem_line)
    if tab:
        return Problem(path, "(file)", f"is not valid YAML: {said}.",
                       f"Line {tab} starts with a tab. YAML does not allow tabs for "
                       "indentation: indent with spaces, the same number as the lines around it.",
                       tab)
    quote = _unclosed_quote(rows, context_line or 1, problem_line or len(rows))
    if quote:
        return Problem(path, "(file)", f"is not valid YAML: {said}.",
                       f"The quote opened on line {quote} is never closed on that line. Close "
                       "it there, or write a long text without quotes after >- on the next "
                       "lines.", quote)
    return Problem(path, "(file)", f"is not valid YAML: {said}.",
                   "Check the indentation and quotes on that line; a text with a colon "
                   "followed by a space must be in quotes.", problem_line or context_line)


def _first_indenting_tab(rows: list[str], problem_line: int) -> int:
    """The first line (1-based) indented with a tab, up to the line the parser choked on."""
    for number, row in enumerate(rows, start=1):
        indent = row[: len(row) - len(row.lstrip(" \t"))]
        if "\t" in indent and (not problem_line or number <= problem_line):
            return number
    return 0


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^#'"\s][^#]*?:\s+)?(["'])(.*)$""")


def _unclosed_quote(rows: list[str], first: int, last: int) -> int:
    """The first line from ``first`` to ``last`` (1-based) whose value opens a quote that the
    line does not close."""
    for number in range(max(first, 1), min(last, len(rows)) + 1):
        match = _QUOTED_VALUE.match(rows[number - 1])
        if not match:
            continue
        quote, rest = match.groups()
        closed = (re.search(r'(?<!\\)"', rest) if quote == '"'
                  else re.search(r"'(?!')", rest.replace("''", "")))
        if not closed:
            return number
    return 0


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
