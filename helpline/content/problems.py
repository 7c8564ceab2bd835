"""What is wrong with the content, worded for the person who will fix it.

Every problem names the file, the id (or field), the line where known, and how to fix it, so a
content editor who never reads Python can mend a broken file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
