"""A test that needs a tool this machine lacks says which command fixes it; CI never skips."""

from __future__ import annotations

import pytest

from .machine import CHROMIUM_FIX, NODE_FIX, POSTGRES_FIX, missing


@pytest.mark.parametrize("fix", [CHROMIUM_FIX, POSTGRES_FIX, NODE_FIX])
def test_a_missing_tool_skips_naming_the_command_that_fixes_it(monkeypatch, fix):
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception) as skipped:
        missing("something is not installed", fix)

    assert str(skipped.value) == f"something is not installed: run `{fix}`"


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_under_ci_a_missing_tool_fails_instead(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)

    with pytest.raises(pytest.fail.Exception) as failed:
        missing("Chromium is not installed", CHROMIUM_FIX)

    assert "CI must run this test" in str(failed.value) and CHROMIUM_FIX in str(failed.value)


def test_the_fix_commands_exist_and_ci_runs_them():
    import subprocess

    from .machine import REPO

    postgres = REPO / POSTGRES_FIX.split()[-1]
    run = REPO / ".ci" / "run"
    assert postgres.stat().st_mode & 0o111 and run.stat().st_mode & 0o111
    for script in (postgres, run):
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    ci = run.read_text()
    assert ".ci/postgres" in ci and "nodejs npm" in ci and "chromium" in ci
    assert ci.rstrip().endswith("CI=true make test")


def test_nothing_reads_outside_the_repository():
    """The tests' data lives in tests/data/: a clone tests itself with nothing beside it."""
    import subprocess

    from .machine import REPO

    outside = "shared" + "/"  # spelt in two so that this file does not match itself
    found = subprocess.run(
        ["git", "grep", "-n", "-e", outside, "--", "tests", "Makefile", ".ci",
         "pyproject.toml", "helpline", "benchmarks"],
        cwd=REPO, capture_output=True, text=True)
    if found.returncode not in (0, 1):
        pytest.skip("not a git checkout")
    assert found.stdout == ""
