"""The hashed production pins (requirements/production.txt) agree with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PINNED = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+)")


def pins() -> dict[str, tuple[str, str]]:
    """name -> (version, the pin's whole entry up to the next pin)."""
    text = (REPO / "requirements" / "production.txt").read_text()
    found: dict[str, tuple[str, str]] = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    for entry in entries:
        match = PINNED.match(entry)
        if match:
            found[canonicalize_name(match.group(1))] = (match.group(2), entry)
    return found


def test_every_dependency_is_pinned_within_its_range_and_with_hashes():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pinned = pins()

    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is missing: run `make requirements`"
        version, entry = pinned[name]
        assert requirement.specifier.contains(version), (
            f"{name}=={version} is outside {requirement.specifier}: run `make requirements`")
    assert all("--hash=sha256:" in entry for _, entry in pinned.values())
