"""The shipped catalogue, for tests of the pure core that build a menu or a table by hand."""

from __future__ import annotations

from pathlib import Path

from helpline.content import Catalogue
from helpline.content.loader import load_catalogue

REPO = Path(__file__).resolve().parent.parent


def shipped_catalogue() -> Catalogue:
    problems: list = []
    catalogue = load_catalogue(REPO / "scripts_content", problems)
    assert catalogue is not None and not problems, problems
    return catalogue
