"""The README tells the truth: every command, option, setting, make target and file it names
exists, its example environment file is one systemd reads as meant, and no paragraph is said
twice."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import click
import pytest

from helpline.cli import cli
from helpline.config import DEFAULTS

from .machine import CHROMIUM_FIX, NODE_FIX, POSTGRES_FIX

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", README, re.MULTILINE)
    assert match, f"no section {title!r} in the README"
    level = len(match.group(1))
    rest = README[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def code_blocks(text: str = README) -> list[str]:
    return re.findall(r"^ *```[a-z]*\n(.*?)^ *```", text, re.MULTILINE | re.DOTALL)


def spans() -> list[str]:
    """Every inline `code` span and every line of every code block."""
    lines = [line.strip() for block in code_blocks() for line in block.splitlines()]
    prose = re.sub(r"^ *```.*?^ *```", "", README, flags=re.MULTILINE | re.DOTALL)
    return lines + re.findall(r"`([^`\n]+)`", prose)


def environment_example() -> dict[str, str]:
    """The example environment file under "Going live", as systemd would read it."""
    (block,) = [b for b in code_blocks(section("Going live")) if "TWILIO_AUTH_TOKEN=" in b]
    values = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_the_example_environment_file_has_no_comment_after_a_value():
    from helpline.config import load_settings

    example = environment_example()
    assert {"TWILIO_AUTH_TOKEN", "HELPLINE_PUBLIC_URL", "HELPLINE_TRUSTED_PROXIES"} <= set(example)
    for name, value in example.items():
        assert re.fullmatch(r"[A-Z_]+", name), name
        assert "#" not in value, f"{name}={value}"
    real = {name: value for name, value in example.items()
            if name in ("TWILIO_FROM_NUMBER", "HELPLINE_PUBLIC_URL", "HELPLINE_TRUSTED_PROXIES")}
    assert load_settings(real, None)["HELPLINE_TRUSTED_PROXIES"] == 1


def _mentioned_settings() -> set[str]:
    names = set(re.findall(r"\b(?:TWILIO|HELPLINE)_[A-Z0-9_]*[A-Z0-9]\b|\bDATABASE_URL\b", README))
    return {name for name in names if not name.endswith("_")}


def test_every_setting_the_readme_names_is_read_by_the_helpline_or_its_tests():
    source = "\n".join(path.read_text(encoding="utf-8") for folder in ("helpline", "tests")
                       for path in (REPO / folder).rglob("*.py")
                       if path.name != "test_readme.py")
    unknown = sorted(name for name in _mentioned_settings()
                     if name not in DEFAULTS and f'"{name}' not in source)
    assert unknown == []


def _command(words: list[str]) -> tuple[click.Command, list[str], list[str]]:
    """The command named by the leading words, the words that named it, and the rest."""
    command: click.Command = cli
    path = []
    ctx = click.Context(cli)
    while words and isinstance(command, click.Group):
        sub = command.get_command(ctx, words[0])
        if sub is None:
            break
        command, path, words = sub, [*path, words[0]], words[1:]
    return command, path, words


def _helpline_mentions() -> list[str]:
    found = []
    for span in spans():
        match = re.match(r"(?:\.venv/bin/)?helpline (.*)$", span.split("#")[0].strip())
        if match and match.group(1).strip() != "...":
            found.append(match.group(1))
    return found


def test_the_readme_names_commands_to_check():
    assert len(_helpline_mentions()) > 20


@pytest.mark.parametrize("mention", sorted(set(_helpline_mentions())))
def test_every_command_and_option_the_readme_names_exists(mention):
    words = shlex.split(re.sub(r"[\[\]|]", " ", mention).replace("'", "").replace('"', ""))
    command, path, rest = _command(words)
    if not path:
        assert words[0].startswith("-"), f"no command {words[0]!r}"
    options = {name for param in command.params for name in getattr(param, "opts", [])}
    options |= {name for param in command.params for name in getattr(param, "secondary_opts", [])}
    named = {word.split("=")[0] for word in rest if word.startswith("-")}
    assert named <= options | {"--help"}, f"helpline {' '.join(path)}: {named - options}"


def test_every_make_target_the_readme_names_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.MULTILINE))
    named = {m for span in spans() for m in re.findall(r"\bmake ([a-z][a-z-]*)", span)}
    assert {"run", "test", "check-content"} <= named
    assert named <= targets


def test_every_repository_file_the_readme_names_exists():
    prefixes = ("tests/", "deploy/", ".ci/", "helpline/", "benchmarks/", "scripts_content/",
                "docs/", "SECURITY.md")
    named = {span.split()[-1].rstrip(".,:;)") for span in spans()
             if span.split() and span.split()[-1].startswith(prefixes)}
    named = {path for path in named if not re.search(r"[<>*{]", path)}
    assert named, "the README names no files"
    assert sorted(path for path in named if not (REPO / path).exists()) == []


def test_no_paragraph_is_said_twice():
    prose = re.sub(r"^ *```.*?^ *```", "", README, flags=re.MULTILINE | re.DOTALL)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", prose)]
    paragraphs = [p for p in paragraphs if len(p) > 60 and not p.startswith("|")]
    twice = sorted({p[:80] for p in paragraphs if paragraphs.count(p) > 1})
    assert twice == []


def test_the_quick_start_names_every_prerequisite_and_its_fix():
    quick = section("Quick start")
    python = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]

    assert f"Python {python.removeprefix('>=')}" in quick
    for word in ("`make`", "Node.js", "npm", "Chromium", "PostgreSQL", "CI=true",
                 ". .venv/bin/activate", ".venv/bin/helpline"):
        assert word in quick, word
    for fix in (CHROMIUM_FIX, POSTGRES_FIX, NODE_FIX.split(" && ")[0]):
        assert f"`{fix}`" in quick, fix


def test_content_editing_says_to_run_make_check_content():
    assert "make check-content" in section("Editing the content")


def _terminal_examples() -> list[str]:
    lines = [line.strip() for block in code_blocks() for line in block.splitlines()]
    return [re.split(r"\s#\s", line)[0].strip() for line in lines
            if line.startswith(("helpline simulate", "helpline report", "helpline content"))]


@pytest.mark.parametrize("line", _terminal_examples())
def test_the_terminal_examples_work_as_written(tmp_path, line):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from helpline import create_app

    local = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
             "DATABASE_URL": f"sqlite:///{tmp_path / 'helpline.sqlite3'}",
             "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": ""}
    info = ScriptInfo(create_app=lambda: create_app(local))

    result = CliRunner().invoke(cli, shlex.split(line)[1:], obj=info)

    assert result.exit_code == 0, result.output


def test_the_readme_has_terminal_examples():
    assert len(_terminal_examples()) >= 4
