"""The two commands of the quick start say what is missing in one line, instead of failing
somewhere inside pip or npm."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed: run `sudo apt-get install make`")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("goal", ["run", "test"])
def test_a_python_too_old_is_named_with_the_way_out(checkout, goal):
    result = subprocess.run(["make", goal, "PYTHON=/bin/false"], cwd=checkout,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert (f"The helpline needs Python 3.11 or newer; /bin/false is older or missing. "
            f"Name another: make {goal} PYTHON=python3.12") in result.stdout
    assert not (checkout / ".venv").exists()


def test_without_npm_make_test_says_which_tests_it_will_skip(checkout):
    make = shutil.which("make")
    result = subprocess.run([make, ".prism/node_modules/.bin/prism"], cwd=checkout,
                            capture_output=True, text=True, timeout=60,
                            env={"PATH": str(checkout / "no-such-bin")})

    assert result.returncode == 0
    assert result.stdout.strip() == ("npm not found: the Twilio API tests will be skipped "
                                     "(sudo apt-get install nodejs npm)")
